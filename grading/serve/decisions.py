"""Meeting decisions as the pages, the packs, the digests and the command line read and record them: the
store checks a decision's complaint, the access file keeps it (:mod:`grading.access.decisions`).

A decision on a complaint is checked against the store: the complaint must be in the district (read
through the caller's scope, :func:`grading.serve.views.case_timeline`, so a collector cannot name another
district's complaint), and the decision names the complaint's department at the review day. A decision
on a department names it as given (a code of the reference data).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl

from grading.access.accounts import Accounts
from grading.access.decisions import Decisions
from grading.access.identity import AccessError, Identity
from grading.monthly import results
from grading.serve import review, views


def record(
    con: duckdb.DuckDBPyConnection,
    accounts: Accounts,
    who: Identity,
    *,
    district: str,
    what: str,
    owner: str,
    due: date,
    review_day: date,
    department: str | None = None,
    complaint_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record a decision of ``district``'s review of ``review_day`` (on ``complaint_id``, or on
    ``department``, or on the district as a whole); its id. A complaint outside ``who``'s scope or the
    district is "no such complaint", as on the review page."""
    if complaint_id is not None:
        events = views.case_timeline(con, complaint_id, who, district=district)
        events = events.filter(pl.col("event_time") <= review.end_of(review_day))
        if events.is_empty():
            msg = f"no complaint {complaint_id!r} in {district} by {review_day:%d-%m-%Y} in your scope"
            raise AccessError(msg)
        department = events.filter(pl.col("department").is_not_null())["department"][-1]
    elif department is not None:
        known = set(
            results.attach_names(con, pl.DataFrame({"department": [department], "district": [district]}))[
                "department_name"
            ].drop_nulls()
        )
        if not known:
            msg = f"department {department!r}: not in the reference data"
            raise AccessError(msg)
    return Decisions(accounts).add(
        who,
        district=district,
        what=what,
        owner=owner,
        due=due,
        review_day=review_day,
        department=department,
        complaint_id=complaint_id,
        now=now,
    )


def carried(
    con: duckdb.DuckDBPyConnection,
    accounts: Accounts,
    who: Identity,
    day: date,
    *,
    district: str | None = None,
    department: str | None = None,
    since: date | None = None,
) -> pl.DataFrame:
    """The decisions a review, pack or digest of ``day`` shows (:meth:`Decisions.list` with
    ``since``), with ``district_name`` and ``department_name`` (English) and ``_hi`` names attached;
    one row per decision, overdue first."""
    found = Decisions(accounts).list(who, day, district=district, department=department, since=since)
    return results.attach_names(con, found)
