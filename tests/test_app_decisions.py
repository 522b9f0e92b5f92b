"""Meeting decisions on the district review page and the department page (the real app in AppTest, on a
copy of the demo database; the same code as `nivaran decisions add/list/done`).

The story: Bhopal's collector reviews the district a week before the latest data (day D) and records
"Clear the oldest power complaints", owned by the EE Bhopal, due D + 3, naming ENERGY. At the next
week's review (D + 7, the latest data, last review D) it is carried over as overdue; marked done there,
it reads done. A decision naming REVENUE is recorded from the command line's code. Indore's collector
sees neither; the head of ENERGY sees the ENERGY one only.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.access.accounts import Accounts
from grading.access.decisions import Decisions
from grading.access.identity import Identity
from grading.serve import decisions, review
from grading.store import database
from tests.test_app import sign_in

BHOPAL = Identity("t.bhopal", "collector", ("BHOPAL",))
ADMIN = Identity("t", "admin")
WHAT, OWNER = "Clear the oldest power complaints", "EE Bhopal"


@pytest.fixture
def store(own_store: Path) -> Path:
    Accounts(own_store).add("t.bhopal", "collector", password="bhopal-pass-1", districts=("BHOPAL",))
    return own_store


def latest(db: Path) -> date:
    con = database.connect_readonly(db)
    try:
        day = review.latest_day(con)
    finally:
        con.close()
    assert day is not None
    return day


def decision_table(at: AppTest) -> pd.DataFrame | None:
    return next((d.value for d in at.dataframe if "Owner" in d.value.columns), None)


def review_on(at: AppTest, day: date) -> AppTest:
    at.date_input(key="review_day").set_value(day).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def fill(at: AppTest, *, what: str, owner: str, due: date, department: str, complaint: str = "") -> AppTest:
    at.text_input(key="decision_what").input(what)
    at.text_input(key="decision_owner").input(owner)
    at.date_input(key="decision_due").set_value(due)
    at.selectbox(key="decision_department").set_value(department)
    at.text_input(key="decision_complaint").input(complaint)
    at.button(key="decision_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_collector_records_a_decision_it_carries_into_next_weeks_review_and_is_marked_done(
    own_app: AppTest, store: Path
) -> None:
    last = latest(store)
    day = last - timedelta(days=7)
    at = sign_in(own_app, "t.bhopal", "bhopal-pass-1")
    at.switch_page("pages/collector.py").run()
    review_on(at, day)
    assert decision_table(at) is None
    assert "No decision to show." in [m.value for m in at.markdown]

    fill(at, what=WHAT, owner=OWNER, due=day + timedelta(days=3), department="ENERGY")
    assert [s.value for s in at.success] == ["Decision no. 1 recorded."]
    shown = decision_table(at)
    assert shown is not None
    assert shown[["Status", "Decision", "Owner", "Department", "No."]].values.tolist() == [
        ["open", WHAT, OWNER, "Energy", 1]
    ]
    assert at.text_input(key="decision_what").value == ""  # the form is empty again
    # Recorded through the one home, as `nivaran decisions add` records it: at the review of D, audited.
    stored = Decisions(Accounts(store)).list(ADMIN, day)
    assert stored.select("district", "department", "what", "owner", "due", "review_day", "recorded_by").rows() == [
        ("BHOPAL", "ENERGY", WHAT, OWNER, day + timedelta(days=3), day, "t.bhopal")
    ]
    log = Accounts(store).audit().filter(pl.col("action") == "decision")
    assert log.select("username", "scope").rows() == [("t.bhopal", "districts=BHOPAL")]

    # The next week's review: carried over, overdue (due D + 3 has passed, not done).
    review_on(at, last)
    shown = decision_table(at)
    assert shown is not None
    assert shown[["Status", "Decision", "No."]].values.tolist() == [["overdue", WHAT, 1]]
    assert at.selectbox(key="decision_done_pick").options == [f"1: {WHAT}"]
    next(b for b in at.button if b.key == "decision_done").click().run()
    assert not at.exception
    shown = decision_table(at)
    assert shown is not None
    assert shown[["Status", "No."]].values.tolist() == [["done", 1]]
    assert Decisions(Accounts(store)).list(BHOPAL, last)["done_at"].to_list() == [last.isoformat()]
    assert not any(s.key == "decision_done_pick" for s in at.selectbox)  # nothing left to mark done


def test_another_districts_complaint_is_refused_in_one_sentence_the_form_keeps_its_text(
    own_app: AppTest, store: Path
) -> None:
    day = latest(store)
    con = database.connect_readonly(store)
    try:
        indore_case = review.cases(con, day, ADMIN, district="INDORE")["complaint_id"][0]
    finally:
        con.close()
    at = sign_in(own_app, "t.bhopal", "bhopal-pass-1")
    at.switch_page("pages/collector.py").run()
    fill(at, what=WHAT, owner=OWNER, due=day + timedelta(days=3), department="", complaint=indore_case)
    assert [e.value for e in at.error] == [f"no complaint {indore_case!r} in BHOPAL by {day:%d-%m-%Y} in your scope"]
    assert at.text_input(key="decision_what").value == WHAT
    assert Decisions(Accounts(store)).list(ADMIN, day).is_empty()
    # Without the complaint: a decision on the district as a whole.
    at.text_input(key="decision_complaint").input("")
    at.button(key="decision_save").click().run()
    shown = decision_table(at)
    assert shown is not None
    assert shown[["Decision", "Department", "Complaint"]].values.tolist() == [[WHAT, "The district as a whole", ""]]
    assert Decisions(Accounts(store)).list(ADMIN, day).select("department", "complaint_id").rows() == [(None, None)]


def test_decisions_are_scoped_like_cases_on_the_review_and_department_pages(  # type: ignore[no-untyped-def]
    own_app: AppTest, store: Path, demo_users
) -> None:
    day = latest(store)
    con = database.connect_readonly(store)
    try:
        for department, what in (("ENERGY", WHAT), ("REVENUE", "Audit the month's force closures")):
            decisions.record(
                con,
                Accounts(store),
                BHOPAL,
                district="BHOPAL",
                what=what,
                owner=OWNER,
                due=day + timedelta(days=3),
                review_day=day,
                department=department,
            )
    finally:
        con.close()
    # Bhopal's collector sees both on the review page.
    at = sign_in(own_app, "t.bhopal", "bhopal-pass-1")
    at.switch_page("pages/collector.py").run()
    shown = decision_table(at)
    assert shown is not None
    assert sorted(shown["Department"]) == ["Energy", "Revenue"]

    # Indore's collector: their own district only, no decision of Bhopal's anywhere on the page.
    indore = sign_in(own_app, *demo_users["collector"])
    indore.switch_page("pages/collector.py").run()
    assert not indore.exception
    assert indore.selectbox(key="district").options == ["Indore"]
    assert decision_table(indore) is None
    assert not [m for m in indore.markdown if WHAT in m.value]

    # The head of ENERGY: the decision naming ENERGY, with its district; not the one naming REVENUE.
    head = sign_in(own_app, *demo_users["department_head"])
    head.switch_page("pages/department.py").run()
    assert not head.exception, [e.message for e in head.exception]
    shown = decision_table(head)
    assert shown is not None
    assert shown[["Decision", "District", "Department", "Status"]].values.tolist() == [
        [WHAT, "Bhopal", "Energy", "open"]
    ]
    assert not any(b.key == "decision_save" for b in head.button)  # heads record none
