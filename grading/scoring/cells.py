"""A pass's rows counted into cells (:mod:`grading.scoring.metrics`): the counts of single months and of
ranges of months per month, department and district, the call-backs and stints of the months, and the
resolution-time statistics; then the three entity types' rows made from the cells. Each function sends
one query to the engine and gets a small result back (Polars)."""

from __future__ import annotations

from functools import partial
from typing import Any

import narwhals as nw
import polars as pl

from grading.rules import asof
from grading.scoring.counts import CELL_COUNTS, ENTITY_KEYS, EVENT_COUNTS, STINT_COUNTS, percentages, total


def at_anchors(rows: nw.LazyFrame[Any], counts: dict[str, tuple[str, nw.Expr]]) -> list[pl.DataFrame]:
    """The counts of single months (:func:`_counts`) per (``_i``, department, district): those of the
    month of registration (received, …, and ``excluded_habitual``: the complaints the habitual rule
    leaves out), then those of the month of closure. One pass over the rows counts both."""
    r_ok, k_ok, habitual = nw.col("_r") >= 0, nw.col("_k") >= 0, nw.col("_habitual")
    held = {"_r": r_ok & ~habitual, "_k": k_ok}
    sums = {name: total(held[anchor] & rule) for name, (anchor, rule) in counts.items() if anchor in held}
    both = (
        rows.filter(r_ok | k_ok)
        .group_by("department", "district", "_r", "_k")
        .agg(excluded_habitual=total(r_ok & habitual), **sums)
        .collect("polars")
        .to_native()
    )
    out = []
    for anchor in ("_r", "_k"):
        names = [name for name, (a, _) in counts.items() if a == anchor]
        names += ["excluded_habitual"] if anchor == "_r" else []
        out.append(
            both.filter(pl.col(anchor) >= 0)
            .group_by(anchor, "department", "district")
            .agg(pl.col(names).sum())
            .rename({anchor: "_i"})
        )
    return out


def in_spans(rows: nw.LazyFrame[Any], counts: dict[str, tuple[str, nw.Expr]], n: int) -> pl.DataFrame:
    """The counts of ranges of months (:func:`_counts`: pending, overdue, long pending, the pending age
    buckets) per (``_i``, department, district), with a row wherever a graded complaint is seen.

    A range ``[first, end)`` holds in month m when ``first <= m < end``. The complaints open in some
    month, or seen after the month of their closure (a call-back), are counted per entity and set of
    ranges (the ranges are months of one pass: 86,094 sets for 24.7 lakh complaints in a six-month
    read at Madhya Pradesh's volume); each month's counts are then added up from those sets."""
    spanned = {name: rule for name, (anchor, rule) in counts.items() if anchor == "span"}
    q, u = nw.col("_q"), nw.col("_u")
    after = nw.max_horizontal("_p", "_q", nw.col("_k") + 1)  # seen after its month of closure
    ranges: pl.DataFrame = (
        rows.filter(~nw.col("_habitual") & ((nw.col("_p") < q) | (after < u)))
        .select(
            "department",
            "district",
            "_q",
            "_u",
            _after=nw.min_horizontal(after, u),
            **{name: nw.min_horizontal(rule, q) for name, rule in spanned.items()},
        )
        .group_by("department", "district", "_q", "_u", "_after", *spanned)
        .agg(_n=nw.len())
        .collect("polars")
        .to_native()
    )
    ages = [name for name, _, _, _ in asof.PENDING_BUCKETS]
    aged = ["pending", *(f"_aged_{lo}" for _, _, lo, _ in asof.PENDING_BUCKETS[1:])]
    weight = pl.col("_n")
    months = []
    for m in range(n):
        held = {name: ((pl.col(name) <= m) & (pl.col("_q") > m)).cast(pl.Int64) for name in spanned}
        buckets = {age: held[aged[j]] - (held[aged[j + 1]] if j + 1 < len(aged) else 0) for j, age in enumerate(ages)}
        named = {name: held[name] for name in ("pending", "open_overdue", "long_pending_open")}
        seen = (held["pending"] + ((pl.col("_after") <= m) & (pl.col("_u") > m))) > 0
        months.append(
            ranges.filter(seen)
            .group_by("department", "district")
            .agg(**{name: (count * weight).sum() for name, count in {**named, **buckets}.items()})
            .with_columns(_i=pl.lit(m, pl.Int32))
        )
    return pl.concat(months, how="vertical")


def callbacks_and_stints(
    rows: nw.LazyFrame[Any], frames: dict[str, nw.LazyFrame[Any]], calendar: pl.DataFrame
) -> pl.DataFrame:
    """Call-backs and stints per (``_i``, department, district): each counts in the month it falls in
    (between its start and the instant it is judged as of), for its complaint's entity in that month;
    those of a complaint the month does not see or grade (habitual) are left out. They meet the
    complaints once, not once a month."""
    starts, cutoffs = calendar["_start"].to_list(), calendar["_cutoff"].to_list()
    first = partial(asof.first_month, cutoffs=cutoffs)
    i = nw.col("_i")

    def in_month(frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        # when each month ends where the next begins, only the last can end before events read in it
        if all(c + 1 == s for c, s in zip(cutoffs, starts[1:], strict=False)):
            judged = nw.col(column) <= cutoffs[-1]
        else:
            judged = first(lambda t: nw.col(column) <= t) == i
        return frame.with_columns(_i=asof.last_month_started(column, starts)).filter((i >= 0) & judged)

    kind = nw.col("kind")
    # each call-back or stint counts once, in the count its code names (EVENT_COUNTS, then STINT_COUNTS)
    code = nw.lit(len(EVENT_COUNTS) + len(STINT_COUNTS), nw.Int8)  # a call-back of another kind
    for j, name in reversed(list(enumerate(EVENT_COUNTS))):
        code = nw.when(kind == name.removeprefix("feedback_")).then(nw.lit(j, nw.Int8)).otherwise(code)
    non_attended = first(lambda t: ~nw.col("nonattended_at").is_null() & (nw.col("nonattended_at") < t)) <= i
    started, not_attended = len(EVENT_COUNTS), len(EVENT_COUNTS) + 1
    callbacks = in_month(frames["feedback_events"], "event_time").select("complaint_key", "_i", _code=code)
    stints = in_month(frames["stints"], "started_at").select(
        "complaint_key", "_i", _code=nw.when(non_attended).then(not_attended).otherwise(started).cast(nw.Int8)
    )
    graded = rows.filter(~nw.col("_habitual") & (nw.col("_p") < nw.col("_u")))
    coded: pl.DataFrame = (
        nw.concat([callbacks, stints], how="vertical")  # one meeting with the complaints for both
        .join(graded.select("complaint_key", "department", "district", "_p", "_u"), on="complaint_key")
        .filter((nw.col("_p") <= i) & (i < nw.col("_u")))
        .group_by("_i", "department", "district", "_code")
        .agg(_n=nw.len())
        .collect("polars")
        .to_native()
    )
    code_of = {name: j for j, name in enumerate(EVENT_COUNTS)}
    code_of |= {"stints_non_attended": not_attended}
    counted = {name: pl.col("_n").filter(pl.col("_code") == j).sum() for name, j in code_of.items()}
    counted["stints_started"] = pl.col("_n").filter(pl.col("_code").is_in([started, not_attended])).sum()
    return coded.group_by("_i", "department", "district").agg(**counted)


def resolution_days(resolved: nw.LazyFrame[Any], keys: tuple[str, ...]) -> nw.LazyFrame[Any]:
    """The statistics of resolution times per month (``_i``) and entity (``keys``), in microseconds (the
    90th percentile: linear interpolation between order statistics; the metrics' result makes them
    days)."""
    return resolved.group_by("_i", *keys).agg(
        _median_us=nw.col("resolution_us").median(),
        _total_us=total("resolution_us"),
        _resolved=nw.len(),
        _p90_us=nw.col("resolution_us").quantile(0.9, interpolation="linear"),
    )


def entity_rows(cells: nw.LazyFrame[Any], days: dict[str, nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
    """The rows of the three entity types from the finest cells (counts per month, department and
    district) and each type's resolution statistics (:func:`resolution_days`): counts add up, percentages are
    computed per entity and month."""
    frames = []
    for entity_type, keys in ENTITY_KEYS.items():
        group = ["_month", *keys]
        counts = cells.group_by(group).agg(*[total(c) for c in CELL_COUNTS])
        frame = percentages(counts).join(days[entity_type], on=group, how="left")
        absent = {key: nw.lit(None, nw.Int32) for key in ("department", "district") if key not in keys}
        frames.append(frame.with_columns(**absent, entity_type=nw.lit(entity_type)))
    columns = frames[-1].collect_schema().names()
    return nw.concat([frame.select(columns) for frame in frames], how="vertical")
