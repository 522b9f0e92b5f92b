"""State administrator: the audit log (who, when, within which scope, what, how many case rows), the
accounts, the accounts not signed in lately and every account's watchlist."""

import streamlit as st

from grading.access.logbook import IDLE_DAYS
from ui import admin_tables, auth, data
from ui.i18n import t

auth.require("audit")
stamp = st.session_state["db_stamp"]
store = auth.accounts()
st.title(t("audit_title"))
st.caption(t("audit_intro"))
log = store.audit()
if log.is_empty():
    st.write(t("audit_empty"))
else:
    st.dataframe(admin_tables.audit_log(log), hide_index=True, width="stretch")
st.subheader(t("accounts"))
st.dataframe(admin_tables.accounts(store.list()), hide_index=True, width="stretch")

st.subheader(t("idle_title"))
days = int(st.number_input(t("idle_days"), min_value=0, value=IDLE_DAYS, step=1, key="idle_days"))
st.caption(t("idle_intro", days=days))
idle = store.idle(days)  # the list of `nivaran users list --idle`
if idle.is_empty():
    st.write(t("idle_none", days=days))
else:
    st.dataframe(admin_tables.idle_accounts(idle), hide_index=True, width="stretch")

st.subheader(t("watchlists_title"))
st.caption(t("watchlists_intro"))
pins = store.watchlists()
if pins.is_empty():
    st.write(t("watchlists_none"))
else:
    districts, departments = data.reference(stamp, "districts"), data.reference(stamp, "departments")
    st.dataframe(admin_tables.watchlists(pins, districts, departments), hide_index=True, width="stretch")
