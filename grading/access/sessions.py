"""Sign-in sessions that hold across reloads and tabs: a server-side record and a signed cookie.

A sign-in opens a record in the access file (``sessions``: the SHA-256 of a random token, the user
name, how and from where they signed in, created, last seen, expires, revoked). The browser keeps the
token in an HttpOnly cookie whose value is signed with HMAC-SHA256 under the deployment's
``session_key`` (kept in the access file, never in the repository) and carries its own expiry:
``v1.<token>.<expires, unix seconds>.<hmac>``. Every rerun of a page checks the record, so a session
ends at once when it is signed out, runs out of time (``SESSION_TIME`` after sign-in, ``IDLE_TIME``
without use) or its account is removed or changed (:meth:`grading.access.accounts.Accounts.remove`,
:meth:`~grading.access.accounts.Accounts.set_scope`, ``add(..., replace=True)``). A stolen copy of the access
file gives no usable token: it holds only hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from grading.access.accessfile import AccessFile, split_codes
from grading.access.identity import Identity

#: A session ends this long after sign-in, or after this long without use.
SESSION_TIME: Final = timedelta(hours=8)
IDLE_TIME: Final = timedelta(minutes=30)
COOKIE_NAME: Final = "nivaran_session"
_VERSION: Final = "v1"
#: ``v1.<token>.<expires, unix seconds>.<HMAC-SHA256, hex>``, ASCII only.
_COOKIE_SHAPE: Final = re.compile(
    r"v1\.(?P<token>[A-Za-z0-9_-]{1,128})\.(?P<expires>[0-9]{1,12})\.(?P<signature>[0-9a-f]{64})"
)
#: How often the last-seen time is written (a write per rerun would be wasteful).
_SEEN_EVERY: Final = timedelta(seconds=30)


def session_expired(signed_in_at: datetime, seen_at: datetime, now: datetime) -> bool:
    """Whether a session is over: ``SESSION_TIME`` after sign-in or ``IDLE_TIME`` after its last use."""
    return now - signed_in_at > SESSION_TIME or now - seen_at > IDLE_TIME


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Check:
    """The state of a session: its identity when live; ``expired`` when it ended by running out of time."""

    identity: Identity | None
    expired: bool = False


class Sessions:
    """The session records of one access file."""

    def __init__(self, accounts: AccessFile) -> None:
        self.accounts = accounts

    def open(self, identity: Identity, via: str, client: str, now: datetime | None = None) -> str:
        """Start a session for ``identity`` (signed in by ``via``: password, oidc); return its token."""
        now = now or datetime.now()
        token = secrets.token_urlsafe(32)
        with self.accounts.connection() as con:
            con.execute(
                "insert into sessions values (?, ?, ?, ?, ?, ?, ?, null)",
                (
                    _hash(token),
                    identity.username,
                    via,
                    client,
                    now.isoformat(),
                    now.isoformat(),
                    (now + SESSION_TIME).isoformat(),
                ),
            )
        return token

    def check(self, token: str, now: datetime | None = None) -> Check:
        """The live identity of a session, read afresh from its account (role and scope as they are now)."""
        now = now or datetime.now()
        with self.accounts.connection() as con:
            row = con.execute(
                "select s.username, s.created_at, s.seen_at, s.revoked_at, u.role, u.districts, u.departments "
                "from sessions s left join users u on u.username = s.username where s.token_hash = ?",
                (_hash(token),),
            ).fetchone()
            if row is None or row[3] is not None:
                return Check(None)
            name, created, seen = row[0], datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2])
            if session_expired(created, seen, now) or row[4] is None:
                con.execute("update sessions set revoked_at = ? where token_hash = ?", (now.isoformat(), _hash(token)))
                return Check(None, expired=row[4] is not None)
            if now - seen > _SEEN_EVERY:
                con.execute("update sessions set seen_at = ? where token_hash = ?", (now.isoformat(), _hash(token)))
        return Check(Identity(name, row[4], split_codes(row[5]), split_codes(row[6])))

    def end(self, token: str, now: datetime | None = None) -> None:
        """Sign out: the record is revoked, so the cookie opens nothing any more."""
        with self.accounts.connection() as con:
            con.execute(
                "update sessions set revoked_at = ? where token_hash = ? and revoked_at is null",
                ((now or datetime.now()).isoformat(), _hash(token)),
            )

    def cookie(self, token: str, now: datetime | None = None) -> tuple[str, int]:
        """The signed cookie value for a session and its max-age in seconds (until the session's end)."""
        now = now or datetime.now()
        with self.accounts.connection() as con:
            row = con.execute("select expires_at from sessions where token_hash = ?", (_hash(token),)).fetchone()
        expires = datetime.fromisoformat(row[0]) if row else now
        payload = f"{_VERSION}.{token}.{int(expires.timestamp())}"
        return f"{payload}.{self._sign(payload)}", max(0, int((expires - now).total_seconds()))

    def token_from_cookie(self, value: str, now: datetime | None = None) -> str | None:
        """The session token in a cookie value, when its signature holds and it has not expired."""
        # Whatever a client sends arrives here: only the cookie's own ASCII shape is looked at further
        # (hmac.compare_digest raises on non-ASCII text; int() reads "²" and "٣" as digits).
        found = _COOKIE_SHAPE.fullmatch(value)
        if found is None:
            return None
        token, expires, signature = found.group("token", "expires", "signature")
        if not hmac.compare_digest(signature, self._sign(f"{_VERSION}.{token}.{expires}")):
            return None
        try:
            if datetime.fromtimestamp(int(expires)) <= (now or datetime.now()):
                return None
        except (OverflowError, OSError, ValueError):  # a signed expiry out of range: never ours
            return None
        return token

    def _sign(self, payload: str) -> str:
        return hmac.new(self.accounts.secret("session_key"), payload.encode("utf-8"), hashlib.sha256).hexdigest()
