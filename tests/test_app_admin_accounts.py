"""The administrator's page lists the accounts not signed in for 30 days (the list of `nivaran users list
--idle`) and every account's watchlist (the real app in AppTest, on a copy of the demo database).

The accounts, worked out by hand against now: ``old.never`` was made 45 days ago and never signed in
(45 days idle); ``old.signed`` was made 60 days ago and last signed in 40 days ago (40); ``recent``
signed in 3 days ago (not listed at 30, listed at 2). The test accounts were made today and the
administrator signs in now (0 days).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.cli import main
from grading.outputs.casewords import day_text
from tests.test_app import sign_in
from tests.test_app_admin_tables import catalogue_texts
from tests.test_hindi_scan import latin_words


@pytest.fixture
def store(own_store: Path) -> Path:
    accounts, now = Accounts(own_store), datetime.now()
    accounts.add("old.never", "collector", districts=("BHOPAL",))
    accounts.add("old.signed", "department_head", departments=("ENERGY",))
    accounts.add("recent", "collector", districts=("INDORE",))
    made = {"old.never": now - timedelta(days=45), "old.signed": now - timedelta(days=60)}
    with accounts.connection() as con:  # accounts made long ago (the store only ever stamps now)
        for name, at in made.items():
            con.execute("update users set created_at = ? where username = ?", (at.isoformat(), name))
    password = Entry("sign_in_password", {"client": "local"})
    accounts.log(
        Identity("old.signed", "department_head", (), ("ENERGY",)), "sign_in", password, now=now - timedelta(days=40)
    )
    accounts.log(Identity("recent", "collector", ("INDORE",)), "sign_in", password, now=now - timedelta(days=3))
    accounts.watch("t.indore", kind="district", code="INDORE")
    accounts.watch("t.indore", kind="department", code="ENERGY")
    accounts.watch("t.energy", kind="district", code="NOWHERE")  # a code the reference data lacks
    return own_store


def table_with(at: AppTest, heading: str):  # type: ignore[no-untyped-def]
    return next((d.value for d in at.dataframe if heading in d.value.columns), None)


def test_the_idle_accounts_and_the_watchlists(own_app: AppTest, store: Path, demo_users) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(own_app, *demo_users["admin"])
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.message for e in at.exception]
    idle = table_with(at, "Days without a sign-in")
    assert idle is not None
    assert idle[["User", "Role", "Days without a sign-in"]].values.tolist() == [
        ["old.never", "collector", 45],
        ["old.signed", "department head", 40],
    ]
    signed = datetime.fromisoformat(Accounts(store).last_seen().filter(username="old.signed")["last_sign_in_at"][0])
    assert idle["Last sign-in"].tolist() == ["never", f"{day_text(signed.date(), 'en')} {signed:%H:%M}"]
    # The same list as the command line's.
    said = CliRunner().invoke(main, ["users", "list", "--db", str(store), "--idle", "30"])
    assert said.exit_code == 0, said.output
    assert said.output.splitlines()[0] == "2 accounts not signed in for 30 days or more"
    # Fewer days: the account that signed in 3 days ago joins, after the two (most idle first).
    at.number_input(key="idle_days").set_value(2).run()
    idle = table_with(at, "Days without a sign-in")
    assert idle is not None
    assert idle["User"].tolist() == ["old.never", "old.signed", "recent"]
    at.number_input(key="idle_days").set_value(100).run()
    assert "Every account has signed in within 100 days." in [m.value for m in at.markdown]

    pins = table_with(at, "Pinned")
    assert pins is not None
    assert pins[["User", "Role", "Pinned", "Name"]].values.tolist() == [
        ["t.energy", "department head", "District", "NOWHERE"],  # no such name: its code
        ["t.indore", "collector", "Department", "Energy"],
        ["t.indore", "collector", "District", "Indore"],
    ]


def test_without_pins_the_page_says_so(own_app: AppTest, demo_users) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(own_app, *demo_users["admin"])
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    assert "No account has pinned anything." in [m.value for m in at.markdown]
    assert table_with(at, "Pinned") is None


def test_in_hindi_every_heading_is_from_the_catalogue(own_app: AppTest, store: Path, demo_users) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(own_app, *demo_users["admin"])
    at.session_state["lang"] = "hi"
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    known = catalogue_texts("hi")
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 4  # the log, the accounts, the idle ones, the pins
    for table in tables:
        assert set(table.columns) <= known, list(table.columns)
    assert table_with(at, "बिना साइन इन के दिन")["उपयोगकर्ता"].tolist() == ["old.never", "old.signed"]
    assert "कभी नहीं" in table_with(at, "बिना साइन इन के दिन")["अंतिम साइन इन"].tolist()
    # The two sections' own words have no Latin word (tests/test_hindi_scan.py's rule); the pins read names.
    intros = [c.value for c in at.caption if "निष्क्रिय" in c.value or "पिन" in c.value]
    assert len(intros) == 2
    assert [latin_words(text) for text in intros] == [set(), set()]
    assert table_with(at, "पिन किया गया")["नाम"].tolist() == ["NOWHERE", "ऊर्जा", "इंदौर"]
