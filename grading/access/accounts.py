"""Local accounts: adding, changing and removing them, their scope, contact and password.

:class:`Accounts` is the whole access file of one database (:mod:`grading.access.accessfile`, where it lives
and why): the account records here, sign-in and its limits (:mod:`grading.access.signin`), the audit log
(:mod:`grading.access.logbook`) and watchlists (:mod:`grading.access.watchlists`). The roles and scopes are
:mod:`grading.access.identity`'s; pseudonyms and masking live in :mod:`grading.rules.privacy`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import polars as pl

from grading.access import audit
from grading.access.accessfile import immediate, split_codes
from grading.access.audit import Entry
from grading.access.identity import ROLES, AccessError, Identity
from grading.access.logbook import AuditLog, operator, record_audit
from grading.access.signin import SignIn, hash_password
from grading.access.watchlists import Watchlists

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


class Accounts(SignIn, AuditLog, Watchlists):
    """The access file of one database: accounts, sign-in, audit log, watchlists, pseudonym key."""

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
        hashed = hash_password(password) if password else None
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
        return [Contact(Identity(r[0], r[1], split_codes(r[2]), split_codes(r[3])), r[4], r[5] or "en") for r in rows]

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

    def reset_password(self, username: str, password: str, by: Identity | None = None) -> None:
        """An administrator's reset of a local account's password: the new one (stored as an Argon2id
        hash) replaces the old, every session of the account ends, and its sign-in locks and failures
        are cleared (as :meth:`unlock`), so the person signs in with the new password at once. Raises
        :class:`AccessError` for an unknown name, an identity-provider account (no password to reset)
        or an empty password. Audited as an ``account`` event."""
        name = username.strip().lower()
        if not password:
            raise AccessError("a password is required")
        hashed = hash_password(password)
        with self._open() as con, immediate(con):
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


def _end_sessions(con: sqlite3.Connection, username: str) -> None:
    """End every live session of ``username`` (account removed or changed)."""
    con.execute(
        "update sessions set revoked_at = ? where username = ? and revoked_at is null",
        (datetime.now().isoformat(), username),
    )
