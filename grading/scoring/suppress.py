"""The public suppression rule: which figures of a month the public side hides. Pure (Polars, and NumPy
for the fixed point), frames in and out; :mod:`grading.serve.public` applies it to every public frame.

The published table of a month has *members*: the department × district cells, the department totals,
the district totals and the state total (``docs/public.md``). Each count column of a member is a
*figure*. ``threshold`` is the scheme's ``suppress_below`` (5 in the shipped schemes).

1. **Rows** (:func:`rows_pattern`). A member with fewer than ``threshold`` complaints received shows no
   figure at all (``small``), and complementary members are hidden whole so that no received total
   gives one away (``complementary``).
2. **Counts.** On a shown member, any count from 1 to ``threshold - 1`` is hidden (``small``); 0 is shown.
   The state total is shown whole.
3. **Figures computed from counts** (:func:`derived`): a percentage or day statistic (its counts are
   :data:`grading.model.registry.RATIOS`), a component's points (those of its metric) and the score
   uncertainty (those of every component) are hidden when a count they are computed from is hidden.
4. **Complements.** Every published sum is a *line*: one count over the districts of a department with
   the department's total, over the departments of a district with the district's total, the totals
   with the state; and inside one member a count with its parts (:func:`sums`: closed = the four ways of
   closing = on time + late, …). No line may have exactly one hidden figure: the smallest shown non-zero
   figure of such a line (never the state's) is hidden too (``complementary``). A member's score is the
   sum of its points, so when exactly one component of a shown score is hidden, the component with the
   smallest non-zero numerator is hidden with it (its numerator count; a zero one only when no other is
   left; none left: the score itself). This repeats until nothing changes; ties go to the first code, so
   the same data always give the same pattern.

A complement in a count line is never 0: a hidden 0 would be read back as 0 (a hidden count is 1 to
``threshold - 1`` when it is small, else 0 or at least ``threshold``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from grading.model.registry import METRICS, RATIOS
from grading.rules.asof import PENDING_BUCKETS

#: The marker of "every department" or "every district" in a pattern.
ALL: Final = "*"
SMALL: Final = "small"
COMPLEMENTARY: Final = "complementary"
#: The lists a pattern row carries, and the text columns :func:`hide` writes from them.
MARKERS: Final = ("small_figures", "hidden_figures")
ROW_SCHEMA: Final = pl.Schema(
    {
        "month": pl.Date,
        "department": pl.String,
        "district": pl.String,
        "received": pl.Int64,
        "hidden": pl.Boolean,
        "reason": pl.String,
    }
)
PATTERN_SCHEMA: Final = pl.Schema({**ROW_SCHEMA, **dict.fromkeys(MARKERS, pl.List(pl.String))})
#: Every count column of the registry (complaints or events).
COUNTS: Final = tuple(name for name, metric in METRICS.items() if metric.unit == "count")
_KEY: Final = ["month", "department", "district"]


def band(threshold: int) -> str:
    """How a small count reads where a figure is printed: "1–4" for the shipped threshold of 5."""
    return "1" if threshold <= 2 else f"1–{threshold - 1}"


def sums(long_pending_days: int = 50) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The sums inside one member's counts, as (total, parts): closings by kind and by time, rated
    call-backs, pending by age, and long-pending still open when the long-pending age is the top of an
    age bucket (the default 50 days: ``long_pending_open`` = ``pending_over_50``'s two buckets)."""
    buckets = tuple(name for name, _, _, _ in PENDING_BUCKETS)
    out = [
        ("closed", ("closed_satisfied_in_month", "closed_force", "closed_special", "closed_other")),
        ("closed", ("on_time", "late")),
        ("feedback_rated", ("feedback_satisfied", "feedback_dissatisfied")),
        ("pending", buckets),
        ("pending_over_50", ("pending_51_100", "pending_over_100")),
    ]
    if any(hi == long_pending_days for _, _, _, hi in PENDING_BUCKETS):
        out.append(("long_pending_open", tuple(name for name, _, lo, _ in PENDING_BUCKETS if lo > long_pending_days)))
    return tuple(out)


def _parts(metric: str) -> tuple[str, ...]:
    numerator, denominator = RATIOS.get(metric, ((metric,), ()))
    return tuple(dict.fromkeys((*numerator, *denominator)))


def derived(components: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Figure → the counts it is computed from: every percentage and day statistic
    (:data:`~grading.model.registry.RATIOS`), each points column of ``components`` (points column →
    metric) those of its metric, and ``score_uncertainty`` those of every component."""
    out = {metric: _parts(metric) for metric in RATIOS}
    out |= {points: _parts(metric) for points, metric in components.items()}
    if components:
        out["score_uncertainty"] = tuple(dict.fromkeys(c for m in components.values() for c in _parts(m)))
    return out


def rows_pattern(
    cells: pl.DataFrame, departments: pl.DataFrame, districts: pl.DataFrame, threshold: int
) -> pl.DataFrame:
    """Which members the public side hides whole (``ROW_SCHEMA``): rule 1 of the module.

    ``cells``: one row per (month, department, district) with ``received``; ``departments`` and
    ``districts``: one row per (month, entity) with ``received`` (the published totals). A department
    total has ``district`` = :data:`ALL`, a district total ``department`` = :data:`ALL`, the state
    total both. Each member belongs to two sums (its department line and its district line); when one
    of them has exactly one hidden member, its smallest shown member (by received, the state total
    last) is hidden too, until nothing changes.
    """
    received = pl.col("received").cast(pl.Int64)
    state = departments.group_by("month").agg(received.sum())
    members = pl.concat(
        [
            cells.select("month", "department", "district", received),
            departments.select("month", "department", pl.lit(ALL).alias("district"), received),
            districts.select("month", pl.lit(ALL).alias("department"), "district", received),
            state.select("month", pl.lit(ALL).alias("department"), pl.lit(ALL).alias("district"), received),
        ]
    )
    small = pl.col("received").fill_null(0) < threshold
    members = members.with_columns(hidden=small, reason=pl.when(small).then(pl.lit(SMALL)))
    is_state = (pl.col("department") == ALL) & (pl.col("district") == ALL)
    while True:
        picks = []
        for line in ("department", "district"):
            lone = members.group_by("month", line).agg(n=pl.col("hidden").sum()).filter(pl.col("n") == 1)
            picks.append(
                members.join(lone.select("month", line), on=["month", line])
                .filter(~pl.col("hidden"))
                .sort("month", line, is_state, "received", "department", "district")
                .group_by("month", line, maintain_order=True)
                .first()
                .select(_KEY)
            )
        found = pl.concat(picks).unique()
        if found.is_empty():
            break
        members = (
            members.join(found.with_columns(pick=pl.lit(value=True)), on=_KEY, how="left")
            .with_columns(
                hidden=pl.col("hidden") | pl.col("pick").fill_null(value=False),
                reason=pl.when(pl.col("pick")).then(pl.lit(COMPLEMENTARY)).otherwise(pl.col("reason")),
            )
            .drop("pick")
        )
    return members.sort(_KEY).cast(ROW_SCHEMA)


def pattern(
    cells: pl.DataFrame,
    departments: pl.DataFrame,
    districts: pl.DataFrame,
    threshold: int,
    *,
    components: Mapping[str, str] | None = None,
    long_pending_days: int = 50,
) -> pl.DataFrame:
    """The whole rule (the module's four parts): one row per member (``PATTERN_SCHEMA``): whether it
    is hidden whole and why (:func:`rows_pattern`), and on a shown member the figures hidden one by one:
    ``small_figures`` (counts from 1 to ``threshold - 1``) and ``hidden_figures`` (complementary counts,
    and percentages, day statistics, points and score uncertainty computed from a hidden count).

    The frames are as for :func:`rows_pattern`, with every count column of :data:`COUNTS` they share;
    ``departments`` and ``districts`` also carry the points columns of ``components`` (points column →
    metric). ``long_pending_days``: the scheme's long-pending age (:func:`sums`).
    """
    rows = rows_pattern(cells, departments, districts, threshold)
    counted = [c for c in COUNTS if all(c in f.columns for f in (cells, departments, districts))]
    if not counted or rows.is_empty():
        return rows.with_columns(pl.lit([], pl.List(pl.String)).alias(m) for m in MARKERS).cast(PATTERN_SCHEMA)
    components = {p: m for p, m in (components or {}).items() if p in departments.columns and p in districts.columns}
    points = list(components)
    as_counts = [pl.col(c).cast(pl.Int64) for c in counted]
    state = departments.group_by("month").agg(c.sum() for c in as_counts)
    members = pl.concat(
        [
            cells.select("month", "department", "district", *as_counts),
            departments.select("month", "department", pl.lit(ALL).alias("district"), *as_counts, *points),
            districts.select("month", pl.lit(ALL).alias("department"), "district", *as_counts, *points),
            state.select("month", pl.lit(ALL).alias("department"), pl.lit(ALL).alias("district"), *counted),
        ],
        how="diagonal_relaxed",
    )
    members = members.join(rows.select(*_KEY, "hidden", "reason"), on=_KEY, how="left").sort(_KEY)
    figures = _figures(members, counted, threshold, components, sums(long_pending_days))
    return (
        rows.join(figures, on=_KEY, how="left")
        .with_columns(pl.col(m).fill_null(pl.lit([], pl.List(pl.String))) for m in MARKERS)
        .cast(PATTERN_SCHEMA)
    )


def _line_ids(members: pl.DataFrame, keys: list[str]) -> np.ndarray:
    """A dense number per distinct value of ``keys`` (0, 1, …), one per member."""
    joined = pl.concat_str([pl.col(k).cast(pl.String).fill_null("") for k in keys], separator="\x1f")
    return members.select(joined.rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()


def _lines(
    members: pl.DataFrame, where: dict[str, int], identities: Sequence[tuple[str, tuple[str, ...]]]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Every line as (line, figure) pairs, figure = member × width + column: each count's department
    line and district line (margins included), then the sums inside a member. Returns the pairs'
    lines, their figures and the number of lines."""
    n, width = members.height, len(where)
    member_ids, column_ids = np.arange(n), np.arange(width)
    lines, figures, offset = [], [], 0
    for keys in (["month", "department"], ["month", "district"]):
        group = _line_ids(members, keys)
        lines.append((offset + group[:, None] * width + column_ids[None, :]).ravel())
        figures.append((member_ids[:, None] * width + column_ids[None, :]).ravel())
        offset += (int(group.max()) + 1) * width
    for total, parts in identities:
        cols = [where[c] for c in (total, *parts) if c in where]
        if len(cols) == len(parts) + 1:
            lines.append(np.repeat(offset + member_ids, len(cols)))
            figures.append((member_ids[:, None] * width + np.array(cols)[None, :]).ravel())
            offset += n
    return np.concatenate(lines), np.concatenate(figures), offset


@dataclass(frozen=True)
class _Scores:
    """The score lines of a month's members: a shown score is the sum of its components' points.

    ``present`` (member × component): the component has points on a shown total row; ``parts``: per
    component, the columns its metric is computed from; ``numerator``: the column hidden to make it a
    complement (-1: none, as for a day statistic); ``candidate``: it may be one (points present, a
    denominator above 0); ``key``: which candidate goes first (the smallest non-zero numerator)."""

    present: np.ndarray
    parts: list[list[int]]
    numerator: np.ndarray
    candidate: np.ndarray
    key: np.ndarray

    @classmethod
    def of(
        cls, members: pl.DataFrame, where: dict[str, int], shown_totals: np.ndarray, components: Mapping[str, str]
    ) -> _Scores:
        """The score lines of ``members`` (``where``: count column → its index; ``shown_totals``: the
        department and district totals not hidden whole)."""
        values = members.select(pl.col(c).fill_null(0) for c in where).to_numpy().astype(np.int64)
        scored = [(p, m) for p, m in components.items() if all(c in where for c in _parts(m))]
        n = members.height
        present = np.zeros((n, len(scored)), dtype=bool)
        if scored:
            present = members.select(pl.col(p).is_not_null() for p, _ in scored).to_numpy().astype(bool)
        present &= shown_totals[:, None]
        numerator = np.full(len(scored), -1, dtype=np.int64)
        candidate = np.zeros_like(present)
        key = np.full(present.shape, np.iinfo(np.int64).max, dtype=np.int64)
        for k, (_, metric) in enumerate(scored):
            top, bottom = RATIOS.get(metric, ((metric,), ()))
            if not top:
                continue
            numerator[k] = where[top[0]]
            den_ok = values[:, [where[c] for c in bottom]].sum(axis=1) > 0 if bottom else np.ones(n, dtype=bool)
            candidate[:, k] = present[:, k] & den_ok
            num = values[:, numerator[k]]
            key[:, k] = np.where(num > 0, num, np.iinfo(np.int64).max // 2)  # a non-zero numerator first
        return cls(present, [[where[c] for c in _parts(m)] for _, m in scored], numerator, candidate, key)

    def picks(self, grid: np.ndarray, done: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The figures to hide so that no shown score (``done``: scores already hidden) has exactly one
        hidden component, given the hidden counts ``grid`` (member × column); and the members whose
        score must be hidden itself (no component left to hide with the one)."""
        if not self.parts:
            return np.empty(0, dtype=np.int64), np.zeros(grid.shape[0], dtype=bool)
        unknown = np.stack(
            [self.present[:, k] & grid[:, cols].any(axis=1) for k, cols in enumerate(self.parts)], axis=1
        )
        lone = (unknown.sum(axis=1) == 1) & ~done
        open_k = self.candidate & ~unknown & lone[:, None]
        has = open_k.any(axis=1)
        best = np.argmin(np.where(open_k, self.key, np.iinfo(np.int64).max), axis=1)
        chosen = np.flatnonzero(has)
        return chosen * grid.shape[1] + self.numerator[best[chosen]], lone & ~has


def _figures(
    members: pl.DataFrame,
    counted: list[str],
    threshold: int,
    components: Mapping[str, str],
    identities: Sequence[tuple[str, tuple[str, ...]]],
) -> pl.DataFrame:
    """Rules 2 to 4 on ``members`` (sorted by key, with ``hidden`` and ``reason`` of the rows, the
    ``counted`` columns and the points of ``components``): per member, the lists of :data:`MARKERS`."""
    n, width = members.height, len(counted)
    where = {c: i for i, c in enumerate(counted)}
    values = members.select(pl.col(c).fill_null(0) for c in counted).to_numpy().astype(np.int64)  # n × width
    row_hidden = members["hidden"].fill_null(value=True).to_numpy().astype(bool)
    state = members.select((pl.col("department") == ALL) & (pl.col("district") == ALL)).to_series().to_numpy()
    totals = members.select((pl.col("department") == ALL) != (pl.col("district") == ALL)).to_series().to_numpy()

    # Rule 2 (the state total is shown whole); figure f = member × width + column.
    small = ~row_hidden[:, None] & ~state[:, None] & (values >= 1) & (values < threshold)
    hidden = (row_hidden[:, None] | small).ravel()
    flat = values.ravel()
    eligible = np.repeat(~state, width) & (flat > 0)  # a complement: a shown non-zero count, not the state's
    # Which complement goes first: the smallest value, then the first member (by month and codes), then
    # the first column, i.e. the smallest value, then the smallest figure number (one key, no ties).
    size = flat.size
    key = flat * size + np.arange(size)
    line, fig, n_lines = _lines(members, where, identities)
    scores = _Scores.of(members, where, totals & ~row_hidden, components)
    score_hidden = np.zeros(n, dtype=bool)

    while True:  # rule 4, to a fixed point
        on = hidden[fig]
        lone = np.bincount(line[on], minlength=n_lines) == 1
        open_edge = lone[line] & ~on & eligible[fig]
        lines, keys = line[open_edge], key[fig[open_edge]]
        by = np.lexsort((keys, lines))
        first = np.unique(lines[by], return_index=True)[1]
        in_score, lost = scores.picks(hidden.reshape(n, width), score_hidden)
        score_hidden |= lost
        picks = np.unique(np.concatenate([keys[by][first] % size, in_score]))
        picks = picks[~hidden[picks]]
        if picks.size == 0:
            break
        hidden[picks] = True
    shown = ~row_hidden
    return _lists(members, counted, small, hidden.reshape(n, width) & shown[:, None], score_hidden & shown, components)


def _lists(  # noqa: PLR0917 - the arrays of one fixed point, passed on once
    members: pl.DataFrame,
    counted: list[str],
    small: np.ndarray,
    hidden: np.ndarray,
    score_hidden: np.ndarray,
    components: Mapping[str, str],
) -> pl.DataFrame:
    """Per member with a figure hidden one by one: its key and the lists of :data:`MARKERS` (the small
    counts; the complementary counts, then every figure computed from a hidden count)."""
    who, names, kinds = [], [], []

    def add(mask: np.ndarray, name: str, kind: int) -> None:
        hit = np.flatnonzero(mask)
        who.append(hit)
        names.extend([name] * hit.size)
        kinds.extend([kind] * hit.size)

    for i, c in enumerate(counted):
        add(small[:, i], c, 0)
        add(hidden[:, i] & ~small[:, i], c, 1)
    where = {c: i for i, c in enumerate(counted)}
    for figure, parts in derived(components).items():
        cols = [where[c] for c in parts if c in where]
        if cols:
            add(np.asarray(hidden[:, cols].any(axis=1)), figure, 1)
    add(score_hidden, "score", 1)
    listed = pl.DataFrame(
        {"m": np.concatenate(who).astype(np.int64), "name": names, "kind": kinds},
        schema={"m": pl.Int64, "name": pl.String, "kind": pl.Int8},
    )
    lists = listed.group_by("m").agg(
        small_figures=pl.col("name").filter(pl.col("kind") == 0),
        hidden_figures=pl.col("name").filter(pl.col("kind") == 1),
    )
    keys = members.select(_KEY).with_row_index("m").with_columns(pl.col("m").cast(pl.Int64))
    return keys.join(lists, on="m", how="inner").drop("m")


def listed(column: str, marker: str) -> pl.Expr:
    """Whether ``column`` is named in the text marker ``marker`` (``small_figures`` or
    ``hidden_figures`` of a frame through :func:`hide`: names separated by spaces)."""
    return pl.col(marker).fill_null("").str.contains(rf"(^| ){re.escape(column)}( |$)")


def figure_hidden(column: str) -> pl.Expr:
    """Whether ``column`` of a row through :func:`hide` shows no figure: the row is hidden, or the
    column is one of its small or other hidden figures."""
    return pl.col("suppressed") | listed(column, "small_figures") | listed(column, "hidden_figures")


def hide(rows: pl.DataFrame, found: pl.DataFrame, entity_type: str, keep: frozenset[str]) -> pl.DataFrame:
    """``rows`` (one per month and entity of ``entity_type``, or per month, department and district for
    ``department_district``) with every figure nulled that ``found`` (a :func:`pattern`) hides. Adds
    ``suppressed`` and ``suppressed_reason`` (the row hidden whole) and the markers
    ``small_figures`` and ``hidden_figures`` (text: the names of the row's columns hidden one by one,
    separated by spaces; null when none). ``keep``: columns that are never a figure. A row the pattern
    does not know is hidden."""
    if entity_type == "department":
        members = found.filter((pl.col("district") == ALL) & (pl.col("department") != ALL)).drop("district")
    elif entity_type == "district":
        members = found.filter((pl.col("department") == ALL) & (pl.col("district") != ALL)).drop("department")
    else:
        members = found.filter((pl.col("department") != ALL) & (pl.col("district") != ALL))
    key = ["month", entity_type] if entity_type != "department_district" else _KEY
    figures = [c for c in rows.columns if c not in keep]
    if rows.is_empty():
        return rows.with_columns(
            suppressed=pl.lit(value=False),
            suppressed_reason=pl.lit(None, pl.String),
            **{m: pl.lit(None, pl.String) for m in MARKERS},
        )
    markers = [m for m in MARKERS if m in members.columns]
    joined = rows.join(
        members.select(*key, *markers, suppressed="hidden", suppressed_reason="reason"),
        on=key,
        how="left",
        maintain_order="left",
    ).with_columns(
        suppressed=pl.col("suppressed").fill_null(value=True),
        suppressed_reason=pl.col("suppressed_reason").fill_null(
            pl.when(pl.col("suppressed").is_null()).then(pl.lit(SMALL))
        ),
    )
    # The names of this frame's own columns only, in the frame's order; null when none is hidden.
    position = {c: i for i, c in enumerate(figures)}
    joined = joined.with_columns(
        pl.when(~pl.col("suppressed"))
        .then(
            pl.col(m)
            .list.eval(pl.element().replace_strict(position, default=None, return_dtype=pl.Int64))
            .list.drop_nulls()
            .list.sort()
            .list.eval(pl.element().replace_strict(dict(enumerate(figures)), return_dtype=pl.String))
            .list.join(" ")
        )
        .alias(m)
        if m in markers
        else pl.lit(None, pl.String).alias(m)
        for m in MARKERS
    ).with_columns(pl.when(pl.col(m) != "").then(pl.col(m)).alias(m) for m in MARKERS)
    return joined.with_columns(pl.when(~figure_hidden(c)).then(pl.col(c)).alias(c) for c in figures)


def narrow(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (through :func:`hide`, perhaps fewer columns since) with its markers naming only the
    columns it still holds (null when none): what a file or table of these columns says it hides."""
    here = [c for c in rows.columns if c not in MARKERS]
    return rows.with_columns(
        pl.col(m)
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element().is_in(here)))
        .list.join(" ")
        .replace("", None)
        .alias(m)
        for m in MARKERS
        if m in rows.columns
    )
