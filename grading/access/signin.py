"""Sign-in by password: Argon2id hashes, and the limits on failed attempts (docs/access.md, "Sign-in limits").

Passwords are hashed with Argon2id (``argon2-cffi``); no password is ever stored or logged in clear.
Failures are counted in the access file's ``failures`` table (:mod:`grading.access.accessfile`).
"""

from __future__ import annotations

import functools
import secrets
import sqlite3
import threading
from datetime import datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from grading.access.accessfile import AccessFile, immediate
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.access.logbook import record_audit, scope_label

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


def hash_password(password: str) -> str:
    """``password``'s Argon2id hash, as the ``users`` table keeps it."""
    return _HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one of ``stored_hash``; with None (an unknown name) it is checked against a
    dummy hash, so that a wrong name takes as long as a wrong password."""
    try:
        with _VERIFYING:
            return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class SignIn(AccessFile):
    """Sign-in by password against the access file's accounts, and an administrator's unlock."""

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
        # Verify outside the transaction (Argon2 takes a while by design), always, so that a lock, a
        # wrong name and a wrong password all take as long as a right password.
        ok = password_matches(stored_hash, password)
        with self._open() as con, immediate(con):
            if ok and not locked(con, name, client, now) and found is not None:
                con.execute("delete from failures where kind = 'pair' and username = ? and client = ?", (name, client))
                what = Entry("sign_in_password", {"client": client})
                record_audit(con, found[0], "sign_in", what, 0, scope_label(found[0]), now)
                return found[0]
            count_failure(con, ("pair", name, client), MAX_FAILURES, now)
            count_failure(con, ("client", "", client), CLIENT_MAX_FAILURES, now)
            count_name_failure(con, name, now)
            # the name as typed (bounded), known or not: the log shows what was tried, never the password
            tried = Identity(name[:100], found[0].role if found else "unknown")
            record_audit(con, tried, "sign_in_failed", Entry("sign_in_password", {"client": client}), 0, "", now)
        return None

    def unlock(self, username: str, now: datetime | None = None) -> bool:
        """An administrator's unlock of a user name: its lock (and the doubling of the next one) and the
        locks of every client on it end now; False when nothing was locked."""
        name = username.strip().lower()
        now = now or datetime.now()
        with self._open() as con, immediate(con):
            rows = con.execute(
                "select locked_until from failures where kind in ('pair', 'name') and username = ?", (name,)
            ).fetchall()
            con.execute("delete from failures where kind in ('pair', 'name') and username = ?", (name,))
        return any(until is not None and datetime.fromisoformat(until) > now for (until,) in rows)


def locked(con: sqlite3.Connection, name: str, client: str, now: datetime) -> bool:
    """Whether a sign-in of ``name`` from ``client`` is refused by a lock (see :meth:`Accounts.sign_in`)."""
    rows = con.execute(
        "select kind, locked_until, last_at from failures "
        "where (kind = 'pair' and username = ? and client = ?) or (kind = 'client' and client = ?) "
        "or (kind = 'name' and username = ?)",
        (name, client, client, name),
    ).fetchall()
    return any(until is not None and datetime.fromisoformat(until) > now for _, until, _ in rows)


def count_failure(con: sqlite3.Connection, key: tuple[str, str, str], limit: int, now: datetime) -> None:
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


def count_name_failure(con: sqlite3.Connection, name: str, now: datetime) -> None:
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
