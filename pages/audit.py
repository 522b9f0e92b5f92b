"""State administrator: the audit log of case-list exports (who, when, what scope, how many rows)."""

import streamlit as st

from ui import admin_tables, auth
from ui.i18n import t

auth.require("audit")
st.title(t("audit_title"))
st.caption(t("audit_intro"))
log = auth.accounts().audit()
if log.is_empty():
    st.write(t("audit_empty"))
else:
    st.dataframe(admin_tables.audit_log(log), hide_index=True, width="stretch")
st.subheader(t("accounts"))
st.dataframe(admin_tables.accounts(auth.accounts().list()), hide_index=True, width="stretch")
