"""The SQL floor for all months: one hand-written DuckDB query over the derived tables.

:func:`grading.monthly.refresh.compute_months` computes every metric of every month from the derived tables
(``complaints``, ``stints``, ``feedback_events``, ``transfers``). :data:`SQL_ALL_MONTHS` computes the
same figures from the same tables in one DuckDB query, the way a careful analyst would write it
without Nivaran: each complaint is expanded into the calendar months it is alive in (registered by the
month's cut-off and open at it, or closed or touched in the month), placed in its department as of
each cut-off (an ``asof`` join on its transfers), flagged, and aggregated for the three entity types at
once with grouping sets. It is the floor that ``bench/bench_grading.py`` (step ``sql_floor``) measures
``compute_months`` against, side by side in one run.

Grain: one row per (entity_type, department, district, month), as
:func:`grading.scoring.metrics.month_metrics`; the columns of :data:`grading.model.registry.METRICS`. Units as there:
counts, percentages 0-100 (null with a zero denominator; ``long_pending_disposal_pct`` 100), days as
decimals. :func:`differences` compares a floor result with the pipeline's.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from grading.model.registry import METRICS
from grading.scoring.metrics import MetricSettings

SQL_ALL_MONTHS: Final = """
with facts as (
    -- per complaint: what does not depend on the month
    select complaint_key, department, district, has_transfer, registered_at, closed_at, close_outcome,
           first_feedback_at, reached_l2_at, reached_l3_at, reached_l4_at, first_breach_at,
           complainant_month_count > $habitual_threshold as is_habitual,
           date_trunc('month', registered_at) as registered_month,
           date_trunc('month', closed_at) as closed_month,
           (epoch_us(closed_at) - epoch_us(registered_at)) / 86400000000 as closure_days,
           -- alive from its registration month to the month of its closure or last event (open: the end)
           case when closed_at is null then $last::timestamp
                else least(date_trunc('month', greatest(closed_at, last_event_at)), $last::timestamp) end
               as last_alive_month
    from complaints
    where registered_at < $last::timestamp + interval 1 month
      and (closed_at is null or greatest(closed_at, last_event_at) >= $first)
),
complaint_months as (
    -- one row per complaint and calendar month in [$first, $last] it is alive in
    select *, start_at + interval 1 month - interval 1 microsecond as cutoff_at
    from (
        select *, unnest(generate_series(greatest(registered_month, $first::timestamp), last_alive_month,
                                         interval 1 month)) as start_at
        from facts
    )
),
placed as (
    -- the department as of each cut-off: the latest transfer at or before it, else the registration's
    select * from complaint_months where not has_transfer
    union all
    select cm.* replace (coalesce(t.department, cm.department) as department)
    from (select * from complaint_months where has_transfer) cm
    asof left join transfers t on t.complaint_key = cm.complaint_key and cm.cutoff_at >= t.event_time
),
flags as (
    select start_at, complaint_key, department, district, is_habitual, closure_days, close_outcome,
           registered_month = start_at as is_received,
           closed_month = start_at as is_closed_in_month,
           closed_at is null or closed_month > start_at as is_open,
           coalesce(first_breach_at < cutoff_at, false) as is_breached,
           coalesce(first_feedback_at <= cutoff_at, false) as has_callback,
           coalesce(reached_l2_at <= cutoff_at, false) as is_l2,
           coalesce(reached_l3_at <= cutoff_at, false) as is_l3,
           coalesce(reached_l4_at <= cutoff_at, false) as is_l4,
           coalesce(closed_month <= start_at and close_outcome = 'satisfied', false) as is_closed_satisfied,
           (epoch_us(cutoff_at) - epoch_us(registered_at)) // 86400000000 as age_days
    from placed
    where registered_month = start_at or not is_habitual
),
graded as (
    select * from flags where not is_habitual
),
feedback_counts as (
    select g.start_at, g.department, g.district,
           count(*) filter (f.kind = 'satisfied') as feedback_satisfied,
           count(*) filter (f.kind = 'dissatisfied') as feedback_dissatisfied,
           count(*) filter (f.kind = 'unreachable') as feedback_unreachable,
           count(*) filter (f.kind = 'reopened') as reopened
    from feedback_events f
    join graded g on g.complaint_key = f.complaint_key and g.start_at = date_trunc('month', f.event_time)
    where f.event_time >= $first and f.event_time < $last::timestamp + interval 1 month
    group by all
),
stint_counts as (
    select g.start_at, g.department, g.district,
           count(*) as stints_started,
           count(*) filter (s.nonattended_at < g.start_at + interval 1 month - interval 1 microsecond)
               as stints_non_attended
    from stints s
    join graded g on g.complaint_key = s.complaint_key and g.start_at = date_trunc('month', s.started_at)
    where s.started_at >= $first and s.started_at < $last::timestamp + interval 1 month
    group by all
),
cells as (
    -- additive counts per (month, department, district); the three entity types roll these up
    select start_at, department, district,
           count(*) filter (is_received and not is_habitual) as received,
           count(*) filter (is_received and is_habitual) as excluded_habitual,
           count(*) filter (not is_habitual and is_received and is_closed_satisfied) as closed_satisfied,
           count(*) filter (not is_habitual and is_closed_in_month) as closed,
           count(*) filter (not is_habitual and is_closed_in_month and close_outcome = 'satisfied')
               as closed_satisfied_in_month,
           count(*) filter (not is_habitual and is_closed_in_month and close_outcome = 'force') as closed_force,
           count(*) filter (not is_habitual and is_closed_in_month and close_outcome = 'special') as closed_special,
           count(*) filter (not is_habitual and is_closed_in_month
                            and close_outcome in ('resolved', 'withdrawn', 'duplicate')) as closed_other,
           count(*) filter (not is_habitual and is_closed_in_month and has_callback) as callback_closed,
           count(*) filter (not is_habitual and is_closed_in_month and not is_breached) as on_time,
           count(*) filter (not is_habitual and is_closed_in_month and is_breached) as late,
           count(*) filter (not is_habitual and is_open and is_breached) as open_overdue,
           count(*) filter (not is_habitual and is_open) as pending,
           count(*) filter (not is_habitual and is_open and age_days between 0 and 7) as pending_0_7,
           count(*) filter (not is_habitual and is_open and age_days between 8 and 15) as pending_8_15,
           count(*) filter (not is_habitual and is_open and age_days between 16 and 30) as pending_16_30,
           count(*) filter (not is_habitual and is_open and age_days between 31 and 50) as pending_31_50,
           count(*) filter (not is_habitual and is_open and age_days between 51 and 100) as pending_51_100,
           count(*) filter (not is_habitual and is_open and age_days >= 101) as pending_over_100,
           count(*) filter (not is_habitual and is_closed_in_month and close_outcome = 'satisfied'
                            and floor(closure_days) > $long_pending_days) as long_pending_closed,
           count(*) filter (not is_habitual and is_open and age_days > $long_pending_days) as long_pending_open,
           count(*) filter (not is_habitual and is_received and is_l2) as reached_l2,
           count(*) filter (not is_habitual and is_received and is_l3) as reached_l3,
           count(*) filter (not is_habitual and is_received and is_l4) as reached_l4
    from flags
    group by all
),
cell_counts as (
    select c.*,
           coalesce(f.feedback_satisfied, 0) as feedback_satisfied,
           coalesce(f.feedback_dissatisfied, 0) as feedback_dissatisfied,
           coalesce(f.feedback_unreachable, 0) as feedback_unreachable,
           coalesce(f.reopened, 0) as reopened,
           coalesce(s.stints_started, 0) as stints_started,
           coalesce(s.stints_non_attended, 0) as stints_non_attended
    from cells c
    left join feedback_counts f using (start_at, department, district)
    left join stint_counts s using (start_at, department, district)
),
counts as (
    select start_at, department, district, grouping(department, district) as rolled,
           sum(columns(* exclude (start_at, department, district)))::bigint
    from cell_counts
    group by grouping sets ((start_at, department), (start_at, district), (start_at, department, district))
),
days as (
    select start_at, department, district, grouping(department, district) as rolled,
           median(closure_days) as resolution_days_median,
           avg(closure_days) as resolution_days_mean,
           quantile_cont(closure_days, 0.9) as resolution_days_p90
    from graded
    where is_closed_in_month
    group by grouping sets ((start_at, department), (start_at, district), (start_at, department, district))
),
joined as (
    select c.*, d.resolution_days_median, d.resolution_days_mean, d.resolution_days_p90,
           c.pending_51_100 + c.pending_over_100 as pending_over_50,
           c.feedback_satisfied + c.feedback_dissatisfied as feedback_rated,
           c.on_time + c.late + c.open_overdue as sla_base,
           c.long_pending_closed + c.long_pending_open as long_pending_base
    from counts c
    left join days d
      on d.start_at = c.start_at and d.rolled = c.rolled
     and d.department is not distinct from c.department and d.district is not distinct from c.district
),
final as (
    select case rolled when 1 then 'department' when 2 then 'district' else 'department_district' end
               as entity_type,
           start_at::date as month, * exclude (start_at),
           100.0 * closed_satisfied / nullif(received, 0) as satisfied_closure_pct,
           100.0 * closed_force / nullif(closed, 0) as force_close_pct,
           100.0 * feedback_satisfied / nullif(feedback_rated, 0) as satisfaction_pct,
           100.0 * callback_closed / nullif(closed, 0) as callback_coverage_pct,
           100.0 * reopened / nullif(feedback_rated, 0) as reopen_pct,
           100.0 * on_time / nullif(sla_base, 0) as sla_compliance_pct,
           100.0 * on_time / nullif(closed, 0) as on_time_closure_pct,
           100.0 * open_overdue / nullif(pending, 0) as overdue_pending_pct,
           100.0 * stints_non_attended / nullif(stints_started, 0) as non_attended_pct,
           coalesce(100.0 * long_pending_closed / nullif(long_pending_base, 0), 100.0) as long_pending_disposal_pct,
           100.0 * reached_l2 / nullif(received, 0) as reached_l2_pct,
           100.0 * reached_l3 / nullif(received, 0) as reached_l3_pct,
           100.0 * reached_l4 / nullif(received, 0) as reached_l4_pct
    from joined
)
select * from final
"""


def sql_all_months(
    con: duckdb.DuckDBPyConnection, first: date, last: date, settings: MetricSettings | None = None
) -> pl.DataFrame:
    """Every metric of every month from ``first`` to ``last`` with :data:`SQL_ALL_MONTHS`, sorted like
    :func:`grading.monthly.refresh.compute_months` (by month, entity type, department, district)."""
    settings = settings or MetricSettings()
    params = {
        "first": first,
        "last": last,
        "habitual_threshold": settings.habitual_threshold,
        "long_pending_days": settings.long_pending_days,
    }
    frame: pl.DataFrame = con.sql(SQL_ALL_MONTHS, params=params).pl()
    return frame.select("entity_type", "department", "district", "month", *METRICS).sort(
        "month", "entity_type", "department", "district", nulls_last=False
    )


def differences(floor: pl.DataFrame, pipeline: pl.DataFrame, tol: float = 1e-6) -> pl.DataFrame:
    """Every (entity, month, metric) where the two results differ by more than ``tol`` (or one is null,
    or the entity is missing on one side): entity_type, department, district, month, metric, floor,
    pipeline. Empty when they agree."""
    keys = ["entity_type", "department", "district", "month"]
    joined = floor.join(pipeline, on=keys, how="full", coalesce=True, suffix="_pipeline", nulls_equal=True)
    rows = []
    for metric in METRICS:
        a, b = pl.col(metric).cast(pl.Float64), pl.col(f"{metric}_pipeline").cast(pl.Float64)
        differs = (a.is_null() != b.is_null()) | ((a - b).abs() > tol).fill_null(False)
        rows.append(joined.filter(differs).select(*keys, metric=pl.lit(metric), floor=a, pipeline=b))
    return pl.concat(rows)
