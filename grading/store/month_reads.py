"""What grading a month reads from the store, and the order that keeps those reads small (part of the
DuckDB layer, beside :mod:`grading.store.database`, which opens the store).

A month's grading needs the complaints alive in it (registered before its end, open or active since its
start), their transfers, and the stints and call-backs that fall in it: :func:`read_month_inputs`.
:func:`cluster` is the order the derived tables are written in when a write rebuilds the store, so that
DuckDB's zone maps let those reads skip what the month does not hold (docs/storage.md, "A month's read
costs what the month holds").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import duckdb
import polars as pl

from grading.store.migrations import split_parts
from grading.store.sqltext import registered, sql


def _frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    frame: pl.DataFrame = relation.pl()
    return frame


#: The order each derived table a month's read filters by time is stored in when a write rebuilds the
#: store (``demo``, ``compact``), see :func:`cluster`: closed complaints by their last event, then the
#: open ones by registration; stints by their start; call-backs by their time.
_CLUSTER_ORDER: Final = {
    "complaints": (
        "order by closed_at is null, case when closed_at is null then registered_at else last_event_at end, "
        "complaint_key"
    ),
    **dict.fromkeys(split_parts("stints"), "order by started_at, complaint_key"),
    **dict.fromkeys(split_parts("feedback_events"), "order by event_time, complaint_key"),
}


def cluster(
    con: duckdb.DuckDBPyConnection, table: str, schema: str, source: str, keys: tuple[str, str] | None = None
) -> None:
    """Fill the empty ``table`` with the rows of ``schema.source`` (with ``keys``, a join and a table: only
    the rows whose ``complaint_key`` that join keeps, e.g. ``("semi", "open_keys")``), in the order a
    month's read prunes best for the derived tables it filters by time (:data:`_CLUSTER_ORDER`; any other
    table as it is).

    A month's read (:func:`month_complaints`, :func:`read_month_inputs`) asks for the complaints active
    since the month's start and the open ones, the stints started in it and the call-backs made in it; in
    these orders DuckDB's zone maps (each row group's min and max, and whether it holds nulls) skip every
    row group outside the month, so a read costs what the month holds, not the length of the history.
    Loads keep the order roughly (they re-append the complaints they touched); ``compact`` restores it.
    Written in order rather than sorted in place, so no freed copy of a table is left in the file.
    """
    order = _CLUSTER_ORDER.get(table, "")
    rows = "" if keys is None else sql("{j} join {k} using (complaint_key) ", j=keys[0], k=keys[1])
    con.execute(sql("insert into {t} select * from {s}.{f} ", t=table, s=schema, f=source) + rows + order)


def month_bounds(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """First and last calendar month with any event, or None for an empty store."""
    row = con.sql(
        "select date_trunc('month', min(event_time))::date, date_trunc('month', max(event_time))::date from events"
    ).fetchall()[0]
    if row[0] is None:
        return None
    return row[0], row[1]


def registered_per_month(con: duckdb.DuckDBPyConnection, first: date, last: date) -> dict[date, int]:
    """Complaints registered in each calendar month from ``first`` to ``last`` (months without any are
    absent): what a read of those months holds (:func:`grading.monthly.refresh.compute_months` sizes its
    reads by it)."""
    rows = con.execute(
        """
        select date_trunc('month', registered_at)::date as month, count(*) as registered
        from complaints
        where registered_at >= $first and registered_at < $last::date + interval 1 month
        group by all
        """,
        {"first": first, "last": last},
    ).fetchall()
    return {month: int(n) for month, n in rows}


#: Columns of ``complaints`` the metrics read (the rest serve case lists).
GRADING_COLUMNS: Final = (
    "complaint_key",
    "registered_at",
    "department",
    "district",
    "closed_at",
    "close_outcome",
    "first_feedback_at",
    "reached_l2_at",
    "reached_l3_at",
    "reached_l4_at",
    "first_breach_at",
    "last_event_at",
    "complainant_month_count",
)


def read_month_inputs(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, pl.DataFrame]:
    """The derived rows needed to grade the months in ``[start, end)`` as of their cut-offs.

    ``complaints`` registered before ``end`` that are still open now or have any event at or after
    ``start`` (so: registered in the window, closed in it, open at a cut-off in it, or with a call-back
    or stint in it; a complaint open at a cut-off with no event for months is kept), their
    ``transfers`` before ``end``, ``stints`` started in the window and ``feedback_events`` in it. This
    is a superset for any single month of the window: :func:`grading.scoring.metrics.month_metrics` applies
    the exact rule for each month.
    """
    params = {"start": start, "end": end}
    complaints = month_complaints(con, start, end)
    with registered(con, graded_keys=complaints.select("complaint_key")):
        transfers = con.sql(
            """
            select complaint_key, event_time, department from transfers
            where event_time < $end and complaint_key in (select complaint_key from graded_keys)
            """,
            params={"end": end},
        ).pl()
    stints = con.sql(
        """
        select complaint_key, started_at, nonattended_at from stints
        where started_at >= $start and started_at < $end
        """,
        params=params,
    ).pl()
    feedback = con.sql(
        "select * from feedback_events where event_time >= $start and event_time < $end", params=params
    ).pl()
    return {"complaints": complaints, "transfers": transfers, "stints": stints, "feedback_events": feedback}


def month_complaints(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pl.DataFrame:
    """The ``complaints`` rows (:data:`GRADING_COLUMNS`) a grading of ``[start, end)`` needs: registered
    before ``end`` and open now or with an event at or after ``start``, in the order they are stored
    (the rules need none; sorting a six-month read by key cost as much as reading it).

    Read in two parts, each of which DuckDB's zone maps prune (see :func:`cluster`): the complaints with
    an event since ``start``, and the open ones quiet since before it.
    """
    return _frame(
        con.sql(
            sql(
                """
                select {c} from complaints
                where registered_at < $end and last_event_at >= $start
                union all
                select {c} from complaints
                where registered_at < $end and closed_at is null and last_event_at < $start
                """,
                c=GRADING_COLUMNS,
            ),
            params={"start": start, "end": end},
        )
    )
