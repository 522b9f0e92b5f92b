"""The meeting tools in a real browser (Debian chromium, `streamlit run` on a temporary demo database):
the demo collector opens the district review, sees the changes since the last review and downloads the
meeting pack (audited); the demo department head opens the plan and why the score moved."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users):  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "meetings.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def signed_in_page(browser, url: str, log: Path, user: tuple[str, str], path: str):  # type: ignore[no-untyped-def]
    """A new tab sent to ``path`` by its address: signed out, the page asks for a sign-in in place and
    lands there after it. Addresses instead of sidebar clicks: on a loaded machine the public summary
    keeps re-rendering under a click."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{url}/{path}")  # even as a fresh server's first request (dashboard.py)
    wait_for_app(page, log, timeout_ms=180_000)
    page.get_by_label("User name").fill(user[0])
    page.get_by_label(re.compile("^Password$")).fill(user[1])
    page.get_by_role("button", name=re.compile("^Sign in$")).click()
    page.wait_for_url(re.compile(re.escape(url) + "/" + path + r"(\?.*)?$"))  # the query holds the view (permalink)
    page.get_by_text(f"{user[0]} ·").first.wait_for()  # the sidebar names the user
    wait_for_app(page, log, timeout_ms=180_000)
    return page


def test_the_collector_runs_the_review_and_downloads_the_pack(  # type: ignore[no-untyped-def]
    browser, server, demo_users, demo_db: Path
) -> None:
    from grading.access.accounts import Accounts

    url, log = server
    page = signed_in_page(browser, url, log, demo_users["collector"], "collector")
    page.get_by_role("heading", name=re.compile("Indore")).first.wait_for(timeout=60_000)
    wait_for_app(page, log, timeout_ms=180_000)
    for text in (
        "Since the last review",
        "Newly overdue",
        "Escalated to L3 or above",
        "Pending by department and level",
    ):
        page.get_by_text(text).first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "district-review.png"), full_page=True)
    before = Accounts(demo_db).audit().height
    # A link to the session-bound export route (never Streamlit's /media/ store): fetched by this browser.
    href = page.get_by_role("link", name="Download the pack (Excel)").first.get_attribute("href")
    assert href is not None
    assert href.startswith("/nivaran/export/")
    answer = page.context.request.get(url + href)
    assert answer.status == 200
    with zipfile.ZipFile(io.BytesIO(answer.body())) as book:
        assert "Since last review" in book.read("xl/workbook.xml").decode()
    audit = Accounts(demo_db).audit()
    assert audit.height == before + 1
    entry = audit.row(0, named=True)
    assert entry["username"] == demo_users["collector"][0]
    assert entry["scope"] == "districts=INDORE"
    assert entry["event"] == "meeting_pack"
    assert json.loads(entry["args"])["district"] == "INDORE"
    page.close()


def test_the_department_head_reads_the_plan(browser, server, demo_users) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    page = signed_in_page(browser, url, log, demo_users["department_head"], "department")
    page.get_by_role("heading", name=re.compile("Energy")).first.wait_for(timeout=60_000)
    wait_for_app(page, log, timeout_ms=180_000)
    for text in (
        "The plan: where the points are",
        "Component changes are rounded so that they add up",
        "The department's score by district",
        "Force-closed",
    ):
        page.get_by_text(text).first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "department-plan.png"), full_page=True)
    page.close()
