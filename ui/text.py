"""Imported text shown as text: department, district and category names, codes, notes and user
names never render as Markdown or HTML.

Streamlit renders Markdown (links, images, emphasis, headings, LaTeX, colour directives) in titles,
headers, captions, ``st.write``, alerts, metric and widget labels; Plotly renders a subset of HTML
(``<a href>``, ``<b>``, ``<br>``) in chart titles, axis ticks, legends and hover text. A name such
as ``[x](http://evil) ![i](http://e/i.png) <b>`` must show exactly those characters.

- :func:`plain` escapes one value for Markdown; :func:`ui.i18n.t` applies it to every value it
  fills into catalogue text, so page code cannot forget it. Catalogue text itself is ours
  (:class:`Text`) and is not escaped again.
- :func:`chart_text` escapes a Polars column for Plotly.
- ``st.dataframe`` cells and selectbox options are shown as plain text by Streamlit, but ``st.table``
  renders Markdown in its cells: tables holding imported names use ``st.dataframe``.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

#: Every ASCII punctuation character: CommonMark lets a backslash escape each of them.
_PUNCTUATION: Final = re.compile(r"([!-/:-@\[-`{-~])")


class Text(str):
    """Text written by Nivaran (the catalogue), safe to render as Markdown as it is."""

    __slots__ = ()


def plain(value: object) -> Text:
    """``value`` as Markdown that renders as exactly its characters (line breaks become spaces).

    >>> plain("[x](http://evil) <b>")
    '\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/evil\\\\) \\\\<b\\\\>'
    """
    if isinstance(value, Text):
        return value
    one_line = " ".join(str(value).split())
    return Text(_PUNCTUATION.sub(r"\\\1", one_line))


def chart_text(expr: pl.Expr) -> pl.Expr:
    """A text column as Plotly shows it literally: ``&``, ``<`` and ``>`` as HTML entities."""
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
