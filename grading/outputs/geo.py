"""District boundaries: the helpline's own, or Madhya Pradesh's 55 districts shipped with Nivaran.

``data/boundaries/mp-districts.geojson`` was converted once from the adarvmaps package (see
``data/boundaries/README.md`` for source, licence and attribution); nothing is fetched at run time.
Each feature's ``id`` is Nivaran's district code (``data/districts.csv``); ``properties.lgd`` is the
Local Government Directory code. :func:`district_svg` draws them as a static SVG map (the printed
report); the dashboard's interactive map is in ``ui/maps.py``.

**Which map a store gets** (:func:`for_store`): the boundaries kept in its settings (``nivaran init
--boundaries FILE.geojson``, :mod:`grading.store.helpline`); else Madhya Pradesh's when they fit the
store (:func:`fits`: its reference districts are all features of the file, or, a store without
reference districts, some district of its data is); else none (a 311 city is not Madhya Pradesh).
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.schema import UNASSIGNED
from grading.store import database, helpline

if TYPE_CHECKING:
    import duckdb

BOUNDARIES: Final = DATA_DIR / "boundaries" / "mp-districts.geojson"
#: Where the map centres and how far it zooms to show the whole state.
CENTRE: Final = {"lat": 23.8, "lon": 78.4}
ZOOM: Final = 5.3


@cache
def district_boundaries() -> dict[str, Any]:
    """The district outlines as a GeoJSON FeatureCollection (read once per process)."""
    loaded: dict[str, Any] = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return loaded


@dataclass(frozen=True, eq=False)
class Boundaries:
    """The district outlines one store's map draws: the GeoJSON (each feature's ``id`` a district
    code), where the map centres and how far it zooms, and ``source``: the file a helpline gave
    (empty for the shipped Madhya Pradesh file, whose credit the page prints)."""

    geojson: dict[str, Any]
    centre: dict[str, float]
    zoom: float
    source: str = ""

    @property
    def shipped(self) -> bool:
        """Whether these are the Madhya Pradesh boundaries shipped with Nivaran."""
        return not self.source


def feature_ids(geojson: dict[str, Any]) -> set[str]:
    """The district codes a FeatureCollection draws (its features' ``id``)."""
    return {str(f["id"]) for f in geojson["features"] if f.get("id") is not None}


def fits(ids: set[str], districts: pl.DataFrame) -> bool:
    """Whether a boundary file with features ``ids`` is the map of a store with ``districts`` (its
    reference table): every reference district (``is_reference``) is a feature, when the store has
    any; else at least one district code of its data (``UNASSIGNED`` aside) is."""
    if districts.is_empty():
        return False
    known = districts.filter(pl.col("is_reference")) if "is_reference" in districts.columns else districts
    if known.height:
        return set(known["code"].to_list()) <= ids
    return bool(set(districts.filter(pl.col("code") != UNASSIGNED)["code"].to_list()) & ids)


def view(geojson: dict[str, Any]) -> tuple[dict[str, float], float]:
    """Where a map of ``geojson`` centres and how far it zooms to show every feature (web-map zoom:
    each step doubles the scale; zoom 0 shows 360° of longitude in about 512 px)."""
    points = [p for f in geojson["features"] for ring in _rings(f["geometry"]) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    span = max(east - west, (north - south) / max(math.cos(math.radians((north + south) / 2)), 0.1), 1e-3)
    zoom = max(0.0, min(12.0, math.log2(360 / span) - 0.1))  # Madhya Pradesh: 5.26 (its map: 5.3)
    return {"lat": round((north + south) / 2, 4), "lon": round((east + west) / 2, 4)}, round(zoom, 2)


def for_store(con: duckdb.DuckDBPyConnection) -> Boundaries | None:
    """The map of the store open on ``con`` (see the module docstring): its own boundaries, else
    Madhya Pradesh's when they fit its districts, else None (no map)."""
    own = helpline.read_boundaries(con)
    if own is not None:
        shapes, source = own
        centre, zoom = view(shapes)
        return Boundaries(shapes, centre, zoom, source or "boundaries")
    shipped = district_boundaries()
    if fits(feature_ids(shipped), database.read_table(con, "districts")):
        return Boundaries(shipped, dict(CENTRE), ZOOM)
    return None


#: Plotly's cividis stops (low to high): readable with the common colour-vision deficiencies.
CIVIDIS: Final = (
    "#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369", "#e1cc55", "#fee838",
)  # fmt: skip
HIDDEN_GREY: Final = "#9e9e9e"
NO_DATA: Final = "#ffffff"


class Shown(NamedTuple):
    """One district on a map: its name, its value (None: no data) and whether it is hidden."""

    name: str
    value: float | None
    hidden: bool


def cividis(value: float, low: float, high: float) -> str:
    """The colour of ``value`` on the cividis scale from ``low`` to ``high`` (clipped; linear between
    the stops): cividis(0, 0, 100) → '#00224e', cividis(100, 0, 100) → '#fee838'."""
    share = 0.0 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    where = share * (len(CIVIDIS) - 1)
    i = min(int(where), len(CIVIDIS) - 2)
    a, b = (CIVIDIS[i], CIVIDIS[i + 1])
    mixed = [int(a[k : k + 2], 16) + (int(b[k : k + 2], 16) - int(a[k : k + 2], 16)) * (where - i) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(c):02x}" for c in mixed)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon: lists of [lon, lat, …] points."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def district_svg(
    shown: dict[str, Shown],
    words: tuple[str, str],
    unit: str = "",
    width: int = 520,
    boundaries: dict[str, Any] | None = None,
    *,
    labels: float = 0,
) -> str:
    """The districts as an inline SVG map (no script, no font, nothing fetched), for the printed report.

    ``shown``: district code → :class:`Shown`. Values are coloured on cividis over the range of the
    shown values; hidden districts are grey, districts without a value (or not in ``shown``) white.
    Each district's ``<title>`` reads "name: value unit", or "name: hidden" / "name: no data" in the
    report's language (``words``: the words for hidden and for no data). Longitude is scaled by the
    cosine of the middle latitude (an equirectangular view, true enough at one state's size).
    ``boundaries``: the outlines to draw (a :class:`Boundaries`' GeoJSON; default Madhya Pradesh's).
    ``labels``: when above 0, each district's name is written on it in that font size (at the centre of
    its largest outline, with a white halo), so a reader finds a district without hovering.
    """
    features = (boundaries or district_boundaries())["features"]
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = width / ((east - west) * squeeze)
    low, high = value_range([s.value for s in shown.values() if not s.hidden]) or (0.0, 1.0)
    paths: list[str] = []
    names: list[str] = []
    for f in features:
        one = shown.get(f["id"], Shown(str(f["properties"].get("name", f["id"])), None, hidden=False))
        if one.hidden:
            fill, tip = HIDDEN_GREY, f"{one.name}: {words[0]}"
        elif one.value is None:
            fill, tip = NO_DATA, f"{one.name}: {words[1]}"
        else:
            fill, tip = cividis(one.value, low, high), f"{one.name}: {one.value:.1f} {unit}".rstrip()
        rings = []
        for ring in _rings(f["geometry"]):
            at = [f"{(x - west) * squeeze * scale:.1f},{(north - y) * scale:.1f}" for x, y, *_ in ring]
            kept = [p for i, p in enumerate(at) if i == 0 or p != at[i - 1]]  # drop points that round alike
            rings.append("M" + " L".join(kept) + " Z")
        paths.append(
            f'<path d="{" ".join(rings)}" fill="{fill}" stroke="#555" stroke-width="0.5" '
            f'data-district="{html.escape(str(f["id"]))}"><title>{html.escape(tip)}</title></path>'
        )
        if labels > 0:
            x, y = label_point(f["geometry"])
            names.append(
                f'<text x="{(x - west) * squeeze * scale:.1f}" y="{(north - y) * scale + labels / 3:.1f}" '
                f'font-size="{labels:g}" text-anchor="middle" fill="{ink_on(fill)}" '
                "font-family=\"'Noto Sans', 'Noto Sans Devanagari', sans-serif\">"
                f"{html.escape(one.name)}</text>"
            )
    height = round((north - south) * scale)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" style="max-width:100%;height:auto" role="img">{"".join(paths)}{"".join(names)}</svg>'
    )


def ink_on(fill: str) -> str:
    """The colour a name is written in on ``fill`` (a ``#rrggbb`` colour): white on the dark end of the
    scale, near-black elsewhere (relative luminance below 0.35 counts as dark)."""
    red, green, blue = (int(fill[k : k + 2], 16) / 255 for k in (1, 3, 5))
    return "#ffffff" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.35 else "#111111"


def label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """Where a district's name goes: the centroid of its largest outer ring (longitude, latitude; the
    shoelace formula, plain degrees, true enough for placing a word)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    best: tuple[float, float, float] = (-1.0, 0.0, 0.0)
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if area and abs(area) > best[0]:
            best = (abs(area), cx / (3 * area), cy / (3 * area))
    if best[0] < 0:
        xs = [p[0] for p in polygons[0][0]]
        ys = [p[1] for p in polygons[0][0]]
        return sum(xs) / len(xs), sum(ys) / len(ys)
    return best[1], best[2]


def legend_svg() -> str:
    """The map's key as a strip of swatches: cividis from low to high, then white (no data) and grey
    (hidden)."""
    swatches = "".join(
        f'<rect x="{12 * i}" y="0" width="12" height="10" fill="{c}" stroke="#555" stroke-width="0.3"/>'
        for i, c in enumerate((*CIVIDIS, NO_DATA, HIDDEN_GREY))
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{12 * (len(CIVIDIS) + 2)}" height="10">{swatches}</svg>'


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values between ``low`` and ``high`` for a scale's ticks (steps of 1, 2 or 5 times a power of
    ten, at most ``most`` of them): nice_ticks(41.3, 93.8) → [50.0, 60.0, 70.0, 80.0, 90.0]."""
    if high <= low:
        return [low]
    raw = (high - low) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def ticked_legend_svg(low: float, high: float, unit: str, words: tuple[str, str], width: int = 360) -> str:
    """The map's key with a scale: the cividis ramp from ``low`` (dark) to ``high`` (light) with ticks and
    their values (:func:`nice_ticks`; ``unit`` after the last), and under it a white swatch for no data and
    a grey one for hidden (``words``: the words for hidden and for no data, as :func:`district_svg`)."""
    left, top = 14.0, 4.0  # room for half a tick label at either end
    ramp_w = width - 2 * left
    stops = "".join(f'<stop offset="{i / (len(CIVIDIS) - 1):.3f}" stop-color="{c}"/>' for i, c in enumerate(CIVIDIS))
    font = 'font-family="\'Noto Sans\', \'Noto Sans Devanagari\', sans-serif" font-size="11" fill="#333"'
    parts = [
        f'<defs><linearGradient id="ramp">{stops}</linearGradient></defs>',
        f'<rect x="{left}" y="{top}" width="{ramp_w:.0f}" height="12" fill="url(#ramp)" stroke="#555" '
        'stroke-width="0.4"/>',
    ]
    span = high - low
    ticks = nice_ticks(low, high, 5) if span > 0 else [low]
    for i, value in enumerate(ticks):
        x = left + (0 if span <= 0 else (value - low) / span * ramp_w)
        text = f"{value:g}" + (f" {unit}" if unit and i == len(ticks) - 1 else "")
        parts.append(f'<path d="M{x:.1f},{top + 12} V{top + 17}" stroke="#333" stroke-width="0.8"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + 29}" text-anchor="middle" {font}>{html.escape(text)}</text>')
    x, row = left, top + 38
    for colour, word in ((NO_DATA, words[1]), (HIDDEN_GREY, words[0])):
        parts.append(
            f'<rect x="{x:.0f}" y="{row}" width="14" height="12" fill="{colour}" stroke="#555" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x + 19:.0f}" y="{row + 10}" {font}>{html.escape(word)}</text>')
        x += 19 + 6.5 * len(word) + 18
    height = row + 16
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" style="max-width:100%;height:auto" role="img">{"".join(parts)}</svg>'
    )


def value_range(values: list[float | None]) -> tuple[float, float] | None:
    """The lowest and highest of the shown values (None when there is none): the ends of the colour scale."""
    kept = [v for v in values if v is not None]
    return (min(kept), max(kept)) if kept else None
