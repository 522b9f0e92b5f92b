"""The department head's plan: where the points are missing, what work recovers them, and why the
score moved (pure Polars over graded rows of :func:`grading.serve.views.ranking`).

Arithmetic (written out in ``docs/meetings.md``):

- A component's **contribution** to the score is its points times the department's reweighting scale
  (``max_score / data_weight``, 1 when every component has data); the contributions add up to the
  unrounded score, which rounds to the published one.
- The **gap** to another department on a component is that department's contribution minus this one's;
  the gaps over all components add up to the difference of the two unrounded scores.
- **The model of points**: each share component has its work (:data:`ACTIONS`: one more satisfied
  closure, one old complaint disposed, one force closure fewer, ...) written as the changes one case
  makes to the month's counts. The plan re-grades the month with n cases done (:func:`regraded`) and
  reads off, per component, the fewest cases that recover the gap to the best and the median department
  of the group, the next rank and the next grade band, and the points each gives: so the plan, the page's
  "what would move it" and the grading agree by construction, side effects included (a closure also
  lowers the force-closed share). Rows are ranked by the points of the first case.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

import polars as pl

from grading.model.registry import METRICS
from grading.rules import asof
from grading.scoring.counts import percentages
from grading.scoring.grade import score
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


#: One case of each share component's work, as the changes it makes to the department's month counts:
#: the model of points. The plan re-grades the month with the counts changed, so every figure it promises
#: is a score the grading would give. A closure is also one more closure of the month (``closed``), so
#: it lowers the force-closed share as well.
ACTIONS: Final[dict[str, dict[str, int]]] = {
    "satisfied_closure_pct": {"closed_satisfied": 1, "closed": 1},
    "long_pending_disposal_pct": {"long_pending_closed": 1, "long_pending_open": -1, "closed": 1},
    "force_close_pct": {"closed_force": -1},
    "non_attended_pct": {"stints_non_attended": -1},
    "on_time_closure_pct": {"on_time": 1, "late": -1},
    "overdue_pending_pct": {"open_overdue": -1},
    "satisfaction_pct": {"feedback_satisfied": 1, "feedback_dissatisfied": -1},
    "reopen_pct": {"reopened": -1},
}
#: At most this many cases of one kind are tried (a department's month rarely has more to move).
MAX_CASES: Final = 100_000


def apply_work(metrics: pl.DataFrame, metric: str, cases: pl.Expr) -> pl.DataFrame:
    """``metrics`` (metric rows) with ``cases`` cases of ``metric``'s work done (:data:`ACTIONS`): the
    counts changed and every percentage recomputed from them (:func:`grading.scoring.counts.percentages`)."""
    changed = [(pl.col(c).cast(pl.Int64) + cases * delta).alias(c) for c, delta in ACTIONS[metric].items()]
    return percentages(metrics.with_columns(changed))


def regraded(ranked: pl.DataFrame, scheme: Scheme, department: str, metric: str, most: int) -> pl.DataFrame:
    """The month re-graded with ``n`` cases of ``metric``'s work done by ``department``, for every n from
    0 to ``most``: one row per n, columns ``n``, ``score`` (as published), ``score_unrounded`` and
    ``c_<key>`` per component (:func:`contributions`). ``ranked``: the month's graded department rows;
    the other departments stay as they are (they decide which components the month offers)."""
    base = ranked.select("entity_type", "department", "district", "month", *[m for m in METRICS if m in ranked.columns])
    mine = base.filter(pl.col("department") == department).join(
        pl.DataFrame({"n": range(most + 1)}, schema={"n": pl.Int64}), how="cross"
    )
    others = base.filter(pl.col("department") != department).with_columns(n=pl.lit(None, pl.Int64))
    scored = score(pl.concat([others, apply_work(mine, metric, pl.col("n"))], how="diagonal_relaxed"), scheme)
    return contributions(scored.filter(pl.col("n").is_not_null()), scheme).sort("n")


def _first(rows: pl.DataFrame, condition: pl.Expr) -> int | None:
    """The fewest cases (``n``) for which ``condition`` holds; None when no n up to the room does."""
    found = rows.filter(condition)["n"]
    return int(found.min()) if found.len() else None  # type: ignore[arg-type]


def department_plan(ranked: pl.DataFrame, scheme: Scheme, department: str) -> pl.DataFrame:
    """One row per scheme component for ``department`` in one month (``ranked``: the month's graded
    department rows, every metric column), **sorted by points per case**, best first (components no
    case can move last). Every number of work is found by re-grading the month (:func:`regraded`).

    Columns: key, metric, label_en, label_hi, points (this department's contribution), best, median
    (the contributions of the best and the median department of its volume group,
    :func:`reference_departments`), gap_best, gap_median (theirs minus this one's: the gaps of all
    components add up to the score difference), per_case (the score's change from the first case),
    room (cases that can still move), cases_best, cases_median (the fewest cases that bring this
    component level with the reference's; all the room when it cannot), gain_best, gain_median (the
    score's change from those cases, side effects included), cases_next_rank (the fewest cases on this
    component alone that lift the unrounded score above the next department above in its group),
    cases_next_grade (that lift the published score into the next grade band; both null when the room
    does not allow it or there is none), cases (cases_median, or cases_best when level with the median),
    work_en, work_hi (:func:`work_sentence` for those cases; never a template).
    """
    version = scheme.in_force(ranked["month"].max())  # type: ignore[arg-type]
    rows = contributions(ranked, version)
    me = rows.filter(pl.col("department") == department)
    if me.is_empty():
        msg = f"department {department} has no graded row this month"
        raise ValueError(msg)
    mine = me.row(0, named=True)
    best_code, median_code = reference_departments(ranked, version, mine["volume_group"])
    best = rows.filter(pl.col("department") == best_code).row(0, named=True)
    median = rows.filter(pl.col("department") == median_code).row(0, named=True)
    peers = rows.filter(
        pl.col("is_ranked")
        & pl.col("volume_group").eq_missing(mine["volume_group"])
        & (pl.col("score_unrounded") > (mine["score_unrounded"] or 0.0))
    )
    above = float(peers["score_unrounded"].min()) if peers.height else None  # type: ignore[arg-type]
    bands = [b.min_score for b in version.grades if b.min_score > (mine["score"] or 0.0)]
    next_band = min(bands) if bands else None
    out = []
    for c in version.components:
        room = me.select(ROOM.get(c.metric, pl.lit(None, pl.Int64)).cast(pl.Int64)).item()
        own, found = f"c_{c.key}", dict[str, float | int | None]()
        if c.metric in ACTIONS and room == 0:  # no case left to move (all disposed, none forced...)
            found = {"per_case": 0.0, "cases_best": 0, "cases_median": 0, "gain_best": 0.0, "gain_median": 0.0}
        elif c.metric in ACTIONS and room is not None and room > 0 and mine["score_unrounded"] is not None:
            tried = regraded(ranked, version, department, c.metric, min(room, MAX_CASES))
            start = tried.row(0, named=True)["score_unrounded"]
            gained = pl.col("score_unrounded") - start
            reach = {"best": best[own], "median": median[own]}
            for ref, target in reach.items():
                n = 0 if mine[own] >= target - 1e-9 else _first(tried, pl.col(own) >= target - 1e-9)
                found[f"cases_{ref}"] = room if n is None else n
                found[f"gain_{ref}"] = tried.filter(pl.col("n") == found[f"cases_{ref}"]).select(gained).item()
            found["per_case"] = tried.filter(pl.col("n") == 1).select(gained).item()
            if above is not None:
                found["cases_next_rank"] = _first(tried, pl.col("score_unrounded") > above + 1e-9)
            if next_band is not None:
                found["cases_next_grade"] = _first(tried, pl.col("score") >= next_band)
        out.append(
            {
                "key": c.key,
                "metric": c.metric,
                "label_en": c.label_en,
                "label_hi": c.label_hi,
                "points": mine[own],
                "best": best[own],
                "median": median[own],
                "room": room,
                **found,
            }
        )
    counts = ("room", "cases_best", "cases_median", "cases_next_rank", "cases_next_grade")
    floats = ("points", "best", "median", "per_case", "gain_best", "gain_median")
    frame = pl.DataFrame(
        out, schema_overrides={**dict.fromkeys(counts, pl.Int64), **dict.fromkeys(floats, pl.Float64)}
    ).with_columns(
        *[pl.lit(None, pl.Int64).alias(c) for c in counts if c not in [k for r in out for k in r]],
        *[pl.lit(None, pl.Float64).alias(c) for c in floats if c not in [k for r in out for k in r]],
    )
    chosen = pl.when(pl.col("cases_median") > 0).then(pl.col("cases_median")).otherwise(pl.col("cases_best"))
    frame = frame.with_columns(
        gap_best=pl.col("best") - pl.col("points"),
        gap_median=pl.col("median") - pl.col("points"),
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
            "cases_next_grade",
            "cases",
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
