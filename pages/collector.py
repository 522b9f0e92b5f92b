"""District collector: the weekly review of one district as of any day: pending by department and level,
overdue and about to breach, what changed since the last review, the review list with each case's
timeline beside it, and the meeting pack (Excel and PDF) for the meeting."""

import polars as pl
import streamlit as st

from grading.rules.asof import month_window
from grading.serve.review import change_counts
from ui import auth, data, district_review, permalink
from ui.i18n import reference_name, t
from ui.widgets import case_download, guarded, page_context

who = auth.require("collector")
stamp, month = page_context()
labels: dict[str, str] = dict(data.reference(stamp, "districts").select("code", reference_name()).iter_rows())
mine = [d for d in labels if d in who.districts] if who.role == "collector" else list(labels)
permalink.restore("district", "district", permalink.one_of(mine))  # a link's district, when in scope
district = st.selectbox(
    t("pick_district"), sorted(mine, key=lambda d: labels[d]), format_func=lambda d: labels[d], key="district"
)
if district is None:  # no district in this user's scope: nothing to review
    st.info(t("no_cases"))
    st.stop()
permalink.publish("district", district)
latest = data.latest_day(stamp) or month_window(month)[2].date()
pickers = st.columns(2)
with pickers[0]:
    day, since = district_review.pick_days(latest, month_window(month)[2].date())
cases = data.review_cases(stamp, day, who, district)  # the core refuses a district outside the scope
st.title(t("collector_title", district=labels[district]))
st.caption(t("review_as_of", day=f"{day:%d-%m-%Y}", since=f"{since:%d-%m-%Y}"))

top = st.columns(4)
top[0].metric(t("pending"), f"{cases.height:,}")
top[1].metric(t("overdue"), f"{cases['is_overdue'].sum():,}")
top[2].metric(t("due_soon"), f"{cases['due_soon'].sum():,}")
top[3].metric(t("over_50"), f"{cases['is_over_50'].sum():,}")

st.subheader(t("by_dept_level") if data.public_levels() else t("by_dept"))
with guarded("pending by department and level"):
    district_review.summary_table(cases)

st.subheader(t("since_last"))
changes = data.review_changes(stamp, day, since, who, district)
with guarded("changes since the last review"):
    district_review.change_metrics(change_counts(changes))

st.subheader(t("review_list"))
only_urgent = st.toggle(t("only_overdue"), key="only_overdue")
listed = cases.filter(pl.col("is_overdue") | pl.col("due_soon")) if only_urgent else cases
shown = district_review.review_table(listed)
left, right = st.columns([3, 2])
with left:
    picked = st.dataframe(
        shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="review_table"
    )
    st.caption(t("list_filtered") if only_urgent else t("pick_case"))
with right:
    searched = st.text_input(t("search_case"), key="case_search").strip()
    rows = picked.selection.rows if picked is not None else []
    chosen = searched or (str(shown[t("complaint")][rows[0]]) if rows else "")
    if chosen:
        with guarded("timeline"):
            district_review.timeline(stamp, chosen, who, district)

suffix = "-overdue-or-due-soon" if only_urgent else ""
case_download(
    shown,
    f"review-{district}-{day:%Y-%m-%d}{suffix}",
    "review",
    who=who,
    scope=who.scope(district=district),
    detail=f"review list {district} {day:%Y-%m-%d}{suffix}",
)
with guarded("meeting pack"):
    district_review.pack_downloads(data.review_pack(stamp, day, since, who, district), who, district, day)

with st.expander(t("changes_detail")), guarded("changes"):
    st.dataframe(district_review.changes_table(changes), hide_index=True, width="stretch")
