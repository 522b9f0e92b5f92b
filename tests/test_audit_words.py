"""The audit log keeps what happened as a catalogue key and values, and is read in the reader's language
(issue 25): entries, the upgrade of old rows, and the log in words."""

from __future__ import annotations

import sqlite3
import string
from pathlib import Path

import polars as pl
import pytest

from grading.access.accessfile import access_path
from grading.access.accounts import Accounts
from grading.access.audit import Entry, events, from_sentence
from grading.access.identity import AccessError
from grading.outputs.auditlog import in_words
from grading.words import CATALOGUE

NAMES = {
    "district": {"INDORE": "इंदौर", "BHOPAL": "भोपाल"},
    "department": {"ENERGY": "ऊर्जा विभाग"},
    "scheme": {"mp-cm-helpline": "मध्य प्रदेश सीएम हेल्पलाइन योजना"},
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_event_says_the_same_values_in_both_languages() -> None:
    assert len(events()) >= 25
    for event in events():
        english, hindi = CATALOGUE[f"audit_what_{event}"]
        assert placeholders(english) == placeholders(hindi), event


def test_an_entry_takes_exactly_the_values_its_sentence_needs() -> None:
    assert Entry("account_removed", {"user": "t.x"}).args == '{"user": "t.x"}'
    assert Entry("decision_done", {"decision": 7, "day": "2024-08-30"}).args == '{"day": "2024-08-30", "decision": "7"}'
    with pytest.raises(AccessError, match="no catalogue entry audit_what_nothing"):
        Entry("nothing", {})
    with pytest.raises(AccessError, match=r"values \['user'\], expected \['role', 'scope', 'user'\]"):
        Entry("account_added", {"user": "t.x"})


@pytest.mark.parametrize(
    ("action", "sentence", "event", "values"),
    [
        ("sign_in", "password from 10.0.0.7", "sign_in_password", {"client": "10.0.0.7"}),
        (
            "account",
            "redefined t.energy: department_head ENERGY",
            "account_redefined",
            {"user": "t.energy", "role": "department_head", "scope": "departments=ENERGY"},
        ),
        (
            "account",
            "added t.admin: admin state",
            "account_added",
            {"user": "t.admin", "role": "admin", "scope": "state"},
        ),
        ("account", "contact of t.x: no address, hi", "account_contact_none", {"user": "t.x", "lang": "hi"}),
        (
            "publish",
            "2024-08 version 2 under mp-cm-helpline 2024.1 (again, --force)",
            "published_again",
            {"month": "2024-08", "version": "2", "scheme": "mp-cm-helpline", "scheme_version": "2024.1"},
        ),
        (
            "export",
            "review list INDORE 2024-08-05-overdue-or-due-soon (csv)",
            "review_list_urgent",
            {"district": "INDORE", "day": "2024-08-05", "fmt": "csv"},
        ),
        ("view", "case timeline MP2408-0000001", "case_timeline", {"complaint": "MP2408-0000001"}),
        (
            "view",
            "force_closed complaints ENERGY 2024-08",
            "outcome_cases",
            {"outcome": "force_closed", "department": "ENERGY", "month": "2024-08"},
        ),
        (
            "sent",
            "digest <a1@x> to c.bhopal <c@mp.gov.in> via smtp:relay:25",
            "message_sent",
            {"message": "digest", "message_id": "<a1@x>", "recipient": "c.bhopal <c@mp.gov.in>", "via": "smtp"}
            | {"target": "relay:25"},
        ),
    ],
)
def test_old_sentences_of_a_known_shape_become_entries(
    action: str, sentence: str, event: str, values: dict[str, str]
) -> None:
    assert from_sentence(action, sentence) == Entry(event, values)


def test_a_sentence_of_no_known_shape_has_no_entry() -> None:
    assert from_sentence("account", "scope of t.x: BHOPAL") is None  # the old row does not say districts or departments
    assert from_sentence("export", "password from local") is None  # a shape belongs to its action


DECIDED = "decision 3 on ENERGY at the review of 2024-08-01, due 2024-08-15"
UNKNOWN = "decision 4 on BHOPAL at the review of 2024-08-01, due 2024-08-15"  # no decision 4: kept as written
OLD_ROWS = [  # (at, username, action, detail), newest last; a collector of Indore, but for the account change
    ("2024-08-01T10:00:00", "t.indore", "sign_in", "password from local"),
    ("2024-08-01T10:05:00", "cli:root", "account", "scope of t.x: BHOPAL"),
    ("2024-08-01T10:06:00", "t.indore", "decision", DECIDED),
    ("2024-08-01T10:07:00", "t.indore", "decision", UNKNOWN),
]


def test_an_old_access_file_keeps_its_sentences_and_gains_entries(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with sqlite3.connect(access_path(db)) as con:  # the audit and decisions tables as Nivaran wrote them before
        con.execute(
            "create table audit (at text not null, username text not null, role text not null, scope text not null, "
            "action text not null, detail text not null, rows integer not null)"
        )
        con.executemany(
            "insert into audit values (?, ?, ?, ?, ?, ?, 0)",
            [
                (at, who, "admin" if who.startswith("cli:") else "collector", "districts=INDORE", action, detail)
                for at, who, action, detail in OLD_ROWS
            ],
        )
        con.execute(
            "create table decisions (decision_id integer primary key, district text not null, department text, "
            "complaint_id text, what text not null, owner text not null, due text not null, review_day text not null, "
            "recorded_by text not null, recorded_at text not null, done_at text, done_by text)"
        )
        con.execute(  # decision 3: on a department of Indore
            "insert into decisions values (3, 'INDORE', 'ENERGY', null, 'x', 'y', '2024-08-15', '2024-08-01', "
            "'t.indore', '2024-08-01T10:06:00', null, null)"
        )
    log = Accounts(db).audit()  # opening the file upgrades it
    decided = '{"decision": "3", "department": "ENERGY", "district": "INDORE", "due": "2024-08-15", "review_day": "2024-08-01"}'
    assert log.select("action", "event", "args", "detail").rows() == [
        ("decision", None, None, UNKNOWN),
        ("decision", "decision_department", decided, DECIDED),
        ("account", None, None, "scope of t.x: BHOPAL"),
        ("sign_in", "sign_in_password", '{"client": "local"}', "password from local"),
    ]
    assert in_words(log, "hi", NAMES)["what"].to_list() == [
        f"{UNKNOWN} [पुरानी प्रविष्टि, जैसी लिखी गई थी]",
        "निर्णय 3: ऊर्जा विभाग (ज़िला इंदौर), 1 अगस्त 2024 की समीक्षा में, पूरा करने की तिथि 15 अगस्त 2024",
        "scope of t.x: BHOPAL [पुरानी प्रविष्टि, जैसी लिखी गई थी]",
        "पासवर्ड से, इसी मशीन से",
    ]
    assert in_words(log, "en", NAMES)["what"][2] == "scope of t.x: BHOPAL [written before the log kept words]"


def row(username: str, role: str, scope: str, action: str, what: Entry) -> dict[str, object]:
    return {
        "at": "2024-09-01T10:00:00",
        "username": username,
        "role": role,
        "scope": scope,
        "action": action,
        "event": what.event,
        "args": what.args,
        "detail": "",
        "rows": 0,
    }


LOG = pl.DataFrame(
    [
        row(
            "cli:root",
            "admin",
            "state",
            "account",
            Entry("account_added", {"user": "t.indore", "role": "collector", "scope": "districts=INDORE,BHOPAL"}),
        ),
        row("t.x", "unknown", "", "sign_in_failed", Entry("sign_in_password", {"client": "10.0.0.9"})),
        row(
            "digest:t.indore",
            "collector",
            "districts=INDORE",
            "export",
            Entry(
                "digest_meeting_pack", {"district": "INDORE", "day": "2024-08-05", "address": "c@mp.gov.in"}
            ).with_format("xlsx"),
        ),
        row(
            "cli:root",
            "admin",
            "state",
            "publish",
            Entry(
                "published", {"month": "2024-08", "version": 1, "scheme": "mp-cm-helpline", "scheme_version": "2024.1"}
            ),
        ),
        row(
            "t.energy",
            "department_head",
            "departments=ENERGY",
            "watch",
            Entry("watch_department", {"department": "ENERGY"}),
        ),
    ]
)


def test_the_log_in_hindi_names_codes_and_words_roles_scopes_and_the_command_line() -> None:
    got = in_words(LOG, "hi", NAMES).drop("at", "rows").rows()
    assert got == [
        (
            "कमांड लाइन से (root)",
            "राज्य प्रशासक",
            "पूरा राज्य",
            "खाता बदला गया",
            "t.indore जोड़ा गया: कलेक्टर, ज़िले: इंदौर, भोपाल",
        ),
        ("t.x", "अज्ञात नाम", "", "साइन इन विफल", "पासवर्ड से, 10.0.0.9 से"),
        (
            "t.indore का डाइजेस्ट",
            "कलेक्टर",
            "ज़िले: इंदौर",
            "प्रकरण फ़ाइल डाउनलोड",
            "इंदौर का बैठक पैक, 5 अगस्त 2024, डाइजेस्ट के साथ c@mp.gov.in को (Excel फ़ाइल)",
        ),
        (
            "कमांड लाइन से (root)",
            "राज्य प्रशासक",
            "पूरा राज्य",
            "माह प्रकाशित",
            "अगस्त 2024, संस्करण 1, मध्य प्रदेश सीएम हेल्पलाइन योजना (संस्करण 2024.1) के अंतर्गत",
        ),
        ("t.energy", "विभागाध्यक्ष", "विभाग: ऊर्जा विभाग", "पिन किया गया", "विभाग ऊर्जा विभाग पिन किया"),
    ]


def test_the_log_in_english_without_names_shows_codes_where_a_name_is_missing() -> None:
    got = in_words(LOG, "en", {})["what"].to_list()
    assert got == [
        "added t.indore: collector, districts: INDORE, BHOPAL",
        "with a password, from 10.0.0.9",
        "meeting pack of INDORE on 5 Aug 2024, with the digest to c@mp.gov.in (Excel file)",
        "August 2024, version 1, under mp-cm-helpline (version 2024.1)",
        "pinned the department ENERGY",
    ]
