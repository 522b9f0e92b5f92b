"""What one row of the audit log says happened: a catalogue key and its values, never a sentence (issue 25).

An :class:`Entry` is an event (``review_list``, ``account_added``, ``published``…) with the values its
sentence needs (``{"district": "INDORE", "day": "2024-08-01"}``): codes, days and identifiers as data. The
access file keeps the event and the values as JSON (``audit.event``, ``audit.args``); the sentence is
written when the log is read, in the reader's language, from the catalogue entry ``audit_what_<event>``
(:mod:`grading.outputs.auditlog`), with codes turned into names. The placeholders of that entry's
English text are the values an event takes: the catalogue is the one list of events.

Rows written before this (``audit.detail``, an English sentence, and no event) are turned into entries when
the access file is upgraded (:func:`migrate`) wherever their sentence has one of the old shapes
(:func:`from_sentence`); the sentence stays stored beside the entry, and a row whose sentence has no
known shape keeps it alone and is shown as it was written, marked as such.

Plain values and one upgrade step, no Streamlit.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from grading.access.identity import AccessError
from grading.words import CATALOGUE

#: The catalogue entries of the events start with this (``audit_what_review_list``).
PREFIX: Final = "audit_what_"
#: A value any event of a file leaving may add: the file's format (``csv``, ``xlsx``, ``pdf``).
FORMAT: Final = "fmt"


def events() -> dict[str, frozenset[str]]:
    """Every event → the names of its values (the placeholders of its catalogue entry)."""
    return {
        key.removeprefix(PREFIX): frozenset(
            name for _, name, _, _ in string.Formatter().parse(english) if name is not None
        )
        for key, (english, _) in CATALOGUE.items()
        if key.startswith(PREFIX)
    }


@dataclass(frozen=True)
class Entry:
    """One thing that happened: ``event`` (a key of :func:`events`) and its ``values`` (text or whole
    numbers), exactly the names its sentence needs, plus ``fmt`` for a file.

    >>> Entry("review_list", {"district": "INDORE", "day": "2024-08-01"}).args
    '{"day": "2024-08-01", "district": "INDORE"}'
    """

    event: str
    values: Mapping[str, str | int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        wanted = events().get(self.event)
        if wanted is None:
            msg = f"audit event {self.event!r}: no catalogue entry {PREFIX}{self.event}"
            raise AccessError(msg)
        given = set(self.values) - {FORMAT}
        if given != wanted:
            msg = f"audit event {self.event!r}: values {sorted(given)}, expected {sorted(wanted)}"
            raise AccessError(msg)

    def with_format(self, fmt: str) -> Entry:
        """The same entry for a file of format ``fmt``."""
        return Entry(self.event, {**self.values, FORMAT: fmt})

    @property
    def args(self) -> str:
        """The values as the access file keeps them: a JSON object of texts (a number as its digits), keys
        sorted, Devanagari as it is."""
        return json.dumps({k: str(v) for k, v in self.values.items()}, ensure_ascii=False, sort_keys=True)


def scope_of(role: str, districts: tuple[str, ...], departments: tuple[str, ...]) -> str:
    """An account's whole scope as the log writes a scope (``districts=BHOPAL``, ``departments=ENERGY``,
    ``state``), as :attr:`grading.access.identity.Scope.label` writes a request's."""
    if role == "collector":
        return f"districts={','.join(districts)}"
    if role == "department_head":
        return f"departments={','.join(departments)}"
    return "state"


def decision_entry(
    decision: int, *, district: str, department: str | None, complaint: str | None, review_day: str, due: str
) -> Entry:
    """The entry of a decision recorded at ``district``'s review of ``review_day`` (ISO days): on a complaint,
    else on a department, else on the district."""
    values: dict[str, str | int] = {"decision": decision, "district": district, "review_day": review_day, "due": due}
    if complaint:
        return Entry("decision_complaint", {**values, "complaint": complaint})
    if department:
        return Entry("decision_department", {**values, "department": department})
    return Entry("decision_district", values)


# --- rows of the old shape --------------------------------------------------------------------------

_DAY = r"\d{4}-\d\d-\d\d"
_MONTH = r"\d{4}-\d\d"
_FILE = r" \((?P<fmt>csv|xlsx|pdf)\)"
Groups = dict[str, str]


def _account(g: Groups) -> Entry:
    codes = g["codes"]
    scope = "state" if codes == "state" else scope_of(g["role"], tuple(codes.split(",")), tuple(codes.split(",")))
    return Entry(f"account_{g['how']}", {"user": g["user"], "role": g["role"], "scope": scope})


def _sent(g: Groups) -> Entry:
    values = {k: g[k] for k in ("message", "message_id", "via", "target")}
    if g["recipient"] == "the gateway":
        return Entry("message_sent_gateway", values)
    return Entry("message_sent", {**values, "recipient": g["recipient"]})


def _plain(event: str) -> Callable[[Groups], Entry]:
    return lambda g: Entry(event, {k: v for k, v in g.items() if v is not None})


#: (action, the old sentence's shape, how its parts make an entry); the shapes Nivaran wrote, each whole.
_SHAPES: Final[tuple[tuple[str, re.Pattern[str], Callable[[Groups], Entry]], ...]] = tuple(
    (action, re.compile(shape), make)
    for action, shape, make in (
        ("sign_in", r"password from (?P<client>\S+)", _plain("sign_in_password")),
        ("sign_in_failed", r"password from (?P<client>\S+)", _plain("sign_in_password")),
        ("account", r"(?P<how>added|redefined) (?P<user>\S+): (?P<role>[a-z_]+) (?P<codes>\S+)", _account),
        ("account", r"removed (?P<user>\S+)", _plain("account_removed")),
        ("account", r"password reset for (?P<user>\S+)", _plain("account_password_reset")),
        ("account", r"contact of (?P<user>\S+): an address, (?P<lang>en|hi)", _plain("account_contact_address")),
        ("account", r"contact of (?P<user>\S+): no address, (?P<lang>en|hi)", _plain("account_contact_none")),
        ("watch", r"pinned district (?P<district>\S+)", _plain("watch_district")),
        ("watch", r"pinned department (?P<department>\S+)", _plain("watch_department")),
        ("decision", rf"decision (?P<decision>\d+) done on (?P<day>{_DAY})", _plain("decision_done")),
        (
            "publish",
            rf"(?P<month>{_MONTH}) version (?P<version>\d+) under (?P<scheme>\S+) (?P<scheme_version>\S+)",
            _plain("published"),
        ),
        (
            "publish",
            rf"(?P<month>{_MONTH}) version (?P<version>\d+) under (?P<scheme>\S+) (?P<scheme_version>\S+) "
            r"\(again, --force\)",
            _plain("published_again"),
        ),
        ("scheme", r"helpline '(?P<helpline>.*)' set up under scheme (?P<scheme>\S+)", _plain("helpline_set_up")),
        ("scheme", r"alert rules from (?P<file>.+) \((?P<rules>\d+) rules\)", _plain("alert_rules")),
        (
            "sent",
            r"(?P<message>digest|alert) (?P<message_id>\S+) to (?P<recipient>.+) via (?P<via>file|smtp|webhook):"
            r"(?P<target>.*)",
            _sent,
        ),
        ("export", rf"review list (?P<district>\S+) (?P<day>{_DAY}){_FILE}", _plain("review_list")),
        ("view", rf"review list (?P<district>\S+) (?P<day>{_DAY})", _plain("review_list")),
        ("view", r"case timeline (?P<complaint>\S+)", _plain("case_timeline")),
        ("view", rf"oldest cases (?P<department>\S+) (?P<month>{_MONTH})", _plain("oldest_cases")),
        (
            "view",
            rf"(?P<outcome>dissatisfied|reopened|force_closed) complaints (?P<department>\S+) (?P<month>{_MONTH})",
            _plain("outcome_cases"),
        ),
        (
            "export",
            rf"review list (?P<district>\S+) (?P<day>{_DAY})-overdue-or-due-soon{_FILE}",
            _plain("review_list_urgent"),
        ),
        ("export", rf"meeting pack (?P<district>\S+) (?P<day>{_DAY}){_FILE}", _plain("meeting_pack")),
        (
            "export",
            rf"digest meeting pack (?P<district>\S+) (?P<day>{_DAY}) to (?P<address>\S+){_FILE}",
            _plain("digest_meeting_pack"),
        ),
        ("export", rf"oldest cases (?P<department>\S+) (?P<month>{_MONTH}){_FILE}", _plain("oldest_cases")),
        (
            "export",
            rf"(?P<outcome>dissatisfied|reopened|force_closed) complaints (?P<department>\S+) (?P<month>{_MONTH})"
            rf"{_FILE}",
            _plain("outcome_cases"),
        ),
    )
)


def from_sentence(action: str, sentence: str) -> Entry | None:
    """The entry an old row's English ``sentence`` (of ``action``) says, or None when it has none of the
    old shapes (written by a version that wrote something else; it is then shown as written).

    >>> from_sentence("sign_in", "password from 10.0.0.7")
    Entry(event='sign_in_password', values={'client': '10.0.0.7'})
    """
    for of, shape, make in _SHAPES:
        found = shape.fullmatch(sentence) if of == action else None
        if found:
            return make(found.groupdict())
    return None


_DECIDED: Final = re.compile(
    rf"decision (?P<decision>\d+) on (?P<on>\S+) at the review of (?P<review_day>{_DAY}), due (?P<due>{_DAY})"
)


def _decided(con: sqlite3.Connection, sentence: str) -> Entry | None:
    """A recorded decision's old sentence ("decision 7 on BHOPAL at the review of …"), whose subject may be a
    complaint, a department or the district: read from the decision's own row, when it is there and agrees."""
    found = _DECIDED.fullmatch(sentence)
    if found is None:
        return None
    row = con.execute(
        "select district, department, complaint_id from decisions where decision_id = ?", (int(found["decision"]),)
    ).fetchone()
    if row is None or found["on"] != (row[2] or row[1] or row[0]):
        return None
    return decision_entry(
        int(found["decision"]),
        district=row[0],
        department=row[1],
        complaint=row[2],
        review_day=found["review_day"],
        due=found["due"],
    )


def migrate(con: sqlite3.Connection) -> int:
    """Give every old row of the audit log (no event) whose sentence has an old shape its entry (a recorded
    decision's from its row in ``decisions``); the sentence stays beside it. Returns how many rows were given
    one. Run once, when the upgrade adds the columns; a second run (two processes upgrading at once) finds the
    same entries."""
    rows = con.execute("select rowid, action, detail from audit where event is null").fetchall()
    found = [
        (e.event, e.args, rowid)
        for rowid, action, detail in rows
        if (e := from_sentence(action, detail) or (_decided(con, detail) if action == "decision" else None))
    ]
    con.executemany("update audit set event = ?, args = ? where rowid = ? and event is null", found)
    return len(found)
