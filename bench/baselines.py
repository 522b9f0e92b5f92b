"""Two independent baselines for one month's department metrics (the "before" of the benchmark).

Both compute, from the raw event log, the same figures as the Polars pipeline
(:func:`grading.metrics.month_metrics`, ``entity_type == "department"``), by the definitions of
``docs/reference.md`` section 3 and Nivaran's readings in the docstrings of :mod:`grading.metrics` and
:mod:`grading.derive`:

- :func:`pandas_month`: the straightforward pandas way: truncate the log at the cut-off, sort, replay
  each complaint's events in a Python loop over ``groupby("complaint_id")`` to build complaint facts
  and stints, then aggregate per department. Slow on purpose, but correct.
- :data:`SQL_MONTH` / :func:`duckdb_month`: one hand-written DuckDB query over the ``events`` and
  ``categories`` tables of a Nivaran database.

Grain of both results: one row per department with any activity in the month (a complaint received,
closed or open at the cut-off, a feedback or reopen event or a stint in the month, or a complaint left
out by the habitual rule). Units: counts are complaints (``received`` .. ``pending_over_50``);
percentages are 0-100 and null when the denominator is zero (``long_pending_disposal_pct``: 100);
``resolution_days_*`` are calendar days as decimals (median, mean, linear p90).

Readings shared with the pipeline: the cut-off C is the last microsecond of the month (Asia/Kolkata
wall-clock time, as stored) and later events are ignored; events of one complaint are ordered by
``event_time``, then by lifecycle order (:data:`grading.schema.EVENTS`); a complaint belongs to its
registration department or that of its latest ``transferred`` event at or before C; a complaint whose
complainant registered more than ``habitual_threshold`` complaints (statewide) in its registration
month is left out of every metric; ages are completed days.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Final

import duckdb
import numpy as np
import pandas as pd
import polars as pl

from grading.schema import DEFAULT_LIMIT_DAYS, EVENTS, LEVELS

#: The output columns, in order (one row per department).
COLUMNS: Final = (
    "department",
    "received",
    "excluded_habitual",
    "closed_satisfied",
    "satisfied_closure_pct",
    "closed",
    "closed_force",
    "closed_special",
    "closed_other",
    "force_close_pct",
    "satisfaction_pct",
    "callback_coverage_pct",
    "reopen_pct",
    "resolution_days_median",
    "resolution_days_mean",
    "resolution_days_p90",
    "on_time",
    "late",
    "open_overdue",
    "sla_compliance_pct",
    "non_attended_pct",
    "pending",
    "pending_over_50",
    "long_pending_disposal_pct",
    "reached_l2_pct",
    "reached_l3_pct",
    "reached_l4_pct",
)
STINT_START: Final = frozenset(("registered", "escalated", "reopened"))
STINT_END: Final = frozenset(("resolved", "escalated", "reopened", "closed"))
STINT_ACTION: Final = frozenset(("attended", "resolved", "closed"))
OTHER_CLOSURES: Final = ("resolved", "withdrawn", "duplicate")
#: ``pending_over_50`` is a fixed age bucket (51 completed days and more), whatever the settings.
PENDING_OVER_DAYS: Final = 50

Limits = dict[tuple[str, int], int]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """``(start, cutoff)`` of a calendar month: its first instant and its last microsecond."""
    start = datetime(month.year, month.month, 1)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, end - timedelta(microseconds=1)


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


# --- pandas ------------------------------------------------------------------------------------------

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
    events : the canonical event log (columns of ``grading.schema.EVENT_SCHEMA``; extra columns are
        ignored), ``event_time`` naive Asia/Kolkata. It must hold the complete history up to the
        cut-off of every complaint of the month, and every complaint registered in the months whose
        habitual counts matter (the rule counts a complainant's registrations statewide).
    month : any day of the calendar month to compute.
    habitual_threshold : a complainant with more complaints than this in a month is left out.
    long_pending_days : "long pending" means more than this many completed days old.
    limits : time limit in days per (category code, level number 1-5); missing pairs get 7.

    Returns
    -------
    One row per department (see :data:`COLUMNS`), sorted by department; counts are int64, percentages
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


# --- DuckDB SQL ---------------------------------------------------------------------------------------

#: One query: the department metrics of the month ``[$start, $cutoff]`` from ``events`` and
#: ``categories``. Parameters: ``$start``, ``$cutoff`` (timestamps), ``$lifecycle`` (the event types in
#: lifecycle order), ``$default_limit_days``, ``$habitual_threshold``, ``$long_pending_days``,
#: ``$pending_over_days``. One row per department, columns as :data:`COLUMNS`.
SQL_MONTH: Final = """
with
-- the log as of the cut-off, one row per event, numbered within its complaint in replay order
ordered as materialized (
    select
        complaint_id, event_time, event, level, department, category, complainant, outcome,
        row_number() over (
            partition by complaint_id order by event_time, list_position($lifecycle, event)
        ) as seq
    from events
    where event_time <= $cutoff
),
-- one row per complaint: its first registration
registration as (
    select complaint_id, event_time as registered_at, department, category, complainant
    from ordered
    where event = 'registered'
    qualify row_number() over (partition by complaint_id order by seq) = 1
),
-- one row per transferred complaint: the department of its latest transfer
latest_transfer as (
    select complaint_id, department
    from ordered
    where event = 'transferred'
    qualify row_number() over (partition by complaint_id order by seq desc) = 1
),
-- one row per complaint: entity as of the cut-off and the habitual rule
complaint as (
    select
        r.complaint_id,
        r.registered_at,
        r.category,
        coalesce(t.department, r.department) as department,
        count(*) over (partition by r.complainant, date_trunc('month', r.registered_at))
            > $habitual_threshold as is_habitual
    from registration r
    left join latest_transfer t using (complaint_id)
),
-- one row per closed complaint: its first closure
closing as (
    select complaint_id, event_time as closed_at, outcome as close_outcome
    from ordered
    where event = 'closed'
    qualify row_number() over (partition by complaint_id order by seq) = 1
),
-- each event with the next stint end and the next action after it (within its complaint)
marked as (
    select
        *,
        min(case when event in ('resolved', 'escalated', 'reopened', 'closed') then seq end)
            over later as end_seq,
        min(case when event in ('resolved', 'escalated', 'reopened', 'closed') then event_time end)
            over later as ended_at,
        min(case when event in ('attended', 'resolved', 'closed') then seq end) over later as action_seq,
        min(case when event in ('attended', 'resolved', 'closed') then event_time end) over later as action_at
    from ordered
    window later as (partition by complaint_id order by seq rows between 1 following and unbounded following)
),
-- one row per stint (stay at a level) with its limit in microseconds
stint as (
    select
        m.complaint_id,
        m.event_time as started_at,
        m.ended_at,
        try_cast(substr(m.level, 2) as integer) as level_no,
        coalesce(
            case m.level
                when 'L1' then k.limit_l1_days
                when 'L2' then k.limit_l2_days
                when 'L3' then k.limit_l3_days
                when 'L4' then k.limit_l4_days
                when 'L5' then k.limit_l5_days
            end,
            $default_limit_days
        )::bigint * 86400000000 as limit_us,
        case when m.end_seq is null or m.action_seq <= m.end_seq then m.action_at end as first_action_at
    from marked m
    join complaint c using (complaint_id)
    left join categories k on k.code = c.category
    where m.event in ('registered', 'escalated', 'reopened')
),
-- breach: lasted longer than the limit, or running at C and older than it; non-attended: first action
-- after the limit, or none by C while the limit passed before C
stint_flags as (
    select
        complaint_id,
        level_no,
        started_at >= $start as started_in_month,
        epoch_us(coalesce(ended_at, $cutoff)) - epoch_us(started_at) > limit_us as breached,
        epoch_us(coalesce(first_action_at, $cutoff)) - epoch_us(started_at) > limit_us as non_attended
    from stint
),
stint_per_complaint as (
    select
        complaint_id,
        bool_or(breached) as breached,
        bool_or(level_no >= 2) as reached_l2,
        bool_or(level_no >= 3) as reached_l3,
        bool_or(level_no >= 4) as reached_l4,
        count(*) filter (where started_in_month) as stints_started,
        count(*) filter (where started_in_month and non_attended) as stints_non_attended
    from stint_flags
    group by complaint_id
),
event_per_complaint as (
    select
        complaint_id,
        bool_or(event = 'feedback') as has_feedback,
        count(*) filter (where event = 'feedback' and outcome = 'satisfied' and event_time >= $start)
            as feedback_satisfied,
        count(*) filter (where event = 'feedback' and outcome = 'dissatisfied' and event_time >= $start)
            as feedback_dissatisfied,
        count(*) filter (where event = 'reopened' and event_time >= $start) as reopened
    from ordered
    group by complaint_id
),
-- one row per complaint with its facts as of the cut-off
fact as (
    select
        c.complaint_id,
        c.department,
        c.is_habitual,
        c.registered_at >= $start as is_received,
        cl.closed_at is not null as is_closed,
        cl.closed_at >= $start as closed_in_month,
        cl.closed_at is null as is_open,
        cl.close_outcome,
        coalesce(s.breached, false) as breached,
        coalesce(s.reached_l2, false) as reached_l2,
        coalesce(s.reached_l3, false) as reached_l3,
        coalesce(s.reached_l4, false) as reached_l4,
        coalesce(s.stints_started, 0) as stints_started,
        coalesce(s.stints_non_attended, 0) as stints_non_attended,
        e.has_feedback,
        e.feedback_satisfied,
        e.feedback_dissatisfied,
        e.reopened,
        (epoch_us($cutoff) - epoch_us(c.registered_at)) // 86400000000 as age_days,
        (epoch_us(cl.closed_at) - epoch_us(c.registered_at)) / 86400000000 as closure_days
    from complaint c
    left join closing cl using (complaint_id)
    left join stint_per_complaint s using (complaint_id)
    join event_per_complaint e using (complaint_id)
),
-- complaints that count for the month: graded and active in it, or received and left out as habitual
relevant as (
    select *, closed_in_month is true as closed_m
    from fact
    where is_received
       or (not is_habitual and (
            closed_in_month or is_open
            or feedback_satisfied + feedback_dissatisfied + reopened + stints_started > 0))
),
counts as (
    select
        department,
        count(*) filter (where not is_habitual and is_received) as received,
        count(*) filter (where is_habitual and is_received) as excluded_habitual,
        count(*) filter (where not is_habitual and is_received and is_closed and close_outcome = 'satisfied')
            as closed_satisfied,
        count(*) filter (where not is_habitual and closed_m) as closed,
        count(*) filter (where not is_habitual and closed_m and close_outcome = 'force') as closed_force,
        count(*) filter (where not is_habitual and closed_m and close_outcome = 'special') as closed_special,
        count(*) filter (
            where not is_habitual and closed_m and close_outcome in ('resolved', 'withdrawn', 'duplicate')
        ) as closed_other,
        coalesce(sum(feedback_satisfied) filter (where not is_habitual), 0) as feedback_satisfied,
        coalesce(sum(feedback_dissatisfied) filter (where not is_habitual), 0) as feedback_dissatisfied,
        coalesce(sum(reopened) filter (where not is_habitual), 0) as reopened,
        count(*) filter (where not is_habitual and closed_m and has_feedback) as callback_closed,
        quantile_cont(closure_days, 0.5) filter (where not is_habitual and closed_m) as resolution_days_median,
        avg(closure_days) filter (where not is_habitual and closed_m) as resolution_days_mean,
        quantile_cont(closure_days, 0.9) filter (where not is_habitual and closed_m) as resolution_days_p90,
        count(*) filter (where not is_habitual and closed_m and not breached) as on_time,
        count(*) filter (where not is_habitual and closed_m and breached) as late,
        count(*) filter (where not is_habitual and is_open and breached) as open_overdue,
        coalesce(sum(stints_started) filter (where not is_habitual), 0) as stints_started,
        coalesce(sum(stints_non_attended) filter (where not is_habitual), 0) as stints_non_attended,
        count(*) filter (where not is_habitual and is_open) as pending,
        count(*) filter (where not is_habitual and is_open and age_days > $pending_over_days) as pending_over_50,
        count(*) filter (
            where not is_habitual and closed_m and close_outcome = 'satisfied'
              and floor(closure_days) > $long_pending_days
        ) as long_pending_closed,
        count(*) filter (where not is_habitual and is_open and age_days > $long_pending_days) as long_pending_open,
        count(*) filter (where not is_habitual and is_received and reached_l2) as reached_l2,
        count(*) filter (where not is_habitual and is_received and reached_l3) as reached_l3,
        count(*) filter (where not is_habitual and is_received and reached_l4) as reached_l4
    from relevant
    group by department
),
final as (
    select
        department,
        received,
        excluded_habitual,
        closed_satisfied,
        case when received > 0 then closed_satisfied / received * 100 end as satisfied_closure_pct,
        closed,
        closed_force,
        closed_special,
        closed_other,
        case when closed > 0 then closed_force / closed * 100 end as force_close_pct,
        case when feedback_satisfied + feedback_dissatisfied > 0
            then feedback_satisfied / (feedback_satisfied + feedback_dissatisfied) * 100 end as satisfaction_pct,
        case when closed > 0 then callback_closed / closed * 100 end as callback_coverage_pct,
        case when feedback_satisfied + feedback_dissatisfied > 0
            then reopened / (feedback_satisfied + feedback_dissatisfied) * 100 end as reopen_pct,
        resolution_days_median,
        resolution_days_mean,
        resolution_days_p90,
        on_time,
        late,
        open_overdue,
        case when on_time + late + open_overdue > 0
            then on_time / (on_time + late + open_overdue) * 100 end as sla_compliance_pct,
        case when stints_started > 0 then stints_non_attended / stints_started * 100 end as non_attended_pct,
        pending,
        pending_over_50,
        case when long_pending_closed + long_pending_open > 0
            then long_pending_closed / (long_pending_closed + long_pending_open) * 100
            else 100.0 end as long_pending_disposal_pct,
        case when received > 0 then reached_l2 / received * 100 end as reached_l2_pct,
        case when received > 0 then reached_l3 / received * 100 end as reached_l3_pct,
        case when received > 0 then reached_l4 / received * 100 end as reached_l4_pct
    from counts
)
select * from final
order by department
"""


def duckdb_month(
    con: duckdb.DuckDBPyConnection,
    month: date,
    habitual_threshold: int = 10,
    long_pending_days: int = 50,
) -> pl.DataFrame:
    """One month's department metrics with :data:`SQL_MONTH` on a Nivaran database.

    Parameters
    ----------
    con : a connection to a database with the ``events`` and ``categories`` tables (read-only is fine).
    month : any day of the calendar month to compute.
    habitual_threshold, long_pending_days : as in :func:`pandas_month`.

    Returns
    -------
    One row per department (see :data:`COLUMNS`), sorted by department; counts are Int64, percentages
    (0-100) and days Float64, null where undefined.
    """
    start, cutoff = month_bounds(month)
    params = {
        "start": start,
        "cutoff": cutoff,
        "lifecycle": list(EVENTS),
        "default_limit_days": DEFAULT_LIMIT_DAYS,
        "habitual_threshold": habitual_threshold,
        "long_pending_days": long_pending_days,
        "pending_over_days": PENDING_OVER_DAYS,
    }
    return con.sql(SQL_MONTH, params=params).pl()


def as_polars(frame: pd.DataFrame) -> pl.DataFrame:
    """A :func:`pandas_month` result as a Polars frame with nulls for NaN (for comparisons)."""
    out = pl.from_pandas(frame, nan_to_null=True)
    return out.with_columns(pl.col(pl.Float64).fill_nan(None))


def is_close(a: object, b: object, tol: float = 1e-9) -> bool:
    """Whether two metric values agree: both null (None or NaN), or numbers within ``tol``."""
    a_null = a is None or (isinstance(a, float) and math.isnan(a))
    b_null = b is None or (isinstance(b, float) and math.isnan(b))
    if a_null or b_null:
        return a_null and b_null
    return bool(np.isclose(float(a), float(b), rtol=0.0, atol=tol))  # type: ignore[arg-type]
