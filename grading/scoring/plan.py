"""The department head's plan: where the points are missing, what work recovers them, and why the
score moved (pure Polars over graded rows of :func:`grading.serve.views.ranking`).

Arithmetic (written out in ``docs/meetings.md``):

- A component's **contribution** to the score is its points times the department's reweighting scale
  (``max_score / data_weight``, 1 when every component has data); the contributions add up to the
  unrounded score, which rounds to the published one.
- The **gap** to another department on a component is that department's contribution minus this one's;
  the gaps over all components add up to the difference of the two unrounded scores.
- **Points per case**: a percentage component moves by ``weight x scale / n`` points when one case moves
  from one side of its ratio to the other (``n`` its denominator, :data:`grading.scoring.reliability.DENOMINATORS`):
  one more satisfied closure, one old complaint disposed, one force closure fewer. The plan lists, per
  component, how many cases recover the gap (rounded up), capped by the cases that can still move
  (``room``), ranked by points per case.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

import polars as pl

from grading.rules import asof
from grading.scoring.reliability import DENOMINATORS
from grading.scoring.schemes import Scheme
from grading.words import say

#: Per percentage metric: the cases that can still move (``room``); the work is the catalogue's
#: ``work_<metric>`` sentence (:mod:`grading.words.meetings`).
ROOM: Final[dict[str, pl.Expr]] = {
    "satisfied_closure_pct": pl.col("received") - pl.col("closed_satisfied"),
    "long_pending_disposal_pct": pl.col("long_pending_open"),
    "force_close_pct": pl.col("closed_force"),
    "non_attended_pct": pl.col("stints_non_attended"),
    "on_time_closure_pct": pl.col("closed") - pl.col("on_time"),
    "overdue_pending_pct": pl.col("open_overdue"),
    "satisfaction_pct": pl.col("feedback_dissatisfied"),
    "reopen_pct": pl.col("reopened"),
}


def work_sentence(metric: str, cases: int | None, per_case: float | None, days: int, lang: str) -> str:
    """The plan's work in words: ``cases`` cases of the component's work (:data:`ROOM`), or why there is
    none (no case moves a component that is not a share; level with the best)."""
    if per_case is None:
        return say("work_no_case", lang)
    if not cases:
        return say("work_none", lang)
    key = f"work_{metric}" if metric in ROOM else "work_other"
    return say(key, lang, n=cases, days=days)


def scale(scheme: Scheme) -> pl.Expr:
    """The reweighting scale of a graded row: ``max_score / data_weight`` (null without data)."""
    return pl.when(pl.col("data_weight") > 0).then(pl.lit(scheme.max_score) / pl.col("data_weight"))


def contributions(rows: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """``rows`` with ``c_<key>`` (points x scale, 0 for a component without data) per component and
    ``score_unrounded`` (their sum; null when the row has no score)."""
    parts = [(pl.col(f"points_{c.key}") * scale(scheme)).fill_null(0.0).alias(f"c_{c.key}") for c in scheme.components]
    return rows.with_columns(parts).with_columns(
        score_unrounded=pl.when(pl.col("score").is_not_null()).then(
            pl.sum_horizontal(f"c_{c.key}" for c in scheme.components)
        )
    )


def reference_departments(ranked: pl.DataFrame, scheme: Scheme, group: int | None = None) -> tuple[str, str]:
    """The best and the median department among the ranked rows of one month, inside volume group
    ``group`` (None: the month has no groups, or all ranked rows): a department is measured against the
    departments it is ranked with, never a 25-complaint department of the other group.

    Best: the highest unrounded score. Median: the middle of the ranked departments ordered by unrounded
    score, best first (with an even count, the better of the two middle ones); ties by code.
    """
    peers = ranked.filter("is_ranked")
    if group is not None:
        peers = peers.filter(pl.col("volume_group") == group)
    order = (
        contributions(peers, scheme)
        .sort(["score_unrounded", "department"], descending=[True, False])
        .get_column("department")
    )
    if order.is_empty():
        msg = "no ranked department this month"
        raise ValueError(msg)
    return str(order[0]), str(order[(order.len() - 1) // 2])


def _cases(gap: pl.Expr, per_case: pl.Expr, room: pl.Expr) -> pl.Expr:
    """Cases that recover a positive ``gap`` at ``per_case`` points each (rounded up), capped at ``room``;
    0 when there is no gap; null when a case is worth nothing."""
    needed = pl.max_horizontal((gap / per_case - 1e-9).ceil(), pl.lit(0.0))
    return pl.when(per_case > 0).then(pl.min_horizontal(needed, room)).cast(pl.Int64)


def department_plan(ranked: pl.DataFrame, scheme: Scheme, department: str) -> pl.DataFrame:
    """One row per scheme component for ``department`` in one month (``ranked``: the month's graded
    department rows), **sorted by points per case**, best first (components no case can move last).

    Columns: key, metric, label_en, label_hi, points (this department's contribution), best, median
    (the contributions of the best and the median department, :func:`reference_departments`),
    gap_best, gap_median (theirs minus this one's: the gaps of all components add up to the score
    difference), per_case (points one case moves), room (cases that can still move), cases_best,
    cases_median (cases recovering the positive gap, capped at room), gain_best, gain_median (points
    those cases give), cases_next_rank (cases on this component alone that lift the unrounded score above
    the next department above in the same volume group; null when the room does not allow it or there is
    none above), work_en, work_hi (:func:`work_sentence` for cases_median, or for cases_best when level
    with the median; never a template).
    """
    rows = contributions(ranked, scheme)
    me = rows.filter(pl.col("department") == department)
    if me.is_empty():
        msg = f"department {department} has no graded row this month"
        raise ValueError(msg)
    mine = me.row(0, named=True)
    best_code, median_code = reference_departments(ranked, scheme, mine["volume_group"])
    best = rows.filter(pl.col("department") == best_code).row(0, named=True)
    median = rows.filter(pl.col("department") == median_code).row(0, named=True)
    peers = rows.filter(
        pl.col("is_ranked")
        & pl.col("volume_group").eq_missing(mine["volume_group"])
        & (pl.col("score_unrounded") > (mine["score_unrounded"] or 0.0))
    )
    above = float(peers["score_unrounded"].min()) if peers.height else None  # type: ignore[arg-type]
    out = []
    for c in scheme.components:
        room_expr = ROOM.get(c.metric, pl.lit(None, pl.Int64))
        n, room = me.select(
            DENOMINATORS.get(c.metric, pl.lit(None)).cast(pl.Float64).alias("n"),  # no n for a days component
            room_expr.cast(pl.Int64).alias("room"),
        ).row(0)
        row_scale = me.select(scale(scheme)).item()
        per_case = c.weight * row_scale / n if n and row_scale else None
        out.append(
            {
                "key": c.key,
                "metric": c.metric,
                "label_en": c.label_en,
                "label_hi": c.label_hi,
                "points": mine[f"c_{c.key}"],
                "best": best[f"c_{c.key}"],
                "median": median[f"c_{c.key}"],
                "per_case": per_case,
                "room": room,
            }
        )
    frame = pl.DataFrame(
        out,
        schema_overrides={
            "per_case": pl.Float64,
            "room": pl.Int64,
            **dict.fromkeys(("points", "best", "median"), pl.Float64),
        },
    )
    room = pl.col("room").fill_null(2**31)
    rank_gap = pl.lit(above - (mine["score_unrounded"] or 0.0) if above is not None else None, pl.Float64)
    rank_cases = (rank_gap / pl.col("per_case") + 1e-9).floor() + 1  # strictly above: a tie shares the rank
    frame = frame.with_columns(
        gap_best=pl.col("best") - pl.col("points"),
        gap_median=pl.col("median") - pl.col("points"),
    ).with_columns(
        cases_best=_cases(pl.col("gap_best"), pl.col("per_case"), room),
        cases_median=_cases(pl.col("gap_median"), pl.col("per_case"), room),
        cases_next_rank=pl.when((pl.col("per_case") > 0) & (rank_cases <= room)).then(rank_cases).cast(pl.Int64),
    )
    chosen = pl.when(pl.col("cases_median") > 0).then(pl.col("cases_median")).otherwise(pl.col("cases_best"))
    frame = frame.with_columns(
        gain_best=pl.col("cases_best") * pl.col("per_case"),
        gain_median=pl.col("cases_median") * pl.col("per_case"),
        cases=chosen,
    )
    work = {
        lang: [
            work_sentence(metric, cases, per_case, scheme.long_pending_days, lang)
            for metric, cases, per_case in frame.select("metric", "cases", "per_case").iter_rows()
        ]
        for lang in ("en", "hi")
    }
    return (
        frame.with_columns(
            work_en=pl.Series(work["en"], dtype=pl.String), work_hi=pl.Series(work["hi"], dtype=pl.String)
        )
        .sort("per_case", descending=True, nulls_last=True)
        .select(
            "key",
            "metric",
            "label_en",
            "label_hi",
            "points",
            "best",
            "median",
            "gap_best",
            "gap_median",
            "per_case",
            "room",
            "cases_best",
            "cases_median",
            "gain_best",
            "gain_median",
            "cases_next_rank",
            "work_en",
            "work_hi",
        )
    )


def apportion(values: list[float], total: float, decimals: int = 2) -> list[float]:
    """``values`` rounded to ``decimals`` so that they add up exactly to ``total`` (already rounded):
    the largest-remainder method. Each value is first cut down to the grid (floor), then the missing
    steps go one by one to the values with the largest cut-off remainders (ties: the earlier value).

    >>> apportion([0.104, 0.104, 0.002], 0.21)
    [0.11, 0.1, 0.0]
    """
    step = 10**decimals
    floors = [math.floor(v * step + 1e-9) for v in values]
    missing = round(total * step) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] * step - floors[i]), i))
    if missing < 0:
        order = order[::-1]
    for k in range(abs(missing)):
        floors[order[k % len(values)]] += 1 if missing > 0 else -1
    return [f / step for f in floors]


def why_moved(before: dict[str, object], now: dict[str, object], scheme: Scheme) -> pl.DataFrame:
    """Why the score moved between two graded rows of the same department (last month, this month).

    One row per component and a last ``key`` = ``total`` row. Columns: key, label_en, label_hi,
    before, now (contributions, unrounded), change (unrounded), change_shown (rounded to the score's
    decimals by :func:`apportion`, so that the component rows add up exactly to the total row's
    ``change_shown`` = published score now - published score before).
    """
    pair = contributions(pl.DataFrame([before, now], infer_schema_length=None), scheme)
    keys = [c.key for c in scheme.components]
    then_row, now_row = pair.row(0, named=True), pair.row(1, named=True)
    changes = [now_row[f"c_{k}"] - then_row[f"c_{k}"] for k in keys]
    shown_total = round(float(str(now["score"])) - float(str(before["score"])), scheme.score_decimals)
    shown = apportion(changes, shown_total, scheme.score_decimals)
    rows = [
        {
            "key": c.key,
            "label_en": c.label_en,
            "label_hi": c.label_hi,
            "before": then_row[f"c_{c.key}"],
            "now": now_row[f"c_{c.key}"],
            "change": change,
            "change_shown": part,
        }
        for c, change, part in zip(scheme.components, changes, shown, strict=True)
    ]
    rows.append(
        {
            "key": "total",
            "label_en": "Score",
            "label_hi": "अंक",
            "before": then_row["score_unrounded"],
            "now": now_row["score_unrounded"],
            "change": sum(changes),
            "change_shown": shown_total,
        }
    )
    return pl.DataFrame(rows, schema_overrides=dict.fromkeys(("before", "now", "change", "change_shown"), pl.Float64))


#: The outcome lists of the department page, in the order shown.
OUTCOMES: Final = ("dissatisfied", "reopened", "force_closed")


def outcome_lists(found: dict[str, pl.DataFrame], month: date, department: str) -> pl.DataFrame:
    """The department's complaints with a dissatisfied call-back, a reopening or a force closure in
    ``month`` (rows of :func:`grading.store.case_reads.outcome_cases`), the department taken at the event's time.

    One row per (complaint, event): kind (one of :data:`OUTCOMES`), event_time, complaint_id,
    registered_at, district, category, level; sorted by kind, then event time.
    """
    cases = found["cases"]
    if cases.is_empty():
        return cases.drop("complaint_key", "department")
    start, _, cutoff = asof.month_window(month)
    placed = asof.department_at(cases, found["transfers"], cutoff)
    return (
        placed.filter(pl.col("department") == department, pl.col("event_time") >= start)
        .with_columns(pl.col("kind").cast(pl.Enum(OUTCOMES)))
        .sort("kind", "event_time", "complaint_id")
        .drop("complaint_key", "department")
    )
