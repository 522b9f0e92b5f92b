"""The district map of the public summary: a choropleth drawn from the store's own boundaries or the
ones shipped in the repository (grading.outputs.geo.for_store: the helpline's file, else Madhya Pradesh's
only when they fit the store's districts, else no map) on a blank background, so the browser fetches no
tiles, fonts or styles.

Hidden districts (suppressed by grading.serve.public: the row, or only the measure shown) are grey and
say so; districts with no data are white with an outline; the colour scale is cividis (readable with
every common colour-vision deficiency).
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from grading.outputs import geo
from grading.outputs.geo import HIDDEN_GREY
from grading.scoring import suppress
from grading.scoring.schemes import Scheme
from ui import data, permalink
from ui.i18n import display_name, lang, metric_label, t
from ui.public_page import PLOTLY_CONFIG, chart_table, on_request, unit_suffix
from ui.text import chart_text
from ui.widgets import guarded

Stamp = tuple[int, int]


def map_metrics(scheme: Scheme) -> list[str]:
    """What the map can show: the score, then the scheme's component metrics the store's records hold,
    then received."""
    wanted = ["score", *dict.fromkeys(c.metric for c in scheme.components), "sla_compliance_pct", "received"]
    return [m for m in dict.fromkeys(wanted) if data.public_shows(m)]


def _layer(rows: pl.DataFrame, colour: str, name: str, text: pl.Expr, shapes: geo.Boundaries) -> go.Choroplethmap:
    """One flat-coloured layer of districts (hidden, or no data)."""
    return go.Choroplethmap(
        geojson=shapes.geojson,
        locations=rows["district"].to_list(),
        z=[0] * rows.height,
        featureidkey="id",
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker_line_color="#555555",
        marker_line_width=0.6,
        name=name,
        text=rows.select(text)[text.meta.output_name()].to_list(),
        hovertemplate="%{text}<extra></extra>",
    )


def district_figure(rows: pl.DataFrame, metric: str, shapes: geo.Boundaries) -> go.Figure:
    """A choropleth of ``metric`` over the public district rows of one month drawn on ``shapes``
    (hidden: the row, or only ``metric`` on it, :func:`grading.scoring.suppress.figure_hidden`; a null
    value on a shown figure is "no data")."""
    unit = unit_suffix(metric)
    name = chart_text(display_name("district")).alias("name")  # Plotly renders HTML in hover text
    is_hidden = suppress.figure_hidden(metric)
    shown = rows.filter(~is_hidden & pl.col(metric).is_not_null())
    hidden = rows.filter(is_hidden)
    empty = rows.filter(~is_hidden & pl.col(metric).is_null())
    label = metric_label(metric)
    fig = go.Figure(
        go.Choroplethmap(
            geojson=shapes.geojson,
            locations=shown["district"].to_list(),
            z=shown[metric].to_list(),
            featureidkey="id",
            colorscale="Cividis",
            marker_line_color="white",
            marker_line_width=0.6,
            colorbar={"title": {"text": label}},
            text=shown.select(name)["name"].to_list(),
            hovertemplate=f"%{{text}}<br>{label}: %{{z:.1f}}{unit}<extra></extra>",
        )
    )
    if hidden.height:
        hidden_text = pl.format("{}: {}", name, pl.lit(t("map_hidden")))
        fig.add_trace(_layer(hidden, HIDDEN_GREY, t("map_hidden"), hidden_text, shapes))
    if empty.height:
        empty_text = pl.format("{}: {}", name, pl.lit(t("map_no_data")))
        fig.add_trace(_layer(empty, "#ffffff", t("map_no_data"), empty_text, shapes))
    fig.update_layout(
        map_style="white-bg",
        map_center=shapes.centre,
        map_zoom=shapes.zoom,
        height=560,
        margin={"t": 10, "b": 10, "l": 0, "r": 0},
    )
    return fig


def svg_map(rows: pl.DataFrame, metric: str, shapes: geo.Boundaries) -> str:
    """The map as a static SVG (grading.outputs.geo.district_svg) with every district's name on it: quick to
    draw and printable; the values are in the table under it, the zoomable map has them on hover."""
    named = rows.with_columns(
        display_name("district").alias("shown_name"), suppress.figure_hidden(metric).alias("_hidden")
    )
    shown = {
        r["district"]: geo.Shown(r["shown_name"], r[metric], bool(r["_hidden"])) for r in named.iter_rows(named=True)
    }
    words = (t("map_hidden"), t("map_no_data"))
    unit = unit_suffix(metric).strip()
    return geo.district_svg(shown, words, unit=unit, width=900, boundaries=shapes.geojson, labels=9)


def district_map_section(stamp: Stamp, month: date, scheme: Scheme) -> None:
    """The map with its metric picker, the legend for hidden and no-data districts, the same figures as
    a table, and the boundaries' source; a store without boundaries of its own gets one sentence."""
    st.header(t("map_title"))
    shapes = data.public_boundaries(stamp)
    if shapes is None:  # never another place's map (a 311 city is not Madhya Pradesh)
        st.caption(t("map_none"))
        return
    with guarded("district map"):
        options = map_metrics(scheme)
        permalink.restore("map_metric", "metric", permalink.one_of(options))
        metric = st.selectbox(t("map_metric"), options, format_func=metric_label, key="map_metric")
        permalink.publish("metric", metric)
        rows = data.public_ranking(stamp, "district", month)
        if on_request("map_zoom", "zoom", t("map_zoom")):
            st.plotly_chart(
                district_figure(rows, metric, shapes), width="stretch", key="district_map", config=PLOTLY_CONFIG
            )
            st.caption(t("map_legend"))
        else:  # the first paint: a static map (no WebGL, no chart library)
            # An image (Streamlit's HTML element strips SVG), drawn once per shared ranking, metric and language.
            st.image(data.derived(rows, "svg_map", metric, lang(), build=lambda: svg_map(rows, metric, shapes)))
            ends = geo.value_range(rows.filter(~suppress.figure_hidden(metric))[metric].to_list())
            words = (t("map_hidden"), t("map_no_data"))
            unit = unit_suffix(metric).strip()
            # The key with its scale: ticks and values, then no data and hidden.
            st.image(geo.ticked_legend_svg(*ends, unit, words) if ends else geo.legend_svg())
        chart_table(
            rows.select(
                display_name("district").alias(t("district")),
                pl.col(metric).round(2).alias(metric_label(metric)),
                suppress.figure_hidden(metric).alias(t("map_hidden")),
            )
        )
        st.caption(t("map_source") if shapes.shipped else t("map_own_source", source=shapes.source))
