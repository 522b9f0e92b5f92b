"""Static charts as inline SVG (no script, no font or file fetched): the score with its interval as a
dot and a whisker on the grade bands, one ranking row at a time (the public page's ranking table) or a
whole ranking (the press report), and the headline percentages against last month (the press report).

Pure: plain values or public frames in (every figure already through the suppression rule of
:mod:`grading.scoring.suppress`; a hidden score is not drawn, a hidden interval is drawn as a hollow
dot without whisker), SVG text out. Names are escaped (an imported name stays text).

The scale is the scheme's whole score range (0 to ``max_score``), the same for every row, so rows read
as one chart; the grade bands (:class:`grading.scoring.schemes.Grade`) are tinted in turn and, on the
whole chart, lettered, with ticks every tenth of the range.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

#: Two neutral tints, taken in turn by the grade bands (best band first): readable in grey and with every
#: common colour-vision deficiency; the bands are told apart by their letters, not by a colour's meaning.
BAND_TINTS: Final = ("#e4e9f1", "#f6f7f9")
INK: Final = "#1b2a47"
MUTED: Final = "#5a6270"
FONT: Final = "font-family=\"'Noto Sans', 'Noto Sans Devanagari', sans-serif\""


@dataclass(frozen=True)
class Scale:
    """The score axis: 0 to ``top`` (the scheme's maximum) and the grade bands as (letter, lowest score),
    best first (as :attr:`grading.scoring.schemes.Scheme.grades`)."""

    top: float
    bands: tuple[tuple[str, float], ...]

    def spans(self) -> list[tuple[str, float, float]]:
        """Each band as (letter, from, to), best first; the best band runs to the top of the scale."""
        out, upper = [], self.top
        for letter, lowest in self.bands:
            out.append((letter, max(lowest, 0.0), upper))
            upper = lowest
        return out


@dataclass(frozen=True)
class Row:
    """One ranked entity as drawn: its printed rank, name, score and score uncertainty (points; None when
    hidden or unknown: a hollow dot)."""

    rank: str
    name: str
    score: float
    uncertainty: float | None


def _x(value: float, scale: Scale, left: float, width: float) -> float:
    return left + min(max(value, 0.0), scale.top) / scale.top * width


def _bands(scale: Scale, left: float, width: float, top: float, height: float) -> str:
    rects = []
    for i, (_, low, high) in enumerate(scale.spans()):
        x0, x1 = _x(low, scale, left, width), _x(high, scale, left, width)
        rects.append(
            f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="{height:.1f}" '
            f'fill="{BAND_TINTS[i % len(BAND_TINTS)]}"/>'
        )
    return "".join(rects)


def _mark(row: Row, scale: Scale, left: float, width: float, *, y: float, size: float) -> str:
    """The dot at the score and, when the uncertainty is shown, the whisker with its end caps."""
    x = _x(row.score, scale, left, width)
    parts = []
    if row.uncertainty is not None:
        x0 = _x(row.score - row.uncertainty, scale, left, width)
        x1 = _x(row.score + row.uncertainty, scale, left, width)
        cap = size * 0.9
        parts.append(
            f'<path d="M{x0:.1f},{y:.1f} H{x1:.1f} M{x0:.1f},{y - cap:.1f} V{y + cap:.1f} '
            f'M{x1:.1f},{y - cap:.1f} V{y + cap:.1f}" stroke="{INK}" stroke-width="1.3" fill="none"/>'
        )
    fill = INK if row.uncertainty is not None else "#ffffff"
    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{fill}" stroke="{INK}" stroke-width="1.3"/>')
    return "".join(parts)


def interval_svg(score: float, uncertainty: float | None, scale: Scale, width: int = 180, height: int = 30) -> str:
    """One row of the dot-and-whisker chart: the grade bands across ``width``, a dot at ``score`` and a
    whisker of ± ``uncertainty`` (a hollow dot when it is None: hidden or unknown)."""
    pad = 4.0
    inner = width - 2 * pad
    mark = _mark(Row("", "", score, uncertainty), scale, pad, inner, y=height / 2, size=4)
    body = _bands(scale, pad, inner, 0, height) + mark
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{body}</svg>'
    )


def data_url(svg: str) -> str:
    """An SVG as a ``data:`` URL (an image cell of a table, an ``<img>``), base64 so any character is safe."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _text(
    x: float, y: float, text: str, *, size: float, anchor: str = "start", colour: str = INK, spaced: bool = False
) -> str:
    """A line of text; ``spaced``: with a space kept on each side, so that a PDF's text layer reads separate
    labels on one line (the grade letters) as separate words ("A B C D", not "ABCD") when copied or read out."""
    keep, shown = (' xml:space="preserve"', f" {text} ") if spaced else ("", text)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" {FONT}{keep}>'
        f"{html.escape(shown)}</text>"
    )


def _shorten(name: str, most: int) -> str:
    return name if len(name) <= most else name[: most - 1].rstrip() + "…"


def ranking_svg(
    groups: Sequence[tuple[str, Sequence[Row]]], scale: Scale, words: tuple[str, str, str], width: int = 640
) -> str:
    """A whole ranking as one dot-and-whisker chart: per group (its heading, then its rows in rank order),
    one line per entity with its printed rank and name at the left and its score on the grade bands; the
    bands lettered at the top, ticks every tenth of the scale at the bottom, and a key: ``words`` are the
    key's three entries (score, the 95 % range, range hidden)."""
    row_h, head_h, top, label_w = 13.0, 16.0, 18.0, 250.0
    left, plot_w = label_w + 8, width - label_w - 20
    lines = sum(len(rows) for _, rows in groups)
    plot_h = lines * row_h + len(groups) * head_h
    height = top + plot_h + 44
    parts = [_bands(scale, left, plot_w, top, plot_h)]
    for letter, low, high in scale.spans():
        middle = (_x(low, scale, left, plot_w) + _x(high, scale, left, plot_w)) / 2
        parts.append(_text(middle, top - 5, letter, size=10, anchor="middle", spaced=True))
    y = top
    for heading, rows in groups:
        parts.append(_text(4, y + head_h - 4, heading, size=9, colour=MUTED))
        y += head_h
        for row in rows:
            middle = y + row_h / 2
            parts.append(_text(34, middle + 3, row.rank, size=8, anchor="end"))
            parts.append(_text(40, middle + 3, _shorten(row.name, 44), size=8))
            parts.append(_mark(row, scale, left, plot_w, y=middle, size=3))
            y += row_h
    axis = top + plot_h
    parts.append(f'<path d="M{left:.1f},{axis:.1f} H{left + plot_w:.1f}" stroke="{MUTED}" stroke-width="0.6"/>')
    for i in range(11):
        value = scale.top * i / 10
        x = _x(value, scale, left, plot_w)
        parts.append(f'<path d="M{x:.1f},{axis:.1f} V{axis + 4:.1f}" stroke="{MUTED}" stroke-width="0.6"/>')
        parts.append(_text(x, axis + 13, f"{value:g}", size=8, anchor="middle", colour=MUTED))
    key_y = axis + 32
    unit = Scale(1, ())  # the key's marks, drawn on a scale of their own
    parts.append(f'<circle cx="10" cy="{key_y - 3:.1f}" r="3" fill="{INK}"/>')
    parts.append(_text(18, key_y, words[0], size=8, colour=MUTED))
    parts.append(_mark(Row("", "", 0.5, 0.45), unit, 150, 30, y=key_y - 3, size=3))
    parts.append(_text(186, key_y, words[1], size=8, colour=MUTED))
    parts.append(_mark(Row("", "", 0, None), unit, 340, 0, y=key_y - 3, size=3))
    parts.append(_text(348, key_y, words[2], size=8, colour=MUTED))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" style="max-width:100%;height:auto" role="img">{"".join(parts)}</svg>'
    )


def versus_svg(
    items: Sequence[tuple[str, float | None, float | None]], words: tuple[str, str], width: int = 640
) -> str:
    """Percentages this month against last month as pairs of bars on 0-100 (``items``: label, this month,
    last month; a missing value draws no bar), with their values and a key (``words``: this month, last
    month)."""
    row_h, label_w, top = 30.0, 230.0, 6.0
    left, plot_w = label_w + 8, width - label_w - 60
    parts = []
    y = top
    for label, now, before in items:
        parts.append(_text(4, y + 17, _shorten(label, 40), size=9))
        for value, colour, dy in ((before, "#b9c2d0", 2.0), (now, INK, 14.0)):
            if value is None:
                continue
            bar = _x(value, Scale(100, ()), left, plot_w) - left
            parts.append(f'<rect x="{left:.1f}" y="{y + dy:.1f}" width="{bar:.1f}" height="10" fill="{colour}"/>')
            parts.append(_text(left + bar + 4, y + dy + 8.5, f"{value:.1f}%", size=8, colour=MUTED))
        y += row_h
    key_y = y + 10
    parts.append(f'<rect x="{left:.1f}" y="{key_y - 8:.1f}" width="10" height="8" fill="{INK}"/>')
    parts.append(_text(left + 14, key_y, words[0], size=8, colour=MUTED))
    parts.append(f'<rect x="{left + 120:.1f}" y="{key_y - 8:.1f}" width="10" height="8" fill="#b9c2d0"/>')
    parts.append(_text(left + 134, key_y, words[1], size=8, colour=MUTED))
    height = key_y + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" style="max-width:100%;height:auto" role="img">{"".join(parts)}</svg>'
    )
