"""Trends: the score, rank in group or any metric over the months for chosen departments or districts,
with the state line (drawn apart: black, dashed, thicker) where the measure has one."""

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from grading.model.registry import METRICS
from grading.outputs import publish
from grading.outputs.drawings import BAND_TINTS
from grading.outputs.fmt import RANK_ORDER, fixed_expr
from grading.scoring import fit
from ui import data, permalink
from ui.i18n import display_name, lang, metric_label, t
from ui.public_page import PLOTLY_CONFIG, chart_table, line_hover, row_or_figure_note, unit_suffix
from ui.ranking import scale_of
from ui.text import chart_text
from ui.widgets import download, guarded, page_context

#: What the ranking record adds to the registry's measures: the score (its grade bands drawn behind it)
#: and the rank in its group (best at the top; a range is the band from best to worst possible rank).
RECORD = ("score", "rank_position")

stamp, _ = page_context()
st.title(t("trends_title"))
left, mid = st.columns([2, 1])
offered = [*RECORD, *fit.shown(list(METRICS), data.public_recorded(stamp))]  # and what the store's records hold
# The link restores a registry measure only: the public summary's map writes its own "metric" (often
# "score") into the same address, which would otherwise open this page on the score.
permalink.restore("trend_metric", "metric", permalink.one_of([m for m in offered if m not in RECORD]))
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
# The first three of group 1 (the busiest) in the month every page opens on, in rank order: not the top of
# all 52, where a department of a few dozen complaints can lead.
opening = data.public_default_month(stamp) or rows["month"].max()
first = rows.filter(pl.col("month") == opening, pl.col("is_ranked").fill_null(value=False))
first = first.filter(pl.col("volume_group").is_null() | (pl.col("volume_group") == 1))
default = first.sort([*RANK_ORDER, kind], nulls_last=True)[kind].head(3).to_list()
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
    state_line = str(t("state_line"))
    if metric in RECORD:
        st.caption(t("trends_no_state"))
    elif METRICS[metric].unit != "days":
        state = data.public_state_trend(stamp).select(
            "month", pl.lit(state_line).alias("who"), pl.col(metric).alias("value")
        )  # statewide totals are shown whole
        series = pl.concat([series, state], how="diagonal_relaxed")
    else:
        st.caption(t("days_no_state"))
    unit = "rank" if metric == "rank_position" else "points" if metric == "score" else METRICS[metric].unit
    decimals = 0 if unit in ("count", "rank") else 2 if unit == "points" else 1
    scheme = data.scheme()

    def figure() -> go.Figure:
        fig = px.line(
            series.with_columns(chart_text(pl.col("who"))),
            x="month",
            y="value",
            color="who",
            markers=True,
            labels={"month": t("month"), "value": metric_label(metric), "who": ""},
        )
        fig.update_layout(
            height=450,
            margin={"t": 60},
            title={"text": str(t("trends_chart_title", metric=metric_label(metric)))},  # our words, no imported text
            legend={"orientation": "h", "y": -0.18},
        )
        fig.update_traces(line={"width": 2})
        # The state line apart from the others: black, dashed and thicker, drawn last (on top).
        state_style = {"color": "#111111", "width": 4, "dash": "dash"}
        fig.update_traces(selector={"name": state_line}, line=state_style, marker={"color": "#111111"})
        if metric == "score":  # the grade bands behind the lines, lettered
            for i, (letter, low, high) in enumerate(scale_of(scheme).spans()):
                tint = BAND_TINTS[i % len(BAND_TINTS)]
                fig.add_hrect(
                    y0=low, y1=high, fillcolor=tint, line_width=0, layer="below",
                    annotation_text=letter, annotation_position="right",
                )  # fmt: skip
            fig.update_yaxes(range=[0, scheme.max_score])
        if metric == "rank_position":
            fig.update_yaxes(autorange="reversed", dtick=1)  # rank 1 at the top
        return line_hover(fig, unit_suffix(metric), decimals)

    # One figure per choice for every session: the default choice is what most readers see.
    st.plotly_chart(
        data.shared(stamp, "trend_figure", kind, metric, tuple(chosen), lang(), build=figure),
        width="stretch",
        config=PLOTLY_CONFIG,
    )
    shown = series.with_columns(text=fixed_expr(pl.col("value"), decimals).fill_null(pl.col("note")))
    chart_table(
        shown.pivot(on="who", index="month", values="text", sort_columns=True)
        .sort("month")
        .rename({"month": t("month")})
    )
    # Codes as headers, as every public CSV: month, the entity's code and names, the measure, and why a
    # figure is empty (the suppression rule's words).
    codes = rows.filter(pl.col(kind).is_in(chosen)).select(
        "month",
        kind,
        f"{kind}_name",
        f"{kind}_name_hi",
        pl.col(metric),
        row_or_figure_note(metric, scheme).alias("hidden"),
    )
    download(publish.in_language(publish.public_csv(codes.sort("month", kind)), lang()), f"trend-{metric}", "trend")
