"""What is loaded: months, complaints, events, last load, rows rejected and why."""

import streamlit as st

from grading.outputs.fmt import indian
from ui import admin_tables, auth, data
from ui.i18n import month_name, t
from ui.widgets import data_window

auth.require("data")
stamp = st.session_state["db_stamp"]
st.title(t("data_title"))
data_window(stamp)
info = data.status(stamp)
counts = info["counts"]
cols = st.columns(4)
cols[0].metric(t("complaints"), indian(counts["complaints"]))
cols[1].metric(t("events"), indian(counts["events"]))
cols[2].metric(t("loads"), indian(counts["ingest_log"]))
cols[3].metric(t("quarantined"), indian(counts["quarantine"]))
first, last = info["first_month"], info["last_month"]
if first is not None and last is not None:
    st.write(f"{t('months_loaded')}: {month_name(first)} – {month_name(last)}")

st.subheader(t("ingest_log"))
st.dataframe(admin_tables.load_history(info["log"]), hide_index=True, width="stretch")

st.subheader(t("quarantine_reasons"))
reasons = info["quarantine"]
if reasons.is_empty():
    st.write(t("nothing_rejected"))
else:
    st.dataframe(admin_tables.rejection_reasons(reasons), hide_index=True, width="stretch")
    st.subheader(t("quarantined_rows"))
    st.dataframe(admin_tables.rejected_rows(info["quarantine_rows"]), hide_index=True, width="stretch")
