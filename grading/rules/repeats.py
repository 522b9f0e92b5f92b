"""Repeated events: the same event sent again is loaded once; a repeat that *disagrees* is named.

An event is identified by (complaint, time, kind). Loading the same file twice, or an overlapping
newer export, repeats events: those are counted as already stored and not stored twice. A repeat
whose other fields differ (the same registration with another district, the same closure with
another outcome) is not the same event sent again: it is a **conflict**, set aside with both values
and never dropped silently; the first one (stored, or earlier in the file) stands. Pure Polars.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.model.problems import PROBLEM_SCHEMA

KEY: Final = ["complaint_id", "event_time", "event"]
#: Fields compared between an event and its repeat. The complainant and note are stored transformed
#: (a pseudonym, masked text), so they cannot be compared with a file's raw values.
COMPARED: Final = ("level", "department", "district", "category", "channel", "outcome", "limit_days")
#: A newer per-request export legitimately changes an agency (a transfer) and a due time: compared
#: there are only the fields a request keeps.
SNAPSHOT_COMPARED: Final = ("level", "district", "category", "channel", "outcome")


def _differs(columns: tuple[str, ...], other: str) -> list[pl.Expr]:
    """Per column: whether this row's value differs from ``<column><other>`` (nulls compared as values)."""
    return [pl.col(c).cast(pl.String).ne_missing(pl.col(f"{c}{other}").cast(pl.String)) for c in columns]


def _problems(rows: pl.DataFrame, columns: tuple[str, ...], other: str, where: str) -> pl.DataFrame:
    """One problem per conflicting row: its first differing field, its value, and the standing value."""
    if rows.is_empty():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    field = pl.coalesce([pl.when(d).then(pl.lit(c)) for c, d in zip(columns, _differs(columns, other), strict=True)])
    shown = pl.coalesce([pl.when(field == c).then(pl.col(c).cast(pl.String)) for c in columns])
    standing = pl.coalesce([pl.when(field == c).then(pl.col(f"{c}{other}").cast(pl.String)) for c in columns])
    return rows.select(
        "row_number",
        pl.col("complaint_id").cast(pl.String),
        field=field,
        value=shown,
        reason=pl.format(
            "the same event (complaint, time, kind) {} with {} {}: a conflicting repeat, set aside",
            pl.lit(where),
            field,
            pl.when(standing.is_null()).then(pl.lit("empty")).otherwise(pl.format("'{}'", standing)),
        ),
    ).cast(PROBLEM_SCHEMA)


def split_repeats(
    new: pl.DataFrame, stored: pl.DataFrame, compared: tuple[str, ...] = COMPARED
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Return ``(fresh events, conflicts, repeats)`` for a chunk of new events.

    ``new``: events (``EVENT_SCHEMA`` plus ``row_number``); ``stored``: the stored events of the same
    complaints. ``fresh`` holds the first row of each key in ``new`` that is not stored (sorted by key);
    ``conflicts`` (``PROBLEM_SCHEMA``) the repeats that differ in a ``compared`` field from the row
    that stands; ``repeats`` counts the repeats that agree (already stored, or twice in the file).
    """
    ordered = new.sort(*KEY, "row_number")
    repeated = pl.all_horizontal([pl.col(k) == pl.col(k).shift(1) for k in KEY]).fill_null(False)
    start = pl.when(~repeated).then(pl.int_range(pl.len())).forward_fill()  # the row of the key's first
    marked = ordered.with_columns(_repeated=repeated, _start=start)
    first = marked.filter(~pl.col("_repeated")).select(ordered.columns)
    later = marked.filter(pl.col("_repeated"))  # the first row's values fetched for these rows only
    later = later.with_columns(**{f"{c}_first": ordered[c].gather(later["_start"]) for c in compared})
    file_conflicts = later.filter(pl.any_horizontal(_differs(compared, "_first")))
    found = [_problems(file_conflicts, compared, "_first", "is earlier in this file")]
    fresh = first
    if stored.height:
        standing = stored.select(*KEY, *[pl.col(c).alias(f"{c}_stored") for c in compared])
        matched = first.join(standing, on=KEY, how="inner")
        differing = matched.filter(pl.any_horizontal(_differs(compared, "_stored")))
        found.append(_problems(differing, compared, "_stored", "is already stored"))
        fresh = first.join(stored.select(KEY), on=KEY, how="anti")
    conflicts = pl.concat(found)
    repeats = new.height - fresh.height - conflicts.height
    return fresh, conflicts, repeats
