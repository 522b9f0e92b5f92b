"""Shared page pieces: sidebar controls, guarded charts, downloads, display tables."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import polars as pl
import streamlit as st

from grading.fmt import EMPTY, ago, fixed_expr, indian_expr, rank_change_expr, sparkline_expr
from grading.registry import METRICS
from grading.schemes import Scheme
from grading.views import SUPPRESS_BELOW
from ui.i18n import LANGS, display_name, lang, metric_label, moment, month_name, t


def sidebar_controls(months: list[date]) -> date | None:
    """The language switch and the month picker shared by every page; returns the chosen month."""
    lang()  # initialise from the browser locale on first run
    st.sidebar.radio(t("language"), list(LANGS), format_func=LANGS.__getitem__, key="lang", horizontal=True)
    if not months:
        return None
    if st.session_state.get("month") not in months:
        st.session_state["month"] = months[-1]
    return st.sidebar.selectbox(t("month"), months[::-1], format_func=month_name, key="month")  # type: ignore[no-any-return]


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Draw inside; on any error show a warning in this place and let the page go on."""
    try:
        yield
    except Exception as exc:
        st.warning(f"{t('chart_failed')} ({what}): {exc}")


def ranking_table(rows: pl.DataFrame, kind: str, scheme: Scheme) -> pl.DataFrame:
    """A ranking as displayed with ``st.dataframe`` (plain-text cells, drawn cheaply by the browser):
    text formatted by Polars expressions (no Python per cell), labels in the current language; ``rows``
    as from ``views.public_ranking`` (one row per department or district)."""
    hi = lang() == "hi"
    points = {f"points_{c.key}": c.label_hi if hi else c.label_en for c in scheme.components}
    return rows.select(
        pl.col("rank").cast(pl.String).fill_null(EMPTY).alias(t("rank")),
        display_name(kind).alias(t(kind)),  # for st.dataframe: plain-text cells
        pl.col("grade").fill_null(EMPTY).alias(t("grade")),
        fixed_expr(pl.col("score"), 2).fill_null(EMPTY).alias(t("score")),
        *[fixed_expr(pl.col(p), 2).fill_null(EMPTY).alias(label) for p, label in points.items()],
        rank_change_expr(pl.col("rank_change")).fill_null("").alias(t("rank_change")),
        sparkline_expr(pl.col("trend")).alias(t("trend")),
        indian_expr(pl.col("received"))
        .fill_null(f"< {SUPPRESS_BELOW}")  # suppressed: too few to publish (views.public_ranking)
        .alias(metric_label("received")),
    )


def headers(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename metric columns to their labels in the current language (for tables and downloads)."""
    return frame.rename({c: metric_label(c) for c in frame.columns if c in METRICS})


def download(
    frame: pl.DataFrame, name: str, key: str, excel: bool = False, audit: Callable[[], None] | None = None
) -> None:
    """CSV (UTF-8 with BOM, so Excel shows Hindi) and optionally .xlsx download buttons.

    ``audit`` is called when a button is clicked (case lists log their exports through it).
    """
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)  # codes may hold / : * ? [ ]: not in file or sheet names
    stem = f"{name}-{lang()}"
    csv = "\ufeff" + frame.write_csv()
    cols = st.columns(2 if excel else 1)
    on_click: Callable[[], None] | str = audit or "rerun"
    cols[0].download_button(
        t("download_csv"), csv.encode("utf-8"), f"{stem}.csv", "text/csv", key=f"{key}-csv", on_click=on_click
    )
    if excel:
        buffer = io.BytesIO()
        frame.write_excel(buffer, worksheet=name[:31], autofit=True)
        cols[1].download_button(
            t("download_xlsx"),
            buffer.getvalue(),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            on_click=on_click,
        )


def page_context() -> tuple[tuple[int, int], date]:
    """The database stamp and the month chosen in the sidebar; explains and stops when there is none."""
    stamp = st.session_state["db_stamp"]
    month = st.session_state.get("selected_month")
    if month is None:
        st.info(t("no_months"))
        st.stop()
    return stamp, month


def freshness(stamp: tuple[int, int]) -> None:
    """The line at the top of every page: how recent the data are and when they were loaded, in words
    ("Data up to 28 Nov 2026 18:00, loaded 10 minutes ago")."""
    from ui import data

    latest, loaded = data.freshness(stamp)
    if latest is None:
        st.caption(t("freshness_empty"))
        return
    since = (datetime.now() - loaded).total_seconds() if loaded else None
    st.caption(t("freshness", upto=moment(latest), ago=ago(since, lang()) if since is not None else EMPTY))


def data_window(stamp: tuple[int, int]) -> None:
    """The caption every public page carries: data window, last refresh, demo notice."""
    from ui import data

    info = data.status(stamp)
    first, last = info["first_month"], info["last_month"]
    st.caption(
        t(
            "data_window",
            first=month_name(first) if isinstance(first, date) else "—",
            last=month_name(last) if isinstance(last, date) else "—",
            refreshed=info["refreshed_at"] or "—",
        )
    )
    if info["is_demo"]:
        st.caption(t("demo_note"))
