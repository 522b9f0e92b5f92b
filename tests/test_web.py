"""Nivaran's HTTP routes (ui/web.py) without a browser: the cookie hand-off and session-bound exports."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette asks for httpx2 over the httpx already installed: same API here
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.access.sessions import COOKIE_NAME, Sessions
from ui import web

WHO = Identity("c", "collector", districts=("BHOPAL",))
REVIEW = Entry("review_list", {"district": "BHOPAL", "day": "2024-08-01"})
ROWS = pl.DataFrame({"complaint_id": ["MP2408-0000001", "MP2408-0000002"], "note": ["=1+1", "ok"]})


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("NIVARAN_DB", str(tmp_path / "n.duckdb"))
    Accounts(tmp_path / "n.duckdb").add("c", "collector", password="pw", districts=("BHOPAL",))
    monkeypatch.setattr(web, "MOUNTED", False)
    app = Starlette(routes=web.routes(), middleware=web.middleware())
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def browser_of(client: TestClient) -> str:
    """The browser cookie the middleware gives a client on its first request."""
    if web.BROWSER_COOKIE not in client.cookies:
        client.get(f"{web.PREFIX}/session/start", follow_redirects=False)
    return str(client.cookies[web.BROWSER_COOKIE])


def signed_in(client: TestClient) -> str:
    """Open a session and pass its ticket through the start route, as the page does; return the token."""
    records = web.sessions()
    token = records.open(WHO, "password", "local")
    ticket = web.issue_ticket(*records.cookie(token), browser_of(client))
    answer = client.get(web.start_url(ticket, "/collector?district=BHOPAL"), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/collector?district=BHOPAL"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=v1.")
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/"):
        assert attribute in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))  # type: ignore[union-attr]
    assert 8 * 3600 - 60 < max_age <= 8 * 3600  # as long as the session may last
    assert "Secure" not in cookie  # plain http on this machine; https gets Secure
    return token


def test_the_start_route_sets_the_cookie_once_per_ticket(client: TestClient) -> None:
    assert web.MOUNTED  # routes() marks them mounted for the pages
    records = web.sessions()
    ticket = web.issue_ticket(*records.cookie(records.open(WHO, "password", "local")), browser_of(client))
    first = client.get(web.start_url(ticket, "/"), follow_redirects=False)
    again = client.get(web.start_url(ticket, "/"), follow_redirects=False)
    assert COOKIE_NAME in first.headers["set-cookie"]
    assert "set-cookie" not in again.headers  # a ticket is good once
    assert "set-cookie" not in client.get(web.start_url("made-up", "/"), follow_redirects=False).headers


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/collector?district=BHOPAL", "/collector?district=BHOPAL"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/collector\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_after_sign_in_the_browser_goes_only_to_a_path_on_this_site(asked: str, lands: str) -> None:
    assert web.safe_next(asked) == lands


def test_an_export_answers_only_to_the_session_that_offered_it(client: TestClient) -> None:
    token = signed_in(client)  # the client now holds the cookie
    url = web.offer(token, "review-csv", who=WHO, scope=WHO.scope(), rows=ROWS, fmt="csv", what=REVIEW, name="r")
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''r.csv"
    assert answer.content.decode("utf-8-sig").splitlines() == [
        "complaint_id,note",
        "MP2408-0000001,'=1+1",
        "MP2408-0000002,ok",
    ]
    exports = pl.col("action") == "export"  # the log also records account changes (issue 28)
    assert web.sessions().accounts.audit().filter(exports)["args"].to_list() == [REVIEW.with_format("csv").args]
    # Without the cookie, or with another session's cookie: refused, nothing audited.
    stranger = TestClient(client.app, base_url="http://127.0.0.1")
    assert stranger.get(url).status_code == 403
    other = Sessions(web.sessions().accounts)
    value, _ = other.cookie(other.open(WHO, "password", "local"))
    stranger.cookies.set(COOKIE_NAME, value)
    assert stranger.get(url).status_code == 403
    # Signed out (the end route revokes the record and deletes the cookie): refused.
    ended = client.post(f"{web.PREFIX}/session/end", follow_redirects=False)
    assert ended.status_code == 303
    assert f'{COOKIE_NAME}=""' in ended.headers["set-cookie"]
    assert web.sessions().check(token).identity is None
    client.cookies.set(COOKIE_NAME, web.sessions().cookie(token)[0])  # even replaying the old cookie
    assert client.get(url).status_code == 403
    assert web.sessions().accounts.audit().filter(exports).height == 1


def test_a_new_offer_for_the_same_button_replaces_the_old_one(client: TestClient) -> None:
    token = signed_in(client)
    first = web.offer(token, "k", who=WHO, scope=WHO.scope(), rows=ROWS, fmt="xlsx", what=REVIEW, name="r")
    second = web.offer(token, "k", who=WHO, scope=WHO.scope(), rows=ROWS, fmt="xlsx", what=REVIEW, name="r")
    assert client.get(first).status_code == 403
    assert client.get(second).content.startswith(b"PK")


def test_every_browser_gets_its_own_browser_cookie_once(client: TestClient) -> None:
    first = client.get("/anything", follow_redirects=False)
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{web.BROWSER_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "set-cookie" not in client.get("/anything", follow_redirects=False).headers  # kept, not renewed
    other = TestClient(client.app, base_url="http://127.0.0.1")
    assert browser_of(other) != browser_of(client)


def test_a_ticket_signs_in_only_the_browser_that_signed_in(client: TestClient) -> None:
    """Login CSRF: an attacker signs in, keeps the start address and sends it to a victim; the victim's
    browser must not come back signed in as the attacker."""
    records = web.sessions()
    attacker = TestClient(client.app, base_url="http://127.0.0.1")
    ticket = web.issue_ticket(*records.cookie(records.open(WHO, "password", "local")), browser_of(attacker))
    victim = client.get(web.start_url(ticket, "/"), follow_redirects=False)
    assert victim.status_code == 303
    assert COOKIE_NAME not in victim.headers.get("set-cookie", "")
    assert COOKIE_NAME not in client.cookies
    # The ticket was spent by the victim's request: not even the attacker's browser can use it now.
    assert "set-cookie" not in attacker.get(web.start_url(ticket, "/"), follow_redirects=False).headers
    # A request with no browser cookie at all opens nothing either.
    bare = TestClient(client.app, base_url="http://127.0.0.1")
    bare.cookies.set(web.BROWSER_COOKIE, "")
    fresh = web.issue_ticket(*records.cookie(records.open(WHO, "password", "local")), browser_of(attacker))
    assert COOKIE_NAME not in bare.get(web.start_url(fresh, "/"), follow_redirects=False).headers.get("set-cookie", "")
    with pytest.raises(ValueError, match="browser cookie"):
        web.issue_ticket("v1.x", 60, "")


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {}, 405),  # an <img src=...> or a link
        ("POST", {"Origin": "https://evil.example"}, 403),  # another site's form
        ("POST", {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "cross-site"}, 403),
        ("POST", {"Sec-Fetch-Site": "same-site"}, 403),  # a sibling host name
    ],
)
def test_sign_out_is_refused_unless_posted_from_this_site(
    client: TestClient, method: str, headers: dict[str, str], status: int
) -> None:
    token = signed_in(client)
    answer = client.request(method, f"{web.PREFIX}/session/end", headers=headers, follow_redirects=False)
    assert answer.status_code == status
    assert "set-cookie" not in answer.headers
    assert web.sessions().check(token).identity == WHO  # still signed in


def test_sign_out_posted_from_the_dashboard_page_ends_the_session(client: TestClient) -> None:
    token = signed_in(client)
    same = {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "same-origin"}
    answer = client.post(f"{web.PREFIX}/session/end", headers=same, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert f'{COOKIE_NAME}=""' in answer.headers["set-cookie"]
    assert web.sessions().check(token).identity is None


def test_a_return_address_is_kept_for_its_browser_once() -> None:
    web.remember_next("browser-a", "/collector?district=BHOPAL")
    web.remember_next("browser-b", "//evil.example/")
    assert web.take_next("browser-c") is None
    assert web.take_next("browser-a") == "/collector?district=BHOPAL"
    assert web.take_next("browser-a") is None  # once
    assert web.take_next("browser-b") == "/"  # only a path on this site
