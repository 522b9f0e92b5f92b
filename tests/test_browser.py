"""The dashboard in a real browser: Debian chromium driven by Playwright against `streamlit run`.

Visits every page in English and Hindi through the sidebar (clicking the real language switch),
checks the 52-department ranking and Devanagari rendering, that public pages carry no complaint or
complainant id, and that the month picked on one page holds on the next. Screenshots go to
tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server, wait_for_app
from ui.i18n import CATALOGUE

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
COMPLAINANT_ID = re.compile(r"CP\d{9}")


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(demo_db: Path):  # type: ignore[no-untyped-def]
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
def test_every_page_in_both_languages(browser, server, lang: str) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    index = 0 if lang == "en" else 1
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(url)
    settle(page, log)
    if lang == "hi":
        page.locator('[data-testid="stSidebar"] label').filter(has_text="हिन्दी").first.click()
        settle(page, log, CATALOGUE["public_title"][1])
    for key, public in PAGES:
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
            assert not COMPLAINT_ID.search(text), f"{key}: a complaint id on a public page"
            assert not COMPLAINANT_ID.search(text), f"{key}: a complainant id on a public page"
        if key == "page_public":
            rows = page.locator('[data-testid="stTable"]').first.locator("tbody tr")
            assert rows.count() == 52
            names = page.inner_text('[data-testid="stTable"]')
            assert ("ऊर्जा" in names) == (lang == "hi")
            assert ("Energy" in names) == (lang == "en")
    page.close()


def test_month_chosen_on_one_page_holds_on_the_next(browser, server) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(url)
    settle(page, log)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="June 2024").click()
    settle(page, log, "Department ranking, June 2024")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Department").first.click()
    page.get_by_text("June 2024").first.wait_for(timeout=30_000)
    wait_for_app(page, log)
    assert "June 2024" in page.inner_text('[data-testid="stMain"]')
    page.close()
