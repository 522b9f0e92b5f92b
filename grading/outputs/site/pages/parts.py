"""The pieces every page kind is made of: the :class:`Page` value, escaping, prose with light marks, tables,
folded details, names, scheme and component labels, and the list of a month's flags.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from grading.outputs.site import layout
from grading.outputs.site.figures import Row
from grading.outputs.site.read import MonthData
from grading.scoring import fit
from grading.scoring.flags import FLAGS, describe
from grading.scoring.schemes import Component
from grading.words import say


@dataclass(frozen=True)
class Page:
    """One HTML page: its site path, language, title, one-line description (the card's), the site path
    of its preview image (None: none) with the image's alternative text, and its body."""

    path: str
    lang: str
    title: str
    description: str
    image: str | None
    image_alt: str
    body: str


def esc(text: object) -> str:
    """``text`` as HTML text (quotes escaped too: safe in an attribute)."""
    return html.escape(str(text))


_STRONG: Final = re.compile(r"\*\*(.+?)\*\*")


_EM: Final = re.compile(r"\*(.+?)\*")


_CODE: Final = re.compile(r"`(.+?)`")


def prose(text: str) -> str:
    """A catalogue text as HTML: lines starting with "- " become a list, ``**bold**``, ``*emphasis*`` and
    ```code``` their elements, other lines paragraphs (the text escaped first)."""

    def inline(line: str) -> str:
        line = _CODE.sub(r"<code>\1</code>", esc(line))
        return _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", line))

    out: list[str] = []
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(f"<li>{inline(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{inline(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "".join(out)


def table(
    head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool] = (), caption: str = "", cls: str = ""
) -> str:
    """A table of already escaped cells; ``numeric``: which columns align right; ``cls``: the table's class."""
    right = list(numeric) + [False] * (len(head) - len(numeric))
    align = [' class="n"' if r else "" for r in right]
    top = "".join(f'<th scope="col"{c}>{h}</th>' for h, c in zip(head, align, strict=True))
    body = "".join("<tr>" + "".join(f"<td{c}>{v}</td>" for v, c in zip(r, align, strict=True)) + "</tr>" for r in rows)
    cap = f"<caption>{caption}</caption>" if caption else ""
    kind = f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{kind}>{cap}<thead><tr>{top}</tr></thead><tbody>{body}</tbody></table></div>'


def folded(summary: str, inner: str) -> str:
    """``inner`` under a summary line a reader opens (no script needed)."""
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"


def name_of(row: Row | dict[str, object], kind: str, data: MonthData, lang: str) -> str:
    """An entity's name in ``lang`` (Hindi only where the store has Hindi names), not escaped."""
    get = row.get
    if lang == "hi" and data.hindi_names:
        hindi = get(f"{kind}_name_hi")
        if hindi:
            return str(hindi)
    return str(get(f"{kind}_name") or get(kind) or "")


def scheme_title(data: MonthData, lang: str) -> str:
    return data.version.title_hi if lang == "hi" else data.version.title_en


def component_label(c: object, lang: str) -> str:
    return str(getattr(c, "label_hi" if lang == "hi" else "label_en"))


def shown_components(data: MonthData) -> list[Component]:
    """The scheme's components whose measure the store holds records for (:func:`grading.scoring.fit.shows`):
    a component without records is left out of every score, so its column is left out too, as on the
    dashboard (the methodology names it)."""
    return [c for c in data.version.components if fit.shows(c.metric, data.kinds)]


def flag_items(flags: pl.DataFrame, data: MonthData, lang: str, page: str, *, names: bool = True) -> str:
    """The raised flags as a list: who (linked), the flag's title and its rule with the thresholds."""
    if flags.is_empty():
        return f"<p>{esc(say('no_flags', lang))}</p>"
    settings = data.version.flags
    items = []
    for row in flags.iter_rows(named=True):
        en, hi, *_ = FLAGS[row["flag"]]
        title = f"<strong>{esc(hi if lang == 'hi' else en)}</strong>"
        if names:
            kind = str(row["entity_type"])
            code = str(row[kind])
            target = layout.entity_page(lang, data.month, kind, code)
            title = f'<a href="{layout.href(page, target)}">{esc(name_of(row, kind, data, lang))}</a>: ' + title
        items.append(f"<li>{title}. {esc(describe(row['flag'], settings, lang))}</li>")
    return "<ul>" + "".join(items) + "</ul>"
