"""Scores, grades, ranks, rank changes, streaks and "what would move it" (see the methodology page).

Grain: one row per (entity_type, department, district, month), as in :mod:`grading.metrics`.

Ranking rules, on purpose:

- **Score** is the sum of component points rounded to the scheme's ``score_decimals`` (half away from
  zero, as published sheets round). Ranks compare the rounded scores, so 94.80 and 94.80 tie.
- **Who is ranked**: entities with ``received >= min_received``; the others are listed with rank,
  group and group rank empty (null), and they do not take a rank from anyone.
- **Competition ranking** (``rank("min")``): higher score first, equal scores share a rank and the
  next rank is skipped (1, 2, 2, 4). Departments are ranked statewide, districts statewide, and a
  department within a district among the departments of that district.
- **Volume groups** (scheme setting): the groups are formed among ranked entities and ``group_rank``
  ranks inside each group; ``rank`` stays the overall rank.
- **Rank change** = last month's rank − this month's rank (positive = climbed), empty when the entity
  was not ranked in the previous calendar month.
- **Streaks** count calendar months in a row, ending with this one, at rank 1 (``streak_rank_1``) or
  in the top grade band (``streak_top_grade``); a month without a rank breaks the streak.
- **Needed closures**: how many more of this month's received complaints closed satisfied would lift
  the score to the next higher score among ranked peers (``needed_next_rank``) or to the next grade
  band (``needed_next_grade``), other components held fixed. Empty when already first/top, when the
  scheme has no satisfied-closure component, or when more closures than open received complaints
  would be needed.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.metrics import ENTITY_KEYS
from grading.schemes import Scheme

RANK_PARTITION: Final[dict[str, tuple[str, ...]]] = {
    "department": (),
    "district": (),
    "department_district": ("district",),
}
SATISFIED_METRIC: Final = "satisfied_closure_pct"


def points_column(key: str) -> str:
    """The column that holds a component's points."""
    return f"points_{key}"


def score(metrics: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Add one ``points_<key>`` column per component, ``score_raw``, ``score`` and ``grade``.

    Examples
    --------
    The published MP example (Morena): 56.06 + 18.78 + 10 + 9.96 = 94.8, grade A.

    >>> import polars as pl
    >>> from grading import schemes
    >>> m = pl.DataFrame({"satisfied_closure_pct": [56.06 / 0.6], "long_pending_disposal_pct": [93.9],
    ...                   "force_close_pct": [0.0], "non_attended_pct": [0.4]})
    >>> score(m, schemes.load("mp-cm-helpline")).select("score", "grade").row(0)
    (94.8, 'A')
    """
    points = []
    for c in scheme.components:
        value = pl.col(c.metric).cast(pl.Float64).clip(0.0, 100.0) / 100.0
        earned = value if c.direction == "higher" else 1.0 - value
        missing = c.weight if scheme.missing_component == "full" else 0.0
        points.append((earned * c.weight).fill_null(missing).alias(points_column(c.key)))
    scored = metrics.with_columns(points).with_columns(
        score_raw=pl.sum_horizontal([points_column(c.key) for c in scheme.components])
    )
    grade = pl.lit(None, pl.String)
    for band in reversed(scheme.grades):
        grade = pl.when(pl.col("score") >= band.min_score).then(pl.lit(band.grade)).otherwise(grade)
    return scored.with_columns(
        score=pl.col("score_raw").round(scheme.score_decimals, mode="half_away_from_zero")
    ).with_columns(grade=grade)


def _partition(entity_type: str) -> list[str]:
    return ["entity_type", "month", *RANK_PARTITION[entity_type]]


def rank(scored: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Add ``is_ranked``, ``rank``, ``volume_group`` and ``group_rank`` (see the module rules)."""
    out = []
    groups = scheme.volume_groups
    for entity_type, frame in scored.partition_by("entity_type", as_dict=True).items():
        etype = str(entity_type[0])
        part = _partition(etype)
        ranked = frame.with_columns(is_ranked=pl.col("received") >= scheme.min_received).with_columns(
            rank=pl.when("is_ranked").then(pl.col("score")).rank("min", descending=True).over(part).cast(pl.Int32)
        )
        if groups is not None and etype in groups.entity_types:
            if groups.method == "top_n":
                order = (
                    pl.struct(pl.col("received").neg(), *ENTITY_KEYS[etype]).rank("ordinal").over([*part, "is_ranked"])
                )
                in_first = order <= groups.top_n
            else:
                in_first = pl.col("received") >= groups.min_received
            ranked = ranked.with_columns(
                volume_group=pl.when("is_ranked").then(pl.when(in_first).then(1).otherwise(2)).cast(pl.Int8)
            ).with_columns(
                group_rank=pl.when("is_ranked")
                .then(pl.col("score"))
                .rank("min", descending=True)
                .over([*part, "volume_group"])
                .cast(pl.Int32)
            )
        else:
            ranked = ranked.with_columns(volume_group=pl.lit(None, pl.Int8), group_rank=pl.lit(None, pl.Int32))
        out.append(ranked)
    return pl.concat(out, how="vertical_relaxed") if out else scored


def _history(ranked: pl.DataFrame, top_grade: str) -> pl.DataFrame:
    """Add ``rank_change``, ``streak_rank_1`` and ``streak_top_grade`` per entity over months."""
    keys = ["entity_type", "department", "district"]
    frame = ranked.sort([*keys, "month"], nulls_last=False)
    follows = pl.col("month").shift(1).over(keys).dt.offset_by("1mo") == pl.col("month")
    frame = frame.with_columns(
        rank_change=pl.when(follows.fill_null(False))
        .then(pl.col("rank").shift(1).over(keys) - pl.col("rank"))
        .cast(pl.Int32)
    )
    for name, holds in (
        ("streak_rank_1", (pl.col("rank") == 1).fill_null(False)),
        ("streak_top_grade", pl.col("is_ranked") & (pl.col("grade") == top_grade)),
    ):
        breaks = (~holds) | ~follows.fill_null(False)
        run = breaks.cum_sum().over(keys)
        frame = frame.with_columns(
            pl.when(holds).then(holds.cast(pl.Int32).cum_sum().over([*keys, run])).otherwise(0).alias(name)
        )
    return frame


def _closures_to_reach(target: pl.Expr, scheme: Scheme, weight: float) -> pl.Expr:
    """Fewest extra satisfied closures that lift the rounded score to ``target`` (null if impossible)."""
    half = 0.5 * 10 ** (-scheme.score_decimals)
    gap = (target - half - pl.col("score_raw")) * pl.col("received") / weight
    k = pl.max_horizontal((gap - 1e-9).ceil(), pl.lit(1.0)).cast(pl.Int64)
    room = pl.col("received") - pl.col("closed_satisfied")
    return pl.when(target.is_not_null() & pl.col("is_ranked") & (k <= room)).then(k)


def _needed(ranked: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Add ``needed_next_rank`` and ``needed_next_grade``."""
    weight = sum(c.weight for c in scheme.components if c.metric == SATISFIED_METRIC and c.direction == "higher")
    if weight == 0:
        return ranked.with_columns(needed_next_rank=pl.lit(None, pl.Int64), needed_next_grade=pl.lit(None, pl.Int64))
    # The next higher score among ranked peers of the same ranking.
    parts = []
    for entity_type, frame in ranked.partition_by("entity_type", as_dict=True).items():
        part = _partition(str(entity_type[0]))
        above = (
            frame.filter("is_ranked")
            .select(*part, pl.col("score").alias("target_rank_score"))
            .unique()
            .sort("target_rank_score")
        )
        parts.append(
            frame.sort("score").join_asof(
                above,
                left_on="score",
                right_on="target_rank_score",
                by=part,
                strategy="forward",
                allow_exact_matches=False,
                check_sortedness=False,  # sorted by score above; Polars cannot check per group
            )
        )
    frame = pl.concat(parts, how="vertical_relaxed")
    target_grade = pl.lit(None, pl.Float64)
    for band in scheme.grades:  # best first: the last band above the score wins
        target_grade = pl.when(pl.col("score") < band.min_score).then(pl.lit(band.min_score)).otherwise(target_grade)
    return frame.with_columns(
        needed_next_rank=_closures_to_reach(pl.col("target_rank_score"), scheme, weight),
        needed_next_grade=_closures_to_reach(target_grade, scheme, weight),
    ).drop("target_rank_score")


GRADE_COLUMNS: Final = (
    "score",
    "grade",
    "is_ranked",
    "rank",
    "volume_group",
    "group_rank",
    "rank_change",
    "streak_rank_1",
    "streak_top_grade",
    "needed_next_rank",
    "needed_next_grade",
)


def grade(metrics: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Score, grade and rank monthly metrics with a scheme.

    Parameters
    ----------
    metrics : rows of :func:`grading.metrics.month_metrics` for one or more months (give every month
        from the first one you want rank changes and streaks for: they look back month by month).
    scheme : a loaded :class:`grading.schemes.Scheme`.

    Returns
    -------
    The metric rows with ``points_<key>`` per component and :data:`GRADE_COLUMNS` added, sorted by
    entity type, month and rank (unranked last, then by code).
    """
    if metrics.is_empty():
        return metrics
    ranked = rank(score(metrics, scheme), scheme)
    out = _needed(_history(ranked, scheme.grades[0].grade), scheme)
    return out.drop("score_raw").sort(["entity_type", "month", "rank", "department", "district"], nulls_last=True)
