"""The collector's review list as a meeting reads it (the real app in AppTest, the demo administrator on
Bhopal): the deciding columns first, overdue rows marked, how far from the due date in words, dates as
dates, the last action and the timeline in words of the chosen language, no ``None`` anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.access.identity import Identity
from grading.model.schema import EVENTS
from grading.serve import review
from grading.store import database
from tests.test_app import sign_in

ADMIN = Identity("t", "admin")
DAY = {"en": re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$"), "hi": re.compile(r"^\d{1,2} [\u0900-\u097f]+ \d{4}$")}
HEADS = {
    "en": ["Mark", "Level", "Overdue / due", "Due date", "Last action", "Last action on", "Complaint"],
    "hi": ["चिह्न", "स्तर", "विलंब / देय", "नियत दिनांक", "अंतिम कार्यवाही", "अंतिम कार्यवाही दिनांक", "शिकायत"],
}


def no_empty_words(frame: pd.DataFrame) -> None:
    """No cell reads None or nan (an empty value is an empty cell)."""
    text = frame.astype(str)
    assert not text.isin(["None", "nan", "NaT", "null"]).to_numpy().any(), frame


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_review_list_reads_deciding_columns_first_in_words(  # type: ignore[no-untyped-def]
    english_app: AppTest, demo_users, demo_db: Path, lang: str
) -> None:
    at = sign_in(english_app, *demo_users["admin"])
    at.session_state["lang"] = lang
    at.switch_page("pages/collector.py")
    at.query_params["district"] = "BHOPAL"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    con = database.connect_readonly(demo_db)
    try:
        expected = review.cases(con, review.latest_day(con), ADMIN, district="BHOPAL")  # type: ignore[arg-type]
    finally:
        con.close()
    shown = next(d.value for d in at.dataframe if HEADS[lang][0] in d.value.columns)
    mark, level, due, due_date, action, action_on, complaint = HEADS[lang]
    assert set(shown[level]) <= {"L1", "L2", "L3", "L4", "L5"}
    assert list(shown.columns[:7]) == HEADS[lang]
    assert list(shown[complaint]) == expected["complaint_id"].to_list()  # the core's order: overdue first
    overdue = expected["is_overdue"].to_list()
    assert expected["is_overdue"].any()  # the demo's Bhopal has overdue cases to mark
    marks = {"en": ("OVERDUE", "overdue"), "hi": ("विलंबित", "विलंबित")}[lang]
    assert [m == marks[0] for m in shown[mark]] == overdue
    assert all(marks[1] in d for d, o in zip(shown[due], overdue, strict=True) if o)  # "22 days overdue"
    assert all(DAY[lang].match(d) for d in shown[due_date] if d)
    assert all(DAY[lang].match(d) for d in shown[action_on] if d)
    assert not set(shown[action]) & set(EVENTS)  # "Escalated", not "escalated"
    no_empty_words(shown)


def test_a_cases_timeline_is_in_words_of_the_language(english_app: AppTest, demo_users, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    con = database.connect_readonly(demo_db)
    try:
        cases = review.cases(con, review.latest_day(con), ADMIN, district="INDORE")  # type: ignore[arg-type]
    finally:
        con.close()
    case = cases.filter(pl.col("level") != "L1")["complaint_id"][0]  # a case with a few events behind it
    at = sign_in(english_app, *demo_users["collector"])
    at.session_state["lang"] = "hi"
    at.switch_page("pages/collector.py").run()
    at.text_input(key="case_search").input(case).run()
    assert not at.exception
    events = next(d.value for d in at.dataframe if "घटना" in d.value.columns)
    assert list(events.columns) == ["समय", "घटना", "स्तर", "परिणाम", "टिप्पणी"]
    assert events["घटना"].iloc[0] == "दर्ज"  # registered
    assert not set(events["घटना"]) & set(EVENTS)
    assert all(re.match(r"^\d{1,2} [\u0900-\u097f]+ \d{4} \d\d:\d\d$", t) for t in events["समय"])
    no_empty_words(events)
