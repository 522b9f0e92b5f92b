"""District collector: the weekly review of one district as of any day: pending by department and level,
overdue and about to breach, what changed since the last review, the review list with each case's
timeline beside it, the meeting decisions (carried over, recorded, marked done), and the meeting pack
(Excel and PDF) for the meeting."""

import polars as pl
import streamlit as st

from grading.access.audit import Entry
from grading.rules.asof import month_window
from grading.serve.review import change_counts
from ui import auth, data, district_review, meeting_decisions, permalink
from ui.i18n import day_words, reference_name, t
from ui.widgets import audit_view, case_download, guarded, page_context

who = auth.require("collector")
stamp, month = page_context()
labels: dict[str, str] = dict(data.reference(stamp, "districts").select("code", reference_name()).iter_rows())
mine = [d for d in labels if d in who.districts] if who.role == "collector" else list(labels)
heading = st.container()  # the title, once the district and the days are chosen
pickers = st.columns([2, 1, 1])
permalink.restore("district", "district", permalink.one_of(mine))  # a link's district, when in scope
district = pickers[0].selectbox(
    t("pick_district"), sorted(mine, key=lambda d: labels[d]), format_func=lambda d: labels[d], key="district"
)
if district is None:  # no district in this user's scope: nothing to review
    st.info(t("no_cases"))
    st.stop()
permalink.publish("district", district)
latest = data.latest_day(stamp) or month_window(month)[2].date()
day, since = district_review.pick_days(latest, month_window(month)[2].date(), pickers[1], pickers[2])
cases = data.review_cases(stamp, day, who, district)  # the core refuses a district outside the scope
listed_entry = Entry("review_list", {"district": district, "day": day.isoformat()})
audit_view(who, who.scope(district=district), listed_entry, cases.height)
heading.title(t("collector_title", district=labels[district]))
heading.caption(t("review_as_of", day=day_words(day), since=day_words(since)))

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
controls = st.columns([2, 3])
only_urgent = controls[0].toggle(t("only_overdue"), key="only_overdue")
searched = controls[1].text_input(t("search_case"), key="case_search").strip()
listed = cases.filter(pl.col("is_overdue") | pl.col("due_soon")) if only_urgent else cases
shown = district_review.review_display(listed)  # the whole width: every deciding column in view
picked = district_review.review_list(shown)
st.caption(t("list_filtered") if only_urgent else t("pick_case"))
chosen = searched or (str(listed["complaint_id"][picked]) if picked is not None else "")
if chosen:
    with guarded("timeline"):
        district_review.timeline(stamp, chosen, who, district)

suffix = "-overdue-or-due-soon" if only_urgent else ""
case_download(
    district_review.review_table(listed),  # the file: real dates and numbers, the complaint id first
    f"review-{district}-{day:%Y-%m-%d}{suffix}",
    "review",
    who=who,
    scope=who.scope(district=district),
    what=Entry("review_list_urgent" if only_urgent else "review_list", {"district": district, "day": day.isoformat()}),
)
st.subheader(t("digest_decisions"))
decided = None  # the pack goes without its decisions when they cannot be read
with guarded("meeting decisions"):
    decided = meeting_decisions.review_section(stamp, who, district, day, since)

with guarded("meeting pack"):
    pack = data.review_pack(stamp, day, since, who, district, decided=decided)
    district_review.pack_downloads(pack, who, district, day)

with st.expander(t("changes_detail")), guarded("changes"):
    st.dataframe(district_review.changes_table(changes), hide_index=True, width="stretch")
