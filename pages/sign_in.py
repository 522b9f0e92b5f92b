"""Sign in: a local account (user name and password), or the organisation's identity provider."""

import streamlit as st

from ui import auth
from ui.i18n import t

st.title(t("sign_in_title"))
st.write(t("sign_in_intro"))
if email := st.session_state.get("no_role"):
    st.warning(t("no_role", email=email))
if auth.oidc_configured():
    if st.button(t("sign_in_oidc"), key="oidc_sign_in", type="primary"):
        st.login()
    st.divider()
if auth.session_locked():
    st.error(t("sign_in_failed"))
    st.stop()
with st.form("sign_in", clear_on_submit=True):
    username = st.text_input(t("username"), key="username")
    password = st.text_input(t("password"), type="password", key="password")
    submitted = st.form_submit_button(t("sign_in"))
if submitted:
    if auth.sign_in(username, password):
        st.rerun()
    st.error(t("sign_in_failed"))
