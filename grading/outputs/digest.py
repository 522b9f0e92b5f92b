"""Weekly digests: the dashboard's view of each account, as one e-mail, in the account's language.

A digest is made **as of a day** D for one account and holds exactly what that account's pages show,
read through the same serving functions with the account's own :class:`~grading.access.identity.Identity`
(so its scope is enforced by the core, as on the pages):

- a **collector**, per district of their scope: pending, overdue and due within 2 days at the end of D
  (:func:`grading.serve.review.cases`), the changes since the last review (default 7 days before,
  :func:`grading.serve.review.changes`), the most overdue complaints, and the district's **meeting
  pack** attached (:mod:`grading.outputs.meeting`, Excel), recorded in the audit log like every case file;
- a **department head**, per department of their scope, for the month of D (or the latest month with
  data before it): the printed rank (``rank_text``: "3", or a range "2–5"), grade and score of the
  department page's title, why the score moved since last month (:func:`grading.scoring.plan.why_moved`),
  the plan's first actions (:func:`grading.scoring.plan.department_plan`) and the integrity flags raised;
- an **administrator**: statewide pending and overdue, the districts with the most overdue, and how many
  integrity flags the month raised.

Every digest links back to the dashboard views (``<base>/collector?district=…&month=…&lang=…``,
``<base>/department?…``), has a plain-text and an HTML part built from the same sections, and a
**Message-ID derived from the account, its role and the day** (:func:`message_id`): a rerun for the same
day finds it in the outbox (:mod:`grading.outputs.outbox`) and queues nothing new.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

import duckdb
import polars as pl

from grading.access.accounts import Accounts, Contact
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.access.logbook import DIGEST_PREFIX
from grading.monthly import results
from grading.outputs import export, meeting, outbox
from grading.outputs.fmt import indian, indian_expr, month_name
from grading.rules.asof import previous_month
from grading.scoring import plan
from grading.scoring.flags import FLAGS, evidence_of
from grading.scoring.schemes import Scheme
from grading.serve import decisions, review, views
from grading.store import database, helpline, month_reads
from grading.words import say

#: The digest's ``--role`` names → the account roles they select.
ROLES: Final = {"collector": "collector", "head": "department_head", "admin": "admin"}
#: How many overdue complaints a collector's digest lists by id (the pack holds them all).
LISTED: Final = 10
#: How many of the plan's actions a head's digest names.
ACTIONS: Final = 3
DEFAULT_BASE_URL: Final = "http://localhost:8501"
DEFAULT_SENDER: Final = "nivaran@localhost"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _name(con: duckdb.DuckDBPyConnection, kind: str, code: str, lang: str) -> str:
    """A district's or department's name in ``lang`` (its code when the reference data lack it)."""
    other = "department" if kind == "district" else "district"
    names = results.attach_names(con, pl.DataFrame({kind: [code], other: [""]}))
    found = names[f"{kind}_name_hi" if lang == "hi" else f"{kind}_name"][0]
    return str(found) if found else code


def _num(value: object, lang: str) -> str:
    """A count with Indian grouping (12,34,567), the same in either language."""
    del lang
    return indian(float(value)) if isinstance(value, int | float) else str(value)


def collector_sections(
    con: duckdb.DuckDBPyConnection,
    who: Identity,
    district: str,
    day: date,
    *,
    since: date,
    lang: str,
    base_url: str,
    cases: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
) -> tuple[Section, ...]:
    """A collector's sections for one district of their scope (the core refuses any other). ``cases`` and
    ``changes``: the district's :func:`grading.serve.review.cases` and :func:`~grading.serve.review.changes`
    when the caller has read them already (the meeting pack reads the same)."""
    if cases is None:
        cases = review.cases(con, day, who, district=district)
    if changes is None:
        changes = review.changes(con, day, since, who, district=district, now=cases)
    counts = review.change_counts(changes)
    name = _name(con, "district", district, lang)
    dept = "department_name_hi" if lang == "hi" else "department_name"
    overdue = cases.filter("is_overdue")
    listed = [
        say(
            "digest_case_line",
            lang,
            id=r["complaint_id"],
            department=r[dept] or r["department"],
            level=r["level"],
            days=-int(r["days_to_due"]) if r["days_to_due"] is not None else "",
        )
        for r in overdue.head(LISTED).iter_rows(named=True)
    ]
    if overdue.height > LISTED:
        listed.append(say("digest_more_cases", lang, n=_num(overdue.height - LISTED, lang)))
    return (
        Section(
            name,
            (
                say("digest_collector_intro", lang, district=name, day=f"{day:%d-%m-%Y}", since=f"{since:%d-%m-%Y}"),
                say("digest_pending", lang, n=_num(cases.height, lang)),
                say("digest_overdue", lang, n=_num(overdue.height, lang)),
                say("digest_due_soon", lang, n=_num(int(cases["due_soon"].sum()), lang)),
                say("digest_over_50", lang, n=_num(int(cases["is_over_50"].sum()), lang)),
            ),
        ),
        Section(
            f"{say('digest_since', lang)} ({since:%d-%m-%Y})",
            tuple(f"{say(f'change_{k}', lang)}: {_num(n, lang)}" for k, n in counts.items()),
        ),
        Section(
            say("digest_most_overdue", lang),
            tuple(listed),
            (
                say("digest_open_review", lang),
                link(base_url, "collector", district=district, month=f"{day:%Y-%m}", lang=lang),
            ),
        ),
    )


def decision_section(found: pl.DataFrame, lang: str, heading: str) -> Section:
    """The meeting decisions of :func:`grading.serve.decisions.carried` as one section: one line per
    decision with its status, owner, due day and what it is on (a complaint, a department or the district)."""
    dept = "department_name_hi" if lang == "hi" else "department_name"
    dist = "district_name_hi" if lang == "hi" else "district_name"
    lines = tuple(
        say(
            "digest_decision_line",
            lang,
            status=say(f"decision_{r['status']}", lang),
            what=r["what"],
            owner=r["owner"],
            due=f"{r['due']:%d-%m-%Y}",
            on=" · ".join(
                str(v) for v in (r[dist] or r["district"], r[dept] or r["department"], r["complaint_id"]) if v
            ),
            review_day=f"{r['review_day']:%d-%m-%Y}",
            id=r["decision_id"],
        )
        for r in found.iter_rows(named=True)
    )
    return Section(heading, lines or (say("digest_no_decisions", lang),))


def watched_first(codes: tuple[str, ...], pinned: tuple[str, ...]) -> list[str]:
    """``codes`` with the pinned ones first (in the order pinned), then the rest in code order."""
    return [c for c in pinned if c in codes] + sorted(c for c in codes if c not in pinned)


def head_month(con: duckdb.DuckDBPyConnection, day: date) -> date | None:
    """The month a department head's digest of ``day`` reports: the month of ``day``, or the last month
    with data when the data end earlier (None: an empty store)."""
    bounds = month_reads.month_bounds(con)
    return None if bounds is None else min(bounds[1], day.replace(day=1))


def _score(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else "—"


def head_sections(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    department: str,
    month: date,
    *,
    ranking: pl.DataFrame,
    flags: pl.DataFrame,
    lang: str,
    base_url: str,
) -> tuple[Section, ...]:
    """A department head's sections for one department: the title of the department page (the printed
    rank, its range, grade and score), why the score moved, the plan's first actions, the flags."""
    name = _name(con, "department", department, lang)
    month_text = month_name(month, lang)
    found = ranking.filter(pl.col("department") == department)
    me = found.row(0, named=True) if found.height else None
    label = "label_hi" if lang == "hi" else "label_en"
    if me is None or not me.get("is_ranked"):
        title: tuple[str, ...] = (say("digest_unranked", lang, department=name, month=month_text),)
    else:
        peers = ranking.filter("is_ranked")
        if me.get("volume_group") is not None:
            peers = peers.filter(pl.col("volume_group") == me["volume_group"])
        values = {"department": name, "month": month_text, "rank": me["rank_text"], "of": peers.height}
        values |= {"grade": me["grade"], "score": _score(me["score"])}
        title = (
            say("digest_rank_line_nogroup", lang, **values)
            if me.get("volume_group") is None
            else say("digest_rank_line", lang, group=me["volume_group"], **values),
        )
        if "–" in str(me["rank_text"]):
            title += (say("digest_rank_range", lang),)
    moved: tuple[str, ...] = (say("digest_moved_none", lang),)
    before = views.ranking(con, scheme, "department", previous_month(month))
    prior = before.filter(pl.col("department") == department) if not before.is_empty() else before
    last = prior.row(0, named=True) if prior.height else None
    if (
        me is not None
        and last is not None
        and me.get("rank_text")
        and last.get("rank_text")
        and last.get("volume_group") == me.get("volume_group")
    ):
        why = plan.why_moved(last, me, scheme)
        moved = tuple(
            f"{r[label]}: {r['change_shown']:+.2f}"
            for r in why.iter_rows(named=True)
            if r["change_shown"] or r["key"] == "total"
        )
    actions: tuple[str, ...] = (say("digest_plan_none", lang),)
    if me is not None and me.get("is_ranked"):
        rows = plan.department_plan(ranking, scheme, department).filter(pl.col("cases") > 0).head(ACTIONS)
        if rows.height:
            actions = tuple(
                say(
                    "digest_plan_line",
                    lang,
                    component=r[label],
                    work=r["work_hi" if lang == "hi" else "work_en"],
                    gain=f"{(r['gain_median'] if (r['cases_median'] or 0) > 0 else r['gain_best']) or 0.0:.2f}",
                )
                for r in rows.iter_rows(named=True)
            )
    mine = flags.filter(pl.col("department") == department) if not flags.is_empty() else flags
    if not mine.is_empty():  # the evidence in the reader's language, digits grouped the Indian way
        mine = mine.with_columns(evidence_of(scheme.in_force(month).flags, lang, indian_expr))
    raised = tuple(
        f"{FLAGS[r['flag']][1 if lang == 'hi' else 0]}: {r['sentence']}" for r in mine.iter_rows(named=True)
    ) or (say("digest_no_flags", lang),)
    return (
        Section(name, title),
        Section(say("digest_why_moved", lang), moved),
        Section(say("digest_plan", lang), actions),
        Section(
            say("digest_flags", lang),
            raised,
            (
                say("digest_open_department", lang),
                link(base_url, "department", department=department, month=f"{month:%Y-%m}", lang=lang),
            ),
        ),
    )


def admin_sections(
    con: duckdb.DuckDBPyConnection,
    who: Identity,
    day: date,
    *,
    month: date | None,
    flags: pl.DataFrame,
    lang: str,
    base_url: str,
    pinned: tuple[str, ...] = (),
) -> tuple[Section, ...]:
    """The administrator's sections: statewide pending and overdue, then the districts the account
    watches (``pinned``, in the order pinned, each marked), then the others with the most overdue."""
    cases = review.cases(con, day, who)
    name = "district_name_hi" if lang == "hi" else "district_name"
    by = (
        cases.group_by("district", name)
        .agg(pending=pl.len(), overdue=pl.col("is_overdue").sum())
        .sort(["overdue", "pending", "district"], descending=[True, True, False])
    )
    order = {code: i for i, code in enumerate(pinned)}
    watched = (
        by.filter(pl.col("district").is_in(list(pinned)))
        .with_columns(mark=pl.lit(" " + say("digest_watched_mark", lang)))
        .sort(pl.col("district").replace_strict(order, return_dtype=pl.Int64))
    )
    by = pl.concat(
        [watched, by.filter(~pl.col("district").is_in(list(pinned))).head(LISTED).with_columns(mark=pl.lit(""))]
    )
    lines = [
        say("digest_pending", lang, n=_num(cases.height, lang)),
        say(
            "digest_overdue",
            lang,
            n=_num(int(cases["is_overdue"].sum()), lang),
        ),
        *(
            say(
                "digest_district_line",
                lang,
                district=(r[name] or r["district"]) + r["mark"],
                pending=_num(r["pending"], lang),
                overdue=_num(r["overdue"], lang),
            )
            for r in by.iter_rows(named=True)
        ),
    ]
    if month is not None:
        lines.append(say("digest_flags_count", lang, month=month_name(month, lang), n=_num(flags.height, lang)))
    query = {"month": f"{month:%Y-%m}", "lang": lang} if month is not None else {"lang": lang}
    return (
        Section(
            say("digest_admin_intro", lang, day=f"{day:%d-%m-%Y}"),
            tuple(lines),
            (say("digest_open_state", lang), link(base_url, "data_status", **query)),
        ),
    )


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
        places = ", ".join(_name(con, "district", d, lang) for d in sorted(who.districts))
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
            heading = say("digest_decisions_of", lang, department=_name(con, "department", department, lang))
            sections.append(decision_section(carried, lang, heading))
        names = ", ".join(_name(con, "department", d, lang) for d in sorted(who.departments))
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
