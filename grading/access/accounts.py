"""Local accounts, sign-in limits, the access file and the audit log.

The roles and scopes are :mod:`grading.access.identity`'s.

Storage
-------
Accounts, failed sign-ins, session records (:mod:`grading.access.sessions`), the audit log and the deployment's
secrets (pseudonym key, session key) live in a small SQLite file next to the database
(``<db>.access.sqlite``), not in the DuckDB store: the dashboard writes to it often and in small pieces
(a failed sign-in, an export) while it holds the store read-only, and a load replaces the store file as a
whole (:func:`grading.store.database.writing`). SQLite (Python's standard library) takes such small
concurrent writes safely. Keeping the pseudonym key out of the store also means a copy of the store
alone cannot be used to re-identify complainants.

Passwords are hashed with Argon2id (``argon2-cffi``); no password is ever stored or logged in clear.
Pseudonyms and masking live in :mod:`grading.rules.privacy`; identities and scopes in
:mod:`grading.access.identity`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from grading.access import audit
from grading.access.audit import Entry
from grading.access.identity import ROLES, AccessError, Identity, Scope
from grading.model.schema import NivaranError

#: Sign-in limits (docs/access.md, "Sign-in limits", explains the scheme). Failures in a row from one
#: client on one user name after which that pair is locked for LOCK_TIME, even for the right password:
MAX_FAILURES: Final = 5
#: Failures from one client on any user names after which the client is locked for every name:
CLIENT_MAX_FAILURES: Final = 20
#: Failures on one user name from all clients together (within LOCK_TIME of each other) after which
#: the name is locked for every client, even for the right password from an address that never failed:
NAME_MAX_FAILURES: Final = 20
#: A name's first lock lasts NAME_LOCK_TIME; each further lock twice as long as the one before, at most
#: NAME_LOCK_MAX; the doubling is forgotten after NAME_MEMORY without a failure on the name.
NAME_LOCK_TIME: Final = timedelta(minutes=15)
NAME_LOCK_MAX: Final = timedelta(hours=24)
NAME_MEMORY: Final = timedelta(days=7)
LOCK_TIME: Final = timedelta(minutes=15)
#: The client of a sign-in whose address is unknown (the dashboard on this machine, the CLI, tests).
LOCAL_CLIENT: Final = "local"
#: A session ends this long after sign-in, or after this long without use.
SESSION_TIME: Final = timedelta(hours=8)
IDLE_TIME: Final = timedelta(minutes=30)

_HASHER: Final = PasswordHasher()
# Argon2id uses 64 MiB per verification by design: a burst of parallel sign-ins would need that much
# each, so at most this many verify at once (the rest wait their turn).
_VERIFYING: Final = threading.BoundedSemaphore(4)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so that a wrong name takes as long as a wrong
    password (made on first use: an Argon2id hash costs 0.1 s, which every ``nivaran`` command paid at
    import)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


# failures: one row per counter; kind 'pair' (username, client), 'client' (client; username ''),
# 'name' (username; client ''). A counter starts again when its last failure is LOCK_TIME old. strikes:
# how many times a name has been locked (its next lock lasts NAME_LOCK_TIME * 2**strikes).
# sessions: one row per sign-in; the browser holds the token, this file only its SHA-256.
_DDL: Final = """
create table if not exists users (
    username text primary key, role text not null, districts text not null default '',
    departments text not null default '', password_hash text, created_at text not null
);
drop table if exists sign_in_failures;
create table if not exists failures (
    kind text not null, username text not null, client text not null, failures integer not null,
    last_at text not null, locked_until text, strikes integer not null default 0,
    primary key (kind, username, client)
);
create table if not exists sessions (
    token_hash text primary key, username text not null, via text not null, client text not null,
    created_at text not null, seen_at text not null, expires_at text not null, revoked_at text
);
create table if not exists audit (
    at text not null, username text not null, role text not null, scope text not null,
    action text not null, detail text not null, rows integer not null, event text, args text
);
create table if not exists access_meta (key text primary key, value text not null);
create table if not exists watches (
    username text not null, kind text not null, code text not null, created_at text not null,
    primary key (username, kind, code)
);
create table if not exists decisions (
    decision_id integer primary key, district text not null, department text, complaint_id text,
    what text not null, owner text not null, due text not null, review_day text not null,
    recorded_by text not null, recorded_at text not null, done_at text, done_by text
);
"""


class AccessFileError(NivaranError):
    """The access file cannot be read or written (a full disk, a read-only folder, a damaged file)."""

    def __init__(self, path: Path, cause: BaseException) -> None:
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
        super().__init__(
            f"{path}: the access file cannot be read or written ({reason}); sign-ins and case exports wait until "
            "there is room on the disk and the file is writable"
        )


def _owner_only(path: Path) -> None:
    """Make the access file readable and writable by its owner only (0600) before SQLite opens it: a
    new one is created so (SQLite then gives its ``-wal`` and ``-shm`` files the same mode), and one an
    older Nivaran left readable by others is narrowed. It holds the pseudonym and session keys and the
    password hashes."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path not in _NARROWED:
            for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                # gone meanwhile, or another user's file (then it stays as its owner made it)
                with contextlib.suppress(FileNotFoundError, PermissionError):
                    if file.stat().st_mode & 0o077:
                        file.chmod(0o600)
    _NARROWED.add(path)


#: Access files whose mode this process has checked (:func:`_owner_only`).
_NARROWED: set[Path] = set()
#: Access files whose tables this process has brought up to date (:func:`_upgrade`).
_UPGRADED: set[Path] = set()


def _upgrade(con: sqlite3.Connection) -> None:
    """Bring an access file of an older Nivaran up to date: the name locks' ``strikes`` column, the
    accounts' ``email`` and ``lang`` (where and in which language messages reach them), the audit log's
    ``event`` and ``args`` (what happened as a catalogue key and values; the old rows' sentences are turned
    into entries where they can be: :func:`grading.access.audit.migrate`)."""
    wanted = (  # (the table's columns, the column, the statement that adds it): SQL text written out whole
        (
            "pragma table_info(failures)",
            "strikes",
            "alter table failures add column strikes integer not null default 0",
        ),
        ("pragma table_info(users)", "email", "alter table users add column email text"),
        ("pragma table_info(users)", "lang", "alter table users add column lang text not null default 'en'"),
        ("pragma table_info(audit)", "event", "alter table audit add column event text"),
        ("pragma table_info(audit)", "args", "alter table audit add column args text"),
    )
    added = False
    for columns, column, add in wanted:
        if column not in {row[1] for row in con.execute(columns)}:
            try:
                con.execute(add)
                added = added or column == "args"
            except sqlite3.OperationalError as exc:  # another process added it just now
                if "duplicate column" not in str(exc):
                    raise
    if added:
        audit.migrate(con)


def session_expired(signed_in_at: datetime, seen_at: datetime, now: datetime) -> bool:
    """Whether a session is over: ``SESSION_TIME`` after sign-in or ``IDLE_TIME`` after its last use."""
    return now - signed_in_at > SESSION_TIME or now - seen_at > IDLE_TIME


def access_path(db: Path) -> Path:
    """The access file that belongs to the database ``db``."""
    return db.with_name(db.stem + ".access.sqlite")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


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
#: The audit log's columns, as :meth:`Accounts.audit` returns them.
AUDIT_COLUMNS: Final = ("at", "username", "role", "scope", "action", "event", "args", "detail", "rows")
#: What a watchlist pins.
WATCH_KINDS: Final = ("district", "department")
#: Who the command line acts as in the audit log (``cli:<operating-system user>``).
CLI_PREFIX: Final = "cli:"
#: Who a collector's digest acts as when it attaches the meeting pack (``digest:<account>``).
DIGEST_PREFIX: Final = "digest:"

#: The languages a message to an account can be written in.
LANGS: Final = ("en", "hi")


@dataclass(frozen=True)
class Contact:
    """Where and how messages reach one account: its identity, e-mail address and language."""

    identity: Identity
    email: str | None
    lang: str


def _contact(email: str | None, lang: str) -> tuple[str | None, str]:
    """A checked (email, lang) pair: an address with one ``@`` and no spaces, a language of :data:`LANGS`."""
    address = email.strip() if email else None
    if address and (address.count("@") != 1 or any(c.isspace() for c in address) or address.startswith("@")):
        msg = f"e-mail address {address!r}: expected name@domain"
        raise AccessError(msg)
    if lang not in LANGS:
        msg = f"language {lang!r}: expected one of {', '.join(LANGS)}"
        raise AccessError(msg)
    return address or None, lang


class Accounts:
    """The access file of one database: accounts, sign-in, audit log, pseudonym key."""

    def __init__(self, db: Path) -> None:
        self.path = access_path(db)

    @contextmanager
    def _open(self) -> Iterator[sqlite3.Connection]:
        """A connection to the access file; a file that cannot be read or written (a full disk, a
        read-only folder, a damaged file) is :class:`AccessFileError`, one sentence."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _owner_only(self.path)
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise AccessFileError(self.path, exc) from exc
        try:
            con.execute("pragma journal_mode = wal")
            con.executescript(_DDL)
            if self.path not in _UPGRADED:
                _upgrade(con)
                _UPGRADED.add(self.path)
            yield con
        except (OSError, sqlite3.Error) as exc:
            raise AccessFileError(self.path, exc) from exc
        finally:
            con.close()

    # --- accounts ----------------------------------------------------------------------------------

    def add(
        self,
        username: str,
        role: str,
        *,
        password: str | None = None,
        districts: tuple[str, ...] = (),
        departments: tuple[str, ...] = (),
        replace: bool = False,
        email: str | None = None,
        lang: str = "en",
        by: Identity | None = None,
    ) -> None:
        """Create (or with ``replace``, redefine) an account.

        ``password`` None makes an account that can only sign in through the identity provider
        (OIDC), where ``username`` is the e-mail address the provider gives. ``email`` and ``lang``
        (``en`` or ``hi``): where and in which language digests and alerts reach the account
        (:meth:`set_contact`).
        """
        name = username.strip().lower()
        if not name:
            raise AccessError("a user name is required")
        if role not in ROLES[1:]:
            msg = f"role {role!r}: expected one of {', '.join(ROLES[1:])}"
            raise AccessError(msg)
        if role == "collector" and not districts:
            raise AccessError("a collector needs at least one district (--district)")
        if role == "department_head" and not departments:
            raise AccessError("a department head needs at least one department (--department)")
        hashed = _HASHER.hash(password) if password else None
        row = (name, role, ",".join(districts), ",".join(departments), hashed, datetime.now().isoformat())
        contact = _contact(email, lang)
        with self._open() as con:
            if not replace and con.execute("select 1 from users where username = ?", (name,)).fetchone():
                msg = f"user {name!r} exists; remove it first or use --replace"
                raise AccessError(msg)
            con.execute(
                "insert or replace into users (username, role, districts, departments, password_hash, created_at, "
                "email, lang) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (*row, *contact),
            )
            con.execute("delete from failures where kind in ('pair', 'name') and username = ?", (name,))
            _end_sessions(con, name)  # a redefined account starts again: its live sessions end
            scope = audit.scope_of(role, districts, departments)
            what = Entry(f"account_{'redefined' if replace else 'added'}", {"user": name, "role": role, "scope": scope})
            record_audit(con, by or operator(), "account", what, 0, "state", None)

    def remove(self, username: str, by: Identity | None = None) -> bool:
        """Delete an account and end its sessions at once; False when there was none."""
        name = username.strip().lower()
        with self._open() as con:
            _end_sessions(con, name)
            gone = con.execute("delete from users where username = ?", (name,)).rowcount > 0
            if gone:
                con.execute("delete from watches where username = ?", (name,))
                record_audit(
                    con, by or operator(), "account", Entry("account_removed", {"user": name}), 0, "state", None
                )
            return gone

    def set_scope(
        self,
        username: str,
        *,
        districts: tuple[str, ...] = (),
        departments: tuple[str, ...] = (),
        by: Identity | None = None,
    ) -> None:
        """Change a collector's districts or a department head's departments; their sessions end at once."""
        name = username.strip().lower()
        with self._open() as con:
            found = self._identity(con, name)
            if found is None:
                msg = f"no user {name!r}"
                raise AccessError(msg)
            role = found[0].role
            if role == "collector" and not districts:
                raise AccessError("a collector needs at least one district (--district)")
            if role == "department_head" and not departments:
                raise AccessError("a department head needs at least one department (--department)")
            con.execute(
                "update users set districts = ?, departments = ? where username = ?",
                (",".join(districts), ",".join(departments), name),
            )
            _end_sessions(con, name)
            what = Entry("account_scope", {"user": name, "scope": audit.scope_of(role, districts, departments)})
            record_audit(con, by or operator(), "account", what, 0, "state", None)

    def set_contact(
        self, username: str, *, email: str | None = None, lang: str | None = None, by: Identity | None = None
    ) -> None:
        """Change where (``email``; ``""`` removes it) and in which language (``en``/``hi``) digests and
        alerts reach an account; what is not given stays. Sessions go on (the scope is unchanged)."""
        name = username.strip().lower()
        with self._open() as con:
            row = con.execute("select email, lang from users where username = ?", (name,)).fetchone()
            if row is None:
                msg = f"no user {name!r}"
                raise AccessError(msg)
            kept_email = row[0] if email is None else email
            new = _contact(kept_email or None, lang or row[1])
            con.execute("update users set email = ?, lang = ? where username = ?", (*new, name))
            what = Entry(f"account_contact_{'address' if new[0] else 'none'}", {"user": name, "lang": new[1]})
            record_audit(con, by or operator(), "account", what, 0, "state", None)

    def contacts(self) -> list[Contact]:
        """Every account with its identity, e-mail address (None: none) and language, by role then name."""
        with self._open() as con:
            rows = con.execute(
                "select username, role, districts, departments, email, lang from users order by role, username"
            ).fetchall()
        return [Contact(Identity(r[0], r[1], _codes(r[2]), _codes(r[3])), r[4], r[5] or "en") for r in rows]

    def list(self) -> pl.DataFrame:
        """Accounts without their hashes: username, role, districts, departments, password (bool), created."""
        with self._open() as con:
            rows = con.execute(
                "select username, role, districts, departments, password_hash is not null, created_at "
                "from users order by role, username"
            ).fetchall()
        return pl.DataFrame(
            rows,
            schema=["username", "role", "districts", "departments", "has_password", "created_at"],
            orient="row",
        )

    def _identity(self, con: sqlite3.Connection, name: str) -> tuple[Identity, str | None] | None:
        row = con.execute(
            "select role, districts, departments, password_hash from users where username = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        return Identity(name, row[0], _codes(row[1]), _codes(row[2])), row[3]

    # --- sign-in -----------------------------------------------------------------------------------

    def sign_in(
        self, username: str, password: str, now: datetime | None = None, client: str = LOCAL_CLIENT
    ) -> Identity | None:
        """The account's identity when the password is right and no limit holds; else None.

        Every failure counts (known user name or not) against three limits: ``MAX_FAILURES`` in a row
        from this ``client`` on this name locks the pair and ``CLIENT_MAX_FAILURES`` from this client on
        any names lock the client, each for ``LOCK_TIME``; ``NAME_MAX_FAILURES`` on this name from all
        clients together lock the name for every client, for ``NAME_LOCK_TIME``, twice as long at each
        further lock (at most ``NAME_LOCK_MAX``; :meth:`unlock` ends it). A lock refuses even the right
        password, and an attempt during a lock counts (towards the name's next lock too).

        Locked or not, every attempt takes the same path: the password is checked (Argon2id, slow by
        design; against a dummy hash for an unknown name), then the counters are read, checked and
        written in one ``BEGIN IMMEDIATE`` transaction, so parallel attempts cannot slip past it and the
        time an answer takes does not tell whether a lock holds. Callers show one message for every
        None: it never says whether the name, the password or a lock was the reason.
        """
        now = now or datetime.now()
        name = username.strip().lower()
        with self._open() as con:
            found = self._identity(con, name)
        stored_hash = found[1] if found else None
        ok = False
        # Verify outside the transaction (Argon2 takes a while by design), always, so that a lock, a
        # wrong name and a wrong password all take as long as a right password.
        try:
            with _VERIFYING:
                ok = _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            ok = False
        with self._open() as con, _immediate(con):
            if ok and not _locked(con, name, client, now) and found is not None:
                con.execute("delete from failures where kind = 'pair' and username = ? and client = ?", (name, client))
                what = Entry("sign_in_password", {"client": client})
                record_audit(con, found[0], "sign_in", what, 0, _scope_label(found[0]), now)
                return found[0]
            _count_failure(con, ("pair", name, client), MAX_FAILURES, now)
            _count_failure(con, ("client", "", client), CLIENT_MAX_FAILURES, now)
            _count_name_failure(con, name, now)
            # the name as typed (bounded), known or not: the log shows what was tried, never the password
            tried = Identity(name[:100], found[0].role if found else "unknown")
            record_audit(con, tried, "sign_in_failed", Entry("sign_in_password", {"client": client}), 0, "", now)
        return None

    def unlock(self, username: str, now: datetime | None = None) -> bool:
        """An administrator's unlock of a user name: its lock (and the doubling of the next one) and the
        locks of every client on it end now; False when nothing was locked."""
        name = username.strip().lower()
        now = now or datetime.now()
        with self._open() as con, _immediate(con):
            rows = con.execute(
                "select locked_until from failures where kind in ('pair', 'name') and username = ?", (name,)
            ).fetchall()
            con.execute("delete from failures where kind in ('pair', 'name') and username = ?", (name,))
        return any(until is not None and datetime.fromisoformat(until) > now for (until,) in rows)

    def reset_password(self, username: str, password: str, by: Identity | None = None) -> None:
        """An administrator's reset of a local account's password: the new one (stored as an Argon2id
        hash) replaces the old, every session of the account ends, and its sign-in locks and failures
        are cleared (as :meth:`unlock`), so the person signs in with the new password at once. Raises
        :class:`AccessError` for an unknown name, an identity-provider account (no password to reset)
        or an empty password. Audited as an ``account`` event."""
        name = username.strip().lower()
        if not password:
            raise AccessError("a password is required")
        hashed = _HASHER.hash(password)
        with self._open() as con, _immediate(con):
            found = self._identity(con, name)
            if found is None:
                msg = f"no user {name!r}"
                raise AccessError(msg)
            if found[1] is None:
                msg = f"{name!r} signs in through the identity provider: it has no password to reset"
                raise AccessError(msg)
            con.execute("update users set password_hash = ? where username = ?", (hashed, name))
            con.execute("delete from failures where kind in ('pair', 'name') and username = ?", (name,))
            _end_sessions(con, name)
            what = Entry("account_password_reset", {"user": name})
            record_audit(con, by or operator(), "account", what, 0, "state", None)

    def identity_for_email(self, email: str) -> Identity | None:
        """The account for an identity provider's e-mail address (OIDC sign-in), or None."""
        with self._open() as con:
            found = self._identity(con, email.strip().lower())
        return found[0] if found else None

    # --- audit log ---------------------------------------------------------------------------------

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
            record_audit(con, who, action, what, rows, scope.label if scope else _scope_label(who), now)

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

    # --- watchlists ---------------------------------------------------------------------------------

    def watch(self, username: str, *, kind: str, code: str, now: datetime | None = None) -> bool:
        """Pin a district (``kind`` ``district``) or department for ``username``; False when already pinned.
        Digests list pinned ones first (docs/notify.md); pinning shows nothing the account may not see."""
        name, code = username.strip().lower(), code.strip().upper()
        if kind not in WATCH_KINDS:
            msg = f"watch {kind!r}: expected one of {', '.join(WATCH_KINDS)}"
            raise AccessError(msg)
        with self._open() as con:
            found = self._identity(con, name)
            if found is None:
                msg = f"no user {name!r}"
                raise AccessError(msg)
            added = con.execute(
                "insert or ignore into watches values (?, ?, ?, ?)",
                (name, kind, code, (now or datetime.now()).isoformat(timespec="seconds")),
            ).rowcount
            if added:
                what = Entry(f"watch_{kind}", {kind: code})
                record_audit(con, found[0], "watch", what, 0, _scope_label(found[0]), now)
        return added > 0

    def unwatch(self, username: str, *, kind: str, code: str) -> bool:
        """Unpin a district or department; False when it was not pinned."""
        name = username.strip().lower()
        with self._open() as con:
            return (
                con.execute(
                    "delete from watches where username = ? and kind = ? and code = ?", (name, kind, code.upper())
                ).rowcount
                > 0
            )

    def watches(self, username: str) -> dict[str, tuple[str, ...]]:
        """``username``'s pinned codes by kind (``district``, ``department``), in the order pinned."""
        with self._open() as con:
            rows = con.execute(
                "select kind, code from watches where username = ? order by created_at, code",
                (username.strip().lower(),),
            ).fetchall()
        return {kind: tuple(code for k, code in rows if k == kind) for kind in WATCH_KINDS}

    def watchlists(self) -> pl.DataFrame:
        """Every account's pins: one row per (``username``, ``kind``, ``code``) with ``role`` and
        ``created_at`` (when pinned, ISO text), by user name, then kind, then in the order pinned."""
        with self._open() as con:
            rows = con.execute(
                """
                with final as (
                    select w.username, u.role, w.kind, w.code, w.created_at
                    from watches w join users u on u.username = w.username
                )
                select * from final order by username, kind, created_at, code
                """
            ).fetchall()
        schema = dict.fromkeys(("username", "role", "kind", "code", "created_at"), pl.String)
        return pl.DataFrame(rows, schema=schema, orient="row")

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

    # --- pseudonyms --------------------------------------------------------------------------------

    def pseudonym_key(self) -> bytes:
        """This deployment's secret key for complainant pseudonyms (created on first use)."""
        return self.secret("pseudonym_key")

    def secret(self, key: str) -> bytes:
        """A random 32-byte secret of this deployment, kept in the access file (created on first use):
        ``pseudonym_key``, ``session_key`` (signs the sign-in cookie)."""
        with self._open() as con:
            row = con.execute("select value from access_meta where key = ?", (key,)).fetchone()
            if row is None:
                con.execute("insert or ignore into access_meta values (?, ?)", (key, secrets.token_hex(32)))
                row = con.execute("select value from access_meta where key = ?", (key,)).fetchone()
        return bytes.fromhex(row[0])

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection to the access file (for :mod:`grading.access.sessions`)."""
        with self._open() as con:
            yield con


@contextmanager
def _immediate(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction taken at its start (``BEGIN IMMEDIATE``): read, check and write as one step."""
    con.execute("begin immediate")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _locked(con: sqlite3.Connection, name: str, client: str, now: datetime) -> bool:
    """Whether a sign-in of ``name`` from ``client`` is refused by a lock (see :meth:`Accounts.sign_in`)."""
    rows = con.execute(
        "select kind, locked_until, last_at from failures "
        "where (kind = 'pair' and username = ? and client = ?) or (kind = 'client' and client = ?) "
        "or (kind = 'name' and username = ?)",
        (name, client, client, name),
    ).fetchall()
    return any(until is not None and datetime.fromisoformat(until) > now for _, until, _ in rows)


def _count_failure(con: sqlite3.Connection, key: tuple[str, str, str], limit: int, now: datetime) -> None:
    """Add one failure to a counter; lock it for LOCK_TIME when it reaches ``limit``."""
    row = con.execute(
        "select failures, last_at, locked_until from failures where kind = ? and username = ? and client = ?", key
    ).fetchone()
    failures, until = 1, None
    if row is not None:
        if row[2] is not None and datetime.fromisoformat(row[2]) > now:
            failures, until = row[0] + 1, row[2]  # locked: count on, the lock does not grow
        elif now - datetime.fromisoformat(row[1]) < LOCK_TIME and row[2] is None:
            failures = row[0] + 1
    if until is None and failures >= limit:
        until = (now + LOCK_TIME).isoformat()
    con.execute(
        "insert or replace into failures values (?, ?, ?, ?, ?, ?, 0)", (*key, failures, now.isoformat(), until)
    )


def _count_name_failure(con: sqlite3.Connection, name: str, now: datetime) -> None:
    """Add one failure to a user name's counter (all clients). At ``NAME_MAX_FAILURES`` the name is
    locked for every client, for ``NAME_LOCK_TIME`` doubled at each further lock (at most
    ``NAME_LOCK_MAX``), and counting starts again; failures during a lock count towards the next one."""
    key = ("name", name, "")
    row = con.execute(
        "select failures, last_at, locked_until, strikes from failures where kind = ? and username = ? and client = ?",
        key,
    ).fetchone()
    failures, until, strikes = 1, None, 0
    if row is not None:
        last, strikes = datetime.fromisoformat(row[1]), row[3]
        if row[2] is not None and datetime.fromisoformat(row[2]) > now:
            failures, until = row[0] + 1, row[2]  # locked: count on, the lock does not grow
        else:
            if now - last >= NAME_MEMORY:
                strikes = 0  # a long quiet time: the next lock is a first lock again
            if now - last < LOCK_TIME:
                failures = row[0] + 1
    if until is None and failures >= NAME_MAX_FAILURES:
        until = (now + min(NAME_LOCK_TIME * 2 ** min(strikes, 16), NAME_LOCK_MAX)).isoformat()
        failures, strikes = 0, strikes + 1
    con.execute(
        "insert or replace into failures values (?, ?, ?, ?, ?, ?, ?)",
        (*key, failures, now.isoformat(), until, strikes),
    )


def operator() -> Identity:
    """The command line's identity in the audit log: ``cli:<operating-system user>``, an administrator."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = str(os.getuid())
    return Identity(f"{CLI_PREFIX}{user}", "admin")


def _scope_label(who: Identity) -> str:
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


def _end_sessions(con: sqlite3.Connection, username: str) -> None:
    """End every live session of ``username`` (account removed or changed)."""
    con.execute(
        "update sessions set revoked_at = ? where username = ? and revoked_at is null",
        (datetime.now().isoformat(), username),
    )
