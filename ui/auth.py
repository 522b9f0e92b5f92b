"""Sign-in for the dashboard: local accounts (:mod:`grading.access.accounts`) and, when ``[auth]`` is configured
in ``.streamlit/secrets.toml``, Streamlit's built-in OIDC sign-in (``st.login``) whose e-mail is mapped to
an account.

A sign-in opens a session record in the access file (:mod:`grading.access.sessions`); this browser session
keeps its token in ``st.session_state``, and, when the server runs with Nivaran's routes (``dashboard.py``),
the browser gets it as a signed HttpOnly cookie, so a reload or a new tab stays signed in. Every rerun
checks the record: sign-out, expiry (``SESSION_TIME`` after sign-in, ``IDLE_TIME`` without use) and a
removed or changed account end the session at once. No URL or query parameter can set or widen the
identity. Failed sign-ins are limited per client and user name (in the access file) and per tab.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from grading.access.accessfile import AccessFileError
from grading.access.accounts import Accounts
from grading.access.identity import PUBLIC, Identity
from grading.access.sessions import COOKIE_NAME, Sessions
from grading.access.signin import LOCAL_CLIENT, MAX_FAILURES
from ui import reader, web
from ui.i18n import browser_lang, lang, t

_SESSION = "signed_in"  # {"identity": Identity, "via": "password" | "oidc", "token": str}
_FAILURES = "sign_in_failures"
_NEXT = "after_sign_in"  # where a deep link wanted to go
_LAND = "land_on_own_page"  # signed in without the cookie route: open the role's page next
_HANDOFF = "handoff"  # a pending redirect: ("start", ticket) or ("end", "")
_COOKIE_READ = "cookie_read"  # the cookie (fixed for the life of a tab) is looked at once
_SENT = "sign_in_sent"  # the submitted password, for the one run that checks it
_SIGNED_OUT = "signed_out"  # signed out in this tab: an OIDC identity no longer signs it in again
_LOG = logging.getLogger(__name__)


def accounts() -> Accounts:
    """The access file of the database the dashboard reads."""
    return Accounts(reader.db_path())


def sessions() -> Sessions:
    """The session records of that access file."""
    return Sessions(accounts())


def client() -> str:
    """Who is signing in, for the sign-in limits: the connection's IP address (uvicorn takes it from
    ``X-Forwarded-For`` only when a reverse proxy on this machine sends it), else ``local``."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else LOCAL_CLIENT


def oidc_configured() -> bool:
    """Whether an identity provider is configured (``[auth]`` in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _oidc_email() -> str | None:
    if not oidc_configured():
        return None
    user: Any = st.user
    return str(user.email) if user.get("is_logged_in") and user.get("email") else None


def _from_cookie() -> dict[str, Any] | None:
    """The session named by this browser's cookie (a reload or a new tab); read once per tab."""
    st.session_state[_COOKIE_READ] = True
    value = st.context.cookies.get(COOKIE_NAME)
    token = sessions().token_from_cookie(value) if isinstance(value, str) else None
    if token is None:
        return None
    return {"identity": PUBLIC, "via": "oidc" if _oidc_email() else "password", "token": token}


def current() -> Identity:
    """The identity of this session (``PUBLIC`` when nobody is signed in), checked against its record.

    While the access file cannot be read or written (a full disk), nobody is signed in: the session is
    kept for the next run, and the sidebar says why in one sentence."""
    try:
        return _current()
    except AccessFileError as exc:
        _LOG.error("session check: %s", exc)
        st.sidebar.error(t("sign_in_unavailable"))
        return PUBLIC


def _current() -> Identity:
    session = st.session_state.get(_SESSION)
    if session is None and not st.session_state.get(_COOKIE_READ):
        session = _from_cookie()
    if session is not None:
        check = sessions().check(session["token"])
        if check.identity is None:
            if _SESSION in st.session_state:  # live in this tab until now: ended elsewhere or ran out
                sign_out(expired=check.expired, here=False)
            else:  # a reload after the session ended: stay public (no silent identity-provider sign-in)
                st.session_state[_SIGNED_OUT] = True
                st.session_state["expired"] = check.expired
            return PUBLIC
        session["identity"] = check.identity
        st.session_state[_SESSION] = session
        return check.identity
    email = _oidc_email()
    if email is not None and not st.session_state.get(_SIGNED_OUT):
        found = accounts().identity_for_email(email)
        if found is None:
            st.session_state["no_role"] = email
            return PUBLIC
        _start(found, "oidc")
        return found
    return PUBLIC


def browser() -> str | None:
    """This browser's ``nivaran_browser`` cookie (set by dashboard.py's middleware), None without it."""
    value = st.context.cookies.get(web.BROWSER_COOKIE)
    return value if isinstance(value, str) and value else None


def _start(identity: Identity, via: str) -> None:
    token = sessions().open(identity, via, client())
    st.session_state[_SESSION] = {"identity": identity, "via": via, "token": token}
    st.session_state.pop(_FAILURES, None)
    st.session_state.pop(_SIGNED_OUT, None)
    this_browser = browser()
    if web.MOUNTED and this_browser is not None:
        # The ticket works only in this browser (login CSRF). Without the browser cookie (served
        # without dashboard.py's middleware) the sign-in holds for this tab only.
        ticket = web.issue_ticket(*sessions().cookie(token), this_browser)
        st.session_state[_HANDOFF] = ("start", ticket)
        if via == "oidc" and (asked := web.take_next(this_browser)) is not None:
            st.session_state[_NEXT] = asked  # the bookmark the identity provider's round trip forgot
    elif st.session_state.pop(_NEXT, None) is None:  # a bookmark stays where it is; else the role's page
        st.session_state[_LAND] = True


def sign_in(username: str, password: str) -> bool:
    """Check a local account; start the session when right. A tab gets ``MAX_FAILURES`` tries."""
    failures = st.session_state.get(_FAILURES, 0)
    if failures >= MAX_FAILURES:
        return False
    found = accounts().sign_in(username, password, client=client())
    if found is None:
        st.session_state[_FAILURES] = failures + 1
        return False
    _start(found, "password")
    return True


def session_locked() -> bool:
    """Whether this tab has used up its sign-in tries."""
    return bool(st.session_state.get(_FAILURES, 0) >= MAX_FAILURES)


def sign_out(expired: bool = False, here: bool = True) -> None:
    """End the session: its record (every tab of it), the identity provider's session, and, when signed
    out ``here`` (the button), the cookie (a tab whose session ended elsewhere stays on its page)."""
    session = st.session_state.pop(_SESSION, None)
    st.session_state.pop("no_role", None)
    st.session_state[_SIGNED_OUT] = True
    if expired:
        st.session_state["expired"] = True
    if session is None:
        return
    sessions().end(session["token"])
    if session["via"] == "oidc":
        st.logout()
    elif web.MOUNTED and here:
        st.session_state[_HANDOFF] = ("end", "")


def this_url() -> str:
    """The path and query of the page being shown (``/collector?district=BHOPAL``)."""
    page = st.context.url if isinstance(st.context.url, str) else ""
    path = "/" + page.split("://", 1)[-1].partition("/")[2] if "://" in page else "/"
    query = urlencode(st.query_params.to_dict())
    return path + (f"?{query}" if query else "")


def hand_off(home: str = "/") -> None:
    """Send the browser to the cookie route when a sign-in or sign-out is pending (then stop). A sign-in
    lands on the page asked for (a bookmark), else on ``home``, the role's own page (a collector's
    review, a department head's page, the administrator's data page), never the public summary."""
    pending = st.session_state.pop(_HANDOFF, None)
    if pending is None:
        return
    kind, ticket = pending
    next_path = st.session_state.pop(_NEXT, None) or (home if kind == "start" else "/")
    if lang() != browser_lang():  # the new page load keeps the language chosen on this one
        next_path += ("&" if "?" in next_path else "?") + urlencode({"lang": lang()})
    if kind == "start":
        target = web.start_url(ticket, next_path)
        # The URL is built here from our own ticket and a checked local path: nothing from the user.
        st.html(f"<script>window.location.replace({target!r});</script>", unsafe_allow_javascript=True)
        st.link_button(t("continue"), target)
    else:  # signing out is a POST from this page (the route refuses a GET or another site's form)
        end = f"{web.PREFIX}/session/end"
        st.html(
            f'<form id="nivaran-end" method="post" action="{end}" target="_top">'
            f'<button type="submit">{escape(t("continue"))}</button></form>'
            '<script>document.getElementById("nivaran-end").submit();</script>',
            unsafe_allow_javascript=True,
        )
    st.stop()


def landing() -> bool:
    """Whether this tab has just signed in without the cookie route (``streamlit run navigation.py``,
    AppTest) and should now open the role's own page (once)."""
    return bool(st.session_state.pop(_LAND, False))


def stand_in(page: str) -> Callable[[], None]:
    """The page at a protected page's address for someone whose role may not open it.

    The public get the sign-in form, and after signing in land on the address they asked for (with its
    query: a bookmark works). Others are told the page is not for their role. The page's own code
    never runs.
    """

    def show() -> None:
        who = current()
        if who.is_public:
            st.session_state[_NEXT] = this_url()
            sign_in_form()
        else:
            refuse(page, who)

    show.__name__ = f"stand_in_{page}"
    return show


def _take_password() -> None:
    """The submit button's callback: the password moves out of its box (which is emptied for the next
    try) into one run's keeping; the user name stays typed, so a failed sign-in keeps it."""
    st.session_state[_SENT] = st.session_state.get("password", "")
    st.session_state["password"] = ""


def sign_in_form() -> None:
    """The sign-in page: the identity provider (when configured) and the local account form."""
    st.title(t("sign_in_title"))
    st.write(t("sign_in_intro"))
    if email := st.session_state.get("no_role"):
        st.warning(t("no_role", email=email))
    if oidc_configured():
        if st.button(t("sign_in_oidc"), key="oidc_sign_in", type="primary"):
            asked, this_browser = st.session_state.get(_NEXT), browser()
            if asked and this_browser is not None:
                web.remember_next(this_browser, asked)  # the provider returns to the start page
            st.login()
        st.divider()
    if session_locked():
        st.error(t("sign_in_failed"))
        return
    with st.form("sign_in"):
        username = st.text_input(t("username"), key="username")
        st.text_input(t("password"), type="password", key="password")
        submitted = st.form_submit_button(t("sign_in"), on_click=_take_password)
    if submitted:
        try:
            signed = sign_in(username, st.session_state.pop(_SENT, ""))
        except AccessFileError as exc:  # a full disk: one sentence here, the details in the server's log
            _LOG.error("sign-in: %s", exc)
            st.error(t("sign_in_unavailable"))
            return
        if signed:
            st.rerun()
        st.error(t("sign_in_failed"))


def refuse(page: str, who: Identity) -> None:
    """Say, in one sentence, whom ``page`` is for and who is signed in (a collector opening the department
    page is told it is for department heads, not asked to sign in); the public are asked to sign in."""
    if who.is_public:
        st.warning(t("not_allowed"))
        return
    keys = {"collector": "page_for_collector", "department": "page_for_department", "data": "page_for_data"}
    keys["audit"] = "page_for_audit"
    st.warning(t(keys[page], user=who.username, role=t(f"role_{who.role}")) if page in keys else t("not_allowed"))


def require(page: str) -> Identity:
    """The signed-in identity when its role may open ``page``; otherwise explain and stop the page."""
    who = current()
    if not who.can_see(page):
        refuse(page, who)
        st.stop()
    return who


def token() -> str | None:
    """This tab's session token (for exports bound to the session), None for the public."""
    session = st.session_state.get(_SESSION)
    return str(session["token"]) if session else None


def sidebar(who: Identity) -> None:
    """Who is signed in, with a sign-out button (nothing for the public)."""
    if who.is_public:
        if st.session_state.pop("expired", False):
            st.sidebar.info(t("session_expired"))
        return
    scope = ", ".join(who.districts + who.departments) or t("whole_state")
    st.sidebar.caption(t("signed_in_as", user=who.username, role=t(f"role_{who.role}"), scope=scope))
    st.sidebar.button(t("sign_out"), on_click=sign_out, key="sign_out")
