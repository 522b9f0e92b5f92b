"""Public summary (journalists and the public): headline figures, rankings, trends, downloads.

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
from grading.outputs.fmt import in_words, indian, pct
from grading.rules.asof import previous_month
from grading.scoring import fit, suppress
from ui import data
from ui.i18n import display_name, lang, metric_label, month_name, t
from ui.maps import district_map_section
from ui.public_page import (
    cells_figure,
    chart_table,
    download_markers,
    line_hover,
    on_request,
    package_downloads,
    page_style,
    trend_table,
)
from ui.ranking import public_ranking_table, ranking_tables, streaks_section
from ui.widgets import data_window, download, guarded, headers, page_context, published_marker

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
st.title(t("public_title"))
st.write(t("public_intro", suppress_below=scheme.suppress_below))
st.caption(t("figures_rule", band=suppress.band(scheme.suppress_below)))  # small counts inside shown rows
data_window(stamp)
published_marker(stamp, month)

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
        col.caption(t("vs_last_month"))


def ranking_download(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The downloadable ranking: raw numbers, headers from the registry; the measures the store's
    records hold (the scheme's own after the usual ones). A figure the suppression rule hides is
    empty, and the row's last two columns name the small counts (1–4) and the other hidden figures."""
    points = [f"points_{c.key}" for c in scheme.components if fit.shows(c.metric, kinds)]
    usual = ["closed_satisfied", "satisfied_closure_pct", "long_pending_disposal_pct", "force_close_pct"]
    usual += ["non_attended_pct", "sla_compliance_pct", "pending_over_50", *(c.metric for c in scheme.components)]
    raw = rows.select(
        pl.col(kind).alias("code"),
        display_name(kind).alias("name"),
        "rank_text",
        "volume_group",
        "rank_best",
        "rank_worst",
        "rank_is_reliable",
        "score",
        "grade",
        *points,
        "rank_change",
        "received",
        *fit.shown(list(dict.fromkeys(usual)), kinds),
        "suppressed",
        "small_figures",
        "hidden_figures",
    )
    renamed = {"name": t(kind), "rank_text": t("rank"), "score": t("score"), "grade": t("grade")}
    renamed |= {"rank_change": t("rank_change"), "suppressed": t("suppressed")}
    return headers(download_markers(raw, scheme).rename({k: str(v) for k, v in renamed.items()}))


st.header(t("dept_ranking", month=month_name(month)))
st.caption(t("dept_ranking_help", scheme=scheme.title_hi if lang() == "hi" else scheme.title_en))
with guarded("department ranking"):
    departments = data.public_ranking(stamp, "department", month)
    st.caption(t("dept_groups"))
    if ranking_tables(
        departments, "department", month, scheme, lambda rows: public_ranking_table(rows, "department", scheme)
    ):
        download(ranking_download(departments, "department"), f"department-ranking-{month:%Y-%m}", "dept-rank")
streaks_section(stamp, month)

st.header(t("district_ranking", month=month_name(month)))
with guarded("district ranking"):
    districts = data.public_ranking(stamp, "district", month)
    groups = scheme.groups_for("district")
    if groups is not None and groups.top_n:
        st.caption(t("district_groups", n=groups.top_n))
    elif groups is not None and groups.min_received:
        st.caption(t("district_groups_min", n=groups.min_received[0]))
    if ranking_tables(
        districts, "district", month, scheme, lambda rows: public_ranking_table(rows, "district", scheme)
    ):
        download(ranking_download(districts, "district"), f"district-ranking-{month:%Y-%m}", "district-rank")

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
        st.plotly_chart(line_hover(fig, "%"), width="stretch")
        chart_table(headers(trend.select("month", *[pl.col(m).round(1) for m in metrics])))
    download(headers(trend), "state-trend", "state-trend")

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
        st.plotly_chart(figure, width="stretch")
        st.caption(t("cells_note", suppress_below=scheme.suppress_below))
        chart_table(table)
    cells_file = grid.select(
        display_name("district").alias("district_shown"),
        display_name("department").alias("department_shown"),
        "received",
        *([] if metric == "received" else [pl.col("value").alias(metric)]),
        "suppressed",
        "small_figures",
        "hidden_figures",
    )
    cells_file = download_markers(cells_file, scheme)
    names = {"district_shown": t("district"), "department_shown": t("department"), "suppressed": t("suppressed")}
    download(
        headers(cells_file.rename({k: str(v) for k, v in names.items()})), f"district-department-{month:%Y-%m}", "cells"
    )

package_downloads(stamp, month)
