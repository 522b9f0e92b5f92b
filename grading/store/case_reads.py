"""Complaint- and stint-level reads: part of the DuckDB layer, kept apart from :mod:`grading.store.database` by job.

The rows the case lists (:mod:`grading.serve.views`, :mod:`grading.serve.review`, :mod:`grading.scoring.plan`) and the
integrity flags' evidence (:mod:`grading.scoring.flags`) are built from; the as-of rules are applied by the
callers (:mod:`grading.rules.asof`). Each function's docstring names the columns and the grain.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import polars as pl

from grading.store import database
from grading.store.sqltext import registered, sql


def flag_complaints(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pl.DataFrame:
    """Complaints registered or closed in ``[start, end)`` with who filed them and how they closed
    (for the integrity flags): complaint_key, registered_at, category, complainant, closed_at,
    close_outcome. One row per complaint."""
    return database.as_frame(
        con.sql(
            """
            select complaint_key, registered_at, category, complainant, closed_at, close_outcome
            from complaints
            where (registered_at >= $start and registered_at < $end)
               or (closed_at >= $start and closed_at < $end)
            """,
            params={"start": start, "end": end},
        )
    )


def stints_ended(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pl.DataFrame:
    """Stints that ended in ``[start, end)`` (for the integrity flags): complaint_key, level,
    started_at, ended_at, limit_days. One row per stint."""
    return database.as_frame(
        con.sql(
            """
            select complaint_key, level, started_at, ended_at, limit_days
            from stints
            where ended_at >= $start and ended_at < $end
            """,
            params={"start": start, "end": end},
        )
    )


def transfers_until(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame, until: datetime) -> pl.DataFrame:
    """The transfers at or before ``until`` of the complaints in ``keys`` (a ``complaint_key`` column):
    complaint_key, event_time, department; for the department at a time (:func:`grading.rules.asof.department_at`)."""
    with registered(con, wanted_keys=keys):
        return database.as_frame(
            con.sql(
                """
                select complaint_key, event_time, department from transfers
                where event_time <= $until and complaint_key in (select complaint_key from wanted_keys)
                """,
                params={"until": until},
            )
        )


def outcome_cases(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, pl.DataFrame]:
    """Complaints with a dissatisfied call-back, a reopening or a force closure in ``[start, end)``.

    ``cases``: one row per (complaint, event) with kind ``dissatisfied``, ``reopened`` or ``force_closed``,
    event_time, complaint_key, complaint_id, registered_at, department (at registration), district,
    category, level (current); ``transfers`` of those complaints before ``end`` (for the department at
    a time, :func:`grading.rules.asof.department_at`).
    """
    params = {"start": start, "end": end}
    cases = database.as_frame(
        con.sql(
            """
            with happened as (
                select complaint_key, kind, event_time from feedback_events
                where kind in ('dissatisfied', 'reopened') and event_time >= $start and event_time < $end
                union all
                select complaint_key, 'force_closed' as kind, closed_at as event_time from complaints
                where close_outcome = 'force' and closed_at >= $start and closed_at < $end
            ),
            final as (
                select h.kind, h.event_time, c.complaint_key, c.complaint_id, c.registered_at, c.department,
                       c.district, c.category, c.current_level as level
                from happened h join complaints c using (complaint_key)
            )
            select * from final
            """,
            params=params,
        )
    )
    transfers = transfers_until(con, cases.select("complaint_key"), end - timedelta(microseconds=1))
    return {"cases": cases, "transfers": transfers}


def pending_cases(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    *,
    districts: list[str] | None = None,
    departments: list[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """The rows the case list of ``as_of`` is built from (the as-of rules are applied by the caller).

    ``districts`` / ``departments`` restrict the rows in the query itself (None = no restriction);
    ``departments`` keeps a complaint when its department at registration or any transfer up to
    ``as_of`` is in the list, a superset that :func:`grading.rules.asof.department_at` then narrows.
    Returns ``complaints`` (candidates registered by ``as_of`` and not closed before it: complaint_key,
    complaint_id, registered_at, department, district, category, channel, closed_at,
    first_breach_at), their ``transfers`` up to ``as_of`` and their ``stints`` started by ``as_of``.
    """
    params = {"as_of": as_of, "districts": districts, "departments": departments}
    complaints = database.as_frame(
        con.sql(
            """
            with candidates as (
                select complaint_key, complaint_id, registered_at, department, district, category, channel,
                       closed_at, first_breach_at, has_transfer
                from complaints
                where registered_at <= $as_of
                  and (closed_at is null or closed_at >= $as_of)
                  and ($districts is null or list_contains($districts, district))
            ),
            final as (
                select * exclude (has_transfer) from candidates c
                where $departments is null
                   or list_contains($departments, c.department)
                   or (c.has_transfer and exists (
                        select 1 from transfers t
                        where t.complaint_key = c.complaint_key and t.event_time <= $as_of
                          and list_contains($departments, t.department)))
            )
            select * from final
            """,
            params=params,
        )
    )
    keys = complaints.select("complaint_key")
    transfers = transfers_until(con, keys, as_of)
    with registered(con, wanted_keys=keys):
        stints = database.as_frame(
            con.sql(
                """
                select complaint_key, started_at, ended_at, level, limit_days from stints
                where started_at <= $as_of and complaint_key in (select complaint_key from wanted_keys)
                """,
                params={"as_of": as_of},
            )
        )
    return {"complaints": complaints, "transfers": transfers, "stints": stints}


def complaint_events(
    con: duckdb.DuckDBPyConnection,
    complaint_id: str,
    *,
    districts: list[str] | None = None,
    departments: list[str] | None = None,
) -> pl.DataFrame:
    """One complaint's events in order, only if the complaint is inside the given scope."""
    return database.as_frame(
        con.sql(
            """
            with allowed as (
                select c.complaint_key
                from complaints c
                where c.complaint_id = $complaint_id
                  and ($districts is null or list_contains($districts, c.district))
                  and ($departments is null
                       or list_contains($departments, c.department)
                       or exists (select 1 from transfers t
                                  where t.complaint_key = c.complaint_key
                                    and list_contains($departments, t.department)))
            ),
            final as (
                select e.event_time, e.event, e.level, e.department, e.outcome, e.note
                from events e
                where e.complaint_key in (select complaint_key from allowed)
            )
            select * from final
            order by event_time, array_position(
                ['registered', 'transferred', 'attended', 'resolved', 'feedback', 'reopened', 'escalated', 'closed'],
                event)
            """,
            params={"complaint_id": complaint_id, "districts": districts, "departments": departments},
        )
    )


def due_sources(con: duckdb.DuckDBPyConnection, by: str, start: datetime, end: datetime) -> pl.DataFrame:
    """Where the time limits of the complaints registered in ``[start, end)`` come from, per
    department or district (``by``) at registration: code, received, from_data (a limit of their own:
    a due time, an on-time flag or a mapping's ``[limits]``), from_reference (their category's limits
    in the shipped or given reference data), assumed (a category registered from the data, which
    takes the scheme's default limit). One row per code; counts of complaints."""
    column = {"department": "department", "district": "district"}[by]
    return database.as_frame(
        con.sql(
            sql(
                """
                with registrations as (
                    select {c} as code, category, limit_days
                    from events
                    where event = 'registered' and event_time >= $start and event_time < $end
                ),

                final as (
                    select
                        r.code,
                        count(*) as received,
                        count(*) filter (where r.limit_days is not null) as from_data,
                        count(*) filter (where r.limit_days is null and k.is_reference) as from_reference,
                        count(*) filter (
                            where r.limit_days is null and not coalesce(k.is_reference, false)
                        ) as assumed
                    from registrations as r
                    left join categories as k on k.code = r.category
                    group by r.code
                )

                select * from final order by code
                """,
                c=column,
            ),
            params={"start": start, "end": end},
        )
    )
