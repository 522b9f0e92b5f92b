"""Alerts: rules in the helpline's settings, checked as of a day, each sent once per crossing with its
evidence and a link, through the outbox (:mod:`grading.outputs.outbox`).

Rules
-----
TOML with an ``[alerts]`` table, kept in the store's settings (``nivaran alerts --rules FILE`` checks
and stores a file; :data:`DEFAULT_RULES` apply until then)::

    [alerts]
    cool_down_days = 7            # a new crossing of the same rule and subject within this many days
                                  # of the last alert is not sent again
    [[alerts.rules]]
    id = "grade-below-C"
    kind = "grade_below"          # a ranked department's grade is below this band (the month of the day)
    grade = "C"
    [[alerts.rules]]
    id = "overdue-over-25"
    kind = "overdue"              # a district holds more than this many overdue complaints at the day's end
    more_than = 25
    [[alerts.rules]]
    id = "integrity-flag"
    kind = "flag"                 # an integrity flag raised for a department in the month of the day
    [[alerts.rules]]
    id = "quarantine-over-5pct"
    kind = "quarantine"           # a load that quarantined more than this share of its rows
    more_than_pct = 5

A rule holds or not for each **subject** (a department, a district, a department and flag, a load). An
alert is sent when a rule **starts** to hold for a subject (a crossing) and no alert of the same rule and
subject went out in the last ``cool_down_days``; while it keeps holding, nothing more is sent; once it
stops, the next crossing may alert again. The state (holding since, last alert) is kept in the access
file's ``alert_state`` table, and every message's id names the rule, the subject and the day, so
evaluating the same day twice sends nothing new.

Who gets an alert: the collectors of its district, the heads of its department and the administrators
(each with an e-mail address, in their language), and, when the run names a webhook, one JSON message
for the state's SMS or WhatsApp gateway.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading.access.accounts import Accounts, Contact
from grading.access.identity import Identity
from grading.model.schema import NivaranError
from grading.outputs import outbox
from grading.outputs.digest.message import DEFAULT_BASE_URL, DEFAULT_SENDER, domain_of, link
from grading.outputs.digest.sections import head_month
from grading.outputs.fmt import indian_expr, month_name
from grading.scoring import schemes
from grading.scoring.flags import FLAGS, evidence_of
from grading.scoring.schemes import Scheme
from grading.serve import review, views
from grading.store import database, helpline
from grading.words import say

KINDS: Final = ("grade_below", "overdue", "flag", "quarantine")
DEFAULT_COOL_DOWN: Final = 7
DEFAULT_RULES: Final = """\
[alerts]
cool_down_days = 7

[[alerts.rules]]
id = "grade-below-C"
kind = "grade_below"
grade = "C"

[[alerts.rules]]
id = "overdue-over-25"
kind = "overdue"
more_than = 25

[[alerts.rules]]
id = "integrity-flag"
kind = "flag"

[[alerts.rules]]
id = "quarantine-over-5pct"
kind = "quarantine"
more_than_pct = 5
"""
_DDL: Final = """
create table if not exists alert_state (
    rule text not null, subject text not null, holding integer not null, since_day text not null,
    alerted_day text, checked_day text not null, primary key (rule, subject)
);
"""


class AlertRulesError(NivaranError):
    """Alert rules that cannot be read (bad TOML, an unknown kind, a missing threshold)."""


@dataclass(frozen=True)
class Rule:
    """One alert rule: its id, kind (:data:`KINDS`) and threshold (a grade for ``grade_below``, a count
    for ``overdue``, a percentage for ``quarantine``, none for ``flag``)."""

    id: str
    kind: str
    threshold: str | float | None = None


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    cool_down: timedelta = timedelta(days=DEFAULT_COOL_DOWN)


def parse_rules(text: str, where: str = "alert rules") -> Rules:
    """The rules of ``text`` (see the module docstring); anything wrong is one sentence naming the rule."""
    try:
        loaded = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{where}: not TOML ({exc})"
        raise AlertRulesError(msg) from None
    table = loaded.get("alerts")
    if not isinstance(table, dict):
        msg = f"{where}: no [alerts] table"
        raise AlertRulesError(msg)
    days = table.get("cool_down_days", DEFAULT_COOL_DOWN)
    if not isinstance(days, int) or days < 0:
        msg = f"{where}: cool_down_days must be a whole number of days, 0 or more"
        raise AlertRulesError(msg)
    found, seen = [], set()
    for i, item in enumerate(table.get("rules", []), start=1):
        name = item.get("id") if isinstance(item, dict) else None
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name) or name in seen:
            msg = f"{where}: rule #{i} needs an id of letters, digits, - and _, used once"
            raise AlertRulesError(msg)
        seen.add(name)
        kind = item.get("kind")
        if kind not in KINDS:
            msg = f"{where}: rule {name!r}: kind must be one of {', '.join(KINDS)}"
            raise AlertRulesError(msg)
        key = {"grade_below": "grade", "overdue": "more_than", "quarantine": "more_than_pct"}.get(kind)
        value = item.get(key) if key else None
        if kind == "grade_below" and not isinstance(value, str):
            msg = f'{where}: rule {name!r}: grade_below needs grade = "C" (a grade of the scheme)'
            raise AlertRulesError(msg)
        if kind in ("overdue", "quarantine") and (not isinstance(value, int | float) or value < 0):
            msg = f"{where}: rule {name!r}: {kind} needs {key} = a number, 0 or more"
            raise AlertRulesError(msg)
        found.append(Rule(name, kind, value if isinstance(value, str) else None if value is None else float(value)))
    return Rules(tuple(found), timedelta(days=days))


def store_rules(con: duckdb.DuckDBPyConnection) -> Rules:
    """The helpline's rules (:func:`grading.store.helpline.read_alerts`), else :data:`DEFAULT_RULES`."""
    text = helpline.read_alerts(con)
    return parse_rules(text or DEFAULT_RULES, "the store's alert rules" if text else "the default alert rules")


@dataclass(frozen=True)
class Holding:
    """A rule holding for one subject on the day: the sentence (catalogue key and values), evidence lines
    per language, who gets it (districts' collectors, departments' heads, administrators) and a link."""

    rule: Rule
    subject: str
    key: str
    values: dict[str, dict[str, object]]  # lang → values of the sentence
    evidence: dict[str, tuple[str, ...]]  # lang → lines
    districts: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    page: str = ""
    query: dict[str, str] = field(default_factory=dict)

    def sentence(self, lang: str) -> str:
        return say(self.key, lang, **self.values[lang])


def _names(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, tuple[str, str]]:
    """code → (English name, Hindi name) of the reference table ``kind`` (districts, departments)."""
    table = database.read_table(con, kind)
    return {r["code"]: (r["name_en"], r["name_hi"]) for r in table.iter_rows(named=True)}


def _pair(names: dict[str, tuple[str, str]], code: str) -> dict[str, str]:
    en, hi = names.get(code, (code, code))
    return {"en": en or code, "hi": hi or en or code}


def holding(con: duckdb.DuckDBPyConnection, scheme: Scheme, rules: Rules, day: date) -> list[Holding]:
    """Every (rule, subject) that holds as of the end of ``day``."""
    admin = views_identity()
    month = head_month(con, day)
    districts, departments = _names(con, "districts"), _names(con, "departments")
    out: list[Holding] = []
    ranking = views.ranking(con, scheme, "department", month) if month else pl.DataFrame()
    flags = views.integrity_flags(con, scheme, month) if month else pl.DataFrame()
    cases = review.cases(con, day, admin) if any(r.kind == "overdue" for r in rules.rules) else pl.DataFrame()
    for rule in rules.rules:
        if rule.kind == "grade_below" and month is not None and not ranking.is_empty():
            bands = {b.grade: b.min_score for b in scheme.in_force(month).grades}
            if rule.threshold not in bands:
                msg = f"alert rule {rule.id!r}: grade {rule.threshold!r} is not a grade of {scheme.name}"
                raise AlertRulesError(msg)
            floor = bands[str(rule.threshold)]
            for r in ranking.filter("is_ranked").iter_rows(named=True):
                if r["grade"] in bands and bands[r["grade"]] < floor:
                    name = _pair(departments, r["department"])
                    values = {
                        lang: {
                            "department": name[lang],
                            "grade": r["grade"],
                            "month": month_name(month, lang),
                            "before": "—",
                            "band": rule.threshold,
                        }
                        for lang in ("en", "hi")
                    }
                    line = f"{say('score', 'en')} {r['score']:.2f}, {say('rank', 'en')} {r['rank_text']}"
                    line_hi = f"{say('score', 'hi')} {r['score']:.2f}, {say('rank', 'hi')} {r['rank_text']}"
                    out.append(
                        Holding(
                            rule,
                            r["department"],
                            "alert_grade",
                            values,
                            {"en": (line,), "hi": (line_hi,)},
                            departments=(r["department"],),
                            page="department",
                            query={"department": r["department"], "month": f"{month:%Y-%m}"},
                        )
                    )
        elif rule.kind == "overdue" and not cases.is_empty():
            limit = float(rule.threshold or 0)
            counted = cases.filter("is_overdue").group_by("district").agg(n=pl.len()).filter(pl.col("n") > limit)
            for district, n in counted.sort("district").iter_rows():
                name = _pair(districts, district)
                mine = cases.filter(pl.col("district") == district, pl.col("is_overdue"))
                by_dept = (
                    mine.group_by("department").agg(n=pl.len()).sort(["n", "department"], descending=[True, False])
                )
                evidence = {
                    lang: tuple(f"{_pair(departments, d)[lang]}: {k}" for d, k in by_dept.head(10).iter_rows())
                    for lang in ("en", "hi")
                }
                values = {
                    lang: {"district": name[lang], "n": n, "day": f"{day:%d-%m-%Y}", "limit": f"{limit:g}"}
                    for lang in ("en", "hi")
                }
                out.append(
                    Holding(
                        rule,
                        district,
                        "alert_overdue",
                        values,
                        evidence,
                        districts=(district,),
                        page="collector",
                        query={"district": district, "month": f"{day:%Y-%m}"},
                    )
                )
        elif rule.kind == "flag" and month is not None and not flags.is_empty():
            settings = scheme.in_force(month).flags
            raised = flags.filter(pl.col("department").is_not_null()).with_columns(
                evidence_of(settings, "en", indian_expr).alias("evidence_en"),
                evidence_of(settings, "hi", indian_expr).alias("evidence_hi"),
            )
            for r in raised.iter_rows(named=True):
                name = _pair(departments, r["department"])
                values = {
                    lang: {
                        "department": name[lang],
                        "flag": FLAGS[r["flag"]][1 if lang == "hi" else 0],
                        "month": month_name(month, lang),
                    }
                    for lang in ("en", "hi")
                }
                out.append(
                    Holding(
                        rule,
                        f"{r['department']}.{r['flag']}.{month:%Y%m}",
                        "alert_flag",
                        values,
                        {"en": (str(r["evidence_en"]),), "hi": (str(r["evidence_hi"]),)},
                        departments=(r["department"],),
                        page="department",
                        query={"department": r["department"], "month": f"{month:%Y-%m}"},
                    )
                )
        elif rule.kind == "quarantine":
            limit = float(rule.threshold or 0)
            for r in database.read_table(con, "ingest_log").sort("ingest_id").iter_rows(named=True):
                read_rows = r["rows_read"] or 0
                pct = 100.0 * r["rows_quarantined"] / read_rows if read_rows else 0.0
                if pct <= limit:
                    continue
                values = {
                    lang: {
                        "source": r["source"],
                        "day": f"{r['finished_at']:%d-%m-%Y}",
                        "pct": f"{pct:.1f}",
                        "limit": f"{limit:g}",
                    }
                    for lang in ("en", "hi")
                }
                line = f"rows read {read_rows}, quarantined {r['rows_quarantined']}, loaded {r['rows_loaded']}"
                out.append(
                    Holding(
                        rule,
                        f"load{r['ingest_id']}",
                        "alert_quarantine",
                        values,
                        {"en": (line,), "hi": (line,)},
                        page="data_status",
                    )
                )
    return out


def views_identity() -> Identity:
    """The identity alerts read the state with (every district and department: an administrator's)."""
    return Identity("alerts", "admin")


@dataclass
class Checked:
    """What :func:`check` did: alerts sent (rule, subject, message ids), holding without an alert and why."""

    fired: list[tuple[str, str, list[str]]] = field(default_factory=list)
    quiet: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"alert {rule} {subject}: queued {len(ids)} message(s)" for rule, subject, ids in self.fired]
        out += [f"no alert {rule} {subject}: {why}" for rule, subject, why in self.quiet]
        return out


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def recipients(contacts: list[Contact], item: Holding) -> list[Contact]:
    """The accounts an alert goes to: the collectors of its districts, the heads of its departments, the
    administrators; only those with an e-mail address."""
    out = []
    for c in contacts:
        who = c.identity
        if not c.email:
            continue
        if (
            who.role == "admin"
            or (who.role == "collector" and set(who.districts) & set(item.districts))
            or (who.role == "department_head" and set(who.departments) & set(item.departments))
        ):
            out.append(c)
    return out


def _email(item: Holding, contact: Contact, mid: str, *, sender: str, base_url: str, now: datetime) -> bytes:
    lang = contact.lang
    url = link(base_url, item.page, **item.query, lang=lang)
    lines = [
        item.sentence(lang),
        "",
        say("alert_evidence", lang) + ":",
        *item.evidence[lang],
        "",
        f"{say('alert_open', lang)}: {url}",
    ]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = contact.email or ""
    mail["Subject"] = say("alert_subject", lang, what=item.sentence(lang))
    mail["Message-ID"] = mid
    mail["Date"] = format_datetime(now.astimezone())
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content("\n".join(lines) + "\n")
    mail["Content-Language"] = lang
    return mail.as_bytes()


def check(
    db: Path,
    day: date,
    *,
    base_url: str = DEFAULT_BASE_URL,
    sender: str = DEFAULT_SENDER,
    gateway: bool = False,
    now: datetime | None = None,
) -> Checked:
    """Evaluate the helpline's alert rules as of the end of ``day`` and queue an alert for each new
    crossing outside its cool-down (see the module docstring); ``gateway``: also one webhook message each."""
    now = now or datetime.now()
    accounts = Accounts(db)
    box = outbox.Outbox(accounts)
    domain = domain_of(sender)
    with closing(database.connect_readonly(db)) as con:
        scheme = schemes.load(helpline.read(con).scheme)
        rules = store_rules(con)
        found = holding(con, scheme, rules, day)
    contacts = accounts.contacts()
    done = Checked()
    stamp = day.isoformat()
    with accounts.connection() as con:
        con.executescript(_DDL)
        state = {
            (r[0], r[1]): (bool(r[2]), r[3], r[4])
            for r in con.execute("select rule, subject, holding, since_day, alerted_day from alert_state")
        }
    now_holding = {(h.rule.id, h.subject) for h in found}
    for item in found:
        key = (item.rule.id, item.subject)
        was, _, alerted = state.get(key, (False, None, None))
        if was:
            done.quiet.append((*key, "still holding since the last alert or check"))
            continue
        last = date.fromisoformat(alerted) if alerted else None
        if last is not None and day - last < rules.cool_down:
            done.quiet.append((*key, f"cooling down (last alert {last:%d-%m-%Y})"))
            _remember(accounts, key, holding_now=True, day=stamp, alerted=None)
            continue
        base = f"alert.{_safe(item.rule.id)}.{_safe(item.subject)}.{day:%Y%m%d}"
        ids = []
        for contact in recipients(contacts, item):
            who = hashlib.sha256(contact.identity.username.encode()).hexdigest()[:16]
            mid = f"<{base}.{who}@{domain}>"
            body = _email(item, contact, mid, sender=sender, base_url=base_url, now=now)
            message = outbox.Message(
                mid, "alert", contact.identity.username, "email", contact.email or "", item.sentence(contact.lang), body
            )
            if box.enqueue(message, now):
                ids.append(mid)
        if gateway:
            mid = f"<{base}@{domain}>"
            payload = {
                "message_id": mid,
                "kind": "alert",
                "rule": item.rule.id,
                "subject": item.subject,
                "day": stamp,
                "text": {lang: item.sentence(lang) for lang in ("en", "hi")},
                "evidence": {lang: list(item.evidence[lang]) for lang in ("en", "hi")},
                "link": link(base_url, item.page, **item.query),
                "recipients": [
                    {"username": c.identity.username, "email": c.email, "lang": c.lang}
                    for c in recipients(contacts, item)
                ],
            }
            body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
            if box.enqueue(outbox.Message(mid, "alert", "", "webhook", "", item.sentence("en"), body), now):
                ids.append(mid)
        _remember(accounts, key, holding_now=True, day=stamp, alerted=stamp)
        done.fired.append((*key, ids))
    for key, (was, _, _) in state.items():
        if was and key not in now_holding:
            _remember(accounts, key, holding_now=False, day=stamp, alerted=None)
    return done


def _remember(accounts: Accounts, key: tuple[str, str], *, holding_now: bool, day: str, alerted: str | None) -> None:
    """Record a (rule, subject)'s state as of ``day``: holding or not, and the day of its last alert
    (kept when ``alerted`` is None)."""
    with accounts.connection() as con:
        con.executescript(_DDL)
        con.execute(
            "insert into alert_state (rule, subject, holding, since_day, alerted_day, checked_day) "
            "values (?, ?, ?, ?, ?, ?) on conflict (rule, subject) do update set "
            "since_day = case when alert_state.holding = excluded.holding then alert_state.since_day "
            "else excluded.since_day end, holding = excluded.holding, "
            "alerted_day = coalesce(excluded.alerted_day, alert_state.alerted_day), checked_day = excluded.checked_day",
            (*key, int(holding_now), day, alerted, day),
        )
