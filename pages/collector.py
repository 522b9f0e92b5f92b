"""District collector: the weekly review of pending cases in one district, by department and level,
overdue and about to breach, oldest first, each case's timeline on click, export for the meeting."""

import polars as pl
import streamlit as st

from grading.views import pending_summary
from ui import auth, data
from ui.i18n import display_name, reference_name, t
from ui.widgets import case_download, guarded, page_context

who = auth.require("collector")
stamp, month = page_context()
labels = dict(data.reference(stamp, "districts").select("code", reference_name()).iter_rows())
mine = [d for d in labels if d in who.districts] if who.role == "collector" else list(labels)
district = st.selectbox(t("pick_district"), sorted(mine, key=labels.get), format_func=labels.get, key="district")
cases = data.pending(stamp, month, who, district=district)  # the core refuses a district outside the scope
st.title(t("collector_title", district=labels[district]))
st.caption(t("as_of", when=f"{data.as_of(stamp, month):%d-%m-%Y %H:%M}"))
if cases.is_empty():
    st.info(t("no_cases"))
    st.stop()

top = st.columns(4)
top[0].metric(t("pending"), f"{cases.height:,}")
top[1].metric(t("overdue"), f"{cases['is_overdue'].sum():,}")
top[2].metric(t("due_soon"), f"{cases['due_soon'].sum():,}")
top[3].metric(t("over_50"), f"{(cases['age_days'] > 50).sum():,}")

st.subheader(t("by_dept_level"))
with guarded("pending by department and level"):
    named = cases.with_columns(display_name("department").alias("dept"))
    summary = pending_summary(named, ["dept", "level"])
    ages = {c: f"{c.removeprefix('age_')} {t('days')}" for c in summary.columns if c.startswith("age_")}
    st.dataframe(
        summary.rename(
            {
                "dept": t("department"),
                "level": t("level"),
                "pending": t("pending"),
                "overdue": t("overdue"),
                "due_soon": t("due_soon"),
                "over_50": t("over_50"),
                **ages,
            }
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader(t("review_list"))
only_urgent = st.toggle(t("only_overdue"), key="only_overdue")
review = cases.sort(["is_overdue", "due_soon", "registered_at"], descending=[True, True, False])
if only_urgent:
    review = review.filter(pl.col("is_overdue") | pl.col("due_soon"))
shown = review.select(
    pl.col("complaint_id").alias(t("complaint")),
    display_name("department").alias(t("department")),
    pl.col("level").alias(t("level")),
    pl.col("age_days").alias(t("age_days")),
    pl.col("is_overdue").alias(t("overdue")),
    pl.col("due_soon").alias(t("due_soon")),
    pl.col("days_to_due").alias(t("days_to_due")),
    pl.col("awaiting_callback").alias(t("awaiting_callback")),
    pl.col("category").alias(t("category")),
    pl.col("registered_at").dt.strftime("%d-%m-%Y %H:%M").alias(t("registered")),
)
picked = st.dataframe(
    shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="review_table"
)
st.caption(t("pick_case"))
case_download(
    shown,
    f"review-{district}-{month:%Y-%m}",
    "review",
    who=who,
    scope=who.scope(district=district),
    detail=f"review list {district} {month:%Y-%m}",
)

rows = picked.selection.rows if picked is not None else []
if rows:
    complaint_id = shown[t("complaint")][rows[0]]
    st.subheader(t("timeline", id=complaint_id))
    events = data.timeline(stamp, complaint_id, who, district=district)
    timeline = events.select(
        pl.col("event_time").dt.strftime("%d-%m-%Y %H:%M").alias(t("time")),
        pl.col("event").alias(t("event")),
        pl.col("level").alias(t("level")),
        pl.col("department").alias(t("department")),
        pl.col("outcome").alias(t("outcome")),
        pl.col("note").alias(t("note")),
    )
    st.dataframe(timeline, hide_index=True, width="stretch")
    case_download(
        timeline,
        f"timeline-{complaint_id}",
        "timeline",
        who=who,
        scope=who.scope(district=district),
        detail=f"timeline {complaint_id}",
    )
