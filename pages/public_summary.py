"""Public summary (journalists and the public): the month's report and data first, headline figures,
rankings, the map, trends.

Aggregates only: no complaint, complainant or case appears here; ranking rows and district ×
department cells are suppressed by the public boundary (grading.serve.public: small rows and cells,
small counts inside shown ones and what is computed from them, and their complements); every figure
comes from ui.data.public_*.
"""

from typing import Final, Literal

import plotly.express as px
import polars as pl
import streamlit as st

from grading.model.registry import METRICS
from grading.outputs import publish
from grading.outputs.fmt import in_words, indian, pct
from grading.outputs.site import layout
from grading.rules.asof import previous_month
from grading.scoring import fit, suppress
from ui import data
from ui.i18n import display_name, lang, metric_label, month_name, t
from ui.maps import district_map_section
from ui.public_page import (
    PLOTLY_CONFIG,
    cells_figure,
    chart_table,
    journalist_downloads,
    lede,
    line_hover,
    on_request,
    page_style,
    phone_controls,
    trend_table,
)
from ui.ranking import public_ranking_table, ranking_tables, streaks_section
from ui.widgets import download, guarded, headers, page_context

#: A headline change's colour by whether more is better (None: neither direction is good in itself).
DELTA_COLOR: Final[dict[bool | None, Literal["normal", "inverse", "off"]]] = {
    True: "normal",
    False: "inverse",
    None: "off",
}

stamp, month = page_context()
scheme = data.scheme()
kinds = data.public_recorded(stamp)  # what the store's records hold: measures of anything else are not shown
page_style()
phone_controls(data.months(stamp), month)  # on a phone the sidebar is a closed drawer
st.title(t("public_title"))
st.caption(lede(stamp, month, scheme))  # one caption: what, the data window, published or provisional
departments = data.public_ranking(stamp, "department", month)
districts = data.public_ranking(stamp, "district", month)
with guarded("downloads"):  # the journalist's path: the month's report and data first
    journalist_downloads(stamp, month, {"department": departments, "district": districts})
    site_address = layout.public_address(lang(), month)  # $NIVARAN_SITE_URL: where `publish --site` is served
    if site_address and data.publication(stamp, month) is not None:  # the site holds published months only
        st.link_button(t("site_public_link"), site_address)

# Headline figures with the change from last month.
with guarded("headline"):
    figures = data.public_headline(stamp, month)
    now = figures.filter(pl.col("month") == month).row(0, named=True)
    before_rows = figures.filter(pl.col("month") == previous_month(month))
    before = before_rows.row(0, named=True) if before_rows.height else {}
    headline = fit.headline_metrics(scheme, kinds)
    for col, name in zip(st.columns(len(headline)), headline, strict=True):
        value, last = now[name], before.get(name)
        is_pct = name.endswith("_pct")
        shown = pct(value) if is_pct else indian(value)
        delta = None if value is None or last is None else f"{value - last:+.1f}" if is_pct else indian(value - last)
        col.metric(
            metric_label(name),
            shown,
            delta,
            delta_color=DELTA_COLOR[METRICS[name].higher_is_better],
            help=None if is_pct else in_words(value, lang()),
        )
    if before:
        st.caption(t("against_month", month=month_name(previous_month(month))))


#: The points columns' Hindi headings (the scheme's component labels), for the Hindi files.
points_labels = {f"points_{c.key}": c.label_hi for c in scheme.components}


def ranking_download(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The downloadable ranking: the package's ranking file (:func:`grading.outputs.publish.ranking_table`,
    snake_case codes as headers, documented in its dictionary) with the measures the store's records hold.
    A figure the suppression rule hides is empty, and the row's ``small_figures`` and ``hidden_figures``
    name the small counts (1–4) and the other hidden figures."""
    table = publish.ranking_table(rows, kind)
    measures = [c for c in table.columns if c in METRICS]
    kept = [c for c in table.columns if c not in measures or c in fit.shown(measures, kinds)]
    return publish.in_language(publish.public_csv(suppress.narrow(table.select(kept))), lang(), points_labels)


st.header(t("dept_ranking", month=month_name(month)))
with guarded("department ranking"):
    st.caption(t("ranking_caption", scheme=scheme.title_hi if lang() == "hi" else scheme.title_en))
    if ranking_tables(
        departments, "department", month, scheme, lambda rows: public_ranking_table(rows, "department", scheme)
    ):
        download(ranking_download(departments, "department"), f"department-ranking-{month:%Y-%m}", "dept-rank")
streaks_section(stamp, month)

st.header(t("district_ranking", month=month_name(month)))
with guarded("district ranking"):
    groups = scheme.groups_for("district")
    if groups is not None and groups.top_n:
        st.caption(t("district_groups", n=groups.top_n))
    elif groups is not None and groups.min_received:
        st.caption(t("district_groups_min", n=groups.min_received[0]))
    if ranking_tables(
        districts, "district", month, scheme, lambda rows: public_ranking_table(rows, "district", scheme)
    ):
        download(ranking_download(districts, "district"), f"district-ranking-{month:%Y-%m}", "district-rank")
with st.expander(t("hidden_figures_title")):
    st.caption(t("public_intro", suppress_below=scheme.suppress_below))
    st.caption(t("figures_rule", band=suppress.band(scheme.suppress_below)))  # small counts inside shown rows

district_map_section(stamp, month, scheme)

st.header(t("state_trends"))
with guarded("state trends"):
    trend = data.public_state_trend(stamp)
    metrics = fit.trend_metrics(scheme, kinds)
    st.table(trend_table(trend, metrics), hide_index=True)  # our own labels and bars: no imported text
    if on_request("show_trend_chart", "trend", t("trend_chart")):
        long = trend.select("month", *metrics).unpivot(index="month", variable_name="metric", value_name="value")
        long = long.with_columns(pl.col("metric").replace_strict({m: metric_label(m) for m in metrics}))
        fig = px.line(
            long,
            x="month",
            y="value",
            color="metric",
            markers=True,
            labels={"month": t("month"), "value": t("percent"), "metric": t("metric")},
        )
        fig.update_layout(legend_title_text="", height=380, margin={"t": 20})
        st.plotly_chart(line_hover(fig, "%"), width="stretch", config=PLOTLY_CONFIG)
        chart_table(headers(trend.select("month", *[pl.col(m).round(1) for m in metrics])))
    download(publish.in_language(publish.public_csv(trend), lang()), "state-trend", "state-trend")

metric = fit.lead_metric(scheme, kinds)  # the scheme's first percentage the data hold
st.header(t("cells_title", metric=metric_label(metric), month=month_name(month)))
with guarded("district × department"):
    grid = data.public_cells(stamp, month, metric)
    table = grid.select(
        display_name("district").alias(t("district")),
        display_name("department").alias(t("department")),
        pl.col("received").alias(metric_label("received")),
        pl.col("value").alias(metric_label(metric)),
        pl.col("value_hidden").alias(t("map_hidden")),
    )
    if on_request("show_cells", "grid", t("cells_show")):  # 55 × 52 cells: drawn only when asked for
        figure = data.shared(stamp, "cells_figure", month, metric, lang(), build=lambda: cells_figure(grid, metric))
        st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)
        st.caption(t("cells_note", suppress_below=scheme.suppress_below))
        chart_table(table)
    cells_file = grid.select(  # codes as headers, as the package's cells.csv
        "district",
        "district_name",
        "district_name_hi",
        "department",
        "department_name",
        "department_name_hi",
        "received",
        *([] if metric == "received" else [pl.col("value").alias(metric)]),
        "suppressed",
        "suppressed_reason",
        "small_figures",
        "hidden_figures",
    )
    download(
        publish.in_language(publish.public_csv(suppress.narrow(cells_file)), lang()),
        f"district-department-{month:%Y-%m}",
        "cells",
    )
