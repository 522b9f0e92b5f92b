"""Permalinks: a link with page, language, month, metric and selection in its query reopens that view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.words import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent


def open_link(demo_db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None, **query: str) -> AppTest:
    """A new session opening the page script (navigation.py) with ``query`` in its URL, or, with ``page``,
    opening the default page and then ``page`` with ``query`` (AppTest runs a page alone without its
    page script)."""
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    if page is not None:
        at.run()
        at.switch_page(page)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_link_with_language_month_and_map_metric_reopens_the_public_summary(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_link(demo_db, monkeypatch, None, lang="hi", month="2024-06", metric="force_close_pct")
    assert at.session_state["lang"] == "hi"
    assert at.selectbox(key="month").value == date(2024, 6, 1)
    assert at.selectbox(key="map_metric").value == "force_close_pct"
    assert at.title[0].value == CATALOGUE["public_title"][1]
    # The address keeps the view: the query now holds exactly what is shown.
    assert (at.query_params["lang"], at.query_params["month"], at.query_params["metric"]) == (
        "hi",
        "2024-06",
        "force_close_pct",
    )


def test_a_link_to_trends_reopens_metric_entity_type_and_selection(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_link(
        demo_db, monkeypatch, "pages/trends.py", metric="reopen_pct", kind="district", pick="INDORE,BHOPAL,NOWHERE"
    )
    assert at.selectbox(key="trend_metric").value == "reopen_pct"
    assert at.radio(key="trend_kind").value == "district"
    assert at.multiselect(key="trend_pick_district").value == ["INDORE", "BHOPAL"]  # an unknown code is dropped
    assert at.query_params["pick"] == "INDORE,BHOPAL"


def test_a_link_with_values_that_do_not_exist_opens_the_default_view(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_link(demo_db, monkeypatch, None, lang="fr", month="1999-01", metric="nonsense")
    assert at.selectbox(key="month").value == date(2024, 8, 1)  # the latest month
    assert at.selectbox(key="map_metric").value == "score"
    assert at.query_params["month"] == "2024-08"


def test_the_grid_and_the_zoomable_map_are_drawn_on_request_and_kept_in_the_link(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = open_link(demo_db, monkeypatch, None)
    assert plain.toggle(key="show_cells").value is False  # the first paint stays light
    assert len(plain.get("plotly_chart")) == 0  # static map, trend as a table
    assert plain.query_params["grid"] == "0"
    linked = open_link(demo_db, monkeypatch, None, grid="1", zoom="1", trend="1")
    assert linked.toggle(key="show_cells").value is True
    assert len(linked.get("plotly_chart")) == 3  # the zoomable map, the state trend, the grid
    assert (linked.query_params["grid"], linked.query_params["zoom"]) == ("1", "1")


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_link_reopens_the_rankings_open_tabs_by_code_in_either_language(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = open_link(demo_db, monkeypatch, None, lang=lang, department_tab="group_n.2", district_tab="all_districts")
    index = 0 if lang == "en" else 1
    assert at.session_state["ranking_tab_department"] == CATALOGUE["group_n"][index].format(n=2)
    assert at.session_state["ranking_tab_district"] == CATALOGUE["all_districts"][index]
    # The link holds codes, never labels: the same in both languages.
    assert (at.query_params["department_tab"], at.query_params["district_tab"]) == ("group_n.2", "all_districts")


def test_a_tab_link_naming_something_else_opens_the_first_tab(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_link(demo_db, monkeypatch, None, department_tab="no_months", district_tab="group_n.99")
    assert at.session_state["ranking_tab_department"] == CATALOGUE["group_n"][0].format(n=1)
    assert at.session_state["ranking_tab_district"] == CATALOGUE["group_n"][0].format(n=1)
    assert at.query_params["department_tab"] == "group_n.1"


@pytest.mark.parametrize(
    ("role", "page", "param", "asked", "shown"),
    [
        ("admin", "pages/collector.py", "district", "BHOPAL", "BHOPAL"),
        ("collector", "pages/collector.py", "district", "BHOPAL", "INDORE"),  # outside the scope: ignored
        ("admin", "pages/department.py", "department", "REVENUE", "REVENUE"),
        ("department_head", "pages/department.py", "department", "REVENUE", "ENERGY"),
    ],
)
def test_a_link_reopens_the_district_or_department_within_the_scope(  # noqa: PLR0917 - one parameter per column
    english_app: AppTest, demo_users, role: str, page: str, param: str, asked: str, shown: str
) -> None:
    from tests.test_app import sign_in

    at = sign_in(english_app, *demo_users[role])
    at.switch_page(page)
    at.query_params[param] = asked
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key=param).value == shown
    assert at.query_params[param] == shown
