"""Page pieces of the district review (pages/collector.py): the day pickers, the summary with totals,
the changes since the last review, the review list with its timeline beside it, the meeting pack."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import polars as pl
import streamlit as st

from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.outputs import casewords, meeting
from grading.serve import review
from ui import data
from ui.i18n import display_name, lang, name_column, t
from ui.widgets import CaseFile, audit_view, case_file_link, case_files_offered, marked

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator


def pick_days(latest: date, month_end: date, day_box: DeltaGenerator, since_box: DeltaGenerator) -> tuple[date, date]:
    """The review day (default: the latest data, or the selected month's last day if earlier) and the
    last review day (default: a week before), picked in ``day_box`` and ``since_box``."""
    # The defaults go into the widgets' state (not their ``value``), so a day chosen holds across a
    # language switch and a last review day after a new review day moves back to a week before it.
    if not isinstance(st.session_state.get("review_day"), date) or st.session_state["review_day"] > latest:
        st.session_state["review_day"] = min(latest, month_end)
    day = day_box.date_input(t("review_day"), max_value=latest, key="review_day", format="DD-MM-YYYY")
    if not isinstance(st.session_state.get("since_day"), date) or st.session_state["since_day"] >= day:
        st.session_state["since_day"] = day - meeting.DEFAULT_GAP
    since = since_box.date_input(
        t("last_review"), max_value=day - timedelta(days=1), key="since_day", format="DD-MM-YYYY"
    )
    return day, min(since, day - timedelta(days=1))


def summary_table(cases: pl.DataFrame) -> None:
    """Pending by department and level (by department alone where the store has no levels), sorted by
    overdue, with a total row."""
    shown = review.summary(cases).select(
        pl.when(pl.col("department").is_null())
        .then(pl.lit(t("total")))
        .otherwise(display_name("department"))
        .alias(t("department")),
        *(review.LEVELS if data.public_levels() else ()),
        pl.col("pending").alias(t("pending")),
        pl.col("overdue").alias(t("overdue")),
        pl.col("due_soon").alias(t("due_soon")),
        pl.col("over_50").alias(t("over_50")),
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def change_metrics(counts: dict[str, int]) -> None:
    """One figure per kind of change since the last review (escalations only where the store has levels)."""
    counts = {k: n for k, n in counts.items() if k != "escalated" or data.public_levels()}
    for col, (kind, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(t(f"change_{kind}"), f"{n:,}")


def review_table(cases: pl.DataFrame) -> pl.DataFrame:
    """The review list as downloaded (CSV, Excel): whole days, real dates, names in the reader's language;
    the level and days at it only where the store has levels. The complaint id leads (the file's key)."""
    levels = data.public_levels()
    return cases.select(
        pl.col("complaint_id").alias(t("complaint")),
        display_name("department").alias(t("department")),
        pl.col(name_column("category")).fill_null(pl.col("category")).alias(t("category_name")),
        *([pl.col("level").alias(t("level")), pl.col("days_at_level").alias(t("days_at_level"))] if levels else []),
        pl.col("age_days").alias(t("age_days")),
        pl.col("due_date").alias(t("due_date")),
        pl.col("days_to_due").alias(t("days_to_due_whole")),
        casewords.yes_no_expr(pl.col("is_overdue"), lang()).alias(t("overdue")),  # words, not true/false
        casewords.event_expr(pl.col("last_action"), lang()).alias(t("last_action")),
        pl.col("last_action_at").dt.date().alias(t("last_action_on")),
        pl.col("registered_at").dt.date().alias(t("registered")),
    )


def review_display(cases: pl.DataFrame) -> pl.DataFrame:
    """The review list as the meeting reads it on screen, the same rows in the same order as
    :func:`review_table`: the deciding columns first (a marker for overdue and about-to-breach rows, the
    level, how far from the due date in words, the due date, the last action and its day), then the
    case (complaint, department, category, days at level, age, registered); days and events in words
    of the reader's language, never a raw code or an empty cell's ``None``."""
    language, levels = lang(), data.public_levels()
    return cases.select(
        casewords.mark_expr(pl.col("is_overdue"), pl.col("due_soon"), language).alias(t("mark")),
        *([pl.col("level").cast(pl.String).fill_null("").alias(t("level"))] if levels else []),
        casewords.due_expr(pl.col("days_to_due"), language).alias(t("when_due")),
        casewords.day_expr(pl.col("due_date"), language).alias(t("due_date")),
        casewords.event_expr(pl.col("last_action"), language).alias(t("last_action")),
        casewords.day_expr(pl.col("last_action_at"), language).alias(t("last_action_on")),
        pl.col("complaint_id").alias(t("complaint")),
        display_name("department").fill_null("").alias(t("department")),
        pl.col(name_column("category")).fill_null(pl.col("category")).fill_null("").alias(t("category_name")),
        *([pl.col("days_at_level").alias(t("days_at_level"))] if levels else []),
        pl.col("age_days").alias(t("age_days")),
        casewords.day_expr(pl.col("registered_at"), language).alias(t("registered")),
    )


def review_list(shown: pl.DataFrame) -> int | None:
    """The review list (:func:`review_display`) across the page's full width, one row selectable; the
    marker stays in view when the rest scrolls. Returns the selected row's place."""
    widths = {"mark": 115, "level": 50, "when_due": 135, "due_date": 105, "last_action": 190, "last_action_on": 110}
    widths |= {"complaint": 130, "days_at_level": 70, "age_days": 70, "registered": 105}
    config: dict[str, Any] = {t(k): st.column_config.Column(width=px) for k, px in widths.items() if t(k) in shown}
    config[t("mark")] = st.column_config.TextColumn(width=widths["mark"], pinned=True)
    picked = st.dataframe(
        marked(shown, t("mark")),
        hide_index=True,
        width="stretch",
        height=min(36 + 35 * shown.height, 36 + 35 * 20),  # up to 20 rows in view, then it scrolls
        column_config=config,
        on_select="rerun",
        selection_mode="single-row",
        key="review_table",
    )
    rows = picked.selection.rows if picked is not None else []
    return rows[0] if rows and rows[0] < shown.height else None


def changes_table(changes: pl.DataFrame) -> pl.DataFrame:
    """Each change since the last review, as shown (levels only where the store has them); days and
    events in words of the reader's language."""
    language = lang()
    kinds = {k: t(f"change_{k}") for k in review.CHANGES}
    levels = [
        pl.col("level_then").cast(pl.String).fill_null("").alias(t("level_then")),
        pl.col("level_now").cast(pl.String).fill_null("").alias(t("level_now")),
    ]
    return changes.select(
        pl.col("change").cast(pl.String).replace_strict(kinds).alias(t("change_kind")),
        pl.col("complaint_id").alias(t("complaint")),
        display_name("department").fill_null("").alias(t("department")),
        *(levels if data.public_levels() else []),
        casewords.day_expr(pl.col("due_date"), language).alias(t("due_date")),
        casewords.event_expr(pl.col("last_action"), language).alias(t("last_action")),
        casewords.day_expr(pl.col("last_action_at"), language).alias(t("last_action_on")),
    )


def timeline(stamp: tuple[int, int], complaint_id: str, who: Identity, district: str) -> None:
    """One complaint's events in words of the reader's language (empty when it is outside the scope: the
    core says nothing about it)."""
    events = data.timeline(stamp, complaint_id, who, district=district)
    if events.is_empty():
        st.info(t("case_not_found", id=complaint_id))
        return
    audit_view(who, who.scope(district=district), Entry("case_timeline", {"complaint": complaint_id}), 1)
    st.subheader(t("timeline", id=complaint_id))
    language = lang()
    st.dataframe(
        events.select(
            casewords.moment_expr(pl.col("event_time"), language).alias(t("time")),
            casewords.event_expr(pl.col("event"), language).alias(t("event")),
            *([pl.col("level").cast(pl.String).fill_null("").alias(t("level"))] if data.public_levels() else []),
            casewords.outcome_expr(pl.col("outcome"), language).alias(t("outcome")),
            pl.col("note").fill_null("").alias(t("note")),
        ),
        hide_index=True,
        width="stretch",
    )


def _can_print() -> bool:
    """Whether this server can print PDFs (Debian's chromium is installed)."""
    from grading.outputs.pdf import PdfError, chromium_path

    try:
        chromium_path()
    except PdfError:
        return False
    return True


def pack_downloads(pack: meeting.Pack, who: Identity, district: str, day: date) -> None:
    """The meeting pack as Excel and PDF: links to Nivaran's export route, for this session only; each
    file is made when it is downloaded, through the one audited path (never Streamlit's download button,
    whose files anyone with the ``/media/`` address could fetch)."""
    st.caption(t("meeting_pack"))
    if not case_files_offered():
        return
    what = Entry("meeting_pack", {"district": district, "day": day.isoformat()})
    for col, fmt in zip(st.columns(2), ("xlsx", "pdf"), strict=True):
        if fmt == "pdf" and not _can_print():
            col.caption(t("pdf_unavailable"))
            continue
        file = CaseFile(partial(meeting.render, pack, fmt), pack.rows, fmt, f"review-{district}-{day:%Y-%m-%d}")
        scope = who.scope(district=district)
        case_file_link(col, t(f"download_pack_{fmt}"), f"pack-{fmt}", file=file, who=who, scope=scope, what=what)
