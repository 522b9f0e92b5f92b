"""Trends: any metric over the months for chosen departments or districts, with the state line."""

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from grading.model.registry import METRICS
from grading.outputs.fmt import fixed_expr
from grading.scoring import fit
from ui import data, permalink
from ui.i18n import display_name, lang, metric_label, t
from ui.public_page import chart_table, line_hover, row_or_figure_note, unit_suffix
from ui.text import chart_text
from ui.widgets import download, guarded, headers, page_context

stamp, _ = page_context()
st.title(t("trends_title"))
left, mid = st.columns([2, 1])
offered = fit.shown(list(METRICS), data.public_recorded(stamp))  # the measures the store's records hold
permalink.restore("trend_metric", "metric", permalink.one_of(offered))
permalink.restore("trend_kind", "kind", permalink.one_of(["department", "district"]))
if st.session_state.get("trend_metric") not in offered:
    st.session_state["trend_metric"] = fit.lead_metric(data.scheme(), data.public_recorded(stamp))
metric = left.selectbox(
    t("pick_metric"),
    offered,
    format_func=metric_label,
    key="trend_metric",
)
kind = mid.radio(t("pick_entity_type"), ["department", "district"], format_func=t, key="trend_kind", horizontal=True)
rows = data.public_history(stamp, kind)
labels: dict[str, str] = dict(rows.select(kind, display_name(kind)).unique().iter_rows())
permalink.restore(f"trend_pick_{kind}", "pick", permalink.subset_of(sorted(labels), limit=8))
# The three best of the month every page opens on (the latest month with a graded department).
opening = data.public_default_month(stamp) or rows["month"].max()
default = rows.filter(pl.col("month") == opening).sort("rank", nulls_last=True)[kind].head(3).to_list()
st.session_state.setdefault(f"trend_pick_{kind}", default)
chosen = st.multiselect(
    t("pick_entities"),
    sorted(labels),
    format_func=lambda code: labels[code],
    max_selections=8,
    key=f"trend_pick_{kind}",
)
for param, value in (("metric", metric), ("kind", kind), ("pick", chosen)):
    permalink.publish(param, value)

with guarded("trend"):
    # A figure the suppression rule hides is a gap in its line; the table and the download say why
    # ("< 5" or "hidden" for a row hidden whole, "1–4" for a small count, "hidden" for one computed from it).
    series = rows.filter(pl.col(kind).is_in(chosen)).select(
        "month",
        display_name(kind).alias("who"),
        pl.col(metric).alias("value"),
        row_or_figure_note(metric, data.scheme()).alias("note"),
    )
    if METRICS[metric].unit != "days":
        state = data.public_state_trend(stamp).select(
            "month", pl.lit(t("state_line")).alias("who"), pl.col(metric).alias("value")
        )  # statewide totals are shown whole
        series = pl.concat([series, state], how="diagonal_relaxed")
    else:
        st.caption(t("days_no_state"))
    decimals = 0 if METRICS[metric].unit == "count" else 1

    def figure() -> go.Figure:
        fig = px.line(
            series.with_columns(chart_text(pl.col("who"))),
            x="month",
            y="value",
            color="who",
            markers=True,
            labels={"month": t("month"), "value": metric_label(metric), "who": ""},
        )
        fig.update_layout(height=450, margin={"t": 20})
        return line_hover(fig, unit_suffix(metric))

    # One figure per choice for every session: the default choice is what most readers see.
    st.plotly_chart(
        data.shared(stamp, "trend_figure", kind, metric, tuple(chosen), lang(), build=figure), width="stretch"
    )
    shown = series.with_columns(text=fixed_expr(pl.col("value"), decimals).fill_null(pl.col("note")))
    chart_table(
        shown.pivot(on="who", index="month", values="text", sort_columns=True)
        .sort("month")
        .rename({"month": t("month")})
    )
    file = series.rename({"value": metric, "who": t(kind), "note": t("figure_note")})
    download(headers(file), f"trend-{metric}", "trend")
