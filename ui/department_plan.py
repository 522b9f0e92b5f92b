"""Page pieces of the department head's plan (pages/department.py): why the score moved, the plan against
the best and the median department, the score by district, the month's complaints to look at."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.scoring import fit, plan
from ui import data
from ui.i18n import display_name, lang, metric_label, name_column, t
from ui.widgets import audit_view, case_download


def why_moved_table(before: dict[str, object], now: dict[str, object]) -> None:
    """Component changes (2 decimals) that add up to the change of the published score."""
    label = "label_hi" if lang() == "hi" else "label_en"
    rows = plan.why_moved(before, now, data.scheme())
    rows = rows.filter(pl.col("key").is_in([*shown_components(), "total"]))  # a left-out component moves nothing
    st.table(
        rows.select(
            pl.col(label).alias(t("method_components")),
            pl.col("before").round(2).alias(t("points_last")),
            pl.col("now").round(2).alias(t("points_now")),
            pl.col("change_shown").round(2).alias(t("change")),
        )
    )
    st.caption(t("moved_note"))


def shown_components() -> list[str]:
    """The keys of the scheme's components whose measure the store's records hold (the others are
    left out of every score, :mod:`grading.scoring.fit`)."""
    return [c.key for c in data.scheme().components if data.public_shows(c.metric)]


def plan_section(stamp: tuple[int, int], department: str, month: date, names: dict[str, str]) -> None:
    """Per component: points missing against the best and the median department and the work that
    recovers them, ranked by points per case."""
    rows = data.plan_rows(stamp, department, month).filter(pl.col("key").is_in(shown_components()))
    ranked = data.ranking(stamp, "department", month)
    group = ranked.filter(pl.col("department") == department)["volume_group"].first()
    best, median = plan.reference_departments(ranked, data.scheme(), group if isinstance(group, int) else None)
    st.write(t("plan_intro", best=names.get(best, best), median=names.get(median, median)))
    hi = lang() == "hi"
    st.dataframe(
        rows.select(
            pl.col("label_hi" if hi else "label_en").alias(t("method_components")),
            pl.col("points").round(2).alias(t("points_now")),
            pl.col("gap_best").round(2).alias(t("gap_best")),
            pl.col("gap_median").round(2).alias(t("gap_median")),
            pl.col("per_case").round(3).alias(t("per_case")),
            pl.col("work_hi" if hi else "work_en").alias(t("work")),
            pl.when(pl.col("cases_median") > 0)
            .then(pl.col("gain_median"))
            .otherwise(pl.col("gain_best"))
            .round(2)
            .alias(t("gain")),
            pl.col("cases_next_rank").alias(t("next_rank_cases")),
        ),
        hide_index=True,
        width="stretch",
    )


def by_district(stamp: tuple[int, int], department: str, month: date) -> None:
    """The department's score, grade and received complaints in each district, best first."""
    rows = data.ranking(stamp, "department_district", month).filter(pl.col("department") == department)
    st.dataframe(
        rows.sort("score", descending=True, nulls_last=True).select(
            display_name("district").alias(t("district")),
            pl.col("score").round(2).alias(t("score")),
            pl.col("grade").alias(t("grade")),
            pl.col("received").alias(metric_label("received")),
        ),
        hide_index=True,
        width="stretch",
    )


def outcome_lists(stamp: tuple[int, int], month: date, who: Identity, department: str) -> None:
    """Dissatisfied, reopened and force-closed complaints of the month, one tab each, audited downloads;
    only the lists whose records the store holds (:func:`grading.scoring.fit.outcome_kinds`)."""
    listed = fit.outcome_kinds(data.public_kinds())
    if not listed:
        st.write(t("no_outcome_lists"))
        return
    found = data.outcomes(stamp, month, who, department)
    # Chosen by code, named in the reader's language: the choice holds across a language switch (a tab's
    # state would be its label).
    if st.session_state.get("outcome_kind") not in listed:
        st.session_state["outcome_kind"] = listed[0]
    kind = st.segmented_control(
        t("outcome_lists"),
        listed,
        format_func=lambda k: t(f"outcome_{k}"),
        key="outcome_kind",
        required=True,
        label_visibility="collapsed",
    )
    rows = found.filter(pl.col("kind").cast(pl.String) == kind).select(
        pl.col("complaint_id").alias(t("complaint")),
        pl.col("event_time").dt.date().alias(t("event_on")),
        display_name("district").alias(t("district")),  # names, never codes (issue 25)
        pl.col(name_column("category")).fill_null(pl.col("category")).alias(t("category_name")),
        *([pl.format("L{}", pl.col("level")).alias(t("level"))] if data.public_levels() else []),
        pl.col("registered_at").dt.date().alias(t("registered")),
    )
    scope = who.scope(department=department)
    what = Entry("outcome_cases", {"outcome": str(kind), "department": department, "month": f"{month:%Y-%m}"})
    audit_view(who, scope, what, rows.height)
    st.dataframe(rows, hide_index=True, width="stretch")
    case_download(
        rows,
        f"{kind}-{department}-{month:%Y-%m}",
        f"outcome-{kind}",
        who=who,
        scope=scope,
        what=what,
    )
