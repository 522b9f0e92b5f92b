"""Department head: rank and grade over time, components against the state, why the rank moved,
what would move it, the district reviews' decisions naming the department, and the department's pending
cases by district and level."""

import math

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from grading.access.audit import Entry
from grading.outputs import casewords
from grading.rules.asof import month_window, previous_month
from grading.serve.views import pending_summary
from ui import auth, data, department_plan, meeting_decisions, permalink
from ui.i18n import display_name, lang, month_name, name_column, t
from ui.public_page import month_axis
from ui.ranking import flags_section, published, rank_title
from ui.widgets import audit_view, case_download, guarded, marked, page_context, published_marker

who = auth.require("department")
stamp, month = page_context()
scheme = data.scheme()
hi = lang() == "hi"
ranking = data.ranking(stamp, "department", month)
labels: dict[str, str] = dict(ranking.select("department", display_name("department")).iter_rows())
labels_all = dict(labels)  # every department's name (the plan names the best and the median one)
if who.role == "department_head":
    labels = {code: name for code, name in labels.items() if code in who.departments}
permalink.restore("department", "department", permalink.one_of(list(labels)))  # a link's, when in scope
department = (
    st.selectbox(
        t("pick_department"), sorted(labels, key=lambda d: labels[d]), format_func=lambda d: labels[d], key="department"
    )
    if labels
    else None
)
if department is None:  # no department in this user's scope
    st.info(t("no_cases"))
    st.stop()
permalink.publish("department", department)
me = ranking.filter(pl.col("department") == department).row(0, named=True)
name = labels[department]
if me["is_ranked"]:
    st.title(rank_title(me, ranking, name))
elif me.get("not_graded") == "too_little_data":
    st.title(t("dept_no_data", name=name, pct=f"{scheme.in_force(month).min_data_pct:g}"))
else:
    st.title(t("dept_unranked", name=name, n=scheme.min_received))
st.caption(month_name(month))
published_marker(stamp, month)
flags_section(stamp, month, department)

left, right = st.columns(2)
with left, guarded("rank over time"):
    st.subheader(t("rank_over_time"))
    past = data.history(stamp, "department").filter(pl.col("department") == department, pl.col("is_ranked"))
    # The rank the title prints, month by month: the position in its list, the range it could hold as a band.
    fig = go.Figure(
        go.Scatter(
            x=past["month"].to_list(),
            y=past["rank_position"].to_list(),
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (past["rank_worst"] - past["rank_position"]).to_list(),
                "arrayminus": (past["rank_position"] - past["rank_best"]).to_list(),
                "width": 0,
                "thickness": 6,
                "color": "rgba(31, 119, 180, 0.25)",
            },
            customdata=[[rank, month_name(m)] for rank, m in zip(past["rank_text"], past["month"], strict=True)],
            hovertemplate=f"%{{customdata[1]}}: {t('rank')} %{{customdata[0]}}<extra></extra>",
            mode="lines+markers+text",
            text=past["grade"].to_list(),
            textposition="top center",
        )
    )
    lowest = past["rank_worst"].max()
    if isinstance(lowest, int):  # rank 1 at the top, whole ranks only, about 8 ticks, no rank 0
        fig.update_yaxes(range=[lowest + 0.5, 0.5], tickformat="d", dtick=max(1, math.ceil(lowest / 8)), tick0=1)
    fig.update_yaxes(title=t("rank_in_group"))
    fig.update_layout(height=340, margin={"t": 20})
    st.plotly_chart(month_axis(fig), width="stretch")

with right, guarded("components"):
    st.subheader(t("components_vs"))
    comp = data.components(stamp, department, month).filter(pl.col("key").is_in(department_plan.shown_components()))
    names = comp["label_hi" if hi else "label_en"].to_list()
    fig = go.Figure()
    for col, label in (("points", t("this_department")), ("state_median", t("state_median")), ("best", t("best"))):
        fig.add_bar(name=label, x=names, y=comp[col].to_list())
    fig.update_layout(barmode="group", height=340, margin={"t": 20}, yaxis_title=t("score"))
    st.plotly_chart(fig, width="stretch")

st.subheader(t("why_moved"))
with guarded("why moved"):
    before = data.ranking(stamp, "department", previous_month(month)) if month > min(data.months(stamp)) else None
    prior = before.filter(pl.col("department") == department) if before is not None else None
    last = prior.row(0, named=True) if prior is not None and not prior.is_empty() else None
    if last is None or published(last) is None or published(me) is None or last["volume_group"] != me["volume_group"]:
        st.write(t("no_last_month"))  # not ranked last month, or ranked in another volume group
    else:
        st.write(t("moved_sentence", before=published(last), now=published(me)))
    if last is not None and last.get("score") is not None and me.get("score") is not None:
        department_plan.why_moved_table(last, me)

if data.public_shows("satisfied_closure_pct"):  # the hints count satisfied closures: only where there are call-backs
    st.subheader(t("to_move"))
    # The plan's own re-graded figures for satisfied closures (grading.scoring.plan), so the hints and the plan agree.
    closures = (
        data.plan_rows(stamp, department, month).filter(pl.col("metric") == "satisfied_closure_pct")
        if me["is_ranked"]
        else pl.DataFrame()
    )
    hint = closures.row(0, named=True) if closures.height else {}
    st.write(t("needed_rank", n=hint["cases_next_rank"]) if hint.get("cases_next_rank") else t("needed_none_rank"))
    if hint.get("cases_next_grade"):
        better = [b.grade for b in scheme.grades if b.min_score > (me["score"] or 0)]
        st.write(t("needed_grade", n=hint["cases_next_grade"], grade=better[-1] if better else ""))
    else:
        st.write(t("needed_none_grade"))

st.subheader(t("plan_title"))
with guarded("department plan"):
    if me["is_ranked"]:
        department_plan.plan_section(stamp, department, month, labels_all)
    else:
        st.write(t("plan_none"))

st.subheader(t("by_district_score"))
with guarded("score by district"):
    department_plan.by_district(stamp, department, month)

st.subheader(t("digest_decisions_of", department=name))
with guarded("meeting decisions"):
    latest = data.latest_day(stamp) or month_window(month)[2].date()
    meeting_decisions.department_section(stamp, who, department, min(latest, month_window(month)[2].date()))

st.subheader(t("outcome_lists"))
with guarded("outcome lists"):
    department_plan.outcome_lists(stamp, month, who, department)

cases = data.pending(stamp, month, who, department=department)  # the core refuses a department outside
levels = data.public_levels()  # a store whose complaints never leave L1 has no level breakdown
st.subheader(t("pending_by_district") if levels else t("pending_by_district_only"))
with guarded("pending by district"):
    if cases.is_empty():
        st.write(t("no_cases"))
    elif levels:
        by = pending_summary(cases.with_columns(display_name("district").alias("d")), ["d", "level"])
        wide = by.pivot(on="level", index="d", values="pending", sort_columns=True).fill_null(0).sort("d")
        st.dataframe(wide.rename({"d": t("district")}), hide_index=True, width="stretch")
    else:
        by = pending_summary(cases.with_columns(display_name("district").alias("d")), ["d"])
        st.dataframe(
            by.select(pl.col("d").alias(t("district")), pl.col("pending").alias(t("pending"))),
            hide_index=True,
            width="stretch",
        )

st.subheader(t("oldest_cases"))
oldest = cases.sort("registered_at").head(20)
file = oldest.select(
    pl.col("complaint_id").alias(t("complaint")),
    pl.col(name_column("district")).alias(t("district")),
    *([pl.col("level").alias(t("level"))] if levels else []),
    pl.col("age_days").alias(t("age_days")),
    casewords.yes_no_expr(pl.col("is_overdue"), lang()).alias(t("overdue")),
    pl.col(name_column("category")).fill_null(pl.col("category")).alias(t("category_name")),
)
# On screen: the marker coloured and how far from the due date in words, dates as dates (the file keeps
# its numbers, dates and the complaint id first).
shown = oldest.select(
    casewords.mark_expr(pl.col("is_overdue"), pl.col("due_soon"), lang()).alias(t("mark")),
    *([pl.col("level").cast(pl.String).fill_null("").alias(t("level"))] if levels else []),
    pl.col("age_days").alias(t("age_days")),
    casewords.due_expr(pl.col("days_to_due"), lang()).alias(t("when_due")),
    casewords.day_expr(pl.col("due_date"), lang()).alias(t("due_date")),
    pl.col("complaint_id").alias(t("complaint")),
    display_name("district").fill_null("").alias(t("district")),
    pl.col(name_column("category")).fill_null(pl.col("category")).fill_null("").alias(t("category_name")),
    casewords.day_expr(pl.col("registered_at"), lang()).alias(t("registered")),
)
oldest_cases = Entry("oldest_cases", {"department": department, "month": f"{month:%Y-%m}"})
audit_view(who, who.scope(department=department), oldest_cases, oldest.height)
st.dataframe(marked(shown, t("mark")), hide_index=True, width="stretch")
case_download(
    file,
    f"oldest-{department}-{month:%Y-%m}",
    "oldest",
    who=who,
    scope=who.scope(department=department),
    what=oldest_cases,
)
