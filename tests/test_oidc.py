"""OIDC sign-in end to end: Streamlit's st.login against a local OIDC provider started by the test
(oidc-provider-mock, no outside network), in the real browser; the provider's e-mail maps to a role."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from grading.access.accounts import Accounts
from tests.browser import ARTIFACTS, free_port, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
EMAIL = "collector.bhopal@example.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    import oidc_provider_mock

    with pytest.MonkeyPatch.context() as env:
        env.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on this machine's loopback only
        with oidc_provider_mock.run_server_in_thread() as server:  # any client id and secret are accepted
            yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app(provider: str, demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    Accounts(demo_db).add(EMAIL, "collector", districts=("BHOPAL",), replace=True)  # no password: OIDC only
    port = free_port()
    config = tmp_path_factory.mktemp("oidc") / "secrets.toml"
    config.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # the same host the browser uses
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "nivaran-test"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    log = ARTIFACTS / "oidc.server.log"
    with streamlit_server(demo_db, log, args=("--secrets.files", str(config)), port=port) as url:
        yield url, log


def provider_sign_in(page, provider: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url(re.compile(re.escape(provider) + "/oauth2/authorize.*"), timeout=30_000)
    page.locator("input[name=sub]").fill(email)  # the mock's form: the subject, used as the e-mail
    page.get_by_role("button", name="Authorize").click()


def test_oidc_sign_in_maps_the_email_to_its_role_and_scope(browser, provider: str, app) -> None:  # type: ignore[no-untyped-def]
    url, log = app
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{url}/sign_in")
    wait_for_app(page, log)
    provider_sign_in(page, provider, EMAIL)
    page.get_by_text(f"{EMAIL} ·").first.wait_for(timeout=60_000)  # back on Nivaran, signed in
    wait_for_app(page, log)
    nav = page.inner_text('[data-testid="stSidebarNav"]')
    assert "District collectors" in nav
    assert "Sign in" not in nav
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="District review").first.click()
    page.get_by_role("heading", name=re.compile("Bhopal")).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    page.screenshot(path=str(ARTIFACTS / "oidc-collector.png"), full_page=True)
    # Signing out ends the provider's session too (the mock asks to confirm).
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(provider) + "/oauth2/end_session.*"), timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(url) + "/.*"), timeout=30_000)
    wait_for_app(page, log)
    assert "District collectors" not in page.inner_text('[data-testid="stSidebarNav"]')
    page.close()


def test_an_identity_without_an_account_gets_no_role(browser, provider: str, app) -> None:  # type: ignore[no-untyped-def]
    url, log = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/sign_in")
    wait_for_app(page, log)
    provider_sign_in(page, provider, "stranger@example.org")
    page.wait_for_url(re.compile(re.escape(url) + "/.*"), timeout=30_000)
    wait_for_app(page, log)
    page.goto(f"{url}/sign_in")
    wait_for_app(page, log)
    text = page.inner_text('[data-testid="stMain"]')
    assert "stranger@example.org is signed in with the identity provider but has no role" in text
    assert "District collectors" not in page.inner_text('[data-testid="stSidebarNav"]')
    page.close()


def test_oidc_sign_in_lands_on_the_bookmarked_page(browser, provider: str, app) -> None:  # type: ignore[no-untyped-def]
    url, log = app
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/collector?district=BHOPAL")  # a bookmark, signed out: the sign-in form in place
    wait_for_app(page, log)
    provider_sign_in(page, provider, EMAIL)
    # The provider returns to /oauth2callback and Streamlit to the start page; Nivaran then sends the
    # browser on to the address it was asked for.
    page.wait_for_url(re.compile(re.escape(url) + r"/collector\?district=BHOPAL(&.*)?$"), timeout=60_000)
    page.get_by_role("heading", name=re.compile("Bhopal")).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    assert f"{EMAIL} ·" in page.inner_text('[data-testid="stSidebar"]')
    context.close()
