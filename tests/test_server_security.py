"""The served dashboard (`streamlit run dashboard.py` on the demo store) against the faults an attacker
session found: answered with plain HTTP requests (urllib), and in chromium where only a page run shows it.

- every response says it may not be framed (``X-Frame-Options: DENY``, ``frame-ancestors 'none'``);
- ``/_stcore/metrics`` (Streamlit's cache names, sizes and sessions) answers only a signed-in
  administrator; ``/nivaran/session/end`` answers a GET with 405, not with the page;
- a session cookie with a non-ASCII signature opens nothing and breaks nothing;
- the meeting pack and every case list leave only through the session-bound export route, never from
  Streamlit's ``/media/`` store.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.access.sessions import COOKIE_NAME, Sessions
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from ui import web

ADMIN = Identity("t.admin", "admin")
COLLECTOR = Identity("t.indore", "collector", districts=("INDORE",))


@pytest.fixture(scope="module")
def server(demo_db: Path, demo_users: dict[str, tuple[str, str]]) -> Iterator[tuple[str, Path]]:
    log = ARTIFACTS / "security.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def session_cookie(db: Path, who: Identity) -> str:
    """A live session's signed cookie value, opened in the store's access file as a sign-in would."""
    sessions = Sessions(Accounts(db))
    return sessions.cookie(sessions.open(who, "password", "local"))[0]


def request(url: str, *, method: str = "GET", cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one plain HTTP request; no redirects followed."""
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie is not None else {}
    # http.client sends header values as Latin-1: a non-ASCII cookie reaches the server as it would from a script.
    con.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    answer = con.getresponse()
    body = answer.read()
    con.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def asset_path(url: str) -> str:
    """One of Streamlit's content-hashed front-end files named by the start page."""
    with urllib.request.urlopen(url) as page:
        html = page.read().decode()
    found = re.search(r'src="\.?(/?static/js/[^"]+\.js)"', html)
    assert found, html[:500]
    return "/" + found[1].lstrip("/")


def test_every_response_refuses_to_be_framed(server: tuple[str, Path]) -> None:
    url, _ = server
    paths = [
        "/",
        "/collector?district=INDORE",
        "/_stcore/health",
        "/_stcore/host-config",
        asset_path(url),
        "/_stcore/metrics",
        f"{web.PREFIX}/export/nothing",
        f"{web.PREFIX}/session/end",
        f"{web.PREFIX}/session/start?ticket=x&next=/",
    ]
    for path in paths:
        status, headers, _ = request(url + path)
        assert status < 500, path
        assert headers.get("x-frame-options") == "DENY", (path, headers)
        assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), (path, headers)
    status, headers, _ = request(f"{url}{web.PREFIX}/session/end", method="POST")
    assert status == 303
    assert headers.get("x-frame-options") == "DENY"


def test_metrics_answer_only_a_signed_in_administrator(server: tuple[str, Path], demo_db: Path) -> None:
    url, _ = server
    status, _, body = request(f"{url}/_stcore/metrics")
    assert status == 404
    assert b"cache_memory_bytes" not in body
    status, _, body = request(f"{url}/_stcore/metrics", cookie=session_cookie(demo_db, COLLECTOR))
    assert status == 404
    assert b"cache_memory_bytes" not in body
    status, _, body = request(f"{url}/_stcore/metrics", cookie=session_cookie(demo_db, ADMIN))
    assert status == 200
    assert b"# TYPE" in body


def test_sign_out_answers_a_get_with_405(server: tuple[str, Path]) -> None:
    url, _ = server
    for method in ("GET", "HEAD"):
        status, headers, body = request(f"{url}{web.PREFIX}/session/end", method=method)
        assert status == 405, method
        assert headers.get("allow") == "POST"
        assert b"<html" not in body.lower()


@pytest.mark.parametrize("signature", ["é" * 64, "\u00ff", "０" * 64], ids=["accents", "latin-1", "wide-digits"])
def test_a_cookie_with_a_non_ascii_signature_opens_nothing(
    server: tuple[str, Path], demo_db: Path, signature: str
) -> None:
    url, _ = server
    value = session_cookie(demo_db, COLLECTOR)
    forged = value.rsplit(".", 1)[0] + "." + signature
    status, _, body = request(f"{url}{web.PREFIX}/export/anything", cookie=forged.encode().decode("latin-1"))
    assert status == 403, body
    status, _, body = request(f"{url}/_stcore/metrics", cookie=forged.encode().decode("latin-1"))
    assert status == 404, body


@pytest.mark.browser
def test_a_page_with_a_non_ascii_cookie_loads_as_public(browser, server: tuple[str, Path], demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    value = session_cookie(demo_db, COLLECTOR)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE_NAME, "value": value.rsplit(".", 1)[0] + ".é", "url": url}])
    page = context.new_page()
    page.goto(f"{url}/collector?district=INDORE")
    wait_for_app(page, log)  # fails on an stException
    page.get_by_label("User name").wait_for(timeout=30_000)  # the public's sign-in form, not the page
    assert "t.indore ·" not in page.inner_text('[data-testid="stSidebar"]')
    context.close()


@pytest.mark.browser
def test_the_meeting_pack_answers_only_to_its_session(browser, server: tuple[str, Path], demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    value = session_cookie(demo_db, COLLECTOR)
    context.add_cookies([{"name": COOKIE_NAME, "value": value, "url": url}])
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{url}/collector?district=INDORE")
    page.get_by_role("heading", name=re.compile("Indore")).first.wait_for()
    page.get_by_text("Meeting pack").first.wait_for()
    wait_for_app(page, log, timeout_ms=180_000)
    pack = page.get_by_role("link", name="Download the pack (Excel)").first.get_attribute("href")
    assert pack is not None
    for name in ("Download CSV", "Download Excel"):  # the review list's files: the page may still be drawing them
        page.get_by_role("link", name=name).first.wait_for()
    # No Streamlit download button and no /media/ address on a case page: every file is a link to the route.
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if "/media/" in h]
    assert pack.startswith(f"{web.PREFIX}/export/")
    exports = [h for h in hrefs if h.startswith(f"{web.PREFIX}/export/")]
    assert pack in exports
    assert len(exports) >= 3  # the review list (CSV, Excel) and the pack
    before = Accounts(demo_db).audit().height
    # Without the session cookie (another browser, a plain request), or with another session's: refused.
    assert request(url + pack)[0] == 403
    assert request(url + pack, cookie=session_cookie(demo_db, COLLECTOR))[0] == 403
    assert Accounts(demo_db).audit().height == before
    # With it: the workbook, made now, audited first.
    status, headers, body = request(url + pack, cookie=value)
    assert status == 200
    assert body.startswith(b"PK")
    assert headers["cache-control"] == "no-store"
    assert headers["content-disposition"].startswith("attachment; filename*=UTF-8''review-INDORE-")
    audit = Accounts(demo_db).audit()
    assert audit.height == before + 1
    entry = audit.row(0, named=True)
    assert (entry["username"], entry["scope"]) == ("t.indore", "districts=INDORE")
    assert entry["event"] == "meeting_pack"
    assert (json.loads(entry["args"])["district"], json.loads(entry["args"])["fmt"]) == ("INDORE", "xlsx")
    # Signed out: refused.
    sessions = Sessions(Accounts(demo_db))
    sessions.end(sessions.token_from_cookie(value) or "")
    assert request(url + pack, cookie=value)[0] == 403
    context.close()
