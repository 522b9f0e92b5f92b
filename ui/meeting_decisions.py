"""Page pieces of the meeting decisions (pages/collector.py, pages/department.py): the decisions a review
carries, in words of the reader's language; the collector's form that records one and the control that
marks one done.

The rules are :mod:`grading.access.decisions` and :mod:`grading.serve.decisions`, the same code as
``nivaran decisions add/list/done`` (through :mod:`ui.data`): scope, checks and the audit log are theirs.
Recording and marking done run as the buttons' callbacks, before the page reads the list again, so the
list below a click already holds what it did.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl
import streamlit as st

from grading.access.identity import Identity
from grading.model.schema import NivaranError
from grading.outputs import casewords
from grading.outputs.meeting import DEFAULT_GAP
from ui import data
from ui.i18n import display_name, lang, reference_name, t

#: The department picker's choice for a decision on the district as a whole: a code of its own (a string,
#: never None), so that the choice holds across a language switch (:func:`ui.widgets._switch_language`).
WHOLE_DISTRICT: Final = ""
#: What the last click said: ("success" | "error", sentence), shown once on the next run.
_SAID = "decision_said"


def table(found: pl.DataFrame, *, district: bool = False) -> pl.DataFrame:
    """The decisions (:func:`ui.data.meeting_decisions`) as shown: status in words, what, owner, due day,
    the district (``district``: on the department page, where they come from every district), the
    department and complaint it names ("the district as a whole" when neither), the review it was taken at,
    when it was done, its number."""
    language = lang()
    statuses = {s: t(f"decision_{s}") for s in ("open", "overdue", "done")}
    return found.select(
        pl.col("status").replace_strict(statuses).alias(t("col_decision_status")),
        pl.col("what").alias(t("col_decision")),
        pl.col("owner").alias(t("col_owner")),
        casewords.day_expr(pl.col("due"), language).alias(t("due_date")),
        *([display_name("district").alias(t("district"))] if district else []),
        pl.when(pl.col("department").is_null() & pl.col("complaint_id").is_null())
        .then(pl.lit(t("decision_whole_district")))
        .otherwise(display_name("department").fill_null(""))
        .alias(t("department")),
        pl.col("complaint_id").fill_null("").alias(t("complaint")),
        casewords.day_expr(pl.col("review_day"), language).alias(t("col_decided_at")),
        casewords.day_expr(pl.col("done_at").str.to_date(), language).alias(t("col_done_on")),
        pl.col("decision_id").alias(t("col_decision_no")),
    )


def listing(found: pl.DataFrame, *, district: bool = False) -> None:
    """The decisions as a table (overdue first, as the core orders them), or one sentence when none."""
    if found.is_empty():
        st.write(t("decisions_none"))
        return
    st.dataframe(table(found, district=district), hide_index=True, width="stretch")


def _said() -> None:
    said = st.session_state.pop(_SAID, None)
    if said is not None:
        (st.success if said[0] == "success" else st.error)(said[1])


def _record(stamp: tuple[int, int], who: Identity, district: str, day: date) -> None:
    """The form's callback: record the decision; on success the form empties, on a refusal (an empty
    field, a complaint outside the district or the scope) it keeps what was typed and says why."""
    state = st.session_state
    complaint = (state.get("decision_complaint") or "").strip() or None
    try:
        made = data.record_decision(
            stamp,
            who,
            district=district,
            what=state.get("decision_what") or "",
            owner=state.get("decision_owner") or "",
            due=state["decision_due"],
            review_day=day,
            department=None if complaint else state.get("decision_department") or None,
            complaint_id=complaint,
        )
    except NivaranError as exc:
        state[_SAID] = ("error", str(exc))
        return
    state[_SAID] = ("success", t("decision_recorded", id=made))
    for key in ("decision_what", "decision_owner", "decision_complaint"):
        state[key] = ""
    state["decision_department"] = WHOLE_DISTRICT


def _mark_done(who: Identity, day: date) -> None:
    """The mark-done button's callback."""
    picked = st.session_state.get("decision_done_pick")
    if picked is None:
        return
    try:
        data.decision_done(who, int(picked), day)
    except NivaranError as exc:
        st.session_state[_SAID] = ("error", str(exc))
        return
    st.session_state[_SAID] = ("success", t("decision_marked_done", id=picked, day=casewords.day_text(day, lang())))


def review_section(stamp: tuple[int, int], who: Identity, district: str, day: date, since: date) -> pl.DataFrame:
    """The district review's decisions: the list as of ``day`` (those done before ``since`` left out),
    the control that marks an open or overdue one done on ``day``, and the form that records a new one
    at the review of ``day``. Returns the list (the meeting pack carries it)."""
    _said()
    found = data.meeting_decisions(stamp, who, day, district=district, since=since)
    st.caption(t("decisions_intro", day=casewords.day_text(day, lang())))
    listing(found)
    pending = found.filter(pl.col("status") != "done")
    if pending.height:
        what = dict(zip(pending["decision_id"].to_list(), pending["what"].to_list(), strict=True))
        cols = st.columns([3, 1], vertical_alignment="bottom")
        cols[0].selectbox(
            t("decision_pick_done"), list(what), format_func=lambda i: f"{i}: {what[i]}", key="decision_done_pick"
        )
        cols[1].button(t("decision_mark_done"), key="decision_done", on_click=_mark_done, args=(who, day))
    _form(stamp, who, district, day)
    return found


def _form(stamp: tuple[int, int], who: Identity, district: str, day: date) -> None:
    departments = data.reference(stamp, "departments")
    names: dict[str, str] = dict(departments.select("code", reference_name().fill_null(pl.col("code"))).iter_rows())
    if not isinstance(st.session_state.get("decision_due"), date) or st.session_state["decision_due"] < day:
        st.session_state["decision_due"] = day + DEFAULT_GAP  # by the next review
    with st.expander(t("decision_record")), st.form("decision_form", clear_on_submit=False, border=False):
        st.text_input(t("decision_what"), key="decision_what", max_chars=500)
        st.text_input(t("decision_owner"), key="decision_owner", max_chars=500)
        left, right = st.columns(2)
        left.date_input(t("decision_due"), min_value=day, key="decision_due", format="DD-MM-YYYY")
        right.selectbox(
            t("decision_department"),
            [WHOLE_DISTRICT, *sorted(names, key=lambda c: names[c])],
            format_func=lambda c: t("decision_whole_district") if c == WHOLE_DISTRICT else names[c],
            key="decision_department",
        )
        st.text_input(t("decision_complaint"), key="decision_complaint")
        st.form_submit_button(
            t("decision_save"), key="decision_save", on_click=_record, args=(stamp, who, district, day)
        )


def department_section(stamp: tuple[int, int], who: Identity, department: str, day: date) -> None:
    """The decisions naming ``department`` in every district the reader may see, as of ``day`` (those done
    before the week before it left out, as the head's digest reads them)."""
    found = data.meeting_decisions(stamp, who, day, department=department, since=day - DEFAULT_GAP)
    st.caption(t("decisions_dept_intro", day=casewords.day_text(day, lang())))
    listing(found, district=True)
