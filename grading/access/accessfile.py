"""The access file: where it lives, its tables, opening it, and the deployment's secrets kept in it.

Accounts, failed sign-ins, session records (:mod:`grading.access.sessions`), the audit log and the deployment's
secrets (pseudonym key, session key) live in a small SQLite file next to the database
(``<db>.access.sqlite``), not in the DuckDB store: the dashboard writes to it often and in small pieces
(a failed sign-in, an export) while it holds the store read-only, and a load replaces the store file as a
whole (:func:`grading.store.database.writing`). SQLite (Python's standard library) takes such small
concurrent writes safely. Keeping the pseudonym key out of the store also means a copy of the store
alone cannot be used to re-identify complainants.

:class:`AccessFile` opens the file; what is kept in it is read and written by its kinds:
:class:`grading.access.accounts.Accounts` (which is all of them), :class:`grading.access.signin.SignIn`,
:class:`grading.access.logbook.AuditLog` and :class:`grading.access.watchlists.Watchlists`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from grading.access import audit
from grading.access.identity import Identity
from grading.model.schema import NivaranError

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


def access_path(db: Path) -> Path:
    """The access file that belongs to the database ``db``."""
    return db.with_name(db.stem + ".access.sqlite")


def split_codes(text: str) -> tuple[str, ...]:
    """The codes of a ``districts`` or ``departments`` column, stored comma-separated (``""``: none)."""
    return tuple(c for c in text.split(",") if c)


class AccessFile:
    """The access file of one database, opened for each use; its secrets."""

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

    def _identity(self, con: sqlite3.Connection, name: str) -> tuple[Identity, str | None] | None:
        row = con.execute(
            "select role, districts, departments, password_hash from users where username = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        return Identity(name, row[0], split_codes(row[1]), split_codes(row[2])), row[3]

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
def immediate(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction taken at its start (``BEGIN IMMEDIATE``): read, check and write as one step."""
    con.execute("begin immediate")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
