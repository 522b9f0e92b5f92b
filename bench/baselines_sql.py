"""The hand-written DuckDB SQL baseline of one month's department metrics (see :mod:`bench.baselines`).

One query over the ``events`` and ``categories`` tables of a Nivaran database. Grain and units of the
result: as :mod:`bench.baselines` says.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from bench.baselines import DEFAULT_LIMIT_DAYS, PENDING_OVER_DAYS, month_bounds
from grading.model.schema import EVENTS

#: One query: the department metrics of the month ``[$start, $cutoff]`` from ``events`` and
#: ``categories``. Parameters: ``$start``, ``$cutoff`` (timestamps), ``$lifecycle`` (the event types in
#: lifecycle order), ``$default_limit_days``, ``$habitual_threshold``, ``$long_pending_days``,
#: ``$pending_over_days``. One row per department, columns as :data:`bench.baselines.COLUMNS`.
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
    habitual_threshold, long_pending_days : as in :func:`bench.baselines_pandas.pandas_month`.

    Returns
    -------
    One row per department (see :data:`bench.baselines.COLUMNS`), sorted by department; counts are Int64, percentages
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
