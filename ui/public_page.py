"""Page pieces of the public side: the print and phone styles, the language and month on a phone, the
one caption under the title, the month's report and data at the top, the district × department grid
drawn on request, hover text with units and a table under each chart.

Everything here reads the public boundary (``ui.data.public_*``), like the page itself.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from functools import partial
from typing import Final

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from grading.model.registry import METRICS
from grading.outputs import export, publish
from grading.outputs.fmt import EMPTY, fixed_expr, sparkline_expr
from grading.outputs.geo import HIDDEN_GREY
from grading.scoring import suppress
from grading.scoring.schemes import Scheme
from grading.words import filled
from ui import data, permalink, widgets
from ui.i18n import LANGS, display_name, lang, metric_label, month_name, t
from ui.text import chart_text
from ui.widgets import hidden_label

Stamp = tuple[int, int]

#: Print: no sidebar, header, toolbar, buttons or phone pieces; the page on the full paper width
#: (landscape, so a ranking's columns fit); charts and tables kept whole. Phone (≤ 640 px): the language
#: and month at the top of the page (the sidebar is a closed drawer), the headline figures two to a row,
#: the rankings as cards instead of grids, less padding. Wide screens: the grids, no phone pieces. The
#: pieces are told apart by their containers' keys (``st-key-…`` classes).
STYLE: Final = """
<style>
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], [data-testid="stElementToolbar"],
  .st-key-phone_controls, [class*="st-key-ranking_cards_"] {
    display: none !important;
  }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stMainBlockContainer"] {
    margin: 0 !important; padding: 0 !important; max-width: 100% !important; width: 100% !important;
  }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stMetric"] { break-inside: avoid; }
}
@media screen and (min-width: 641px) {
  .st-key-phone_controls, [class*="st-key-ranking_cards_"] { display: none !important; }
}
@media screen and (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.6rem !important; padding-right: 0.6rem !important; }
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {
    min-width: calc(50% - 0.5rem) !important; flex: 1 1 calc(50% - 0.5rem) !important; width: auto !important;
  }
  [class*="st-key-ranking_grid_"] { display: none !important; }
}
.nv-cards { display: flex; flex-direction: column; gap: 0.35rem; max-width: 100%; }
.nv-head, .nv-card {
  display: grid; grid-template-columns: 3.6rem minmax(0, 1fr) 2.2rem 3.6rem; column-gap: 0.4rem; align-items: center;
}
.nv-head { font-size: 0.75rem; color: #5a6270; padding: 0 0.5rem; }
.nv-head span:nth-child(n+3), .nv-grade, .nv-score { text-align: right; }
.nv-card { border: 1px solid #d9dde3; border-radius: 0.4rem; padding: 0.35rem 0.5rem; row-gap: 0.2rem; }
.nv-rank { font-weight: 600; font-variant-numeric: tabular-nums; }
.nv-name { overflow-wrap: anywhere; }
.nv-grade { font-weight: 600; }
.nv-score { font-variant-numeric: tabular-nums; }
.nv-range { grid-column: 2 / 4; width: 100%; max-width: 150px; height: 22px; }
.nv-change { grid-column: 4; grid-row: 2; text-align: right; font-size: 0.85rem; }
.nv-note { grid-column: 2 / 5; font-size: 0.8rem; color: #5a6270; }
</style>
"""


def page_style() -> None:
    """The print and phone styles (:data:`STYLE`), added once at the top of the public summary."""
    st.html(STYLE)


#: Plotly's options on the public pages: no mode bar (it sat over the legend, and the charts' tables and
#: downloads give their figures).
PLOTLY_CONFIG: Final = {"displayModeBar": False}


def _switch_language() -> None:
    """The phone's language switch: the sidebar switch's own callback, given the language chosen here."""
    st.session_state["language_switch"] = st.session_state["phone_language"]
    widgets._switch_language()  # keeps every choice on the page across the switch


def _choose_month() -> None:
    st.session_state["month"] = st.session_state["phone_month"]


def phone_controls(months: list[date], month: date) -> None:
    """The language and the month at the top of the page, shown on a phone only (:data:`STYLE`), where the
    sidebar that holds them is a closed drawer. They set the sidebar's own choices (the month picker and
    the language switch), so the link and every page follow."""
    box = st.container(key="phone_controls")
    left, right = box.columns(2)
    st.session_state["phone_language"] = lang()
    left.radio(
        t("language"), list(LANGS), format_func=LANGS.__getitem__, key="phone_language",
        on_change=_switch_language, horizontal=True,
    )  # fmt: skip
    if months:
        st.session_state["phone_month"] = month
        right.selectbox(t("month"), months[::-1], format_func=month_name, key="phone_month", on_change=_choose_month)


def lede(stamp: Stamp, month: date, scheme: Scheme) -> str:
    """The one caption under the title: what the page is, the data window, whether the month is published
    (and when) or provisional, and the demo's notice."""
    info = data.status(stamp)
    first, last = info["first_month"], info["last_month"]
    window = {
        "first": month_name(first) if isinstance(first, date) else "—",
        "last": month_name(last) if isinstance(last, date) else "—",
    }
    parts = [t("public_lede", suppress_below=scheme.suppress_below, **window)]
    found = data.publication(stamp, month)
    if found is None:
        parts.append(t("provisional", month=month_name(month)))
    else:
        when = found["published_at"]
        shown = when.strftime("%d-%m-%Y") if isinstance(when, datetime) else str(when)
        parts.append(t("published_on", month=month_name(month), date=shown, version=found["version"]))
    if info["is_demo"]:
        parts.append(t("demo_note"))
    return " ".join(parts)


def _package_file(stamp: Stamp, month: date, name: str) -> bytes:
    """One file of the month's package, built on the first download (all files at once, cached)."""
    files = data.public_package(stamp, month)
    return b"" if files is None else files[name]


def _zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _package_data(stamp: Stamp, month: date) -> bytes:
    """The published month's CSV files (rankings, history, cells, dictionary) in one zip."""
    files = data.public_package(stamp, month) or {}
    return _zipped({name: content for name, content in files.items() if name.endswith(".csv")})


def _page_data(rankings: dict[str, pl.DataFrame]) -> bytes:
    """A provisional month's rankings in one zip, as the package would print them
    (:func:`grading.outputs.publish.ranking_table`)."""
    return _zipped(
        {
            f"ranking-{kind}.csv": export.csv_text(publish.public_csv(publish.ranking_table(rows, kind))).encode()
            for kind, rows in rankings.items()
            if not rows.is_empty()
        }
    )


#: The package's files as a reader names them, in words (the file names stay the package's).
FILE_WORDS: Final = {
    "ranking-department.csv": "file_ranking_department",
    "ranking-district.csv": "file_ranking_district",
    "history.csv": "file_history",
    "cells.csv": "file_cells",
    "dictionary.csv": "file_dictionary",
    "report-en.pdf": "file_report_en",
    "report-hi.pdf": "file_report_hi",
}


def journalist_downloads(stamp: Stamp, month: date, rankings: dict[str, pl.DataFrame]) -> None:
    """The month's report and data, at the top of the page in words: the press report (PDF, in the page's
    language) and the data (the CSV files in one zip), then every file of the package by name. A
    provisional month has no report yet (a sentence says so) and its data are the page's rankings."""
    published = data.publication(stamp, month) is not None
    report, table = st.container(), st.container()  # one above the other: whole words on a phone too
    if published:
        name = f"report-{'hi' if lang() == 'hi' else 'en'}.pdf"
        report.download_button(
            t("download_report"),
            partial(_package_file, stamp, month, name),
            f"nivaran-{month:%Y-%m}-{name}",
            export.FORMATS["pdf"][0],
            key="top-report",
            on_click="ignore",
            type="primary",
        )
        make = partial(_package_data, stamp, month)
    else:
        report.caption(t("report_not_yet", month=month_name(month)))
        make = partial(_page_data, rankings)
    table.download_button(
        t("download_data"),
        make,
        f"nivaran-{month:%Y-%m}-data.zip",
        "application/zip",
        key="top-data",
        on_click="ignore",
    )
    if not published:
        return
    with st.expander(t("package_files")):
        st.caption(t("package_note"))
        for name in publish.PACKAGE:
            st.download_button(
                t(FILE_WORDS[name]),
                partial(_package_file, stamp, month, name),
                f"nivaran-{month:%Y-%m}-{name}",
                export.FORMATS[name.rsplit(".", 1)[-1]][0],
                key=f"package-{name}",
                on_click="ignore",
            )


def on_request(key: str, param: str, label: str) -> bool:
    """A switch for a heavy drawing, off at first (the page's first paint stays light); kept in the
    link as ``param=1``."""
    permalink.restore(key, param, lambda raw: True if raw == "1" else None)
    shown = st.toggle(label, key=key)
    permalink.publish(param, "1" if shown else "0")
    return shown


def trend_table(trend: pl.DataFrame, metrics: list[str]) -> pl.DataFrame:
    """The state's trend in words and bars: one row per metric (percent) with the latest month's
    value, the change from the month before (percentage points) and a bar for each of the last 6 months,
    oldest first."""
    long = trend.sort("month").unpivot(on=metrics, index="month", variable_name="metric", value_name="value")
    rows = long.group_by("metric", maintain_order=True).agg(
        pl.col("value").last().alias("now"),
        (pl.col("value").last() - pl.col("value").slice(-2, 1).first()).alias("change"),
        pl.col("value").tail(6).alias("bars"),
    )
    return rows.select(
        pl.col("metric").replace_strict({m: metric_label(m) for m in metrics}).alias(t("metric")),
        (fixed_expr(pl.col("now"), 1) + pl.lit("%")).fill_null(EMPTY).alias(t("latest")),
        filled("change_pp", lang(), {"n": fixed_expr(pl.col("change"), 1)}).fill_null(EMPTY).alias(t("vs_last_month")),
        sparkline_expr(pl.col("bars")).alias(t("trend")),
    )


def cells_figure(grid: pl.DataFrame, metric: str) -> go.Figure:
    """The district × department grid of ``metric`` (percent): cividis for shown cells, grey for hidden
    ones (the cell, or only its ``metric``: ``value_hidden``), blank where a district has no complaints of
    that department; hover names both and the unit."""
    named = grid.with_columns(
        chart_text(display_name("district")).alias("d"),
        chart_text(display_name("department")).alias("p"),
        pl.when(pl.col("value_hidden")).then(pl.lit(1.0)).alias("hidden"),  # null: not hidden
    )
    values = named.pivot(on="p", index="d", values="value", sort_columns=True).sort("d")
    hidden = named.pivot(on="p", index="d", values="hidden", sort_columns=True).sort("d").select(values.columns)
    x, y = values.columns[1:], values["d"].to_list()
    label, hidden_word = metric_label(metric), t("hidden_complementary")
    fig = go.Figure(
        [
            go.Heatmap(
                z=hidden.drop("d").to_numpy(),
                x=x,
                y=y,
                colorscale=[[0, HIDDEN_GREY], [1, HIDDEN_GREY]],
                showscale=False,
                hoverongaps=False,
                hovertemplate=f"%{{y}} · %{{x}}<br>{hidden_word}<extra></extra>",
            ),
            go.Heatmap(
                z=values.drop("d").to_numpy(),
                x=x,
                y=y,
                colorscale="Cividis",  # colour-blind safe (not red-green)
                zmin=0,
                zmax=100,
                hoverongaps=False,
                colorbar={"title": {"text": "%"}},
                hovertemplate=f"%{{y}} · %{{x}}<br>{label}: %{{z:.1f}}%<extra></extra>",
            ),
        ]
    )
    fig.update_layout(height=1100, margin={"t": 20}, xaxis={"tickangle": -60}, plot_bgcolor="white")
    return fig


def figure_note(column: str, scheme: Scheme) -> pl.Expr:
    """What a figure of a shown public row reads when the suppression rule hides it on its own
    (:mod:`grading.scoring.suppress`): the band "1–4" for a small count, "hidden" for a percentage,
    points or other figure computed from one (or hidden with it); null when the figure is shown or the
    whole row is hidden (the row's own marks say that)."""
    shown_row = ~pl.col("suppressed")
    return (
        pl.when(shown_row & suppress.listed(column, "small_figures"))
        .then(pl.lit(suppress.band(scheme.suppress_below)))
        .when(shown_row & suppress.listed(column, "hidden_figures"))
        .then(pl.lit(t("hidden_complementary")))
    )


def row_or_figure_note(column: str, scheme: Scheme) -> pl.Expr:
    """What a hidden figure reads, the whole row's mark first ("< 5" or "hidden"), else
    :func:`figure_note`; null when the figure is shown."""
    return pl.when(pl.col("suppressed")).then(hidden_label(scheme)).otherwise(figure_note(column, scheme))


def download_markers(frame: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """A public download (raw column names, with ``suppressed`` and the markers of
    :func:`grading.scoring.suppress.hide`) as a reader gets it: the markers name only its own columns,
    by their labels, under headings in the current language. Hidden cells stay empty in the file."""
    narrowed = suppress.narrow(frame)
    headings = {
        "small_figures": t("small_figures_column", band=suppress.band(scheme.suppress_below)),
        "hidden_figures": t("hidden_figures_column"),
    }
    labels = {c: metric_label(c) for c in narrowed.columns if c in METRICS}
    labels |= {f"points_{c.key}": c.label_hi if lang() == "hi" else c.label_en for c in scheme.components}
    return narrowed.with_columns(
        pl.col(m).str.split(" ").list.eval(pl.element().replace(labels)).list.join("; ").alias(m)
        for m in suppress.MARKERS
        if m in narrowed.columns
    ).rename({m: str(h) for m, h in headings.items() if m in narrowed.columns})


def unit_suffix(metric: str) -> str:
    """The unit written after a value in hover text: '%' for percentages, 'days' / 'दिन' for day
    statistics, nothing for counts and the score."""
    unit = METRICS[metric].unit if metric in METRICS else ""
    return {"pct": "%", "days": f" {t('days')}"}.get(unit, "")


def _months_of(xs: object) -> list[date]:
    """A trace's x values (dates: a numpy datetime64 array from Plotly Express, or a list) as dates."""
    return pl.Series("x", [] if xs is None else xs).cast(pl.Date).to_list()  # type: ignore[arg-type]  # numpy or list


#: At most this many month ticks on an axis: a longer series gets every second, third … month.
MONTH_TICKS: Final = 12


def month_axis(fig: go.Figure) -> go.Figure:
    """A chart of months with the months in the reader's language: in Hindi the x axis's ticks are the months
    shown, named from the catalogue's month names (Plotly writes month names in English only)."""
    if lang() != "hi":
        return fig
    months = sorted({m for trace in fig.data for m in _months_of(trace.x) if m is not None})
    shown = months[:: max(1, -(-len(months) // MONTH_TICKS))]
    fig.update_xaxes(tickvals=shown, ticktext=[month_name(m) for m in shown])
    return fig


def line_hover(fig: go.Figure, unit: str, decimals: int = 1) -> go.Figure:
    """Hover on a line chart of months: the line's name, the month in the reader's language and the value
    with its unit (instead of Plotly's "x:", "y:"); the month axis as :func:`month_axis` writes it."""
    for trace in fig.data:
        trace.customdata = [month_name(m) if m is not None else "" for m in _months_of(trace.x)]
    fig.update_traces(hovertemplate=f"%{{fullData.name}}<br>%{{customdata}}: %{{y:.{decimals}f}}{unit}<extra></extra>")
    return month_axis(fig)


def chart_table(frame: pl.DataFrame) -> None:
    """A chart's figures as a table under it, folded (for screen readers, print and exact values); a yes/no
    column reads yes or no in the reader's language (a screen reader says a tick box's state in English)."""
    words = [
        pl.when(pl.col(c)).then(pl.lit(t("yes"))).when(~pl.col(c)).then(pl.lit(t("no"))).alias(c)
        for c in frame.columns
        if frame[c].dtype == pl.Boolean
    ]
    with st.expander(t("chart_table")):
        st.dataframe(frame.with_columns(words), hide_index=True)
