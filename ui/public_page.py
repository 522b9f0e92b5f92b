"""Page pieces of the public side: the print and phone styles, the month's published package as
downloads, the district × department grid drawn on request, hover text with units and a table under
each chart.

Everything here reads the public boundary (``ui.data.public_*``), like the page itself.
"""

from __future__ import annotations

from datetime import date
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
from ui import data, permalink
from ui.i18n import display_name, lang, metric_label, month_name, t
from ui.text import chart_text
from ui.widgets import hidden_label

Stamp = tuple[int, int]

#: Print: no sidebar, header, toolbar or buttons; the page on the full paper width (landscape, so
#: a ranking's columns fit); charts and tables kept whole. Phone (≤ 640 px): the headline figures two
#: to a row instead of five squeezed ones, less padding. The sidebar on a phone is Streamlit's own
#: drawer (closed until its button is pressed).
STYLE: Final = """
<style>
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], [data-testid="stElementToolbar"] {
    display: none !important;
  }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stMainBlockContainer"] {
    margin: 0 !important; padding: 0 !important; max-width: 100% !important; width: 100% !important;
  }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stMetric"] { break-inside: avoid; }
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.6rem !important; padding-right: 0.6rem !important; }
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { min-width: 45% !important; flex: 1 1 45% !important; }
}
</style>
"""


def page_style() -> None:
    """The print and phone styles (:data:`STYLE`), added once at the top of the public summary."""
    st.html(STYLE)


def _package_file(stamp: Stamp, month: date, name: str) -> bytes:
    """One file of the month's package, built on the first download (all files at once, cached)."""
    files = data.public_package(stamp, month)
    return b"" if files is None else files[name]


def package_downloads(stamp: Stamp, month: date) -> None:
    """The published month's package (``nivaran publish``) as downloads: the same files, rebuilt from
    the stored publication through the public boundary. A provisional month says it has none yet."""
    st.header(t("package_title", month=month_name(month)))
    if data.publication(stamp, month) is None:
        st.caption(t("package_not_published", month=month_name(month)))
        return
    st.caption(t("package_note"))
    names = list(publish.PACKAGE)
    per_row = 4
    for start in range(0, len(names), per_row):
        for col, name in zip(st.columns(per_row), names[start : start + per_row], strict=False):
            kind = name.rsplit(".", 1)[-1]
            col.download_button(
                name,
                partial(_package_file, stamp, month, name),
                f"nivaran-{month:%Y-%m}-{name}",
                export.FORMATS[kind][0],
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
        pl.format("{} pp", fixed_expr(pl.col("change"), 1)).fill_null(EMPTY).alias(t("vs_last_month")),
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


def line_hover(fig: go.Figure, unit: str, decimals: int = 1) -> go.Figure:
    """Hover on a line chart of months: the line's name, the month and the value with its unit
    (instead of Plotly's "x:", "y:")."""
    fig.update_traces(hovertemplate=f"%{{fullData.name}}<br>%{{x|%b %Y}}: %{{y:.{decimals}f}}{unit}<extra></extra>")
    return fig


def chart_table(frame: pl.DataFrame) -> None:
    """A chart's figures as a table under it, folded (for screen readers, print and exact values)."""
    with st.expander(t("chart_table")):
        st.dataframe(frame, hide_index=True)
