"""The site's charts: simple shapes written as SVG for the pages and as PNG for link previews (pure).

A chart is a list of rectangles (bars, dots, whiskers, grid lines) and text labels on a canvas of
:data:`WIDTH` × :data:`HEIGHT` units. :func:`svg` writes all of it as an inline SVG (no script, no font or
image fetched; each rectangle may carry a ``<title>`` a browser shows on hover); :func:`png` paints the
rectangles only, scaled to 1200 × 630 pixels, the size link previews (Open Graph cards) expect. Text is
left out of the PNG because painting Devanagari needs a shaping engine; the card's title and description
carry the words. Writing the PNG here (zlib and a few chunks) keeps publishing free of an image library.

Canvas units: x to the right, y downwards, 0–640 by 0–336 (the 1200 × 630 card's proportions).
"""

from __future__ import annotations

import html
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 336
#: Link previews (Open Graph) are drawn at this size.
CARD: Final = (1200, 630)
INK: Final = "#1f2933"
BAR: Final = "#3b496c"
MUTED: Final = "#9e9e9e"
GRID: Final = "#d9dde3"
PAPER: Final = "#ffffff"


@dataclass(frozen=True)
class Box:
    """A filled rectangle in canvas units; ``title``: what a reader sees on hover (SVG only)."""

    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""


@dataclass(frozen=True)
class Label:
    """A line of text whose baseline starts (``anchor`` start), centres (middle) or ends (end) at x, y."""

    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float = 11.0
    fill: str = INK


@dataclass(frozen=True)
class Chart:
    """Rectangles and labels on the canvas, with a title and a one-line description (the SVG's
    ``<title>`` and ``<desc>``: what a screen reader says)."""

    title: str
    description: str
    boxes: tuple[Box, ...]
    labels: tuple[Label, ...]


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def svg(chart: Chart) -> str:
    """``chart`` as one inline ``<svg>`` element (scales to its container's width; text escaped)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" class="chart"><title>{html.escape(chart.title)}</title>'
        f"<desc>{html.escape(chart.description)}</desc>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="{PAPER}"/>'
    ]
    for b in chart.boxes:
        shape = f'x="{_num(b.x)}" y="{_num(b.y)}" width="{_num(b.w)}" height="{_num(b.h)}" fill="{b.fill}"'
        tip = f"<title>{html.escape(b.title)}</title>" if b.title else ""
        parts.append(f"<rect {shape}>{tip}</rect>" if tip else f"<rect {shape}/>")
    for t in chart.labels:
        parts.append(
            f'<text x="{_num(t.x)}" y="{_num(t.y)}" text-anchor="{t.anchor}" font-size="{_num(t.size)}" '
            f"fill=\"{t.fill}\" font-family=\"'Noto Sans', 'Noto Sans Devanagari', sans-serif\">"
            f"{html.escape(t.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def standalone(chart: Chart) -> str:
    """``chart`` as an SVG file of its own (XML declaration first), for a reporter to reuse."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg(chart) + "\n"


def _rgb(colour: str) -> bytes:
    return bytes(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def png(chart: Chart, size: tuple[int, int] = CARD) -> bytes:
    """The rectangles of ``chart`` painted on white at ``size`` pixels (labels left out: see the module
    docstring), as PNG bytes: 8-bit indexed colour (a chart has a handful of colours), no interlace."""
    width, height = size
    sx, sy = width / WIDTH, height / HEIGHT
    palette = list(dict.fromkeys([PAPER, *(b.fill for b in chart.boxes)]))[:256]
    index = {colour: i for i, colour in enumerate(palette)}
    rows = [bytearray(width) for _ in range(height)]  # every pixel index 0: paper
    for b in chart.boxes:
        x0, x1 = max(0, round(b.x * sx)), min(width, round((b.x + b.w) * sx))
        y0, y1 = max(0, round(b.y * sy)), min(height, round((b.y + b.h) * sy))
        if x1 <= x0 and b.w > 0:  # a hairline stays visible
            x1 = min(width, x0 + 1)
        if y1 <= y0 and b.h > 0:
            y1 = min(height, y0 + 1)
        run = bytes([index.get(b.fill, 0)]) * (x1 - x0)
        for y in range(y0, y1):
            rows[y][x0:x1] = run
    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 (none) on every line

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    colours = b"".join(_rgb(c) for c in palette)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", colours)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --- the charts the site draws --------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    """One month of an entity's history as the chart draws it: ``label`` (the month, short), the
    score (None: hidden or not graded; ``hidden`` says which), grade, and the printed position in its
    group with the range of ranks it could hold (None: not ranked); ``tip``: the hover text."""

    label: str
    score: float | None
    hidden: bool
    grade: str | None
    position: int | None
    best: int | None
    worst: int | None
    tip: str


#: The two panels of the history chart: (top, bottom) in canvas units.
_SCORE_PANEL: Final = (34.0, 170.0)
_RANK_PANEL: Final = (206.0, 300.0)
_LEFT: Final = 56.0
_RIGHT: Final = 624.0


def history_chart(
    points: Sequence[MonthPoint], max_score: float, words: dict[str, str], title: str, description: str
) -> Chart:
    """An entity's months side by side: the score as a bar (grade above it; a hidden month a grey stub),
    and below it the position in its volume group (1 at the top) as a dot with a bar over the ranks it
    could hold. ``words``: ``score``, ``rank`` (panel titles) and ``hidden`` (under a hidden month)."""
    boxes: list[Box] = []
    labels: list[Label] = [
        Label(_LEFT, _SCORE_PANEL[0] - 14, words["score"], size=12),
        Label(_LEFT, _RANK_PANEL[0] - 14, words["rank"], size=12),
    ]
    top, bottom = _SCORE_PANEL
    for value in (0.0, max_score / 2, max_score):
        y = bottom - (bottom - top) * value / max_score
        boxes.append(Box(_LEFT, y, _RIGHT - _LEFT, 0.6, GRID))
        labels.append(Label(_LEFT - 6, y + 4, _num(value), anchor="end", size=10))
    n = max(len(points), 1)
    slot = (_RIGHT - _LEFT) / n
    bar = min(slot * 0.6, 40.0)
    worst = max([p.worst or p.position or 1 for p in points] + [1])
    r_top, r_bottom = _RANK_PANEL
    step = (r_bottom - r_top) / max(worst - 1, 1)

    def rank_y(rank: int) -> float:
        return r_top + (rank - 1) * step if worst > 1 else (r_top + r_bottom) / 2

    for rank in sorted({1, worst}):
        labels.append(Label(_LEFT - 6, rank_y(rank) + 4, str(rank), anchor="end", size=10))
        boxes.append(Box(_LEFT, rank_y(rank), _RIGHT - _LEFT, 0.6, GRID))
    every = max(1, round(n / 8))  # at most about 8 month labels
    for i, p in enumerate(points):
        centre = _LEFT + slot * (i + 0.5)
        if p.score is not None:
            height = (bottom - top) * max(0.0, min(p.score, max_score)) / max_score
            boxes.append(Box(centre - bar / 2, bottom - height, bar, height, BAR, p.tip))
            if p.grade:
                labels.append(Label(centre, bottom - height - 4, p.grade, anchor="middle", size=10))
        elif p.hidden:
            boxes.append(Box(centre - bar / 2, bottom - 3, bar, 3, MUTED, p.tip))
            labels.append(Label(centre, bottom - 7, words["hidden"], anchor="middle", size=8, fill=MUTED))
        if p.position is not None:
            if p.best is not None and p.worst is not None and p.worst > p.best:
                boxes.append(Box(centre - 1.5, rank_y(p.best), 3, rank_y(p.worst) - rank_y(p.best), MUTED, p.tip))
            boxes.append(Box(centre - 4, rank_y(p.position) - 4, 8, 8, BAR, p.tip))
        if i % every == 0 or i == n - 1:
            labels.append(Label(centre, HEIGHT - 14, p.label, anchor="middle", size=10))
    return Chart(title, description, tuple(boxes), tuple(labels))


@dataclass(frozen=True)
class Bar:
    """One entity in a ranking chart: its name, score (None: hidden), the score as printed, and hover text."""

    name: str
    score: float | None
    text: str
    tip: str


def ranking_chart(bars: Sequence[Bar], max_score: float, hidden: str, title: str, description: str) -> Chart:
    """Scores of a ranking's first entities as horizontal bars, best first (at most 12; a hidden score
    a grey stub with ``hidden`` beside it)."""
    shown = list(bars)[:12]
    boxes: list[Box] = []
    labels: list[Label] = []
    left, right, top = 220.0, 600.0, 16.0
    row = (HEIGHT - top - 8) / max(len(shown), 1)
    height = min(row * 0.7, 20.0)
    for value in (0.0, max_score / 2, max_score):
        x = left + (right - left) * value / max_score
        boxes.append(Box(x, top, 0.6, row * len(shown), GRID))
    for i, b in enumerate(shown):
        y = top + row * i + (row - height) / 2
        name = b.name if len(b.name) <= 34 else b.name[:33] + "…"
        labels.append(Label(left - 8, y + height * 0.75, name, anchor="end", size=10))
        if b.score is None:
            boxes.append(Box(left, y, 4, height, MUTED, b.tip))
            labels.append(Label(left + 10, y + height * 0.75, hidden, size=10, fill=MUTED))
        else:
            length = (right - left) * max(0.0, min(b.score, max_score)) / max_score
            boxes.append(Box(left, y, length, height, BAR, b.tip))
            labels.append(Label(left + length + 4, y + height * 0.75, b.text, size=10))
    return Chart(title, description, tuple(boxes), tuple(labels))
