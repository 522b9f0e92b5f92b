"""Shared page pieces: sidebar controls, guarded charts, downloads, display tables."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import polars as pl
import streamlit as st

from grading.registry import METRICS
from ui import permalink
from ui.i18n import LANGS, lang, metric_label, month_name, t

SPARK = "▁▂▃▄▅▆▇█"


def sidebar_controls(months: list[date]) -> date | None:
    """The language switch and the month picker shared by every page (both kept in the URL, see
    ui.permalink); returns the chosen month."""
    lang()  # initialise from the link's ?lang=, else the browser locale, on first run
    st.sidebar.radio(t("language"), list(LANGS), format_func=LANGS.__getitem__, key="lang", horizontal=True)
    permalink.publish("lang", lang())
    if not months:
        return None
    permalink.restore("month", "month", permalink.month_in(months))
    if st.session_state.get("month") not in months:
        st.session_state["month"] = months[-1]
    chosen: date = st.sidebar.selectbox(t("month"), months[::-1], format_func=month_name, key="month")
    permalink.publish("month", chosen)
    return chosen


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Draw inside; on any error show a warning in this place and let the page go on."""
    try:
        yield
    except Exception as exc:
        st.warning(f"{t('chart_failed')} ({what}): {exc}")


def sparkline(values: Iterable[float | None] | None) -> str:
    """Unicode bars for a short series of scores, spread over the series' own range."""
    vals = [v for v in (list(values) if values is not None else []) if v is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    return "".join(SPARK[min(len(SPARK) - 1, int((v - lo) / span * (len(SPARK) - 1)))] for v in vals)


def rank_change(value: int | None) -> str:
    """▲2 / ▼1 / – (empty when there is nothing to compare)."""
    if value is None:
        return ""
    return f"▲{value}" if value > 0 else f"▼{-value}" if value < 0 else "–"


def headers(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename metric columns to their labels in the current language (for tables and downloads)."""
    return frame.rename({c: metric_label(c) for c in frame.columns if c in METRICS})


def download(
    frame: pl.DataFrame, name: str, key: str, excel: bool = False, audit: Callable[[], None] | None = None
) -> None:
    """CSV (UTF-8 with BOM, so Excel shows Hindi) and optionally .xlsx download buttons.

    ``audit`` is called when a button is clicked (case lists log their exports through it).
    """
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


def published_marker(stamp: tuple[int, int], month: date) -> None:
    """ "Published on …" under a page title when the month's grading is published; else "provisional"."""
    from ui import data

    found = data.publication(stamp, month)
    if found is None:
        st.caption(t("provisional", month=month_name(month)))
        return
    when = found["published_at"]
    shown = when.strftime("%d-%m-%Y") if isinstance(when, datetime) else str(when)
    st.info(t("published_on", month=month_name(month), date=shown, version=found["version"]), icon="📌")
