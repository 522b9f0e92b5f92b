"""Sign-in for the dashboard: local accounts (:mod:`grading.access`) and, when ``[auth]`` is configured
in ``.streamlit/secrets.toml``, Streamlit's built-in OIDC sign-in (``st.login``) whose e-mail is mapped to
an account.

The signed-in identity lives in this browser session only (``st.session_state``), so no URL or query
parameter can set or widen it. A session ends ``SESSION_TIME`` after sign-in or ``IDLE_TIME`` after
its last use; failed sign-ins are limited per user name (in the access file) and per session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from grading.access import MAX_FAILURES, PUBLIC, Accounts, Identity, session_expired
from ui import data
from ui.i18n import t

_SESSION = "signed_in"
_FAILURES = "sign_in_failures"


def accounts() -> Accounts:
    """The access file of the database the dashboard reads."""
    return Accounts(data.db_path())


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


def current(now: datetime | None = None) -> Identity:
    """The identity of this session (``PUBLIC`` when nobody is signed in), after the expiry checks."""
    now = now or datetime.now()
    session = st.session_state.get(_SESSION)
    if session is not None:
        if session_expired(session["signed_in_at"], session["seen_at"], now):
            sign_out(expired=True)
            return PUBLIC
        session["seen_at"] = now
        identity: Identity = session["identity"]
        return identity
    email = _oidc_email()
    if email is not None:
        found = accounts().identity_for_email(email)
        if found is None:
            st.session_state["no_role"] = email
            return PUBLIC
        _start(found, "oidc", now)
        return found
    return PUBLIC


def _start(identity: Identity, via: str, now: datetime) -> None:
    st.session_state[_SESSION] = {"identity": identity, "via": via, "signed_in_at": now, "seen_at": now}
    st.session_state.pop(_FAILURES, None)


def sign_in(username: str, password: str) -> bool:
    """Check a local account; start the session when right. A session gets ``MAX_FAILURES`` tries."""
    failures = st.session_state.get(_FAILURES, 0)
    if failures >= MAX_FAILURES:
        return False
    found = accounts().sign_in(username, password)
    if found is None:
        st.session_state[_FAILURES] = failures + 1
        return False
    _start(found, "password", datetime.now())
    return True


def session_locked() -> bool:
    """Whether this session has used up its sign-in tries."""
    return bool(st.session_state.get(_FAILURES, 0) >= MAX_FAILURES)


def sign_out(expired: bool = False) -> None:
    """End the session (and the identity provider's, for an OIDC sign-in)."""
    session = st.session_state.pop(_SESSION, None)
    st.session_state.pop("no_role", None)
    if expired:
        st.session_state["expired"] = True
    if session is not None and session["via"] == "oidc":
        st.logout()


def require(page: str) -> Identity:
    """The signed-in identity when its role may open ``page``; otherwise explain and stop the page."""
    who = current()
    if not who.can_see(page):
        st.warning(t("not_allowed"))
        st.stop()
    return who


def sidebar(who: Identity) -> None:
    """Who is signed in, with a sign-out button (nothing for the public)."""
    if who.is_public:
        if st.session_state.pop("expired", False):
            st.sidebar.info(t("session_expired"))
        return
    scope = ", ".join(who.districts + who.departments) or t("whole_state")
    st.sidebar.caption(t("signed_in_as", user=who.username, role=t(f"role_{who.role}"), scope=scope))
    st.sidebar.button(t("sign_out"), on_click=sign_out, key="sign_out")
