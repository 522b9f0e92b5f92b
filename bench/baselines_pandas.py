"""The naive pandas baseline of one month's department metrics (see :mod:`bench.baselines`).

Truncate the log at the cut-off, sort, replay each complaint's events in a Python loop over
``groupby("complaint_id")`` to build complaint facts and stints, then aggregate per department. Slow
on purpose, but correct. Grain and units of the result: as :mod:`bench.baselines` says.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import pandas as pd
import polars as pl

from bench.baselines import COLUMNS, DEFAULT_LIMIT_DAYS, PENDING_OVER_DAYS, month_bounds
from grading.model.schema import EVENTS, LEVELS

STINT_START: Final = frozenset(("registered", "escalated", "reopened"))
STINT_END: Final = frozenset(("resolved", "escalated", "reopened", "closed"))
STINT_ACTION: Final = frozenset(("attended", "resolved", "closed"))
OTHER_CLOSURES: Final = ("resolved", "withdrawn", "duplicate")

Limits = dict[tuple[str, int], int]


def limits_from_store(con: duckdb.DuckDBPyConnection) -> Limits:
    """Time limits in days per (category code, level 1-5) from a Nivaran database's ``categories``."""
    rows = con.execute(
        "select code, limit_l1_days, limit_l2_days, limit_l3_days, limit_l4_days, limit_l5_days from categories"
    ).fetchall()
    return {(code, level): int(days) for code, *per_level in rows for level, days in enumerate(per_level, start=1)}


def limits_from_frame(categories: pl.DataFrame) -> Limits:
    """Time limits in days per (category code, level 1-5) from a categories frame (``CATEGORY_SCHEMA``)."""
    return {
        (row["code"], level): int(row[f"limit_{lv.lower()}_days"])
        for row in categories.iter_rows(named=True)
        for level, lv in enumerate(LEVELS, start=1)
    }


#: Columns of one event in the replay loop, in this order.
REPLAY_COLUMNS: Final = ("event_time", "event", "level", "department", "category", "complainant", "outcome")


def _level_number(level: object) -> int | None:
    """``"L3"`` → 3; a missing level → None."""
    return None if pd.isna(level) else int(str(level)[1:])


def _event_facts(rows: list[tuple], start: pd.Timestamp) -> dict[str, object] | None:
    """Complaint-level facts of one complaint's events (truncated at C, in replay order).

    Each row holds :data:`REPLAY_COLUMNS`. Returns None for a complaint without a ``registered`` event.
    """
    registration = next((r for r in rows if r[1] == "registered"), None)
    if registration is None:
        return None
    registered_at, _, _, department, category, complainant, _ = registration
    fact: dict[str, object] = {
        "department": department,
        "category": category,
        "complainant": complainant,
        "registered_at": registered_at,
        "closed_at": pd.NaT,
        "close_outcome": None,
        "has_feedback": False,
        "feedback_satisfied": 0,
        "feedback_dissatisfied": 0,
        "reopened": 0,
    }
    for when, event, _, new_department, _, _, outcome in rows:
        in_month = when >= start
        if event == "transferred" and not pd.isna(new_department):
            fact["department"] = new_department  # the latest transfer wins
        elif event == "closed" and pd.isna(fact["closed_at"]):
            fact["closed_at"], fact["close_outcome"] = when, outcome  # the first closure counts
        elif event == "feedback":
            fact["has_feedback"] = True
            fact["feedback_satisfied"] += int(in_month and outcome == "satisfied")  # type: ignore[operator]
            fact["feedback_dissatisfied"] += int(in_month and outcome == "dissatisfied")  # type: ignore[operator]
        elif event == "reopened":
            fact["reopened"] += int(in_month)  # type: ignore[operator]
    return fact


def _stint_facts(
    rows: list[tuple], category: object, start: pd.Timestamp, cutoff: pd.Timestamp, limits: Limits
) -> dict[str, object]:
    """Stint-level facts of one complaint's events (truncated at C, in replay order), rolled up."""
    fact: dict[str, object] = {
        "breached": False,
        "reached_l2": False,
        "reached_l3": False,
        "reached_l4": False,
        "stints_started": 0,
        "stints_non_attended": 0,
    }
    for i, (started_at, event, level, *_) in enumerate(rows):
        if event not in STINT_START:
            continue
        lv = _level_number(level)
        limit = pd.Timedelta(days=limits.get((category, lv), DEFAULT_LIMIT_DAYS))  # type: ignore[arg-type]
        ended_at = first_action_at = None
        for when, later, *_rest in rows[i + 1 :]:
            if later in STINT_ACTION and first_action_at is None:
                first_action_at = when  # the event that ends a stint can also be its first action
            if later in STINT_END:
                ended_at = when
                break
        # Lasted longer than its limit, or still running at C and older than its limit.
        if (ended_at if ended_at is not None else cutoff) - started_at > limit:
            fact["breached"] = True
        for n in (2, 3, 4):
            if lv is not None and lv >= n:
                fact[f"reached_l{n}"] = True
        if started_at >= start:
            fact["stints_started"] += 1  # type: ignore[operator]
            # First action after the limit, or none by C while the limit passed before C.
            if (first_action_at if first_action_at is not None else cutoff) - started_at > limit:
                fact["stints_non_attended"] += 1  # type: ignore[operator]
    return fact


def replay_complaints(events: pd.DataFrame, start: pd.Timestamp, cutoff: pd.Timestamp, limits: Limits) -> pd.DataFrame:
    """One row per complaint registered by the cut-off: its facts as of C (department, closure,
    feedback and reopen counts in the month, breach, levels reached, stints started in the month).

    Replays each complaint's events in a Python loop over ``groupby("complaint_id")``.
    """
    lifecycle = {name: i for i, name in enumerate(EVENTS)}
    ev = events.loc[events["event_time"] <= cutoff].copy()
    ev["event"] = ev["event"].astype(str)
    ev["lifecycle"] = ev["event"].map(lifecycle)
    ev = ev.sort_values(["complaint_id", "event_time", "lifecycle"], kind="stable")
    ev = ev.set_index("complaint_id")[list(REPLAY_COLUMNS)]

    facts = []
    for complaint_id, group in ev.groupby(level="complaint_id", sort=False):
        rows = list(group.itertuples(index=False, name=None))
        fact = _event_facts(rows, start)
        if fact is not None:
            fact.update(_stint_facts(rows, fact["category"], start, cutoff, limits), complaint_id=complaint_id)
            facts.append(fact)
    c = pd.DataFrame(facts)
    if not c.empty:
        c["registered_at"] = pd.to_datetime(c["registered_at"])
        c["closed_at"] = pd.to_datetime(c["closed_at"])
    return c


def _pct_series(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den * 100`` with NaN where ``den`` is zero."""
    return (num / den * 100.0).where(den > 0)


def _complaint_flags(
    c: pd.DataFrame, start: pd.Timestamp, cutoff: pd.Timestamp, habitual_threshold: int, long_pending_days: int
) -> dict[str, pd.Series]:
    """0/1 flags per complaint (the counts behind the metrics), from :func:`replay_complaints` facts.

    Adds ``habitual``, ``is_received``, ``closed_in_month``, ``is_open`` and ``resolution_days`` to ``c``.
    """
    # Habitual rule: the complainant's registrations in the complaint's registration month (statewide).
    c["registered_month"] = c["registered_at"].dt.to_period("M")
    per_month = c.groupby(["complainant", "registered_month"], dropna=False)["complaint_id"].transform("size")
    c["habitual"] = per_month > habitual_threshold
    c["is_received"] = c["registered_at"] >= start
    day = pd.Timedelta(days=1)
    closed = c["closed_at"].notna()
    c["closed_in_month"] = closed & (c["closed_at"] >= start)
    c["is_open"] = ~closed
    closure_age = c["closed_at"] - c["registered_at"]
    c["resolution_days"] = (closure_age / day).where(c["closed_in_month"])
    age_days = (cutoff - c["registered_at"]) // day  # completed days
    outcome = c["close_outcome"]
    closed_m, received, is_open = c["closed_in_month"], c["is_received"], c["is_open"]
    return {
        "received": received,
        "closed_satisfied": received & closed & (outcome == "satisfied"),
        "closed": closed_m,
        "closed_force": closed_m & (outcome == "force"),
        "closed_special": closed_m & (outcome == "special"),
        "closed_other": closed_m & outcome.isin(OTHER_CLOSURES),
        "callback_closed": closed_m & c["has_feedback"],
        "on_time": closed_m & ~c["breached"],
        "late": closed_m & c["breached"],
        "open_overdue": is_open & c["breached"],
        "pending": is_open,
        "pending_over_50": is_open & (age_days > PENDING_OVER_DAYS),
        "long_pending_closed": closed_m & (outcome == "satisfied") & (closure_age // day > long_pending_days),
        "long_pending_open": is_open & (age_days > long_pending_days),
        "reached_l2": received & c["reached_l2"],
        "reached_l3": received & c["reached_l3"],
        "reached_l4": received & c["reached_l4"],
    }


def pandas_month(
    events: pd.DataFrame,
    month: date,
    habitual_threshold: int = 10,
    long_pending_days: int = 50,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """One month's department metrics from the raw event log, the naive pandas way.

    Parameters
    ----------
    events : the canonical event log (columns of ``grading.model.schema.EVENT_SCHEMA``; extra columns are
        ignored), ``event_time`` naive Asia/Kolkata. It must hold the complete history up to the
        cut-off of every complaint of the month, and every complaint registered in the months whose
        habitual counts matter (the rule counts a complainant's registrations statewide).
    month : any day of the calendar month to compute.
    habitual_threshold : a complainant with more complaints than this in a month is left out.
    long_pending_days : "long pending" means more than this many completed days old.
    limits : time limit in days per (category code, level number 1-5); missing pairs get 7.

    Returns
    -------
    One row per department (see :data:`bench.baselines.COLUMNS`), sorted by department; counts are int64, percentages
    (0-100) and days are float64 with NaN for null.
    """
    start_dt, cutoff_dt = month_bounds(month)
    start, cutoff = pd.Timestamp(start_dt), pd.Timestamp(cutoff_dt)
    c = replay_complaints(events, start, cutoff, limits or {})
    if c.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    flags = _complaint_flags(c, start, cutoff, habitual_threshold, long_pending_days)
    for name, flag in flags.items():
        c[name] = flag.astype("int64")
    c["excluded_habitual"] = (c["habitual"] & c["is_received"]).astype("int64")

    in_month = ["feedback_satisfied", "feedback_dissatisfied", "reopened", "stints_started", "stints_non_attended"]
    graded = c.loc[~c["habitual"]]
    active = graded["is_received"] | graded["closed_in_month"] | graded["is_open"] | (graded[in_month].sum(axis=1) > 0)
    relevant = graded.loc[active]
    per_dept = relevant.groupby("department")[[*flags, *in_month]].sum()
    habitual = c.loc[c["habitual"] & c["is_received"]].groupby("department")["excluded_habitual"].sum()
    out = per_dept.join(habitual, how="outer").fillna(0).astype("int64")

    days = relevant.loc[relevant["closed_in_month"]].groupby("department")["resolution_days"]
    out["resolution_days_median"] = days.median()
    out["resolution_days_mean"] = days.mean()
    out["resolution_days_p90"] = days.quantile(0.9, interpolation="linear")

    rated = out["feedback_satisfied"] + out["feedback_dissatisfied"]
    long_base = out["long_pending_closed"] + out["long_pending_open"]
    out["satisfied_closure_pct"] = _pct_series(out["closed_satisfied"], out["received"])
    out["force_close_pct"] = _pct_series(out["closed_force"], out["closed"])
    out["satisfaction_pct"] = _pct_series(out["feedback_satisfied"], rated)
    out["callback_coverage_pct"] = _pct_series(out["callback_closed"], out["closed"])
    out["reopen_pct"] = _pct_series(out["reopened"], rated)
    out["sla_compliance_pct"] = _pct_series(out["on_time"], out["on_time"] + out["late"] + out["open_overdue"])
    out["non_attended_pct"] = _pct_series(out["stints_non_attended"], out["stints_started"])
    out["long_pending_disposal_pct"] = _pct_series(out["long_pending_closed"], long_base).fillna(100.0)
    for n in (2, 3, 4):
        out[f"reached_l{n}_pct"] = _pct_series(out[f"reached_l{n}"], out["received"])
    return out.reset_index(names="department").sort_values("department", ignore_index=True)[list(COLUMNS)]


def as_polars(frame: pd.DataFrame) -> pl.DataFrame:
    """A :func:`pandas_month` result as a Polars frame with nulls for NaN (for comparisons)."""
    out = pl.from_pandas(frame, nan_to_null=True)
    return out.with_columns(pl.col(pl.Float64).fill_nan(None))
