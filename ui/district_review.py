"""Page pieces of the district review (pages/collector.py): the day pickers, the summary with totals,
the changes since the last review, the review list with its timeline beside it, the meeting pack."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import polars as pl
import streamlit as st

from grading.access.identity import Identity
from grading.outputs import meeting
from grading.serve import review
from ui import data
from ui.i18n import display_name, name_column, t
from ui.widgets import CaseFile, case_file_link, case_files_offered


def pick_days(latest: date, month_end: date) -> tuple[date, date]:
    """The review day (default: the latest data, or the selected month's last day if earlier) and the
    last review day (default: a week before)."""
    # The defaults go into the widgets' state (not their ``value``), so a day chosen holds across a
    # language switch and a last review day after a new review day moves back to a week before it.
    if not isinstance(st.session_state.get("review_day"), date) or st.session_state["review_day"] > latest:
        st.session_state["review_day"] = min(latest, month_end)
    day = st.date_input(t("review_day"), max_value=latest, key="review_day", format="DD-MM-YYYY")
    if not isinstance(st.session_state.get("since_day"), date) or st.session_state["since_day"] >= day:
        st.session_state["since_day"] = day - meeting.DEFAULT_GAP
    since = st.date_input(t("last_review"), max_value=day - timedelta(days=1), key="since_day", format="DD-MM-YYYY")
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
    """The review list as shown and downloaded: whole days, real dates, names in the reader's language;
    the level and days at it only where the store has levels."""
    levels = data.public_levels()
    return cases.select(
        pl.col("complaint_id").alias(t("complaint")),
        display_name("department").alias(t("department")),
        pl.col(name_column("category")).fill_null(pl.col("category")).alias(t("category_name")),
        *([pl.col("level").alias(t("level")), pl.col("days_at_level").alias(t("days_at_level"))] if levels else []),
        pl.col("age_days").alias(t("age_days")),
        pl.col("due_date").alias(t("due_date")),
        pl.col("days_to_due").alias(t("days_to_due_whole")),
        pl.col("is_overdue").alias(t("overdue")),
        pl.col("last_action").alias(t("last_action")),
        pl.col("last_action_at").dt.date().alias(t("last_action_on")),
        pl.col("registered_at").dt.date().alias(t("registered")),
    )


def changes_table(changes: pl.DataFrame) -> pl.DataFrame:
    """Each change since the last review, as shown (levels only where the store has them)."""
    kinds = {k: t(f"change_{k}") for k in review.CHANGES}
    levels = [pl.col("level_then").alias(t("level_then")), pl.col("level_now").alias(t("level_now"))]
    return changes.select(
        pl.col("change").cast(pl.String).replace_strict(kinds).alias(t("change_kind")),
        pl.col("complaint_id").alias(t("complaint")),
        display_name("department").alias(t("department")),
        *(levels if data.public_levels() else []),
        pl.col("due_date").alias(t("due_date")),
        pl.col("last_action").alias(t("last_action")),
        pl.col("last_action_at").dt.date().alias(t("last_action_on")),
    )


def timeline(stamp: tuple[int, int], complaint_id: str, who: Identity, district: str) -> None:
    """One complaint's events (empty when it is outside the scope: the core says nothing about it)."""
    events = data.timeline(stamp, complaint_id, who, district=district)
    if events.is_empty():
        st.info(t("case_not_found", id=complaint_id))
        return
    st.subheader(t("timeline", id=complaint_id))
    st.dataframe(
        events.select(
            pl.col("event_time").dt.strftime("%d-%m-%Y %H:%M").alias(t("time")),
            pl.col("event").alias(t("event")),
            *([pl.col("level").alias(t("level"))] if data.public_levels() else []),
            pl.col("outcome").alias(t("outcome")),
            pl.col("note").alias(t("note")),
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
    detail = f"meeting pack {district} {day:%Y-%m-%d}"
    for col, fmt in zip(st.columns(2), ("xlsx", "pdf"), strict=True):
        if fmt == "pdf" and not _can_print():
            col.caption(t("pdf_unavailable"))
            continue
        file = CaseFile(partial(meeting.render, pack, fmt), pack.rows, fmt, f"review-{district}-{day:%Y-%m-%d}")
        scope = who.scope(district=district)
        case_file_link(col, t(f"download_pack_{fmt}"), f"pack-{fmt}", file=file, who=who, scope=scope, detail=detail)
