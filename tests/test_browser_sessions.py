"""Sessions and exports in a real browser against `streamlit run dashboard.py`: the sign-in holds across a
reload and a new tab (HttpOnly cookie), deep links land after sign-in, sign-out ends the session
everywhere, case exports answer only to the session that made them, and case tables have no toolbar
download."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from grading.access.accounts import Accounts
from grading.access.sessions import COOKIE_NAME
from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from tests.test_browser import sign_in

pytestmark = pytest.mark.browser
USER, PASSWORD = "t.sessions", "sessions-pass-1"


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    Accounts(demo_db).add(USER, "collector", password=PASSWORD, districts=("INDORE",), replace=True)
    log = ARTIFACTS / "sessions.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def signed_in_as(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.inner_text('[data-testid="stSidebar"]'))


def sign_out(page, log: Path) -> None:  # type: ignore[no-untyped-def]
    """Click Sign out and wait until the sidebar offers Sign in again (after the cookie route)."""
    page.get_by_role("button", name="Sign out").click()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Sign in").first.wait_for(timeout=30_000)
    wait_for_app(page, log)


def test_a_reload_and_a_new_tab_stay_signed_in(browser, server) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    wait_for_app(page, log)
    sign_in(page, log, USER, PASSWORD)
    cookie = next(c for c in context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert cookie["value"].startswith("v1.")
    page.reload()
    page.get_by_text(f"{USER} ·").first.wait_for(timeout=30_000)
    wait_for_app(page, log)
    other = context.new_page()
    other.goto(f"{url}/collector")  # a new tab, straight to a signed-in page
    other.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
    wait_for_app(other, log)
    # Sign out in one tab: the session record ends, so the other tab's next rerun is signed out too.
    sign_out(page, log)
    assert f"{USER} ·" not in signed_in_as(page)
    assert not any(c["name"] == COOKIE_NAME for c in context.cookies())
    other.locator('[data-testid="stSidebar"] label').filter(has_text="हिन्दी").first.click()  # any rerun
    other.locator('[data-testid="stSidebarNav"] a').filter(has_text="साइन इन").first.wait_for(timeout=30_000)
    wait_for_app(other, log)
    assert CATALOGUE["review_list"][1] not in other.inner_text('[data-testid="stMain"]')
    assert f"{USER} ·" not in signed_in_as(other)
    context.close()


def test_a_bookmarked_page_lands_after_sign_in(browser, server) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/collector?district=INDORE")
    wait_for_app(page, log)
    main = page.inner_text('[data-testid="stMain"]')
    assert "Page not found" not in main
    assert "Review list" not in main
    page.get_by_label("User name").fill(USER)
    page.get_by_label(re.compile("^Password$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Sign in$")).click()
    page.wait_for_url(re.compile(re.escape(url) + r"/collector\?district=INDORE(&.*)?$"), timeout=30_000)
    page.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    page.screenshot(path=str(ARTIFACTS / "deep-link-after-sign-in.png"), full_page=True)
    context.close()


def test_a_fresh_server_routes_its_first_request_through_navigation(  # type: ignore[no-untyped-def]
    browser, demo_db: Path, demo_users
) -> None:
    """The very first request of a new server is a bookmark: it must get the app's own navigation (the
    sign-in form in place, then the page), not Streamlit's pages/ folder listing running the page alone."""
    user, password = demo_users["collector"]  # Indore
    log = ARTIFACTS / "fresh-server.server.log"
    with streamlit_server(demo_db, log) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/collector?district=INDORE")
        page.get_by_label("User name").wait_for(timeout=60_000)
        wait_for_app(page, log)
        nav = page.inner_text('[data-testid="stSidebarNav"]')
        assert "Public summary" in nav  # navigation.py's menu ...
        assert "navigation" not in nav.lower()  # ... not the folder listing (navigation, audit, collector, ...)
        assert "audit" not in nav.lower()
        page.get_by_label("User name").fill(user)
        page.get_by_label(re.compile("^Password$")).fill(password)
        page.get_by_role("button", name=re.compile("^Sign in$")).click()
        page.wait_for_url(re.compile(re.escape(url) + r"/collector\?district=INDORE(&.*)?$"), timeout=30_000)
        page.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
        wait_for_app(page, log)
        context.close()


def test_case_exports_answer_only_to_their_session(browser, server, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    page.goto(url)
    wait_for_app(page, log)
    sign_in(page, log, USER, PASSWORD)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="District review").first.click()
    page.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    # The case table's own toolbar offers no download (client.disableDataExport).
    table = page.locator('[data-testid="stDataFrame"]').nth(1)
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]')
    toolbar.first.wait_for(state="attached", timeout=10_000)
    assert page.get_by_role("button", name="Search").count() >= 1  # the toolbar is there ...
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # ... without its download
    href = page.get_by_role("link", name="Download CSV").first.get_attribute("href")
    assert href is not None
    assert href.startswith("/nivaran/export/")
    before = Accounts(demo_db).audit().height
    answer = context.request.get(url + href)  # this browser, with its session cookie
    assert answer.status == 200
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "no-store"
    rows = pl.read_csv(answer.body(), encoding="utf8-lossy")
    audit = Accounts(demo_db).audit()
    assert audit.height == before + 1
    entry = audit.row(0, named=True)
    assert (entry["username"], entry["scope"], entry["rows"]) == (USER, "districts=INDORE", rows.height)
    assert json.loads(entry["args"])["fmt"] == "csv"
    # Another browser (no session cookie) gets nothing, and nothing is audited.
    stranger = browser.new_context()
    assert stranger.request.get(url + href).status == 403
    stranger.close()
    # After sign-out, not even this browser.
    sign_out(page, log)
    assert context.request.get(url + href).status == 403
    assert Accounts(demo_db).audit().height == before + 1
    context.close()
