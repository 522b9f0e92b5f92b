"""Imported text is shown as text: a department or district name written as Markdown or HTML shows
its literal characters on every page and never becomes a link, an image or markup; odd characters
in codes (``/``, ``&``, ``<``) do not break a page or its downloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.intake import ingest
from grading.outputs import export
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from tests.test_app import sign_in
from ui import web
from ui.text import plain

ROOT = Path(__file__).resolve().parent.parent
EVIL = "[x](http://evil) ![i](http://e/i.png) <b>"
ODD_DISTRICT = "BHO/PAL & <i>co</i>"
EVENTS = f"""complaint_id,event_time,event,level,department,district,category,complainant,channel
ODD-1,2024-08-03T10:00:00,registered,L1,{EVIL},{ODD_DISTRICT},BILLING_EXCESS,ODD-P1,call
ODD-2,2024-08-04T10:00:00,registered,L1,{EVIL},{ODD_DISTRICT},BILLING_EXCESS,ODD-P2,call
"""


@pytest.fixture(scope="module")
def odd_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plus two complaints of a department and a district whose codes (and so names) are
    Markdown, HTML and a path."""
    from grading.access.accounts import Accounts
    from tests.conftest import TEST_USERS

    folder = tmp_path_factory.mktemp("odd")
    db = folder / "odd.duckdb"
    shutil.copyfile(demo_db, db)
    source = folder / "odd.csv"
    source.write_text(EVENTS, encoding="utf-8")
    report = ingest.ingest(db, [source])
    assert report.files[0].problems.height == 0
    name, password, _, _ = TEST_USERS["admin"]
    Accounts(db).add(name, "admin", password=password, replace=True)
    return db


def test_plain_escapes_every_markdown_and_html_character() -> None:
    assert plain(EVIL) == r"\[x\]\(http\:\/\/evil\) \!\[i\]\(http\:\/\/e\/i\.png\) \<b\>"
    assert plain("# a\n- b") == r"\# a \- b"  # no heading, no list: one line
    assert plain(plain("a_b")) == r"a\_b"  # escaped once only


@pytest.fixture
def admin_app(odd_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    from tests.conftest import TEST_USERS

    monkeypatch.setenv("NIVARAN_DB", str(odd_db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60).run()
    name, password, _, _ = TEST_USERS["admin"]
    return sign_in(at, name, password)


def test_names_are_literal_in_titles_and_table_cells(admin_app: AppTest) -> None:
    admin_app.session_state["ranking_tab_department"] = "All departments"  # only the open tab is sent
    at = admin_app.switch_page("pages/public_summary.py").run()
    assert not at.exception
    names = [cell for grid in at.dataframe for cell in grid.value.to_numpy().ravel().tolist()]
    assert EVIL in names  # st.dataframe cells are plain text: the name as it is

    at.switch_page("pages/department.py").run()
    at.selectbox(key="department").set_value(EVIL).run()
    assert not at.exception
    assert at.title[0].value.startswith(plain(EVIL) + ":")  # Markdown source that renders the literal name


def test_a_district_code_with_a_slash_opens_on_the_collector_page(
    admin_app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "MOUNTED", True)  # case files are offered through dashboard.py's export route
    at = admin_app.switch_page("pages/collector.py").run()
    at.selectbox(key="district").set_value(ODD_DISTRICT).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.warning
    assert plain(ODD_DISTRICT) in at.title[0].value
    links = {b.key: b.proto.url for b in at.get("link_button")}
    assert {"review-csv", "review-xlsx"} <= set(links)  # CSV and Excel, made on download through grading.outputs.export
    assert links["review-csv"].startswith(f"{web.PREFIX}/export/")
    workbook = export.write(pl.DataFrame({"district": [ODD_DISTRICT]}), "xlsx", sheet=ODD_DISTRICT)
    assert workbook.startswith(b"PK")  # the sheet is named without the code's "/" (Excel refuses it)


@pytest.mark.browser
def test_the_browser_shows_the_characters_and_no_link_or_image(browser, odd_db: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import TEST_USERS
    from tests.test_browser import sign_in as browser_sign_in

    log = ARTIFACTS / "safe-text.server.log"
    with streamlit_server(odd_db, log) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url)
        page.get_by_text("Department ranking, August 2024").first.wait_for(timeout=60_000)
        wait_for_app(page, log)

        def check(where: str) -> None:
            main = page.locator('[data-testid="stMain"]')
            assert main.locator('a[href*="//evil"]').count() == 0, where  # (headings' own #anchors are fine)
            assert main.locator('img[src*="//e/i.png"]').count() == 0, where
            assert main.locator("b, i").filter(has_text="co").count() == 0, where

        check("public summary")
        name, password, _, _ = TEST_USERS["admin"]
        browser_sign_in(page, log, name, password)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Department").first.click()
        wait_for_app(page, log)
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
        page.keyboard.type("[x](http")  # the list is long: filter it as a user would
        page.get_by_role("option", name=EVIL).click()
        page.get_by_role("heading", name=f"{EVIL}: not ranked").first.wait_for(timeout=60_000)  # literal
        wait_for_app(page, log)
        check("department page")
        page.close()
