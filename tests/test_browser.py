"""The dashboard in a real browser: Debian chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_public_summary_shows_the_52_department_ranking_with_hindi_names(browser, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "public_summary.server.log"
    with streamlit_server(demo_db, log) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(url)
        wait_for_app(page, log)
        table = page.locator('[data-testid="stTable"] tbody tr')
        table.first.wait_for()
        assert table.count() == 52
        body = page.inner_text('[data-testid="stTable"]')
        assert "ऊर्जा" in body  # Energy's Hindi name, rendered as text
        page.screenshot(path=str(ARTIFACTS / "public_summary.png"), full_page=True)
