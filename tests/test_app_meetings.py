"""The meeting tools through the real app in AppTest, signed in as the demo collector (Indore) and the demo
department head (Energy): the review as of a chosen day, the changes, search within scope, the pack;
the plan, why it moved, the month's complaints to look at."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.access.identity import Identity
from grading.scoring import plan, schemes
from grading.serve import review, views
from grading.store import database
from tests.test_app import sign_in
from ui.text import plain

AUG = date(2024, 8, 1)
INDORE = Identity("t.indore", "collector", districts=("INDORE",))
ENERGY = Identity("t.energy", "department_head", departments=("ENERGY",))


@pytest.fixture
def con(demo_db: Path):  # type: ignore[no-untyped-def]
    c = database.connect_readonly(demo_db)
    yield c
    c.close()


def test_the_collector_reviews_any_day_with_changes_search_and_pack(english_app: AppTest, demo_users, con) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(english_app, *demo_users["collector"])
    at.switch_page("pages/collector.py").run()
    assert not at.exception
    latest = review.latest_day(con)
    assert at.date_input(key="review_day").value == latest
    assert at.date_input(key="since_day").value == latest - timedelta(days=7)
    labels = [m.label for m in at.metric]
    assert {"New (still pending)", "Newly overdue", "Escalated to L3 or above", "Cleared"} <= set(labels)
    # A chosen day: the list is the core's review of that day, overdue first.
    at.date_input(key="review_day").set_value(date(2024, 8, 10)).run()
    assert not at.exception
    expected = review.cases(con, date(2024, 8, 10), INDORE)
    listed = at.dataframe[1].value
    # (The complaint column moved behind the deciding columns: marker, level, due in words, due date,
    # last action; tests/test_app_review_list.py checks them.)
    assert list(listed["Complaint"]) == expected["complaint_id"].to_list()
    assert at.date_input(key="since_day").value == date(2024, 8, 3)
    # The summary's last row is the total of the rows above.
    summary = at.dataframe[0].value
    assert summary.iloc[-1, 0] == "Total"
    assert summary["Pending"].iloc[-1] == summary["Pending"].iloc[:-1].sum() == expected.height
    # Search within scope: an Indore complaint shows its timeline; a Bhopal one shows nothing of it.
    at.text_input(key="case_search").input(expected["complaint_id"][0]).run()
    assert any(s.value.startswith("Timeline of") for s in at.subheader)
    bhopal = views.pending_cases(con, AUG, Identity("t", "admin"), district="BHOPAL")["complaint_id"][0]
    at.text_input(key="case_search").input(bhopal).run()
    assert [i.value for i in at.info] == [f"No complaint {plain(bhopal)} in your scope."]  # filled in as plain text
    # The pack leaves only through the session-bound export route (tests/test_app_case_files.py), never
    # through Streamlit's download button; AppTest has no routes, so the page says what is needed.
    assert not at.get("download_button")
    assert "Downloads of case files need the dashboard server: `streamlit run dashboard.py`." in [
        c.value for c in at.caption
    ]


def test_the_department_head_sees_the_plan_and_why_it_moved(english_app: AppTest, demo_users, con) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(english_app, *demo_users["department_head"])
    at.switch_page("pages/department.py").run()
    assert not at.exception
    assert not at.warning, [w.value for w in at.warning]
    shown = next(d.value for d in at.dataframe if "Work that recovers it" in d.value.columns)
    scheme = schemes.load()
    ranked = views.ranking(con, scheme, "department", AUG)
    expected = plan.department_plan(ranked, scheme, "ENERGY")
    assert list(shown["Work that recovers it"]) == expected["work_en"].to_list()
    # Why it moved: the component changes shown add up to the score change shown (2 decimals).
    moved = at.table[-1].value
    changes = moved["Change"].astype(float)
    assert round(changes.iloc[:-1].sum(), 2) == round(changes.iloc[-1], 2)
    # The month's force-closed, dissatisfied and reopened complaints: Energy's only. (Changed from three
    # tabs to one control keyed by the list's code, so the choice holds across a language switch; one
    # list is drawn at a time.)
    lists = at.segmented_control(key="outcome_kind")
    assert lists.options == ["Dissatisfied call-backs", "Reopened", "Force-closed"]
    mine = set(views.outcome_complaints(con, AUG, ENERGY, "ENERGY")["complaint_id"])
    listed: set[str] = set()
    for kind in ("dissatisfied", "reopened", "force_closed"):
        lists.set_value(kind).run()
        assert not at.exception
        listed |= {i for d in at.dataframe if "On" in d.value.columns for i in d.value.iloc[:, 0]}
        lists = at.segmented_control(key="outcome_kind")
    assert listed
    assert listed <= mine
