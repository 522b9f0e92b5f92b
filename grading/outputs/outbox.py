"""The outbox: every message Nivaran sends (digests, alerts) is queued in the access file, then handed to
an adapter; what was sent to whom stays on record there.

Queue and record
----------------
One row per message in the access file's ``outbox`` table (``<db>.access.sqlite``, owner-only like the
rest of it), keyed by the message's **Message-ID**, which the builder derives from what the message is
(a digest: account, role, day; an alert: rule, subject, crossing). :meth:`Outbox.enqueue` of an id the
table already holds does nothing, so a rerun of ``nivaran digest`` or ``nivaran alerts`` for the same day
queues and sends nothing new. A row keeps the whole message (the e-mail's bytes with its attachments,
or the webhook's JSON): a message that could not be delivered stays **queued with its error** and the
next run (of either command) tries it again; it is never dropped.

Adapters
--------
A message goes out on its ``channel``: ``email`` (to the account's address) or ``webhook`` (one JSON
document for a state's SMS or WhatsApp gateway). Each run says which adapter serves a channel:

- :class:`SmtpAdapter`: standard-library :mod:`smtplib` to a relay (``HOST:PORT``);
- :class:`FileAdapter`: each message written as a file to a folder (``<id>.eml`` or ``<id>.json``),
  for a mail system that picks files up, for inspection and for tests;
- :class:`WebhookAdapter`: an HTTP POST of the JSON, signed with a shared secret
  (``X-Nivaran-Signature: sha256=<HMAC-SHA256 of the body, hex>``).

A message whose channel has no adapter in this run waits in the queue. A failing delivery is tried
:data:`TRIES` times in a row, waiting ``backoff * 2**n`` seconds between tries, then left queued with
the error for the next run; :class:`Delivery` reports what was sent, what failed and what waits. Each
message sent is written to the audit log (``sent``: kind, Message-ID, recipient, adapter).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import os
import re
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Protocol

import polars as pl

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.logbook import operator
from grading.model.schema import NivaranError

#: Tries of one message in one run before it is left queued with its error.
TRIES: Final = 3
#: Seconds before the second try; each further wait twice as long.
BACKOFF: Final = 1.0
CHANNELS: Final = ("email", "webhook")
#: The header that carries a webhook body's HMAC-SHA256 signature.
SIGNATURE_HEADER: Final = "X-Nivaran-Signature"

_DDL: Final = """
create table if not exists outbox (
    message_id text primary key, kind text not null, username text not null, channel text not null,
    address text not null, subject text not null, body blob not null, queued_at text not null,
    attempts integer not null default 0, last_error text, last_try_at text, sent_at text, sent_via text
);
"""
_COLUMNS: Final = ("message_id", "kind", "username", "channel", "address", "subject", "body")


class DeliveryError(NivaranError):
    """An adapter could not hand a message over (the relay refused it, the gateway answered an error)."""


def _sent(message: Message, adapter: str) -> Entry:
    """The audit entry of ``message`` sent by the adapter named ``adapter`` (``smtp:HOST:PORT``,
    ``file:FOLDER``, ``webhook:URL``): its kind, Message-ID, recipient (account and address) and how."""
    via, _, target = adapter.partition(":")
    values = {"message": message.kind, "message_id": message.message_id, "via": via, "target": target}
    if not message.username and not message.address:
        return Entry("message_sent_gateway", values)
    to = f"{message.username} <{message.address}>" if message.address else message.username
    return Entry("message_sent", {**values, "recipient": to})


@dataclass(frozen=True)
class Message:
    """One message to send: ``body`` is the whole e-mail (RFC 5322 bytes) or the webhook's JSON.

    ``kind``: ``digest`` or ``alert``; ``username``: the account it is for ("" for a gateway message);
    ``address``: the e-mail address, or "" for the webhook (the adapter knows its URL).
    """

    message_id: str
    kind: str
    username: str
    channel: str
    address: str
    subject: str
    body: bytes


class Adapter(Protocol):
    """Hands one message over; raises on failure (any exception counts as a failed try)."""

    @property
    def name(self) -> str: ...

    def send(self, message: Message) -> None: ...


def safe_name(message_id: str) -> str:
    """A file name made of a Message-ID (``<digest.20240320.collector.ab12@nivaran>`` →
    ``digest.20240320.collector.ab12_nivaran``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>"))


class FileAdapter:
    """Writes each message to ``folder`` as ``<id>.eml`` (e-mail) or ``<id>.json`` (webhook), owner-only
    (0600: a digest holds case ids), complete or not at all (written aside, then renamed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def name(self) -> str:
        return f"file:{self.folder}"

    def send(self, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        suffix = ".eml" if message.channel == "email" else ".json"
        target = self.folder / (safe_name(message.message_id) + suffix)
        aside = target.with_name(target.name + ".part")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(message.body)
        aside.replace(target)


class SmtpAdapter:
    """Sends e-mail through an SMTP relay at ``host:port`` (standard library; no login, no TLS: a
    relay on the same machine or network, as a state's mail system provides)."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    @property
    def name(self) -> str:
        return f"smtp:{self.host}:{self.port}"

    def send(self, message: Message) -> None:
        parsed = email.message_from_bytes(message.body, policy=email.policy.SMTP)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as relay:
            refused = relay.send_message(parsed, to_addrs=[message.address])
        if refused:
            msg = f"the relay refused {', '.join(refused)}"
            raise DeliveryError(msg)


def signature(secret: bytes, body: bytes) -> str:
    """The webhook signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class WebhookAdapter:
    """POSTs a webhook message's JSON to ``url``, signed with ``secret`` (:func:`signature` in
    :data:`SIGNATURE_HEADER`; the receiver recomputes it over the raw body and compares in constant
    time). Any answer but 2xx is a failure."""

    def __init__(self, url: str, secret: bytes, timeout: float = 30.0) -> None:
        if not url.startswith(("https://", "http://")):
            msg = f"webhook address {url!r}: expected https:// or http://"
            raise NivaranError(msg)
        if not secret:
            raise NivaranError("the webhook needs a shared secret (NIVARAN_WEBHOOK_SECRET)")
        self.url, self.secret, self.timeout = url, secret, timeout

    @property
    def name(self) -> str:
        return f"webhook:{self.url}"

    def send(self, message: Message) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=message.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: signature(self.secret, message.body),
                "X-Nivaran-Message-Id": message.message_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as exc:
            msg = f"the gateway answered {exc.code} {exc.reason}"
            raise DeliveryError(msg) from exc
        if not 200 <= status < 300:
            msg = f"the gateway answered {status}"
            raise DeliveryError(msg)


@dataclass
class Delivery:
    """What one run of :meth:`Outbox.deliver` did: (message id, address or error) per outcome."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per message, then the totals."""
        out = [f"sent {mid} to {to}" for mid, to in self.sent]
        out += [f"failed {mid}: {why} (kept in the queue for the next run)" for mid, why in self.failed]
        out += [f"waiting {mid}: {why}" for mid, why in self.waiting]
        out.append(f"{len(self.sent)} sent, {len(self.failed)} failed, {len(self.waiting)} waiting")
        return out


class Outbox:
    """The queue and record of messages in the access file of one database (see the module docstring)."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def known(self, message_id: str) -> bool:
        """Whether the message was queued before (sent or still waiting)."""
        with self.accounts.connection() as con:
            con.executescript(_DDL)
            return con.execute("select 1 from outbox where message_id = ?", (message_id,)).fetchone() is not None

    def enqueue(self, message: Message, now: datetime | None = None) -> bool:
        """Queue ``message``; False (and nothing written) when its id was queued before."""
        if message.channel not in CHANNELS:
            msg = f"channel {message.channel!r}: expected one of {', '.join(CHANNELS)}"
            raise NivaranError(msg)
        with self.accounts.connection() as con:
            con.executescript(_DDL)
            added = con.execute(
                "insert or ignore into outbox (message_id, kind, username, channel, address, subject, body, queued_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                (*(getattr(message, c) for c in _COLUMNS), (now or datetime.now()).isoformat(timespec="seconds")),
            )
            return added.rowcount > 0

    def queued(self) -> list[Message]:
        """The messages not yet sent, oldest first."""
        with self.accounts.connection() as con:
            con.executescript(_DDL)
            rows = con.execute(
                "select message_id, kind, username, channel, address, subject, body from outbox "
                "where sent_at is null order by queued_at, message_id"
            ).fetchall()
        return [Message(*row) for row in rows]

    def deliver(
        self,
        adapters: Mapping[str, Adapter],
        *,
        tries: int = TRIES,
        backoff: float = BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = datetime.now,
    ) -> Delivery:
        """Try every queued message on its channel's adapter (``adapters``: channel → adapter), each up to
        ``tries`` times with a doubling wait; record each outcome in the queue (sent: when and how;
        failed: the attempts and the last error, still queued)."""
        done = Delivery()
        for message in self.queued():
            adapter = adapters.get(message.channel)
            if adapter is None:
                done.waiting.append((message.message_id, f"no {message.channel} adapter in this run"))
                continue
            error = ""
            for attempt in range(tries):
                if attempt:
                    sleep(backoff * 2 ** (attempt - 1))
                try:
                    adapter.send(message)
                except Exception as exc:  # any failure of an adapter is a failed try, reported
                    error = f"{type(exc).__name__}: {exc}"
                    self._note(message.message_id, error, now(), sent_via=None)
                    continue
                self._note(message.message_id, None, now(), sent_via=adapter.name)
                self.accounts.log(operator(), "sent", _sent(message, adapter.name), now=now())
                done.sent.append((message.message_id, message.address or adapter.name))
                break
            else:
                done.failed.append((message.message_id, error))
        return done

    def _note(self, message_id: str, error: str | None, at: datetime, sent_via: str | None) -> None:
        stamp = at.isoformat(timespec="seconds")
        with self.accounts.connection() as con:
            if sent_via is None:
                con.execute(
                    "update outbox set attempts = attempts + 1, last_error = ?, last_try_at = ? where message_id = ?",
                    (error, stamp, message_id),
                )
            else:
                con.execute(
                    "update outbox set attempts = attempts + 1, last_try_at = ?, sent_at = ?, sent_via = ? "
                    "where message_id = ?",
                    (stamp, stamp, sent_via, message_id),
                )

    def record(self) -> pl.DataFrame:
        """What was queued for whom and what became of it, newest first: one row per message
        (message_id, kind, username, channel, address, subject, queued_at, attempts, last_error,
        sent_at, sent_via); never the bodies."""
        names = [
            "message_id",
            "kind",
            "username",
            "channel",
            "address",
            "subject",
            "queued_at",
            "attempts",
            "last_error",
            "sent_at",
            "sent_via",
        ]
        with self.accounts.connection() as con:
            con.executescript(_DDL)
            rows = con.execute(
                "select message_id, kind, username, channel, address, subject, queued_at, attempts, last_error, "
                "sent_at, sent_via from outbox order by queued_at desc, message_id"
            ).fetchall()
        return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String) | {"attempts": pl.Int64}, orient="row")
