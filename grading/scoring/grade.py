"""Scores, grades, ranks, rank changes, streaks and "what would move it" (see the methodology page).

Grain: one row per (entity_type, department, district, month), as in :mod:`grading.scoring.metrics`.

Rules, on purpose:

- **Versions.** Each month is graded under the scheme version in force that month
  (:meth:`grading.scoring.schemes.Scheme.in_force`); ``scheme_version`` says which.
- **Missing data never earns points.** A component whose metric is empty (no denominator) counts
  as the scheme says (``missing``, per component or for the scheme): ``reweight`` leaves it out and
  scales the components with data up to the maximum (``points_<key>`` stays null, ``data_weight``
  is the weight with data); ``zero`` gives 0 points; ``full`` its whole weight. When the components
  with data weigh less than ``min_data_pct`` % of the weight the month offers, the entity gets **no
  score and no grade** (``not_graded = "too_little_data"``). The month offers every component some
  entity of the type has data for: a component nobody has data for (a source without call-backs)
  is left out for everyone rather than failing everyone.
- **Score** is the (reweighted) sum of component points rounded to the scheme's ``score_decimals``
  (half away from zero, as published sheets round). Ranks compare the rounded scores, so 94.80 and
  94.80 tie.
- **Who is graded and ranked**: entities with ``received >= min_received`` and a score; the others
  are listed with score, grade, rank, group and group rank empty (null), ``not_graded`` saying why
  (``"few_complaints"`` or ``"too_little_data"``), and they do not take a rank from anyone. An
  entity with nothing to grade is never shown with a grade.
- **Competition ranking** (``rank("min")``): higher score first, equal scores share a rank and the
  next rank is skipped (1, 2, 2, 4). Departments are ranked statewide, districts statewide, and a
  department within a district among the departments of that district.
- **Volume groups** (scheme setting, per entity type): the groups are formed among ranked entities
  and ``group_rank`` ranks inside each group; ``rank`` stays the overall rank. The **published rank**
  is ``group_rank`` where the entity type has groups, else ``rank``.
- **Reliability** (:mod:`grading.scoring.reliability`): ``score_uncertainty`` (points), the plausible ranks
  ``rank_best``-``rank_worst`` within the published list, and ``rank_is_reliable`` (the range is one
  rank).
- **The printed rank** (``rank_text``, :func:`rank_text`): the published rank when it is reliable
  (``"3"``), else the range (``"2–5"``), empty when not ranked. It is the one rank every surface prints
  (pages, charts' labels, CSVs, the reports, the CLI); ``rank_position`` is the published rank charts
  plot, with the range as a band.
- **Rank change** = last month's published rank − this month's (positive = climbed), only when both
  months print a single rank in the same list: empty when either month is a range or unranked, when
  the previous calendar month is missing, or when the volume group changed.
- **Streaks** count calendar months in a row, ending with this one, whose printed rank is ``"1"`` in the
  same list (``streak_rank_1``) or in the top grade band (``streak_top_grade``); a month without a rank
  breaks both, a range breaks ``streak_rank_1``, and so does a change of volume group.
- **What would move it** is not here: the department plan (:mod:`grading.scoring.plan`) re-grades the
  month with the work done, so the plan and its hints come from one model of points.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from grading.model.schema import UNASSIGNED
from grading.scoring.counts import ENTITY_KEYS
from grading.scoring.reliability import DENOMINATORS, rank_ranges, score_uncertainty
from grading.scoring.schemes import Scheme

RANK_PARTITION: Final[dict[str, tuple[str, ...]]] = {
    "department": (),
    "district": (),
    "department_district": ("district",),
}
#: Why an entity has no grade: too few complaints received, or too little of the score has data.
NOT_GRADED: Final = ("few_complaints", "too_little_data", "unassigned")


def points_column(key: str) -> str:
    """The column that holds a component's points."""
    return f"points_{key}"


def published_rank() -> pl.Expr:
    """The rank inside the entity's published list: inside its volume group where there are groups,
    else the overall rank. Stored as ``rank_position`` (the position charts plot)."""
    return pl.coalesce("group_rank", "rank")


def rank_text() -> pl.Expr:
    """The printed rank, the one every surface shows (``rank_text``): the rank in its list when it is
    certain (``"3"``), else the ranks it could hold in that list (``"2–5"``, an en dash); null when not
    ranked. Certain means the plausible range is one rank (:mod:`grading.scoring.reliability`)."""
    return (
        pl.when(~pl.col("is_ranked").fill_null(value=False))
        .then(pl.lit(None, pl.String))
        .when(pl.col("rank_is_reliable").fill_null(value=False))
        .then(published_rank().cast(pl.String))
        .otherwise(pl.format("{}–{}", "rank_best", "rank_worst"))
        .alias("rank_text")
    )


def is_single_rank() -> pl.Expr:
    """Whether the printed rank is one rank (not a range, not missing)."""
    return pl.col("is_ranked").fill_null(value=False) & pl.col("rank_is_reliable").fill_null(value=False)


def score(metrics: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Add ``points_<key>`` per component, ``data_weight``, ``score_raw``, ``score``,
    ``score_uncertainty`` (points) and ``grade`` under one scheme version (see the module rules).

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
    points, has_data, offered, shares = [], [], [], {}
    weights: dict[str, float] = {}
    # A component no entity has data for in the month (e.g. a source without call-backs) is left
    # out for everyone: the data floor is taken on the weight the month can offer.
    month_of = [c for c in ("entity_type", "month") if c in metrics.columns]
    for c in scheme.components:
        value = c.share()
        earned = value * c.weight
        mode = scheme.missing_for(c)
        filled = earned if mode == "reweight" else earned.fill_null(c.weight if mode == "full" else 0.0)
        points.append(filled.alias(points_column(c.key)))
        has_data.append(pl.when(pl.col(points_column(c.key)).is_not_null()).then(c.weight).otherwise(0.0))
        anywhere = pl.col(points_column(c.key)).is_not_null().any()
        offered.append(pl.when(anywhere.over(month_of) if month_of else anywhere).then(c.weight).otherwise(0.0))
        if c.metric in DENOMINATORS:  # a share of n complaints; a median days component has no such n
            shares[c.metric] = value
            weights[c.metric] = weights.get(c.metric, 0.0) + c.weight
    scale = pl.lit(scheme.max_score) / pl.col("data_weight")
    enough = (pl.col("data_weight") > 0) & (
        pl.col("data_weight") >= scheme.min_data_pct / 100 * pl.col("_offered") - 1e-9
    )
    scored = (
        metrics.with_columns(points)
        .with_columns(data_weight=pl.sum_horizontal(has_data), _offered=pl.sum_horizontal(offered))
        .with_columns(
            score_raw=pl.when(enough).then(pl.sum_horizontal([points_column(c.key) for c in scheme.components]) * scale)
        )
    )
    # Hand-made frames may hold only the shares: without the counts behind them the uncertainty is unknown.
    counts = {name for m in weights for name in DENOMINATORS[m].meta.root_names()}
    known = counts <= set(metrics.columns)
    uncertainty = score_uncertainty(shares, weights, scale, scheme.reliability_z) if known else pl.lit(None, pl.Float64)
    grade = pl.lit(None, pl.String)
    for band in reversed(scheme.grades):
        grade = pl.when(pl.col("score") >= band.min_score).then(pl.lit(band.grade)).otherwise(grade)
    return (
        scored.with_columns(
            score=pl.col("score_raw").round(scheme.score_decimals, mode="half_away_from_zero"),
            score_uncertainty=pl.when(enough).then(uncertainty),
        )
        .with_columns(grade=grade)
        .drop("_offered")
    )


def _partition(entity_type: str) -> list[str]:
    return ["entity_type", "month", *RANK_PARTITION[entity_type]]


def rank(scored: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Add ``is_ranked``, ``not_graded``, ``rank``, ``volume_group``, ``group_rank`` and the
    reliability columns under one scheme version (see the module rules)."""
    out = []
    for entity_type, frame in scored.partition_by("entity_type", as_dict=True).items():
        etype = str(entity_type[0])
        part = _partition(etype)
        few = pl.col("received") < scheme.min_received
        unassigned = pl.any_horizontal([pl.col(k) == UNASSIGNED for k in ENTITY_KEYS[etype]]).fill_null(False)
        ranked = frame.with_columns(
            is_ranked=~few & ~unassigned & pl.col("score").is_not_null(),
            not_graded=pl.when(unassigned)
            .then(pl.lit(NOT_GRADED[2]))
            .when(few)
            .then(pl.lit(NOT_GRADED[0]))
            .when(pl.col("score").is_null())
            .then(pl.lit(NOT_GRADED[1])),
        ).with_columns(
            score=pl.when("is_ranked").then("score"),
            grade=pl.when("is_ranked").then("grade"),
            score_uncertainty=pl.when("is_ranked").then("score_uncertainty"),
            rank=pl.when("is_ranked").then(pl.col("score")).rank("min", descending=True).over(part).cast(pl.Int32),
        )
        groups = scheme.groups_for(etype)
        if groups is not None:
            if groups.method == "top_n":
                order = (
                    pl.struct(pl.col("received").neg(), *ENTITY_KEYS[etype]).rank("ordinal").over([*part, "is_ranked"])
                )
                group = pl.when(order <= groups.top_n).then(1).otherwise(2)
            else:
                group = pl.lit(len(groups.min_received) + 1)
                for i, floor in reversed(list(enumerate(groups.min_received, start=1))):
                    group = pl.when(pl.col("received") >= floor).then(i).otherwise(group)
            ranked = ranked.with_columns(volume_group=pl.when("is_ranked").then(group).cast(pl.Int8)).with_columns(
                group_rank=pl.when("is_ranked")
                .then(pl.col("score"))
                .rank("min", descending=True)
                .over([*part, "volume_group"])
                .cast(pl.Int32)
            )
        else:
            ranked = ranked.with_columns(volume_group=pl.lit(None, pl.Int8), group_rank=pl.lit(None, pl.Int32))
        ranged = rank_ranges(ranked, [*part, "volume_group"], "score", scheme.reliability_z == 0)
        out.append(ranged.with_columns(rank_text=rank_text(), rank_position=published_rank()))
    return pl.concat(out, how="vertical_relaxed") if out else scored


def _history(ranked: pl.DataFrame) -> pl.DataFrame:
    """Add ``rank_change``, ``streak_rank_1`` and ``streak_top_grade`` per entity over months
    (``_top_grade`` holds each month's top band)."""
    keys = ["entity_type", "department", "district"]
    frame = ranked.sort([*keys, "month"], nulls_last=False)
    follows = (pl.col("month").shift(1).over(keys).dt.offset_by("1mo") == pl.col("month")).fill_null(False)
    same_list = follows & pl.col("volume_group").shift(1).over(keys).eq_missing(pl.col("volume_group"))
    # A change compares two printed single ranks in one list; next to a range it would say more than is known.
    comparable = same_list & is_single_rank() & is_single_rank().shift(1).over(keys).fill_null(value=False)
    frame = frame.with_columns(
        rank_change=pl.when(comparable).then(published_rank().shift(1).over(keys) - published_rank()).cast(pl.Int32)
    )
    for name, holds, continues in (
        ("streak_rank_1", (pl.col("rank_text") == "1").fill_null(value=False), same_list),
        ("streak_top_grade", pl.col("is_ranked") & (pl.col("grade") == pl.col("_top_grade")).fill_null(False), follows),
    ):
        breaks = (~holds) | ~continues
        run = breaks.cum_sum().over(keys)
        frame = frame.with_columns(
            pl.when(holds).then(holds.cast(pl.Int32).cum_sum().over([*keys, run])).otherwise(0).alias(name)
        )
    return frame


GRADE_COLUMNS: Final = (
    "scheme_version",
    "score",
    "grade",
    "is_ranked",
    "not_graded",
    "data_weight",
    "score_uncertainty",
    "rank",
    "volume_group",
    "group_rank",
    "rank_best",
    "rank_worst",
    "rank_is_reliable",
    "rank_text",
    "rank_position",
    "rank_change",
    "streak_rank_1",
    "streak_top_grade",
)


def grade(metrics: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Score, grade and rank monthly metrics with a scheme, each month under its version in force.

    Parameters
    ----------
    metrics : rows of :func:`grading.scoring.metrics.month_metrics` for one or more months (give every month
        from the first one you want rank changes and streaks for: they look back month by month).
    scheme : a loaded :class:`grading.scoring.schemes.Scheme` (with its versions).

    Returns
    -------
    The metric rows with ``points_<key>`` per component (of every version used; null where a
    version has no such component) and :data:`GRADE_COLUMNS` added, sorted by entity type, month and
    rank (unranked last, then by code).
    """
    if metrics.is_empty():
        return metrics
    by_version: dict[str, tuple[Scheme, list[object]]] = {}
    for month in metrics["month"].unique().sort().to_list():
        version = scheme.in_force(month)
        by_version.setdefault(version.version, (version, []))[1].append(month)
    ranked = pl.concat(
        [
            rank(score(metrics.filter(pl.col("month").is_in(months)), version), version).with_columns(
                scheme_version=pl.lit(version.version), _top_grade=pl.lit(version.grades[0].grade)
            )
            for version, months in by_version.values()
        ],
        how="diagonal_relaxed",
    )
    out = _history(ranked).drop("_top_grade")
    return out.drop("score_raw").sort(["entity_type", "month", "rank", "department", "district"], nulls_last=True)


def streaks(graded: pl.DataFrame, month: date) -> pl.DataFrame:
    """The streaks standing in ``month``: one row per entity with a streak (``streak_rank_1`` or
    ``streak_top_grade`` above 0), longest rank-1 streak first, then longest top-grade streak.

    Columns: ``entity_type``, ``department``, ``district``, ``month``, ``published_rank``,
    ``volume_group``, ``grade``, ``streak_rank_1`` and ``streak_top_grade`` (calendar months in a row,
    ending with ``month``; see the module rules).
    """
    return (
        graded.filter((pl.col("month") == month) & ((pl.col("streak_rank_1") > 0) | (pl.col("streak_top_grade") > 0)))
        .select(
            "entity_type",
            "department",
            "district",
            "month",
            published_rank().alias("published_rank"),
            "volume_group",
            "grade",
            "streak_rank_1",
            "streak_top_grade",
        )
        .sort(["streak_rank_1", "streak_top_grade", "department", "district"], descending=[True, True, False, False])
    )
