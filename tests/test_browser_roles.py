"""Roles in a real browser against `streamlit run dashboard.py`: after signing in from the sign-in page
each role lands on its own page (not the public summary), and a signed-in user opening another role's
page is told whom it is for (not asked to sign in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser

#: Role → (the address it lands on, a heading only that page shows).
OWN_PAGE = {
    "collector": ("collector", CATALOGUE["review_list"][0]),
    "department_head": ("department", CATALOGUE["plan_title"][0]),
    "admin": ("data_status", CATALOGUE["data_title"][0]),
}


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "roles.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def signed_in(browser, url: str, log: Path, user: tuple[str, str]):  # type: ignore[no-untyped-def]
    """A new browser signed in through the sign-in page (opened from the sidebar)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    wait_for_app(page, log)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Sign in").first.click()
    page.get_by_label("User name").wait_for()
    wait_for_app(page, log)
    page.get_by_label("User name").fill(user[0])
    page.get_by_label(re.compile("^Password$")).fill(user[1])
    page.get_by_role("button", name=re.compile("^Sign in$")).click()
    page.get_by_text(f"{user[0]} ·").first.wait_for()
    wait_for_app(page, log)
    return page


@pytest.mark.parametrize("role", ["collector", "department_head", "admin"])
def test_each_role_lands_on_its_own_page_after_signing_in(browser, server, demo_users, role: str) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    page = signed_in(browser, url, log, demo_users[role])
    path, heading = OWN_PAGE[role]
    page.wait_for_url(re.compile(re.escape(f"{url}/{path}") + r"(\?.*)?$"))
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_for_app(page, log)
    assert CATALOGUE["public_title"][0] not in page.inner_text('[data-testid="stMain"]')
    page.context.close()


def test_a_collector_opening_the_department_page_is_told_whom_it_is_for(browser, server, demo_users) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    user = demo_users["collector"]
    page = signed_in(browser, url, log, user)
    page.goto(f"{url}/department")
    page.get_by_text(f"{user[0]} ·").first.wait_for()
    wait_for_app(page, log)
    page.wait_for_timeout(300)
    wait_for_app(page, log)
    main = page.inner_text('[data-testid="stMain"]')
    expected = CATALOGUE["page_for_department"][0].format(user=user[0], role=CATALOGUE["role_collector"][0])
    assert expected in main
    assert CATALOGUE["sign_in_title"][0] not in main  # not asked to sign in again
    assert CATALOGUE["not_allowed"][0] not in main
    assert not page.get_by_label("User name").count()
    page.context.close()
