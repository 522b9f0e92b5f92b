"""The audit log in the access file: appending a row, reading the log, and who signed in when.

What one row says happened (its :class:`~grading.access.audit.Entry`) is :mod:`grading.access.audit`'s;
:mod:`grading.outputs.auditlog` writes the log in words.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from typing import Final

import polars as pl

from grading.access import audit
from grading.access.accessfile import AccessFile
from grading.access.audit import Entry
from grading.access.identity import AccessError, Identity, Scope

#: What the audit log records (docs/access.md, "The audit log"): a case file leaving (``export``), a case
#: list shown (``view``), a sign-in and a failed one, an account made, changed or removed, a month
#: published, a scheme or the alert rules changed, a message sent (digest or alert), a meeting decision
#: recorded or done, a district or department pinned.
AUDITED: Final = (
    "export",
    "view",
    "sign_in",
    "sign_in_failed",
    "account",
    "publish",
    "scheme",
    "sent",
    "decision",
    "watch",
)
#: An account not signed in for this many days is listed as idle on the administrator's page (officers who
#: had not logged in for a month were asked to explain themselves).
IDLE_DAYS: Final = 30
#: The audit log's columns, as :meth:`AuditLog.audit` returns them.
AUDIT_COLUMNS: Final = ("at", "username", "role", "scope", "action", "event", "args", "detail", "rows")
#: Who the command line acts as in the audit log (``cli:<operating-system user>``).
CLI_PREFIX: Final = "cli:"
#: Who a collector's digest acts as when it attaches the meeting pack (``digest:<account>``).
DIGEST_PREFIX: Final = "digest:"


def operator() -> Identity:
    """The command line's identity in the audit log: ``cli:<operating-system user>``, an administrator."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = str(os.getuid())
    return Identity(f"{CLI_PREFIX}{user}", "admin")


def scope_label(who: Identity) -> str:
    """An identity's whole scope as the audit log writes it (``districts=BHOPAL``, ``state``)."""
    return audit.scope_of(who.role, who.districts, who.departments)


def record_audit(  # noqa: PLR0917 - one column each, as the audit table's row
    con: sqlite3.Connection,
    who: Identity,
    action: str,
    what: Entry,
    rows: int,
    scope: str,
    now: datetime | None,
) -> None:
    """Append one row to the audit log: ``what`` happened, as its event and values (``detail``, the
    sentence older versions wrote, stays empty)."""
    at = (now or datetime.now()).isoformat(timespec="seconds")
    con.execute(
        "insert into audit (at, username, role, scope, action, detail, rows, event, args) "
        "values (?, ?, ?, ?, ?, '', ?, ?, ?)",
        (at, who.username, who.role, scope, action, rows, what.event, what.args),
    )


class AuditLog(AccessFile):
    """The access file's audit log: append-only rows, read back whole or as who signed in when."""

    def log_export(self, who: Identity, scope: Scope, what: Entry, rows: int, now: datetime | None = None) -> None:
        """Record that ``who`` exported ``rows`` rows of a case list (``what``) within ``scope``."""
        self.log(who, "export", what, rows=rows, scope=scope, now=now)

    def log_view(self, who: Identity, scope: Scope, what: Entry, rows: int, now: datetime | None = None) -> None:
        """Record that ``who`` was shown ``rows`` rows of a case list (``what``) within ``scope``."""
        self.log(who, "view", what, rows=rows, scope=scope, now=now)

    def log(
        self,
        who: Identity,
        action: str,
        what: Entry,
        *,
        rows: int = 0,
        scope: Scope | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record one event of :data:`AUDITED` (``action``) by ``who`` in the audit log: ``what`` says what
        (a catalogue key and its values, :class:`grading.access.audit.Entry`), ``rows`` how many case rows
        it concerned, ``scope`` within which (the identity's whole scope when None). The log is append-only:
        nothing in Nivaran updates or deletes its rows (an upgrade only adds an old row's entry)."""
        if action not in AUDITED:
            msg = f"audit action {action!r}: expected one of {', '.join(AUDITED)}"
            raise AccessError(msg)
        with self._open() as con:
            record_audit(con, who, action, what, rows, scope.label if scope else scope_label(who), now)

    def last_seen(self) -> pl.DataFrame:
        """One row per account: ``username``, ``role``, ``last_sign_in_at`` (ISO text, the latest successful
        sign-in by password, by the identity provider or a session started; None: never) and
        ``created_at``, by role then name."""
        with self._open() as con:
            rows = con.execute(
                """
                with signed as (
                    select username, max(at) as at from audit where action = 'sign_in' group by username
                    union all
                    select username, max(created_at) as at from sessions group by username
                ),
                final as (
                    select u.username, u.role, max(s.at) as last_sign_in_at, u.created_at
                    from users u left join signed s on s.username = u.username
                    group by u.username, u.role, u.created_at
                )
                select * from final order by role, username
                """
            ).fetchall()
        return pl.DataFrame(rows, schema=["username", "role", "last_sign_in_at", "created_at"], orient="row").cast(
            pl.String
        )

    def idle(self, days: int, now: datetime | None = None) -> pl.DataFrame:
        """The accounts not signed in for ``days`` days (or never since they were made more than ``days``
        ago): :meth:`last_seen`'s rows, plus ``idle_days`` (whole days since the last sign-in, or since the
        account was made when it never signed in), most idle first."""
        now = now or datetime.now()
        seen = self.last_seen()
        since = pl.coalesce(pl.col("last_sign_in_at"), pl.col("created_at")).str.to_datetime(time_unit="us")
        return (
            seen.with_columns(idle_days=(pl.lit(now) - since).dt.total_days().cast(pl.Int64))
            .filter(pl.col("idle_days") >= days)
            .sort(["idle_days", "username"], descending=[True, False])
        )

    def audit(self) -> pl.DataFrame:
        """The audit log, newest first: one row per event, ``at`` (ISO text, seconds), ``username``, ``role``,
        ``scope`` (``state``, ``districts=A,B``, ``departments=X``, both joined by ``;``; empty for a failed
        sign-in), ``action`` (:data:`AUDITED`), ``event`` and ``args`` (what happened: a catalogue key and
        its values as JSON, :mod:`grading.access.audit`; null on an old row whose sentence had no known
        shape), ``detail`` (an old row's English sentence as written, empty on newer rows) and ``rows``
        (case rows concerned). :mod:`grading.outputs.auditlog` writes it in words."""
        with self._open() as con:
            # newest first; within one second (the stamp's precision), the later row first
            rows = con.execute(
                "select at, username, role, scope, action, event, args, detail, rows from audit "
                "order by at desc, rowid desc"
            ).fetchall()
        return pl.DataFrame(rows, schema=AUDIT_COLUMNS, orient="row")
