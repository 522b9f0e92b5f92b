"""Public summary: the statewide department ranking for a month (no personal data)."""

import polars as pl
import streamlit as st

from grading.registry import label
from ui import data

stamp = st.session_state["db_stamp"]
months = data.months(stamp)
if not months:
    st.info("The database has no graded months yet: import events with `uv run nivaran ingest FILE`.")
    st.stop()

st.title("Nivaran · निवारण")
month = st.selectbox("Month", months[::-1], format_func=lambda m: f"{m:%B %Y}", key="month")
rows = data.graded(stamp, "mp-cm-helpline", "department", month)
st.subheader(f"Department ranking, {month:%B %Y}")
table = rows.select(
    pl.col("rank").alias("Rank"),
    pl.col("department_name").alias("Department"),
    pl.col("department_name_hi").alias("विभाग"),
    pl.col("score").alias("Score"),
    pl.col("grade").alias("Grade"),
    pl.col("received").alias(label("received")),
    pl.col("satisfied_closure_pct").round(1).alias(label("satisfied_closure_pct")),
)
st.table(table.to_pandas().set_index("Rank"))
