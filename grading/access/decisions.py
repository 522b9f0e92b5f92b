"""Meeting decisions: what a district review decided, who owns it and by when, kept in the access file.

A collector (or an administrator) records a decision at a district review: **what** is to be done,
**who owns it** (an officer or office, free text), the **due** day, on a **department** of the district
or on one **complaint** (then its department too), and the review day it was taken at. Decisions carry
over: every later review of the district, its meeting pack and the digests list them with their
**status as of the review day** (:func:`status`): ``done`` once marked done by the end of that day,
``overdue`` when the due day has passed without that, else ``open``.

Scope is the case lists' (:meth:`grading.access.identity.Identity.scope`): a collector sees and records
the decisions of their districts only; a department head sees those that name one of their departments
(in any district) and records none; an administrator sees all. Recording a decision and marking it done
are written to the audit log (``decision``) in the same transaction as the row.

Storage: the access file's ``decisions`` table (:mod:`grading.access.accounts`), next to the audit log,
because the dashboard writes it while it holds the store read-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import polars as pl

from grading.access.accounts import Accounts
from grading.access.audit import Entry, decision_entry
from grading.access.identity import AccessDeniedError, AccessError, Identity
from grading.access.logbook import record_audit

#: The statuses of a decision, in the order a review reads them.
STATUSES: Final = ("overdue", "open", "done")
#: Longest text kept for ``what`` and ``owner``.
MAX_TEXT: Final = 500

#: One row per decision (:func:`Decisions.list`): codes as the store's, days as dates, ``status`` of
#: :data:`STATUSES` as of the day asked for.
SCHEMA: Final = {
    "decision_id": pl.Int64,
    "district": pl.String,
    "department": pl.String,
    "complaint_id": pl.String,
    "what": pl.String,
    "owner": pl.String,
    "due": pl.Date,
    "review_day": pl.Date,
    "recorded_by": pl.String,
    "recorded_at": pl.String,
    "done_at": pl.String,
    "done_by": pl.String,
    "status": pl.String,
}
_COLUMNS: Final = tuple(c for c in SCHEMA if c != "status")


def status(due: date, done_on: date | None, day: date) -> str:
    """A decision's status at the end of ``day``: ``done`` when marked done on or before ``day``,
    ``overdue`` when ``due`` is before ``day`` and it is not done, else ``open`` (due on ``day`` is open).

    >>> status(date(2024, 3, 20), None, date(2024, 3, 21))
    'overdue'
    """
    if done_on is not None and done_on <= day:
        return "done"
    return "overdue" if due < day else "open"


def _text(value: str, field: str) -> str:
    text = " ".join(value.split())
    if not text:
        msg = f"a decision needs {field}"
        raise AccessError(msg)
    if len(text) > MAX_TEXT:
        msg = f"{field}: at most {MAX_TEXT} characters, got {len(text)}"
        raise AccessError(msg)
    return text


class Decisions:
    """The meeting decisions of one database's access file (see the module docstring)."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def add(
        self,
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
        """Record a decision of ``district``'s review of ``review_day``; its id. Only a collector of the
        district or an administrator records one (:class:`AccessDeniedError` otherwise). The caller has
        checked that ``complaint_id`` is a complaint of the district in ``department``
        (:func:`grading.serve.decisions.record` does)."""
        if who.role not in ("collector", "admin"):
            msg = f"{who.username}: decisions are recorded at a district review, by its collector or an administrator"
            raise AccessDeniedError(msg)
        scope = who.scope(district=district)
        row = (
            district,
            department,
            complaint_id,
            _text(what, "what is to be done"),
            _text(owner, "who owns it"),
            due.isoformat(),
            review_day.isoformat(),
            who.username,
            (now or datetime.now()).isoformat(timespec="seconds"),
        )
        with self.accounts.connection() as con:
            made = con.execute(
                "insert into decisions (district, department, complaint_id, what, owner, due, review_day, "
                "recorded_by, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            ).lastrowid
            assert made is not None  # an insert into a rowid table has one
            entry = decision_entry(
                made,
                district=district,
                department=department,
                complaint=complaint_id,
                review_day=review_day.isoformat(),
                due=due.isoformat(),
            )
            record_audit(con, who, "decision", entry, 0, scope.label, now)
        return made

    def done(self, who: Identity, decision_id: int, *, on: date | None = None, now: datetime | None = None) -> None:
        """Mark a decision done (on day ``on``, default today); by a collector of its district or an
        administrator."""
        row = self._row(decision_id)
        if who.role not in ("collector", "admin"):
            msg = f"{who.username}: only the district's collector or an administrator marks a decision done"
            raise AccessDeniedError(msg)
        scope = who.scope(district=row["district"])
        day = (on or (now or datetime.now()).date()).isoformat()
        with self.accounts.connection() as con:
            con.execute(
                "update decisions set done_at = ?, done_by = ? where decision_id = ?", (day, who.username, decision_id)
            )
            what = Entry("decision_done", {"decision": decision_id, "day": day})
            record_audit(con, who, "decision", what, 0, scope.label, now)

    def _row(self, decision_id: int) -> dict[str, str]:
        with self.accounts.connection() as con:
            found = con.execute(
                "select district, department from decisions where decision_id = ?", (decision_id,)
            ).fetchone()
        if found is None:
            msg = f"no decision {decision_id}"
            raise AccessError(msg)
        return {"district": found[0], "department": found[1]}

    def list(
        self,
        who: Identity,
        day: date,
        *,
        district: str | None = None,
        department: str | None = None,
        since: date | None = None,
    ) -> pl.DataFrame:
        """The decisions ``who`` may see that were recorded at reviews on or before ``day``, with their
        :func:`status` at the end of ``day``; one row per decision (:data:`SCHEMA`), overdue first, then
        open, then done, each by due day. With ``since`` (the last review), those done before it are
        left out: a review carries over what is open or overdue and shows what was done since.

        A collector sees their districts' decisions (``district`` narrows, never widens), a department
        head those naming their departments, an administrator all; ``department`` narrows to decisions
        naming it.
        """
        scope = who.scope(district=district, department=department)
        with self.accounts.connection() as con:
            rows = con.execute(
                "select decision_id, district, department, complaint_id, what, owner, due, review_day, recorded_by, "
                "recorded_at, done_at, done_by from decisions where review_day <= ? order by decision_id",
                (day.isoformat(),),
            ).fetchall()
        frame = pl.DataFrame(rows, schema=dict.fromkeys(_COLUMNS, pl.String), orient="row").with_columns(
            pl.col("decision_id").cast(pl.Int64), pl.col("due", "review_day").str.to_date()
        )
        if scope.districts is not None:
            frame = frame.filter(pl.col("district").is_in(list(scope.districts)))
        if scope.departments is not None:
            frame = frame.filter(pl.col("department").is_in(list(scope.departments)))
        done_on = pl.col("done_at").str.to_date()
        state = (
            pl.when(done_on.is_not_null() & (done_on <= day))
            .then(pl.lit("done"))
            .when(pl.col("due") < day)
            .then(pl.lit("overdue"))
            .otherwise(pl.lit("open"))
        )
        order = pl.col("status").replace_strict({s: i for i, s in enumerate(STATUSES)}, return_dtype=pl.Int8)
        if since is not None:
            frame = frame.filter(done_on.is_null() | (done_on >= since) | (done_on > day))
        shown = pl.when(done_on <= day)
        return (
            frame.with_columns(status=state)
            .with_columns(
                shown.then(pl.col("done_at")).alias("done_at"), shown.then(pl.col("done_by")).alias("done_by")
            )
            .sort(order, "due", "decision_id")
            .select(list(SCHEMA))
            .cast(SCHEMA)  # type: ignore[arg-type]
        )
