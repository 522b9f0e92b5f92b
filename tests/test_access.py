"""Accounts, sign-in limits and the audit log (grading.access.accounts); pseudonyms and masking on import."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import PUBLIC, AccessDeniedError, AccessError, Identity, Scope
from grading.access.sessions import session_expired
from grading.access.signin import LOCK_TIME, MAX_FAILURES
from grading.cli import main
from grading.intake import ingest
from grading.serve import views
from grading.store import database
from tests.stores import mp_store

NOW = datetime(2024, 8, 10, 9, 0)


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    a = Accounts(tmp_path / "n.duckdb")
    a.add("Collector.Bhopal", "collector", password="correct horse", districts=("BHOPAL",))
    return a


def test_passwords_are_stored_only_as_argon2_hashes(accounts: Accounts) -> None:
    raw = b"".join(f.read_bytes() for f in accounts.path.parent.glob(accounts.path.name + "*"))  # with -wal
    assert b"correct horse" not in raw
    assert b"$argon2id$" in raw
    listed = accounts.list()
    assert listed.row(0, named=True)["username"] == "collector.bhopal"  # names are case-insensitive
    assert "password_hash" not in listed.columns
    assert listed["has_password"].to_list() == [True]


def test_sign_in_gives_the_role_and_scope_only_for_the_right_password(accounts: Accounts) -> None:
    who = accounts.sign_in("collector.bhopal", "correct horse", NOW)
    assert who == Identity("collector.bhopal", "collector", districts=("BHOPAL",))
    assert accounts.sign_in("collector.bhopal", "wrong", NOW) is None
    assert accounts.sign_in("nobody", "correct horse", NOW) is None  # same answer as a wrong password


def test_failed_sign_ins_lock_the_name_for_a_while(accounts: Accounts) -> None:
    for _ in range(MAX_FAILURES):
        assert accounts.sign_in("collector.bhopal", "guess", NOW) is None
    # Locked: even the right password fails, with the same answer, until the lock passes.
    assert accounts.sign_in("collector.bhopal", "correct horse", NOW + timedelta(minutes=1)) is None
    later = NOW + LOCK_TIME + timedelta(seconds=1)
    assert accounts.sign_in("collector.bhopal", "correct horse", later) is not None
    # A success resets the count: four more failures do not lock.
    for _ in range(MAX_FAILURES - 1):
        accounts.sign_in("collector.bhopal", "guess", later)
    assert accounts.sign_in("collector.bhopal", "correct horse", later) is not None


def test_unknown_names_are_limited_too(accounts: Accounts) -> None:
    for _ in range(MAX_FAILURES + 2):
        assert accounts.sign_in("ghost", "guess", NOW) is None
    accounts.add("ghost", "admin", password="now real")
    assert accounts.sign_in("ghost", "now real", NOW) is not None  # a new account starts unlocked


def test_sessions_end_after_eight_hours_or_thirty_idle_minutes() -> None:
    start = NOW
    assert not session_expired(start, start + timedelta(minutes=29), start + timedelta(minutes=30))
    assert session_expired(start, start, start + timedelta(minutes=31))  # idle
    busy = start + timedelta(hours=8, minutes=1)
    assert session_expired(start, busy - timedelta(minutes=1), busy)  # in use, but too long


def test_accounts_need_a_known_role_and_a_scope(accounts: Accounts) -> None:
    with pytest.raises(AccessError, match="needs at least one district"):
        accounts.add("c2", "collector", password="x")
    with pytest.raises(AccessError, match="needs at least one department"):
        accounts.add("h2", "department_head", password="x")
    with pytest.raises(AccessError, match="role 'king'"):
        accounts.add("k", "king", password="x")
    with pytest.raises(AccessError, match="exists"):
        accounts.add("collector.bhopal", "admin", password="x")
    assert accounts.remove("collector.bhopal")
    assert not accounts.remove("collector.bhopal")


def test_an_oidc_account_maps_an_email_and_has_no_password(accounts: Accounts) -> None:
    accounts.add("Head@Energy.example", "department_head", departments=("ENERGY",))
    who = accounts.identity_for_email("head@energy.example")
    assert who == Identity("head@energy.example", "department_head", departments=("ENERGY",))
    assert accounts.sign_in("head@energy.example", "", NOW) is None
    assert accounts.identity_for_email("stranger@example.org") is None


def test_identity_scope_narrows_and_never_widens() -> None:
    two = Identity("c", "collector", districts=("BHOPAL", "INDORE"))
    assert two.scope().districts == ("BHOPAL", "INDORE")
    assert two.scope(district="INDORE").districts == ("INDORE",)
    with pytest.raises(AccessDeniedError):
        two.scope(district="SEHORE")
    admin = Identity("a", "admin")
    assert admin.scope() == Scope()
    assert admin.scope(department="ENERGY") == Scope(departments=("ENERGY",))
    with pytest.raises(AccessDeniedError):
        PUBLIC.scope()
    assert [p for p in ("collector", "department", "data", "audit") if two.can_see(p)] == ["collector"]


def test_exports_are_logged_with_who_when_and_scope(accounts: Accounts) -> None:
    who = Identity("collector.bhopal", "collector", districts=("BHOPAL",))
    what = Entry("review_list", {"district": "BHOPAL", "day": "2024-08-01"})
    accounts.log_export(who, who.scope(), what, 42, NOW)
    log = accounts.audit().filter(action="export")
    assert log.row(0, named=True) == {
        "at": "2024-08-10T09:00:00",
        "username": "collector.bhopal",
        "role": "collector",
        "scope": "districts=BHOPAL",
        "action": "export",
        "event": "review_list",
        "args": '{"day": "2024-08-01", "district": "BHOPAL"}',
        "detail": "",
        "rows": 42,
    }


def test_imported_complainants_are_pseudonymous_and_notes_masked_on_read(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant,note\n"
        "A1,2024-08-01T10:00:00,registered,L1,ENERGY,BHOPAL,CAT,9876543210,Shri Ramesh Kumar: no power; 9876543210\n",
        encoding="utf-8",
    )
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [path])
    con = database.connect_readonly(db)
    try:
        stored = con.sql("select complainant from events").fetchall()[0][0]
        timeline = views.case_timeline(con, "A1", Identity("a", "admin"))
    finally:
        con.close()
    assert stored != "9876543210"
    assert stored.startswith("P")
    assert b"9876543210" not in db.read_bytes()
    assert timeline["note"].to_list() == ["Shri [name]: no power; [phone]"]


def test_users_cli_adds_lists_and_removes(tmp_path: Path) -> None:
    db = str(tmp_path / "n.duckdb")
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["users", "add", "--db", db, "c.sehore", "--role", "collector", "--district", "sehore", "--password-stdin"],
        input="s3cret-pass\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["users", "list", "--db", db])
    assert "c.sehore" in listed.output
    assert "SEHORE" in listed.output
    assert "s3cret" not in listed.output
    assert "argon2" not in listed.output
    assert Accounts(Path(db)).sign_in("c.sehore", "s3cret-pass") is not None
    refused = runner.invoke(main, ["users", "add", "--db", db, "x", "--role", "collector", "--oidc"])
    assert refused.exit_code != 0
    assert runner.invoke(main, ["users", "remove", "--db", db, "c.sehore"]).exit_code == 0
    assert runner.invoke(main, ["users", "remove", "--db", db, "c.sehore"]).exit_code != 0
