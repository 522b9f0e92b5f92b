"""The administrator's tables through the real app in AppTest (the demo administrator): the load
history, the audit log and the accounts read with headings from the catalogue in the reader's language
(never a column's snake_case name) and times to the minute, roles and actions in words."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from grading.words import CATALOGUE
from tests.test_app import sign_in

MINUTE = {
    "en": re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d$"),
    "hi": re.compile(r"^\d{1,2} [\u0900-\u097f]+ \d{4} \d\d:\d\d$"),
}


def catalogue_texts(lang: str) -> set[str]:
    return {entry[0 if lang == "en" else 1] for entry in CATALOGUE.values()}


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize(
    ("page", "time_key"), [("pages/data_status.py", "col_finished"), ("pages/audit.py", "col_when")]
)
def test_admin_tables_have_catalogue_headings_and_times_to_the_minute(  # type: ignore[no-untyped-def]
    english_app: AppTest, demo_users, lang: str, page: str, time_key: str
) -> None:
    at = sign_in(english_app, *demo_users["admin"])  # the sign-in itself is in the audit log
    at.session_state["lang"] = lang
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [d.value for d in at.dataframe]
    assert tables
    known = catalogue_texts(lang)
    for table in tables:
        assert not [c for c in table.columns if "_" in c or c not in known], list(table.columns)
    index = 0 if lang == "en" else 1
    times = tables[0][CATALOGUE[time_key][index]]
    assert len(times) > 0
    assert all(MINUTE[lang].match(str(v)) for v in times), list(times)
    if page == "pages/audit.py":
        assert set(tables[0][CATALOGUE["col_action"][index]]) >= {CATALOGUE["audit_sign_in"][index]}
        roles = set(tables[1][CATALOGUE["col_role"][index]])
        assert CATALOGUE["role_admin"][index] in roles
