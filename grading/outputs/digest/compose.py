"""One account's digest of a day, built from its sections (:func:`build`), and a run's digests queued in
the outbox (:func:`queue_digests`), with the month's frames shared between the accounts of a run.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading.access.accounts import Accounts, Contact
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.access.logbook import DIGEST_PREFIX
from grading.outputs import export, meeting, outbox
from grading.outputs.digest.message import (
    DEFAULT_BASE_URL,
    DEFAULT_SENDER,
    Attachment,
    Digest,
    Section,
    domain_of,
    message_id,
    to_email,
)
from grading.outputs.digest.sections import (
    admin_sections,
    collector_sections,
    decision_section,
    head_month,
    head_sections,
    place_name,
    watched_first,
)
from grading.outputs.fmt import month_name
from grading.scoring.schemes import Scheme
from grading.serve import decisions, review, views
from grading.store import database, helpline
from grading.words import say

#: The digest's ``--role`` names → the account roles they select.
ROLES: Final = {"collector": "collector", "head": "department_head", "admin": "admin"}


XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class MonthFrames:
    """The month's frames every head's and the administrator's digest read alike (the department ranking,
    the integrity flags), computed once per run instead of once per account; empty for no month. Also the
    last actions of every case the collectors' digests list, read in one pass (:meth:`last_actions`)."""

    found: dict[tuple[str, date], pl.DataFrame] = field(default_factory=dict)
    ahead: dict[tuple[date, date], review.LastActions] = field(default_factory=dict)

    def last_actions(self, con: duckdb.DuckDBPyConnection, day: date, since: date) -> review.LastActions:
        """The last actions, as of the end of ``day``, of every case pending in the state at the end of
        ``since`` or of ``day`` (what any district's review and changes list), read once per run."""
        if (day, since) not in self.ahead:
            state = Identity("digest", "admin")
            ids = pl.concat([views.open_cases(con, review.end_of(d), state)["complaint_id"] for d in (since, day)])
            ahead = review.LastActions(con)
            ahead.read(ids, review.end_of(day))
            self.ahead[day, since] = ahead
        return self.ahead[day, since]

    def _get(self, key: tuple[str, date], make: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        if key not in self.found:
            self.found[key] = make()
        return self.found[key]

    def ranking(self, con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date | None) -> pl.DataFrame:
        """The month's department ranking (:func:`grading.serve.views.ranking`)."""
        if month is None:
            return pl.DataFrame()
        return self._get(("ranking", month), lambda: views.ranking(con, scheme, "department", month))

    def flags(self, con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date | None) -> pl.DataFrame:
        """The month's integrity flags (:func:`grading.serve.views.integrity_flags`)."""
        if month is None:
            return pl.DataFrame()
        return self._get(("flags", month), lambda: views.integrity_flags(con, scheme, month))


@dataclass
class Queued:
    """What :func:`queue_digests` did: message ids queued, and accounts skipped with the reason."""

    queued: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"queued {mid} for {name}" for name, mid in self.queued]
        out += [f"skipped {name}: {why}" for name, why in self.skipped]
        return out


def build(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    contact: Contact,
    day: date,
    *,
    accounts: Accounts,
    since: date | None = None,
    base_url: str = DEFAULT_BASE_URL,
    domain: str = "localhost",
    now: datetime | None = None,
    month_frames: MonthFrames | None = None,
) -> Digest:
    """The digest of ``contact``'s account as of the end of ``day`` (see the module docstring). A
    collector's meeting packs go through the audited export path (:func:`grading.outputs.export.audited`:
    the audit log names ``digest:<account>`` and the district). ``month_frames``: the month's ranking and
    flags shared by every digest of one run (:class:`MonthFrames`)."""
    month_frames = month_frames or MonthFrames()
    who, lang = contact.identity, contact.lang
    since = since or day - meeting.DEFAULT_GAP
    settings = helpline.read(con)
    hello = Section(None, (say("digest_hello", lang, name=who.username),))
    attachments: list[Attachment] = []
    sections: list[Section] = [hello]
    pinned = accounts.watches(who.username)
    if who.role == "collector":
        mailer = Identity(f"{DIGEST_PREFIX}{who.username}", who.role, who.districts, who.departments)
        for district in watched_first(who.districts, pinned["district"]):
            # read once: the sections and the meeting pack show the same cases and changes
            ahead = month_frames.last_actions(con, day, since)
            cases = review.cases(con, day, who, district=district, last_actions=ahead)
            changes = review.changes(con, day, since, who, district=district, last_actions=ahead, now=cases)
            sections += collector_sections(
                con, who, district, day, since=since, lang=lang, base_url=base_url, cases=cases, changes=changes
            )
            carried = decisions.carried(con, accounts, who, day, district=district, since=since)
            sections.append(decision_section(carried, lang, say("digest_decisions", lang)))
            pack = meeting.build(con, who, district, day, since, decisions=carried, cases=cases, changes=changes)
            data = export.audited(
                accounts,
                mailer,
                who.scope(district=district),
                make=partial(meeting.xlsx, pack),
                rows=pack.rows,
                fmt="xlsx",
                what=Entry(
                    "digest_meeting_pack", {"district": district, "day": day.isoformat(), "address": str(contact.email)}
                ),
                now=now,
            )
            attachments.append(Attachment(f"review-{district}-{day:%Y-%m-%d}.xlsx", XLSX, data))
        sections.append(Section(None, (say("digest_attached", lang),)))
        places = ", ".join(place_name(con, "district", d, lang) for d in sorted(who.districts))
        subject = say("digest_subject_collector", lang, district=places, day=f"{day:%d-%m-%Y}")
    elif who.role == "department_head":
        month = head_month(con, day)
        ranking = month_frames.ranking(con, scheme, month)
        flags = month_frames.flags(con, scheme, month)
        for department in watched_first(who.departments, pinned["department"]):
            if month is not None:
                sections += head_sections(
                    con, scheme, department, month, ranking=ranking, flags=flags, lang=lang, base_url=base_url
                )
            carried = decisions.carried(con, accounts, who, day, department=department, since=since)
            heading = say("digest_decisions_of", lang, department=place_name(con, "department", department, lang))
            sections.append(decision_section(carried, lang, heading))
        names = ", ".join(place_name(con, "department", d, lang) for d in sorted(who.departments))
        subject = say("digest_subject_head", lang, department=names, month=month_name(month, lang) if month else "—")
    else:
        month = head_month(con, day)
        flags = month_frames.flags(con, scheme, month)
        sections += admin_sections(
            con, who, day, month=month, flags=flags, lang=lang, base_url=base_url, pinned=pinned["district"]
        )
        overdue = decisions.carried(con, accounts, who, day, since=since).filter(pl.col("status") == "overdue")
        sections.append(
            decision_section(overdue, lang, f"{say('digest_decisions', lang)}: {say('decision_overdue', lang)}")
        )
        subject = say("digest_subject_admin", lang, day=f"{day:%d-%m-%Y}")
    role = say(f"role_{who.role}", lang)
    sections.append(Section(None, (say("digest_footer", lang, role=role, helpline=settings.name),)))
    return Digest(
        contact,
        day,
        message_id(who.username, who.role, day, domain),
        f"{settings.name}: {subject}",
        tuple(sections),
        tuple(attachments),
    )


def queue_digests(
    db: Path,
    day: date,
    *,
    roles: tuple[str, ...] = tuple(ROLES.values()),
    since: date | None = None,
    base_url: str = DEFAULT_BASE_URL,
    sender: str = DEFAULT_SENDER,
    scheme: Scheme | None = None,
    now: datetime | None = None,
) -> Queued:
    """Build and queue the digest of ``day`` for every account of ``roles`` with an e-mail address; an
    account whose digest of that day is already in the outbox is left alone (nothing built, nothing
    audited, nothing queued)."""
    from grading.scoring import schemes

    accounts = Accounts(db)
    box = outbox.Outbox(accounts)
    done = Queued()
    domain = domain_of(sender)
    shared = MonthFrames()
    with closing(database.connect_readonly(db)) as con:
        chosen = scheme or schemes.load(helpline.read(con).scheme)
        for contact in accounts.contacts():
            who = contact.identity
            if who.role not in roles:
                continue
            if not contact.email:
                done.skipped.append((who.username, "no e-mail address (nivaran users set-contact NAME --email ...)"))
                continue
            mid = message_id(who.username, who.role, day, domain)
            if box.known(mid):
                done.skipped.append((who.username, f"{mid} already queued or sent"))
                continue
            digest = build(
                con,
                chosen,
                contact,
                day,
                accounts=accounts,
                since=since,
                base_url=base_url,
                domain=domain,
                now=now,
                month_frames=shared,
            )
            message = outbox.Message(
                mid,
                "digest",
                who.username,
                "email",
                contact.email,
                digest.subject,
                to_email(digest, sender, now).as_bytes(),
            )
            if box.enqueue(message, now):
                done.queued.append((who.username, mid))
    return done
