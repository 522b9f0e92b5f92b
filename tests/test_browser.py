"""The dashboard in a real browser: Debian chromium driven by Playwright against `streamlit run`.

Visits every page in English and Hindi through the sidebar (clicking the real language switch), the
public pages signed out and the others signed in as the administrator through the real form; checks
the 52-department ranking and Devanagari rendering, that public pages carry no complaint id,
complainant id or phone number, that a case page's address asks the public to sign in, that a
collector sees only their district and their export is audited, and that the month picked on one page
holds on the next. Screenshots go to tests/artifacts/
(git-ignored).
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, require_chromium, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
PAGES = [  # (catalogue key of the title, is public)
    ("page_public", True),
    ("page_methodology", True),
    ("page_trends", True),
    ("page_department", False),
    ("page_collector", False),
    ("page_data", False),
]
COMPLAINT_ID = re.compile(r"MP\d{4}-\d{7}")
COMPLAINANT_ID = re.compile(r"CP\d{9}|P[0-9a-f]{16}")  # demo ids, stored pseudonyms
PHONE = re.compile(r"(?<!\d)(?:\+?91[\s-]?)?[6-9]\d{9}(?!\d)")


def assert_nothing_personal(text: str, where: str) -> None:
    assert not COMPLAINT_ID.search(text), f"{where}: a complaint id on a public page"
    assert not COMPLAINANT_ID.search(text), f"{where}: a complainant id on a public page"
    assert not PHONE.search(text), f"{where}: a phone number on a public page"


def sign_in(page, log: Path, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the sign-in page's form."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=re.compile("Sign in|साइन इन")).first.click()
    wait_for_app(page, log)
    page.get_by_label(re.compile("User name|उपयोगकर्ता नाम")).fill(username)
    page.get_by_label(re.compile("^(Password|पासवर्ड)$")).fill(password)
    page.get_by_role("button", name=re.compile("^(Sign in|साइन इन)$")).click()
    page.get_by_text(f"{username} ·").first.wait_for(timeout=30_000)  # the sidebar names the user
    wait_for_app(page, log)


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users):  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "dashboard.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def settle(page, log: Path, heading: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if heading:
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    wait_for_app(page, log)


def test_devanagari_font_is_installed() -> None:
    require_chromium()
    fonts = subprocess.run(["fc-list", ":lang=hi"], capture_output=True, text=True, check=False).stdout
    assert fonts.strip(), "no Devanagari font: Hindi would render as boxes (apt-get install fonts-noto-core)"


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_every_page_in_both_languages(browser, server, demo_users, lang: str) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    index = 0 if lang == "en" else 1
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(url)
    settle(page, log)
    if lang == "hi":
        page.locator('[data-testid="stSidebar"] label').filter(has_text="हिन्दी").first.click()
        settle(page, log, CATALOGUE["public_title"][1])
    signed_in = False
    for key, public in PAGES:  # public pages first, as the public; then the administrator's
        if not public and not signed_in:
            sign_in(page, log, *demo_users["admin"])
            signed_in = True
        title = CATALOGUE[key][index]
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        page.wait_for_url(re.compile(".*"), timeout=10_000)
        wait_for_app(page, log)
        page.wait_for_timeout(300)  # let the rerun triggered by the click start
        wait_for_app(page, log)
        page.screenshot(path=str(ARTIFACTS / f"{key}-{lang}.png"), full_page=True)
        text = page.inner_text('[data-testid="stMain"]')
        if lang == "hi":
            assert any("\u0900" <= ch <= "\u097f" for ch in text), f"{key}: no Hindi text"
        if public:
            assert_nothing_personal(text, key)
        if key == "page_public":  # the first tab: volume group 1 (a header row and its 26 rows)
            grids = page.locator('[data-testid="stDataFrame"]')  # other tabs' grids are sent when opened
            assert grids.nth(0).locator("[aria-rowcount]").first.get_attribute("aria-rowcount") == "27"
            names = grids.nth(0).text_content() or ""
            assert any("\u0900" <= ch <= "\u097f" for ch in names) == (lang == "hi")
    page.close()


def test_month_chosen_on_one_page_holds_on_the_next(browser, server, demo_users) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(url)
    settle(page, log)
    sign_in(page, log, *demo_users["department_head"])
    # (A sign-in now lands on the role's own page, the department page: back to the public summary.)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Public summary").first.click()
    settle(page, log, CATALOGUE["public_title"][0])
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="June 2024").click()
    settle(page, log, "Department ranking, June 2024")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Department").first.click()
    # The department page's own caption (the sidebar's picker also says June 2024).
    page.locator('[data-testid="stMain"]').get_by_text("June 2024").first.wait_for(timeout=30_000)
    wait_for_app(page, log)
    # Read again once the run has settled: a rerun (a new store version seen) redraws the page, and a
    # read taken mid-redraw holds only its first line.
    page.locator('[data-testid="stMain"]').get_by_text("June 2024").first.wait_for(timeout=30_000)
    assert "June 2024" in page.inner_text('[data-testid="stMain"]')
    page.close()


def test_a_case_page_url_shows_the_public_nothing_personal(browser, server) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    for path in ("collector", "department", "data_status", "audit", "collector?district=BHOPAL"):
        page.goto(f"{url}/{path}")
        wait_for_app(page, log)
        page.wait_for_timeout(300)
        wait_for_app(page, log)
        text = page.inner_text('[data-testid="stMain"]')
        assert_nothing_personal(text, path)
        assert CATALOGUE["sign_in_title"][0] in text  # the sign-in form, not the page asked for
        assert CATALOGUE["review_list"][0] not in text
    page.close()


def test_a_collector_sees_only_their_district_and_the_export_is_audited(  # type: ignore[no-untyped-def]
    browser, server, demo_users, demo_db: Path
) -> None:
    from grading.access.accounts import Accounts
    from grading.access.identity import Identity
    from grading.serve import views
    from grading.store import database

    url, log = server
    con = database.connect_readonly(demo_db)
    try:
        everyone = views.pending_cases(con, date(2024, 8, 1), Identity("t", "admin"))
    finally:
        con.close()
    indore = set(everyone.filter(pl.col("district") == "INDORE")["complaint_id"])
    elsewhere = set(everyone.filter(pl.col("district") != "INDORE")["complaint_id"])
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(url)
    wait_for_app(page, log)
    user, password = demo_users["collector"]
    sign_in(page, log, user, password)
    nav = page.inner_text('[data-testid="stSidebarNav"]')
    assert "District collectors" in nav
    assert "Department heads" not in nav
    assert "Data" not in nav
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="District review").first.click()
    page.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    before = Accounts(demo_db).audit().height
    href = page.get_by_role("link", name="Download CSV").first.get_attribute("href")
    answer = page.request.get(url + href)  # what the link downloads, with this browser's session cookie
    assert answer.status == 200
    exported = pl.read_csv(answer.body(), encoding="utf8-lossy")
    ids = set(exported[exported.columns[0]])
    assert ids
    assert ids <= indore
    assert not ids & elsewhere
    wait_for_app(page, log)
    log_rows = Accounts(demo_db).audit()
    assert log_rows.height == before + 1
    entry = log_rows.row(0, named=True)
    assert (entry["username"], entry["scope"], entry["rows"]) == (user, "districts=INDORE", len(ids))
    page.close()
