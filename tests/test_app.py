"""Every page through streamlit.testing.v1.AppTest, in English and Hindi, with its key widgets."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.access.accounts import Accounts
from tests.stores import mp_store

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "pages/public_summary.py",
    "pages/methodology.py",
    "pages/trends.py",
    "pages/department.py",
    "pages/collector.py",
    "pages/data_status.py",
]


@pytest.fixture
def app(demo_db: Path, demo_users: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Sign in through the sign-in page's form, as a user would."""
    at.switch_page("pages/sign_in.py").run()
    at.text_input(key="username").input(username)
    at.text_input(key="password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


@pytest.fixture
def admin(app: AppTest, demo_users: dict[str, tuple[str, str]]) -> AppTest:
    return sign_in(app, *demo_users["admin"])


def open_page(at: AppTest, page: str, lang: str) -> AppTest:
    # AppTest drops a widget of an st.navigation entry script after its own set_value (even in a
    # three-line app), so the switch is set through its session-state key here; the browser test
    # clicks the real switch.
    at.session_state["lang"] = lang
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def has_devanagari(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("page", [*PAGES, "pages/audit.py", "pages/sign_in.py"])
def test_every_page_renders_in_both_languages(app: AppTest, demo_users, page: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    if page != "pages/sign_in.py":  # the administrator may open every page
        sign_in(app, *demo_users["admin"])
    at = open_page(app, page, lang)
    assert at.title, "every page has a title"
    title = at.title[0].value
    assert has_devanagari(title) == (lang == "hi"), title
    assert not at.warning, [w.value for w in at.warning]  # no chart fell over


def test_month_picker_offers_every_month_newest_first(app: AppTest) -> None:
    # Sharing the chosen month across pages is checked in the real browser: AppTest does not carry a
    # changed entry-script widget through st.navigation.
    picker = app.sidebar.selectbox(key="month")
    assert len(picker.options) == 6  # the demo's six months
    assert picker.value == date(2024, 8, 1)


def test_public_summary_ranks_52_departments_with_downloads(app: AppTest) -> None:
    at = open_page(app, "pages/public_summary.py", "en")
    assert [tab.label for tab in at.tabs[:3]] == ["Group 1", "Group 2", "All departments"]
    # Only the open tab's grids are sent: Group 1 for departments (at a glance, then its points per
    # component), then the districts' first tab.
    group_1, points, districts_first = (d.value for d in at.dataframe[:3])
    assert len(group_1) == len(points) == 26  # the 26 busiest departments (mp-cm-helpline's volume groups)
    assert "District" in districts_first.columns
    assert len(districts_first) < 55
    at.session_state["ranking_tab_department"] = "All departments"
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 52
    assert any("for" in m.value and "months in a row" in m.value for m in at.markdown)  # streaks
    assert len(at.get("download_button")) >= 4
    assert len(at.metric) == 5


def test_collector_picks_a_district_and_filters_overdue(admin: AppTest) -> None:
    at = open_page(admin, "pages/collector.py", "en")
    at.session_state["district"] = "INDORE"
    at.run()
    assert not at.exception
    assert "Indore" in at.title[0].value
    everything = at.dataframe[1].value.shape[0]
    at.session_state["only_overdue"] = True
    at.run()
    urgent = at.dataframe[1].value.shape[0]
    assert 0 < urgent <= everything


def test_department_page_explains_the_rank(admin: AppTest) -> None:
    at = open_page(admin, "pages/department.py", "en")
    at.session_state["department"] = "ENERGY"
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("Energy")
    texts = " ".join(m.value for m in at.markdown)
    assert "satisfied closures" in texts or "Already first" in texts


def test_department_page_shows_its_integrity_flags_with_evidence(admin: AppTest) -> None:
    # The demo's REVENUE department bulk-closes open complaints before the last cut-off (grading.demo.simulate).
    at = open_page(admin, "pages/department.py", "en")
    at.session_state["department"] = "REVENUE"
    at.run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Evidence" in d.value.columns)
    assert "Closure spike before the cut-off" in shown["Flag"].to_list()
    assert any("in the last 3 days before the cut-off" in text for text in shown["Evidence"].to_list())
    at.session_state["department"] = "ENERGY"
    at.run()
    assert "No integrity flag raised this month." in [m.value for m in at.markdown]


def test_methodology_names_the_version_in_force_and_the_rules(app: AppTest) -> None:
    at = open_page(app, "pages/methodology.py", "en")
    # As the reader sees it: Markdown's backslash escapes (values are filled in as plain text) removed.
    texts = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    assert "Version in force for August 2024: 2024.1" in texts
    assert "A rank is printed only when no other department in its group is within reach" in texts
    assert "Closure spike before the cut-off" in " ".join(str(tb.value) for tb in at.table)


def test_trends_page_switches_metric_and_entity_type(app: AppTest) -> None:
    # English here: AppTest formats option labels outside the script, where the language is unknown.
    at = open_page(app, "pages/trends.py", "en")
    at.session_state["trend_metric"] = "resolution_days_median"
    at.session_state["trend_kind"] = "district"
    at.run()
    assert at.multiselect(key="trend_pick_district").value
    assert not at.exception
    assert not at.warning


def test_missing_database_explains_how_to_create_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIVARAN_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=30).run()
    assert not at.exception
    assert "nivaran demo --db" in at.info[0].value


def test_a_failing_chart_shows_a_warning_in_its_place_and_the_page_goes_on() -> None:
    def script() -> None:
        import streamlit as st

        from ui.widgets import guarded

        with guarded("broken chart"):
            raise ValueError("no data for this chart")
        st.write("the rest of the page")

    at = AppTest.from_function(script).run()
    assert not at.exception
    # Changed on purpose: the place says one sentence in the reader's language; the exception's own text
    # (a TypeError from a widget is no reading for a collector) goes to the server's log only.
    assert at.warning[0].value.startswith("This part of the page could not be drawn; the rest of the page is complete.")
    assert "no data for this chart" not in at.warning[0].value
    assert at.markdown[0].value == "the rest of the page"


def test_data_page_lists_rejected_rows_with_their_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grading.intake import ingest

    path = tmp_path / "bad.csv"
    path.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P\n"
        "A,2024-03-32T10:00:00,attended,L1,,,,\n",
        encoding="utf-8",
    )
    db = tmp_path / "q.duckdb"
    mp_store(db)
    ingest.ingest(db, [path])
    monkeypatch.setenv("NIVARAN_DB", str(db))
    Accounts(db).add("root", "admin", password="root-pass")
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60).run()
    sign_in(at, "root", "root-pass")
    at.switch_page("pages/data_status.py").run()
    assert not at.exception
    rows = at.dataframe[-1].value
    # (Headings changed on purpose: the catalogue's words, not the columns' names; tests/test_app_admin_tables.py.)
    assert rows[["Line", "Field", "Value"]].values.tolist() == [[3, "event_time", "2024-03-32T10:00:00"]]
    assert rows["Reason"][0].startswith("not an ISO-8601 time")


def test_a_published_month_is_marked_on_the_public_page(demo_db: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from grading.outputs import publish
    from grading.scoring import schemes

    db = tmp_path / "published.duckdb"
    shutil.copyfile(demo_db, db)
    monkeypatch.setenv("NIVARAN_DB", str(db))

    def public_page() -> AppTest:
        at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
        at.run()
        return open_page(at, "pages/public_summary.py", "en")

    # The month's state is one sentence of the one caption under the title (it was an info box and a
    # package section at the foot of the page); the report and the data are offered at the top, in words.
    before = public_page()  # August 2024, the newest month, is shown first
    assert any("August 2024: provisional, not yet published" in c.value for c in before.caption)
    assert not [c.value for c in before.caption if "published grading, published on" in c.value]
    assert any(
        "The press report for August 2024 appears here once the month is published." in c.value for c in before.caption
    )
    labels = [b.proto.label for b in before.get("download_button")]
    assert "Download this month's report (PDF)" not in labels
    assert labels[0] == "Download the data (CSV)"  # the page's rankings, first on the page
    publish.publish(db, date(2024, 8, 1), schemes.load(), tmp_path / "package")
    after = public_page()
    marks = [c.value for c in after.caption if "August 2024: published grading, published on" in c.value]
    assert len(marks) == 1, [c.value for c in after.caption]
    buttons = after.get("download_button")
    assert [b.proto.label for b in buttons[:2]] == ["Download this month's report (PDF)", "Download the data (CSV)"]
    # Then every file of the package by name, in words (the file names stay the package's).
    named = [b for b in buttons if b.proto.label.endswith(("(CSV)", "(PDF)"))][2:]
    assert len(named) == len(publish.PACKAGE)
