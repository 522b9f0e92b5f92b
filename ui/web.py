"""Nivaran's own HTTP routes beside Streamlit's (mounted by ``dashboard.py`` through ``st.App``).

A Streamlit page talks to the browser over a WebSocket and cannot set a cookie. Sign-in state that
survives reloads and new tabs needs an HttpOnly cookie, which only an HTTP response can set; and case
exports need a URL that answers only to the session that made them. So:

- Every response carries, once, a random **browser cookie** (``nivaran_browser``, HttpOnly,
  SameSite=Lax) set by :class:`BrowserCookie`; the page reads it from its WebSocket handshake.
- ``/nivaran/session/start?ticket=…&next=…``: the page, after a sign-in, sends the browser here with a
  one-time ticket (30 seconds, kept in this process's memory, never on disk) **bound to the browser
  cookie of the tab that signed in**. The route sets the signed session cookie (HttpOnly, SameSite=Lax,
  Secure on HTTPS) only for that browser, and redirects to ``next`` (a path on this site only): a
  ticket sent to someone else (login CSRF: signing a victim into the attacker's account) opens nothing.
- ``/nivaran/session/end`` (POST only, from this site only): ends the session record, deletes the
  cookie, goes to the start page. A cross-site image, link or form cannot sign anyone out.
- ``/nivaran/session/end`` answers a GET (or HEAD) with 405: without that route Streamlit's page
  fallback answered it with the dashboard's start page.
- ``/nivaran/export/<id>``: a file of case rows the page offered (a case list, the meeting pack). It
  answers only to a request carrying the cookie of the live session that offered it; the file is made
  when it is downloaded, through :func:`grading.outputs.export.audited` (audit entry first). Offers
  live ``OFFER_TIME`` at most. Streamlit's download button is never used for case rows: its files are
  served from ``/media/<hash>`` to anyone with the address, without a session.
- ``/nivaran/api/v1/<month>/<endpoint>.json``: the read API's document of a month (``departments``,
  ``districts``, ``cells``, ``flags``; :mod:`grading.outputs.site.api`) as the store reads it now, for a
  request carrying the cookie of a live session (any role): provisional months are not public, so
  everyone else gets 403. A published month's figures are read from its publication, as its static
  site's are.
- :class:`SecurityHeaders`: every HTTP response says it may not be shown in a frame of another page
  (``X-Frame-Options: DENY``, ``Content-Security-Policy: frame-ancestors 'none'``; against
  click-jacking), and ``/_stcore/metrics`` (Streamlit's cache names and sizes, sessions) answers only
  a signed-in administrator (404 for everyone else; Streamlit 1.67 has no option to turn it off).

The pages find out whether the routes are there through :data:`MOUNTED`: run as plain
``streamlit run navigation.py`` (or in ``AppTest``), sign-in holds for the tab only and case files
are not offered at all (the page says they need ``streamlit run dashboard.py``).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final
from urllib.parse import quote

import polars as pl

from grading.access.accessfile import AccessFileError
from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import Identity, Scope
from grading.access.sessions import COOKIE_NAME, Sessions
from grading.outputs import export
from grading.store import database
from ui.assets import PackedAssets

PREFIX: Final = "/nivaran"
_LOCAL_PATH: Final = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
TICKET_TIME: Final = 30.0  # seconds
OFFER_TIME: Final = 15 * 60.0  # seconds
#: What the routes answer while the access file cannot be written (a full disk).
UNAVAILABLE: Final = "The server cannot write its access file just now (the disk may be full); try again later."
#: True once dashboard.py has mounted the routes in this process.
MOUNTED = False

BROWSER_COOKIE: Final = "nivaran_browser"
BROWSER_TIME: Final = 400 * 24 * 3600  # seconds: the longest a browser keeps a cookie
NEXT_TIME: Final = 10 * 60.0  # seconds: a return address kept across an identity-provider sign-in

_lock = threading.Lock()
_tickets: dict[str, tuple[str, int, str, float]] = {}  # ticket → (cookie value, max-age, browser, deadline)
_next: dict[str, tuple[str, float]] = {}  # browser cookie → (return address, deadline)


@dataclass(frozen=True)
class Offer:
    """A file of case rows a page offered: how to make it, how many case rows it holds, for whom,
    within which scope, in which session."""

    session_token: str
    who: Identity
    scope: Scope
    make: Callable[[], bytes]
    rows: int
    fmt: str
    what: Entry
    file_name: str
    deadline: float


_offers: dict[str, Offer] = {}
_offer_ids: dict[tuple[str, str], str] = {}  # (session token, page key) → offer id: one live offer per button


def sessions() -> Sessions:
    """The session records of the database the dashboard serves."""
    return Sessions(Accounts(database.resolve_path()))


def safe_next(path: str | None) -> str:
    """``path`` when it is a path on this site (``/collector?district=X``), else ``/``: never another site."""
    # Browsers drop tabs and newlines from addresses and read "\\" as "/": "/\t/x" would be "//x".
    if not path or not _LOCAL_PATH.fullmatch(path):
        return "/"
    return path


def issue_ticket(cookie_value: str, max_age: int, browser: str) -> str:
    """A one-time ticket that the start route exchanges for the cookie (within ``TICKET_TIME``), only
    for a request carrying the browser cookie ``browser`` (the tab that signed in)."""
    if not browser:
        msg = "a sign-in ticket needs the browser cookie of the tab that signed in"
        raise ValueError(msg)
    ticket = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [k for k, (*_, deadline) in _tickets.items() if deadline < now]:
            del _tickets[old]
        _tickets[ticket] = (cookie_value, max_age, browser, now + TICKET_TIME)
    return ticket


def remember_next(browser: str, path: str) -> None:
    """Keep the address a sign-in was asked for while the browser visits the identity provider (which
    returns to the start page, in a new Streamlit session): for ``NEXT_TIME``, for this browser only."""
    now = time.monotonic()
    with _lock:
        for old in [k for k, (_, deadline) in _next.items() if deadline < now]:
            del _next[old]
        _next[browser] = (safe_next(path), now + NEXT_TIME)


def take_next(browser: str) -> str | None:
    """The address :func:`remember_next` kept for ``browser`` (once), None when none or too old."""
    with _lock:
        found = _next.pop(browser, None)
    return found[0] if found is not None and found[1] >= time.monotonic() else None


class BrowserCookie:
    """ASGI middleware: give every browser a random ``nivaran_browser`` cookie on its first response.

    The cookie names the browser, nothing else (no identity, no session): sign-in tickets and return
    addresses are bound to it, so they work only in the browser that asked for them.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or _has_browser_cookie(scope):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(24)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{BROWSER_COOKIE}={value}; Max-Age={BROWSER_TIME}; Path=/; HttpOnly; SameSite=Lax{secure}"

        async def send_with_cookie(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


_BROWSER_IN_HEADER: Final = re.compile(rb"(?:^|;)\s*" + BROWSER_COOKIE.encode() + rb"=[^;\s]")


def _has_browser_cookie(scope: Any) -> bool:
    return any(name == b"cookie" and _BROWSER_IN_HEADER.search(value) for name, value in scope.get("headers", []))


def same_site(headers: dict[str, str], host: str) -> bool:
    """Whether a request comes from a page of this site: the browser's ``Sec-Fetch-Site`` and ``Origin``
    headers, when sent, must say so (every current browser sends them with a form POST)."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == host


def start_url(ticket: str, next_path: str) -> str:
    """Where the page sends the browser after a sign-in."""
    return f"{PREFIX}/session/start?ticket={quote(ticket)}&next={quote(safe_next(next_path))}"


def offer(
    session_token: str, key: str, *, who: Identity, scope: Scope, rows: pl.DataFrame, fmt: str, what: Entry, name: str
) -> str:
    """Register one table of case rows as CSV or Excel for the session's button ``key``; return its URL
    (as :func:`grading.outputs.export.export_cases` makes it, when it is downloaded)."""
    make = partial(export.write, rows, fmt, sheet=name)
    return offer_file(
        session_token,
        key,
        who=who,
        scope=scope,
        make=make,
        rows=rows.height,
        fmt=fmt,
        what=what,
        file_name=f"{name}.{export.FORMATS[fmt][1]}",
    )


def offer_file(
    session_token: str,
    key: str,
    *,
    who: Identity,
    scope: Scope,
    make: Callable[[], bytes],
    rows: int,
    fmt: str,
    what: Entry,
    file_name: str,
) -> str:
    """Register a file of case rows (``make`` builds its bytes from rows ``who`` may see within
    ``scope``; ``rows`` case rows) for the session's button ``key``; return its URL. The file is made and
    audited only when the URL is downloaded. Replaces the button's previous offer, so reruns do not pile
    up copies."""
    if fmt not in export.FORMATS:
        msg = f"export format {fmt!r}: expected one of {', '.join(export.FORMATS)}"
        raise ValueError(msg)
    now = time.monotonic()
    offer_id = secrets.token_urlsafe(24)
    with _lock:
        for old in [k for k, o in _offers.items() if o.deadline < now]:
            del _offers[old]
        previous = _offer_ids.pop((session_token, key), None)
        if previous is not None:
            _offers.pop(previous, None)
        _offers[offer_id] = Offer(session_token, who, scope, make, rows, fmt, what, file_name, now + OFFER_TIME)
        _offer_ids[(session_token, key)] = offer_id
    return f"{PREFIX}/export/{offer_id}"


def _token(cookies: dict[str, str]) -> str | None:
    value = cookies.get(COOKIE_NAME)
    return sessions().token_from_cookie(value) if value else None


def signed_in(cookies: dict[str, str]) -> Identity | None:
    """The identity of the live session a request's cookie names, None without one (or while the
    access file cannot be read)."""
    try:
        token = _token(cookies)
        return sessions().check(token).identity if token is not None else None
    except AccessFileError:
        return None


#: Every HTTP response: never shown in a frame (click-jacking), by old and new browsers.
FRAME_HEADERS: Final = ((b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'"))
#: Streamlit's metrics (cache names and sizes, sessions): for a signed-in administrator only.
METRICS_PATH: Final = "/_stcore/metrics"


def _with_frame_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"x-frame-options"]
    policy = [v for k, v in kept if k.lower() == b"content-security-policy"]
    if policy and not any(b"frame-ancestors" in v for v in policy):
        kept = [(k, v + b"; frame-ancestors 'none'" if k.lower() == b"content-security-policy" else v) for k, v in kept]
    elif not policy:
        kept.append(FRAME_HEADERS[1])
    return [*kept, FRAME_HEADERS[0]]


def _cookies(scope: Any) -> dict[str, str]:
    from starlette.requests import HTTPConnection

    return dict(HTTPConnection(scope).cookies)


class SecurityHeaders:
    """ASGI middleware (outermost): the frame headers on every HTTP response, and ``/_stcore/metrics``
    answered only to a signed-in administrator's session (404 for everyone else)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_frame_headers(list(message.get("headers", [])))}
            await send(message)

        if scope.get("path", "").rstrip("/") == METRICS_PATH:
            from starlette.concurrency import run_in_threadpool
            from starlette.responses import PlainTextResponse

            who = await run_in_threadpool(signed_in, _cookies(scope))
            if who is None or who.role != "admin":
                headers = {"Cache-Control": "no-store"}
                await PlainTextResponse("Not Found", 404, headers)(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


#: What every answer of the routes carries: never cached, no referrer, no type sniffing.
NO_STORE: Final = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


async def api_document(request: Any) -> Any:
    """``/nivaran/api/v1/<month>/<endpoint>.json``: the month's read-API document as the store reads it
    now (:func:`grading.outputs.site.build.live_document`), for a live session only (403 otherwise)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import PlainTextResponse, Response

    from grading.outputs.site import api, build, layout
    from grading.rules.asof import parse_month

    who = await run_in_threadpool(signed_in, dict(request.cookies))
    if who is None:
        text = "Provisional months are for signed-in users; published months are on the published site."
        return PlainTextResponse(text, 403, NO_STORE)
    month = parse_month(request.path_params["month"])
    endpoint = request.path_params["endpoint"]
    if month is None or endpoint not in layout.ENDPOINTS:
        return PlainTextResponse(f"No such document; endpoints: {', '.join(layout.ENDPOINTS)}.", 404, NO_STORE)
    try:
        found = await run_in_threadpool(build.live_document, database.resolve_path(), month, endpoint)
    except database.StoreError as error:  # the store cannot be read just now: one sentence, no trace
        return PlainTextResponse(str(error), 503, NO_STORE)
    if found is None:
        return PlainTextResponse(f"The store holds no data for {month:%Y-%m}.", 404, NO_STORE)
    return Response(api.dumps(found), 200, media_type="application/json", headers=NO_STORE)


def middleware() -> list[Any]:
    """The middleware ``dashboard.py`` mounts: the security headers (outermost: every response), the
    browser cookie, and Streamlit's front-end files served from memory (:mod:`ui.assets`)."""
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders), Middleware(BrowserCookie), Middleware(PackedAssets)]


def routes() -> list[Any]:
    """The Starlette routes; marks them mounted for the pages of this process."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    global MOUNTED  # noqa: PLW0603 - set once, when the server mounts the routes
    MOUNTED = True
    no_store = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}

    async def start(request: Request) -> Response:
        with _lock:
            found = _tickets.pop(request.query_params.get("ticket", ""), None)
        target = safe_next(request.query_params.get("next"))
        response = RedirectResponse(target, status_code=303, headers=no_store)
        browser = request.cookies.get(BROWSER_COOKIE)
        if found is not None and found[3] >= time.monotonic() and secrets.compare_digest(browser or "", found[2]):
            response.set_cookie(
                COOKIE_NAME,
                found[0],
                max_age=found[1],
                path="/",
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response

    async def end(request: Request) -> Response:
        if not same_site(dict(request.headers), request.headers.get("host", "")):
            return PlainTextResponse("Sign out from the dashboard's own page.", 403, no_store)
        try:
            token = await run_in_threadpool(_token, dict(request.cookies))
            if token is not None:
                await run_in_threadpool(sessions().end, token)
        except AccessFileError:
            return PlainTextResponse(UNAVAILABLE, 503, no_store)
        response = RedirectResponse("/", status_code=303, headers=no_store)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response

    async def not_allowed(_request: Request) -> Response:
        # Without this, Streamlit's page fallback answers a GET here with the start page (200).
        return PlainTextResponse("Sign out with the dashboard's Sign out button.", 405, {**no_store, "Allow": "POST"})

    def serve(offer_id: str, cookies: dict[str, str]) -> tuple[int, bytes, Offer | None]:
        with _lock:
            found = _offers.get(offer_id)
        token = _token(cookies)
        if found is None or found.deadline < time.monotonic() or token is None or token != found.session_token:
            return 403, b"", None
        if sessions().check(token, datetime.now()).identity != found.who:  # ended, or the account changed
            return 403, b"", None
        accounts = Accounts(database.resolve_path())
        data = export.audited(
            accounts, found.who, found.scope, make=found.make, rows=found.rows, fmt=found.fmt, what=found.what
        )
        return 200, data, found

    async def download(request: Request) -> Response:
        try:
            status, data, found = await run_in_threadpool(serve, request.path_params["offer_id"], dict(request.cookies))
        except AccessFileError:  # no audit entry, no file (export.audited): one sentence, not a stack trace
            return PlainTextResponse(UNAVAILABLE, 503, no_store)
        if found is None:
            return PlainTextResponse("This export belongs to a signed-in session that has ended.", 403, no_store)
        disposition = f"attachment; filename*=UTF-8''{quote(found.file_name)}"
        media = export.FORMATS[found.fmt][0]
        return Response(data, status, media_type=media, headers={**no_store, "Content-Disposition": disposition})

    return [
        Route(f"{PREFIX}/session/start", start),
        Route(f"{PREFIX}/session/end", end, methods=["POST"]),
        Route(f"{PREFIX}/session/end", not_allowed, methods=["GET"]),
        Route(PREFIX + "/export/{offer_id}", download),
        Route(PREFIX + "/api/v1/{month}/{endpoint}.json", api_document),
    ]
