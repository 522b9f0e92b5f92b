"""Watchlists: the districts and departments an account pins, listed first in its digests (docs/notify.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import polars as pl

from grading.access.accessfile import AccessFile
from grading.access.audit import Entry
from grading.access.identity import AccessError
from grading.access.logbook import record_audit, scope_label

#: What a watchlist pins.
WATCH_KINDS: Final = ("district", "department")


class Watchlists(AccessFile):
    """The access file's watchlists: one row per (account, kind, code) pinned."""

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
                record_audit(con, found[0], "watch", what, 0, scope_label(found[0]), now)
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
