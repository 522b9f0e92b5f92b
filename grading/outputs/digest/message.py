"""A digest as a message: its sections and attachments, its plain-text and HTML parts, its Message-ID, links
back to the dashboard, and the e-mail it becomes (alerts, :mod:`grading.outputs.alerts`, are written the
same way).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Final
from urllib.parse import urlencode

from grading.access.accounts import Contact

DEFAULT_BASE_URL: Final = "http://localhost:8501"


DEFAULT_SENDER: Final = "nivaran@localhost"


@dataclass(frozen=True)
class Section:
    """One part of a message: a heading (None: none), its lines, and a link (label, address) or None."""

    heading: str | None
    lines: tuple[str, ...]
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Digest:
    """One account's digest of one day, before it becomes an e-mail (:func:`to_email`)."""

    contact: Contact
    day: date
    message_id: str
    subject: str
    sections: tuple[Section, ...]
    attachments: tuple[Attachment, ...] = ()

    @property
    def text(self) -> str:
        """The plain-text part: each section's heading, lines and link, a blank line between sections."""
        blocks = []
        for s in self.sections:
            lines = [s.heading, "-" * len(s.heading)] if s.heading else []
            lines += list(s.lines)
            if s.link:
                lines.append(f"{s.link[0]}: {s.link[1]}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    @property
    def html(self) -> str:
        """The HTML part: the same sections, escaped."""
        parts = []
        for s in self.sections:
            if s.heading:
                parts.append(f"<h2>{html.escape(s.heading)}</h2>")
            if s.lines:
                parts.append("<p>" + "<br>".join(html.escape(line) for line in s.lines) + "</p>")
            if s.link:
                parts.append(f'<p><a href="{html.escape(s.link[1], quote=True)}">{html.escape(s.link[0])}</a></p>')
        lang = self.contact.lang
        return (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(self.subject)}'
            "</title></head><body style=\"font-family: 'Noto Sans', 'Noto Sans Devanagari', sans-serif\">"
            + "".join(parts)
            + "</body></html>"
        )


def message_id(username: str, role: str, day: date, domain: str) -> str:
    """The digest's Message-ID, the same on every run: the day, the role and a hash of the account name
    (``<digest.20240320.collector.1a2b3c4d5e6f7a8b@nivaran.example>``; the name itself stays out of it)."""
    who = hashlib.sha256(username.encode()).hexdigest()[:16]
    return f"<digest.{day:%Y%m%d}.{role}.{who}@{domain}>"


def link(base_url: str, page: str, **query: str) -> str:
    """A permalink of a dashboard page (the URL shape of :mod:`ui.permalink`: the page is the path, the
    view's state the query)."""
    return f"{base_url.rstrip('/')}/{page}?{urlencode(query)}"


def to_email(digest: Digest, sender: str, now: datetime | None = None) -> EmailMessage:
    """The digest as an e-mail: plain text and HTML alternatives, the attachments, its Message-ID."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = digest.contact.email or ""
    mail["Subject"] = digest.subject
    mail["Message-ID"] = digest.message_id
    mail["Date"] = format_datetime((now or datetime.now()).astimezone())
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(digest.text)
    mail.add_alternative(digest.html, subtype="html")
    for a in digest.attachments:
        main, sub = a.mime.split("/", 1)
        mail.add_attachment(a.data, maintype=main, subtype=sub, filename=a.filename)
    mail["Content-Language"] = digest.contact.lang  # after the parts: building them resets Content-*
    return mail


def domain_of(sender: str) -> str:
    """The domain of the sender's address (the right side of Message-IDs); ``localhost`` without one."""
    return sender.rsplit("@", 1)[1].strip("> ") if "@" in sender else "localhost"
