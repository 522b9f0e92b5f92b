"""Case lists shown are in the audit log (`view`): who, which list, within which scope, when; once per
distinct view in a session, not on every rerun (the real app in AppTest, on a copy of the demo database)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.access import accessfile, logbook
from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.serve import review, views
from grading.store import database
from tests.test_app import sign_in

ADMIN = Identity("t", "admin")


@pytest.fixture(autouse=True)
def no_earlier_views(own_store: Path) -> None:
    """The copy carries the views earlier tests recorded on the shared demo store: this module counts its own."""
    with Accounts(own_store).connection() as con:
        con.execute("delete from audit where action = 'view'")


def viewed(db: Path, username: str) -> list[tuple[str, str, dict[str, str], int]]:
    """The user's ``view`` rows of the audit log, oldest first: (scope, event, its values, rows)."""
    log = Accounts(db).audit().filter((pl.col("action") == "view") & (pl.col("username") == username))
    return [
        (scope, event, json.loads(args), rows)
        for scope, event, args, rows in log.reverse().select("scope", "event", "args", "rows").rows()
    ]


def test_the_review_list_is_audited_once_per_distinct_view(own_app: AppTest, own_store: Path, demo_users) -> None:  # type: ignore[no-untyped-def]
    con = database.connect_readonly(own_store)
    try:
        day = review.latest_day(con)
        assert day is not None
        week_before = day - timedelta(days=7)
        cases = {d: review.cases(con, d, ADMIN, district="INDORE") for d in (day, week_before)}
    finally:
        con.close()
    started = datetime.now().replace(microsecond=0)
    at = sign_in(own_app, *demo_users["collector"])
    at.switch_page("pages/collector.py").run()
    assert not at.exception
    first = ("districts=INDORE", "review_list", {"district": "INDORE", "day": f"{day:%Y-%m-%d}"}, cases[day].height)
    assert viewed(own_store, "t.indore") == [first]
    log = Accounts(own_store).audit().filter(pl.col("action") == "view").row(0, named=True)
    assert (log["role"], datetime.fromisoformat(log["at"]) >= started) == ("collector", True)
    # Reruns of the same view: a click, the overdue filter, a language switch.
    at.run()
    at.toggle(key="only_overdue").set_value(True).run()
    at.session_state["lang"] = "hi"
    at.run()
    at.session_state["lang"] = "en"
    assert viewed(own_store, "t.indore") == [first]
    # Another review day is a view of its own; going back to the first is not new.
    at.date_input(key="review_day").set_value(week_before).run()
    listed = {"district": "INDORE", "day": f"{week_before:%Y-%m-%d}"}
    second = ("districts=INDORE", "review_list", listed, cases[week_before].height)
    assert viewed(own_store, "t.indore") == [first, second]
    at.date_input(key="review_day").set_value(day).run()
    assert viewed(own_store, "t.indore") == [first, second]
    # A case's timeline, once.
    case = cases[day]["complaint_id"][0]
    at.text_input(key="case_search").input(case).run()
    at.run()
    assert viewed(own_store, "t.indore")[2:] == [("districts=INDORE", "case_timeline", {"complaint": case}, 1)]


def test_a_departments_case_lists_are_audited_once_and_the_public_records_none(  # type: ignore[no-untyped-def]
    own_app: AppTest, own_store: Path, demo_users
) -> None:
    own_app.run()
    assert viewed(own_store, "") == []
    at = sign_in(own_app, *demo_users["department_head"])
    at.switch_page("pages/department.py").run()
    assert not at.exception, [e.message for e in at.exception]
    month: date = at.session_state["selected_month"]
    head = Identity("t.energy", "department_head", departments=("ENERGY",))
    con = database.connect_readonly(own_store)
    try:
        oldest = min(views.pending_cases(con, month, head, department="ENERGY").height, 20)
        outcomes = views.outcome_complaints(con, month, head, "ENERGY")
    finally:
        con.close()
    dissatisfied = outcomes.filter(pl.col("kind").cast(pl.String) == "dissatisfied").height
    of_energy = {"department": "ENERGY", "month": f"{month:%Y-%m}"}
    expected = [
        ("departments=ENERGY", "outcome_cases", {"outcome": "dissatisfied", **of_energy}, dissatisfied),
        ("departments=ENERGY", "oldest_cases", of_energy, oldest),
    ]
    assert viewed(own_store, "t.energy") == expected
    at.run()
    at.session_state["lang"] = "hi"
    at.run()
    assert viewed(own_store, "t.energy") == expected
    at.session_state["lang"] = "en"
    at.segmented_control(key="outcome_kind").set_value("reopened").run()
    reopened = outcomes.filter(pl.col("kind").cast(pl.String) == "reopened").height
    assert viewed(own_store, "t.energy")[2:] == [
        ("departments=ENERGY", "outcome_cases", {"outcome": "reopened", **of_energy}, reopened)
    ]


def test_when_the_audit_log_cannot_be_written_the_list_is_not_shown(  # type: ignore[no-untyped-def]
    own_app: AppTest, own_store: Path, demo_users, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = sign_in(own_app, *demo_users["collector"])

    def disk_full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(logbook, "record_audit", disk_full)  # after the sign-in: the view's write fails
    at.switch_page("pages/collector.py").run()
    assert not at.exception, [e.message for e in at.exception]
    said = [w.value for w in at.warning]
    assert len(said) == 1
    assert said[0].startswith(f"{accessfile.access_path(own_store)}: the access file cannot be read or written")
    assert not [d for d in at.dataframe if "Complaint" in d.value.columns]  # no case shown unaudited
    assert viewed(own_store, "t.indore") == []
