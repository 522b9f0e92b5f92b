"""Meeting decisions, watchlists and the wider audit log (issue 28), on the small demo.

The story: at Bhopal's review of 24-08-2024 the collector decides "clear the oldest power complaints",
owned by the EE Bhopal, due 28-08, naming ENERGY. At the next week's review (31-08) it is carried over as
**overdue** (due 28-08, not done); marked done on 30-08, the 31-08 review shows it **done**, a review whose
last review was 29-08 shows it done, and one of 07-09 (last review 31-08) no longer carries it.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from grading.access.accounts import Accounts
from grading.access.decisions import Decisions, status
from grading.access.identity import AccessDeniedError, AccessError, Identity
from grading.outputs import meeting
from grading.outputs.digest.compose import build
from grading.serve import decisions
from grading.store import database
from tests.damage import copy_store
from tests.test_digest import cli

BHOPAL = Identity("collector.bhopal", "collector", ("BHOPAL",))
INDORE = Identity("collector.indore", "collector", ("INDORE",))
ENERGY = Identity("head.energy", "department_head", (), ("ENERGY",))
REVENUE = Identity("head.revenue", "department_head", (), ("REVENUE",))
REVIEW, NEXT = date(2024, 8, 24), date(2024, 8, 31)


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    path = copy_store(demo_db, tmp_path / "demo")
    store = Accounts(path)
    store.add("collector.bhopal", "collector", districts=("BHOPAL",), email="collector.bhopal@example.org")
    store.add("collector.indore", "collector", districts=("INDORE",), email="collector.indore@example.org")
    store.add("head.energy", "department_head", departments=("ENERGY",), email="head.energy@example.org")
    store.add("admin", "admin", email="admin@example.org")
    return path


def decide(db: Path, who: Identity = BHOPAL, **extra: str) -> int:
    with database.connect_readonly(db) as con:
        return decisions.record(
            con,
            Accounts(db),
            who,
            district="BHOPAL",
            what="Clear the oldest power complaints",
            owner="EE Bhopal",
            due=date(2024, 8, 28),
            review_day=REVIEW,
            department=extra.get("department", "ENERGY"),
            complaint_id=extra.get("complaint_id"),
        )


def carried(db: Path, who: Identity, day: date, **scope: str) -> pl.DataFrame:
    with database.connect_readonly(db) as con:
        return decisions.carried(con, Accounts(db), who, day, since=day - timedelta(days=7), **scope)


@pytest.mark.parametrize(
    ("due", "done_on", "day", "expected"),
    [
        (date(2024, 8, 28), None, date(2024, 8, 28), "open"),  # due on the day: still open
        (date(2024, 8, 28), None, date(2024, 8, 29), "overdue"),
        (date(2024, 8, 28), date(2024, 8, 30), date(2024, 8, 29), "overdue"),  # done later than the day
        (date(2024, 8, 28), date(2024, 8, 30), date(2024, 8, 31), "done"),
    ],
)
def test_status_of_a_decision(due: date, done_on: date | None, day: date, expected: str) -> None:
    assert status(due, done_on, day) == expected


def test_a_decision_carries_into_the_next_review_and_pack_with_its_status(db: Path) -> None:
    made = decide(db)
    nxt = carried(db, BHOPAL, NEXT, district="BHOPAL")
    assert nxt.select("decision_id", "status", "owner", "department").rows() == [
        (made, "overdue", "EE Bhopal", "ENERGY")
    ]
    with database.connect_readonly(db) as con:
        pack = meeting.build(con, BHOPAL, "BHOPAL", NEXT, REVIEW, decisions=nxt)
    assert pack.decisions["Status"].to_list() == ["Overdue"]
    sheet = pl.read_excel(io.BytesIO(meeting.xlsx(pack)), sheet_name="Decisions", read_options={"header_row": 2})
    assert sheet["Decision"].to_list() == ["Clear the oldest power complaints"]
    assert sheet["Status"].to_list() == ["Overdue"]
    assert "5. Decisions carried over" in meeting.agenda_html(pack)

    Decisions(Accounts(db)).done(BHOPAL, made, on=date(2024, 8, 30))
    assert carried(db, BHOPAL, NEXT)["status"].to_list() == ["done"]
    assert carried(db, BHOPAL, date(2024, 8, 29))["status"].to_list() == ["overdue"]  # not done yet then
    assert carried(db, BHOPAL, date(2024, 9, 7)).is_empty()  # done before the last review (31-08): not carried
    since_29 = Decisions(Accounts(db)).list(BHOPAL, date(2024, 9, 5), since=date(2024, 8, 29))
    assert since_29["status"].to_list() == ["done"]  # done since that review: shown as done
    assert carried(db, BHOPAL, date(2024, 8, 23)).is_empty()  # not yet decided


def test_a_department_head_sees_decisions_naming_the_department_and_other_collectors_do_not(db: Path) -> None:
    decide(db)
    assert carried(db, ENERGY, NEXT).height == 1
    assert carried(db, ENERGY, NEXT, department="ENERGY").height == 1
    assert carried(db, REVENUE, NEXT).is_empty()
    assert carried(db, INDORE, NEXT).is_empty()
    with pytest.raises(AccessDeniedError):
        carried(db, INDORE, NEXT, district="BHOPAL")
    with pytest.raises(AccessDeniedError):
        decide(db, INDORE)
    with pytest.raises(AccessDeniedError):
        decide(db, ENERGY)


def test_a_decision_on_a_case_takes_its_department_and_another_districts_case_is_refused(db: Path) -> None:
    with database.connect_readonly(db) as con:
        from grading.serve import review

        admin = Identity("a", "admin")
        bhopal_case = review.cases(con, REVIEW, admin, district="BHOPAL").row(0, named=True)
        indore_case = review.cases(con, REVIEW, admin, district="INDORE")["complaint_id"][0]
    made = decide(db, complaint_id=bhopal_case["complaint_id"])
    row = carried(db, BHOPAL, NEXT).filter(decision_id=made).row(0, named=True)
    assert (row["complaint_id"], row["department"]) == (bhopal_case["complaint_id"], bhopal_case["department"])
    with pytest.raises(AccessError, match="no complaint"):
        decide(db, complaint_id=indore_case)


def test_decisions_are_audited(db: Path) -> None:
    made = decide(db)
    Decisions(Accounts(db)).done(BHOPAL, made, on=date(2024, 8, 30))
    log = Accounts(db).audit().filter(action="decision")
    assert log.height == 2
    assert set(log["username"]) == {"collector.bhopal"}
    assert set(log["scope"]) == {"districts=BHOPAL"}


def test_digests_carry_decisions_to_the_collector_and_the_head_not_to_another_collector(
    db: Path, tmp_path: Path
) -> None:
    decide(db)
    out = tmp_path / "out"
    cli("digest", "--db", str(db), "--as-of", "2024-08-31", "--outbox", str(out))
    import email
    import email.policy

    texts = {}
    for path in out.glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = mail.get_body(("plain",))  # type: ignore[attr-defined]
        texts[str(mail["To"])] = str(body.get_content())
    assert "Clear the oldest power complaints" in texts["collector.bhopal@example.org"]
    assert "[overdue]" in texts["collector.bhopal@example.org"]
    assert "Clear the oldest power complaints" in texts["head.energy@example.org"]
    assert "Clear the oldest power complaints" not in texts["collector.indore@example.org"]
    assert "Clear the oldest power complaints" in texts["admin@example.org"]  # overdue decisions, state-wide


def test_the_cli_records_lists_and_closes_decisions(db: Path) -> None:
    said = cli(
        "decisions", "add", "--db", str(db), "--as", "collector.bhopal", "--district", "BHOPAL", "--at", "2024-08-24",
        "--what", "Visit the substation", "--owner", "SDO", "--due", "2024-09-05", "--department", "ENERGY",
    )  # fmt: skip
    assert "decision 1 recorded" in said
    listed = cli(
        "decisions", "list", "--db", str(db), "--as", "head.energy", "--as-of", "2024-08-31", "--format", "csv"
    )
    assert "open" in listed
    assert "Visit the substation" in listed
    assert "Visit" not in cli("decisions", "list", "--db", str(db), "--as", "collector.indore", "--as-of", "2024-08-31")
    cli("decisions", "add", "--db", str(db), "--as", "collector.indore", "--district", "BHOPAL", "--at", "2024-08-24",
        "--what", "x", "--owner", "y", "--due", "2024-09-05", code=1)  # fmt: skip
    cli("decisions", "done", "--db", str(db), "--as", "collector.bhopal", "1", "--on", "2024-08-30")
    done = cli("decisions", "list", "--db", str(db), "--as-of", "2024-08-31", "--format", "csv")
    assert ",done," in done


def test_watched_districts_come_first_in_an_administrators_digest(db: Path) -> None:
    cli("users", "watch", "--db", str(db), "admin", "--district", "DATIA")
    assert "DATIA" in cli("users", "watch", "--db", str(db), "admin", "--list")
    contact = next(c for c in Accounts(db).contacts() if c.identity.username == "admin")
    with database.connect_readonly(db) as con:
        from grading.scoring import schemes
        from grading.store import helpline

        built = build(con, schemes.load(helpline.read(con).scheme), contact, NEXT, accounts=Accounts(db))
    lines = [
        line for s in built.sections for line in s.lines if "pending" in line.lower() and "overdue" in line.lower()
    ]
    assert "Datia (watched)" in lines[0]
    assert Accounts(db).audit().filter(action="watch").height == 1
    cli("users", "watch", "--db", str(db), "admin", "--district", "DATIA", "--remove")
    assert Accounts(db).watches("admin")["district"] == ()


def test_sign_ins_failures_and_account_changes_are_audited_and_idle_accounts_listed(db: Path) -> None:
    store = Accounts(db)
    store.add("t.user", "collector", districts=("BHOPAL",), password="pass-word-1")
    assert store.sign_in("t.user", "wrong", client="10.0.0.9") is None
    assert store.sign_in("t.user", "pass-word-1", client="10.0.0.9") is not None
    log = store.audit()
    assert {"sign_in", "sign_in_failed", "account"} <= set(log["action"])
    failed = log.filter(action="sign_in_failed").row(0, named=True)
    assert failed["username"] == "t.user"
    assert "pass-word" not in " ".join(log["args"])  # never a password
    later = datetime.now() + timedelta(days=31)
    idle = store.idle(30, now=later)["username"].to_list()
    assert "t.user" in idle
    assert "admin" in idle
    assert "t.user" not in store.idle(30)["username"].to_list()
    said = cli("users", "list", "--db", str(db), "--idle", "30")
    assert "0 accounts not signed in for 30 days" in said


def test_a_publish_is_audited(db: Path, tmp_path: Path) -> None:
    cli("publish", "--db", str(db), "--month", "2024-07", "--out", str(tmp_path / "pkg"))
    log = Accounts(db).audit().filter(action="publish")
    assert log.height == 1
    assert (log["event"][0], json.loads(log["args"][0])) == (
        "published",
        {"month": "2024-07", "version": "1", "scheme": "mp-cm-helpline", "scheme_version": "2024.1"},
    )
