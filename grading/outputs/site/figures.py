"""A figure as the site prints it: formatted once per column inside Polars, hidden ones in words (pure).

Numbers read as on the dashboard (:mod:`grading.outputs.fmt`): counts with Indian digit grouping,
percentages with one decimal and "%", day statistics with one decimal, scores, points and the score
uncertainty with two. Where the public rows hide a figure (:mod:`grading.scoring.suppress`), the page
says why instead of a number: a row hidden whole reads "< 5" (too few complaints; the scheme's
threshold) or "hidden" (a complement) for received and "—" for every other figure; on a shown row a
count named in ``small_figures`` reads its band ("1–4") and a figure named in ``hidden_figures``
"hidden". An empty figure that nothing hides (a percentage over zero complaints) reads "—".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from grading.model.registry import FIELDS, METRICS
from grading.outputs.fmt import EMPTY, fixed_expr, indian_expr
from grading.scoring import suppress
from grading.words import say

#: Integer columns printed as they are (positions, groups, months in a row).
_PLAIN: Final = frozenset({"rank", "group", "months"})


def unit(column: str) -> str:
    """The unit of a public column (:mod:`grading.model.registry`; ``points`` for a component's points)."""
    entry = METRICS.get(column) or FIELDS.get(column)
    if entry is not None:
        return entry.unit
    return "points" if column.startswith("points_") else "text"


def text_expr(column: str, dtype: pl.DataType) -> pl.Expr:
    """``column`` as the text the site prints for a shown value (null stays null)."""
    kind = unit(column)
    if not dtype.is_numeric():
        return pl.col(column).cast(pl.String)
    if kind == "count":
        return indian_expr(pl.col(column), 0)
    if kind == "pct":
        return fixed_expr(pl.col(column), 1) + "%"
    if kind == "days":
        return indian_expr(pl.col(column), 1)
    if kind in _PLAIN or dtype.is_integer():
        return pl.col(column).cast(pl.String)
    return fixed_expr(pl.col(column), 2)


def as_text(rows: pl.DataFrame) -> pl.DataFrame:
    """Every column of ``rows`` as printed text (list columns left out), one formatting pass per column."""
    kept = [c for c, t in rows.schema.items() if not isinstance(t, pl.List)]
    return rows.select(text_expr(c, rows.schema[c]).alias(c) for c in kept)


@dataclass(frozen=True)
class Row:
    """One public row: its values (``raw``) and their printed text (``text``), read by :func:`show`."""

    raw: dict[str, object]
    text: dict[str, object]

    def get(self, column: str) -> object:
        """The raw value of ``column`` (None when the row has no such column)."""
        return self.raw.get(column)

    @property
    def hidden(self) -> bool:
        """Whether the row is hidden whole."""
        return bool(self.raw.get("suppressed"))

    def marked(self, column: str) -> str | None:
        """Which marker names ``column`` (``small_figures`` or ``hidden_figures``), None when neither."""
        for marker in suppress.MARKERS:
            if column in str(self.raw.get(marker) or "").split():
                return marker
        return None


def rows_of(frame: pl.DataFrame) -> list[Row]:
    """The rows of ``frame`` with their printed text, in order."""
    return [Row(raw, text) for raw, text in zip(frame.to_dicts(), as_text(frame).to_dicts(), strict=True)]


def show(row: Row, column: str, lang: str, threshold: int) -> str:
    """The text of ``column`` on ``row`` (see the module docstring); ``threshold``: the scheme's
    ``suppress_below``."""
    if row.hidden:
        if column != "received":
            return EMPTY
        return f"< {threshold}" if row.get("suppressed_reason") == suppress.SMALL else say("report_hidden", lang)
    marker = row.marked(column)
    if marker == "small_figures":
        return suppress.band(threshold)
    if marker == "hidden_figures":
        return say("report_hidden", lang)
    value = row.text.get(column)
    return EMPTY if value is None else str(value)


def is_shown(row: Row, column: str) -> bool:
    """Whether ``column`` of ``row`` prints a number (not hidden, banded or empty)."""
    return not row.hidden and row.marked(column) is None and row.get(column) is not None
