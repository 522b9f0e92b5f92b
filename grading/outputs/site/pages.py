"""The site's HTML pages: one self-contained document per page and language (pure: data in, text out).

Every page is plain HTML with one small inline style sheet: no script, no font, image or file fetched
from elsewhere, readable with JavaScript off and printable. Charts are inline SVG
(:mod:`grading.outputs.site.charts`), each with the same figures in a table under it (folded in a
``<details>`` element, which opens without script) and a link to the chart as an SVG file. Each page
links to itself in the other language, and carries Open Graph tags (title, description, the page's
chart as a 1200 × 630 image) so that a shared link shows a card.

Figures are printed by :mod:`grading.outputs.site.figures` (hidden ones in words); every word is an entry
of :mod:`grading.words` (:mod:`grading.words.site` for the site's own). Names from the store are escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from grading.model.registry import METRICS, definition
from grading.outputs import fmt, geo
from grading.outputs.fmt import EMPTY, month_name
from grading.outputs.site import charts, layout
from grading.outputs.site.figures import Row, is_shown, rows_of, show
from grading.outputs.site.read import MonthData
from grading.scoring import fit, suppress
from grading.scoring.flags import FLAGS, describe
from grading.scoring.schemes import Component
from grading.words import say, zone_name

CSS: Final = """
body{font-family:'Noto Sans','Noto Sans Devanagari',sans-serif;color:#1f2933;max-width:1100px;margin:0 auto;
padding:0 16px 32px;line-height:1.45}
header{border-bottom:2px solid #3b496c;padding:10px 0;margin-bottom:12px}
header p{margin:2px 0;color:#444}
nav a{margin-right:14px}
a{color:#23407a}
h1{font-size:1.6em;margin:12px 0 4px}h2{font-size:1.25em;margin:24px 0 6px}h3{font-size:1.05em;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0 10px;font-size:.92em}
th,td{border-bottom:1px solid #d9dde3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f7}
td.n,th.n{text-align:right;white-space:nowrap}
table.ranking td:nth-child(2){min-width:12em}
.scroll{overflow-x:auto}
.note{color:#444;font-size:.92em}
figure{margin:8px 0}
svg.chart{max-width:100%;height:auto}
details{margin:4px 0 12px}
footer{border-top:1px solid #d9dde3;margin-top:28px;padding-top:8px;font-size:.88em;color:#444}
@media print{nav,details>summary{display:none}a{color:inherit;text-decoration:none}}
"""


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


# --- the frame of every page ------------------------------------------------------------------------


def document(page: Page, data: MonthData | None, helpline: str, base_url: str | None) -> str:
    """``page`` as a whole HTML document: head with the preview tags and the link to the other
    language, the header with the navigation, the body and the footer."""
    other = layout.other_language(page.path)
    other_lang = "hi" if page.lang == "en" else "en"
    locale = {"en": "en_IN", "hi": "hi_IN"}
    meta = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(page.title)}</title>",
        f'<meta name="description" content="{esc(page.description)}">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:site_name" content="{esc(helpline)}">',
        f'<meta property="og:title" content="{esc(page.title)}">',
        f'<meta property="og:description" content="{esc(page.description)}">',
        f'<meta property="og:locale" content="{locale[page.lang]}">',
        f'<meta property="og:locale:alternate" content="{locale[other_lang]}">',
        f'<link rel="alternate" hreflang="{other_lang}" href="{layout.href(page.path, other)}">',
    ]
    if base_url:
        meta.append(f'<meta property="og:url" content="{esc(layout.absolute(base_url, page.path, page.path))}">')
        meta.append(f'<link rel="canonical" href="{esc(layout.absolute(base_url, page.path, page.path))}">')
    if page.image:
        meta += [
            f'<meta property="og:image" content="{esc(layout.absolute(base_url, page.path, page.image))}">',
            '<meta property="og:image:type" content="image/png">',
            f'<meta property="og:image:width" content="{charts.CARD[0]}">',
            f'<meta property="og:image:height" content="{charts.CARD[1]}">',
            f'<meta property="og:image:alt" content="{esc(page.image_alt)}">',
            '<meta name="twitter:card" content="summary_large_image">',
        ]
    nav = [
        f'<a href="{layout.href(page.path, layout.overview(page.lang))}">{esc(say("site_nav_months", page.lang))}</a>'
    ]
    if data is not None:
        m = data.month
        nav += [
            f'<a href="{layout.href(page.path, layout.overview(page.lang, m))}">'
            f"{esc(say('site_nav_overview', page.lang))}: {esc(month_name(m, page.lang))}</a>",
            f'<a href="{layout.href(page.path, layout.methodology(page.lang, m))}">'
            f"{esc(say('page_methodology', page.lang))}</a>",
            f'<a href="{layout.href(page.path, layout.downloads(page.lang, m))}">'
            f"{esc(say('site_nav_downloads', page.lang))}</a>",
        ]
    nav.append(
        f'<a href="{layout.href(page.path, other)}" hreflang="{"hi" if page.lang == "en" else "en"}" '
        f'lang="{"hi" if page.lang == "en" else "en"}">{esc(say("site_lang_link", page.lang))}</a>'
    )
    header = f"<header><p><strong>{esc(helpline)}</strong></p><nav>{''.join(nav)}</nav></header>"
    footer = f"<footer>{esc(footer_text(data, page.lang))}</footer>" if data is not None else ""
    return (
        f'<!doctype html>\n<html lang="{page.lang}"><head>{"".join(meta)}<style>{CSS}</style></head>'
        f"<body>{header}<main>{page.body}</main>{footer}</body></html>\n"
    )


def footer_text(data: MonthData, lang: str) -> str:
    return say(
        "site_footer",
        lang,
        source=data.version.source_in(lang),
        first=month_name(data.first_month, lang),
        last=month_name(data.month, lang),
    )


def status_line(data: MonthData, lang: str) -> str:
    """Whether the month is published (when, which version, which scheme) or provisional."""
    p = data.publication
    if p is None:
        return say("site_provisional", lang, month=month_name(data.month, lang))
    return say(
        "site_published",
        lang,
        date=f"{p.published_at:%Y-%m-%d}",
        version=p.version,
        scheme=p.scheme,
        scheme_version=p.scheme_version,
    )


# --- the month's overview ----------------------------------------------------------------------------


def headline_table(data: MonthData, lang: str) -> str:
    """The statewide headline figures of the month against the month before."""
    measures = fit.headline_metrics(data.version, data.kinds)
    rows = rows_of(data.headline.sort("month"))
    now = next((r for r in rows if r.get("month") == data.month), None)
    before = next((r for r in rows if r.get("month") != data.month), None)
    body = []
    for metric in measures:
        entry = METRICS[metric]
        a = show(now, metric, lang, data.scheme.suppress_below) if now else EMPTY
        b = show(before, metric, lang, data.scheme.suppress_below) if before else EMPTY
        change = EMPTY
        x, y = (now.get(metric) if now else None), (before.get(metric) if before else None)
        if isinstance(x, int | float) and isinstance(y, int | float):
            diff = float(x) - float(y)
            if entry.unit == "pct":
                change = say("site_pp", lang, n=f"{diff:+.1f}")
            elif entry.unit == "count":
                change = ("+" if diff >= 0 else "-") + fmt.indian(abs(diff))
            else:
                change = f"{diff:+.1f}"
        body.append([esc(entry.label_hi if lang == "hi" else entry.label_en), esc(a), esc(b), esc(change)])
    head = [say("metric", lang), say("points_now", lang), say("points_last", lang), say("change", lang)]
    return table([esc(h) for h in head], body, [False, True, True, True])


def _change_text(value: object) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return ""
    return f"▲{value}" if value > 0 else f"▼{-value}" if value < 0 else "–"


def ranking_rows(rows: Sequence[Row], kind: str, data: MonthData, lang: str, page: str, *, link: bool = True) -> str:
    """One ranking table: rank, name (linked to its page), grade, score, each component's points,
    received and the printed change since last month."""
    components = shown_components(data)
    head = [say("rank", lang), say(kind, lang), say("grade", lang), say("score", lang)]
    head += [component_label(c, lang) for c in components]
    head += [say("report_received", lang), say("rank_change", lang)]
    threshold = data.scheme.suppress_below
    body = []
    for r in rows:
        name = esc(name_of(r, kind, data, lang))
        if link:
            target = layout.entity_page(lang, data.month, kind, str(r.get(kind)))
            name = f'<a href="{layout.href(page, target)}">{name}</a>'
        in_first = r.get("volume_group") in (None, 1)
        body.append(
            [
                esc(r.get("rank_text") or EMPTY),
                name,
                esc(show(r, "grade", lang, threshold)),
                esc(show(r, "score", lang, threshold)),
                *[esc(show(r, f"points_{c.key}", lang, threshold)) for c in components],
                esc(show(r, "received", lang, threshold)),
                esc(_change_text(r.get("rank_change")) if in_first else ""),
            ]
        )
    numeric = [True, False, False, True, *[True] * len(components), True, True]
    return table([esc(h) for h in head], body, numeric, cls="ranking")


def grouped(rows: Sequence[Row]) -> list[tuple[int | None, list[Row]]]:
    """Ranked rows by volume group (group 1 first, each by position), then the rows not ranked
    (group None, by name)."""
    ranked = [r for r in rows if r.get("is_ranked")]
    groups = sorted({g for r in ranked if isinstance(g := r.get("volume_group"), int)})
    out: list[tuple[int | None, list[Row]]] = []
    for g in groups:
        members = [r for r in ranked if r.get("volume_group") == g]
        out.append((g, sorted(members, key=lambda r: (_int(r.get("rank_position")), str(r.get("rank_text"))))))
    loose = [r for r in ranked if r.get("volume_group") is None]
    if loose:
        out.append((0, sorted(loose, key=lambda r: _int(r.get("rank_position")))))
    rest = [r for r in rows if not r.get("is_ranked")]
    if rest:
        out.append((None, sorted(rest, key=lambda r: str(r.get("department_name") or r.get("district_name") or ""))))
    return out


def _int(value: object) -> int:
    return value if isinstance(value, int) else 10**9


def groups_note(data: MonthData, kind: str, lang: str) -> str:
    """How the ranking is split into volume groups, in one sentence."""
    if kind == "department":
        return say("dept_groups", lang)
    groups = data.version.groups_for(kind)
    if groups is None:
        return ""
    if groups.method == "top_n":
        return say("district_groups", lang, n=groups.top_n)
    return say("district_groups_min", lang, n=groups.min_received[0] if groups.min_received else 0)


def ranking_chart(rows: Sequence[Row], kind: str, data: MonthData, lang: str, group: int) -> charts.Chart:
    """The scores of a ranking's first group as bars (the overview's chart and its preview image)."""
    threshold = data.scheme.suppress_below
    bars = [
        charts.Bar(
            name_of(r, kind, data, lang),
            float(s) if isinstance(s := r.get("score"), int | float) and is_shown(r, "score") else None,
            show(r, "score", lang, threshold),
            f"{name_of(r, kind, data, lang)}: {show(r, 'score', lang, threshold)} ({r.get('rank_text') or EMPTY})",
        )
        for r in rows
    ]
    title = say("site_ranking_chart", lang, group=group, month=month_name(data.month, lang))
    return charts.ranking_chart(bars, data.version.max_score, say("report_hidden", lang), title, title)


def map_section(data: MonthData, lang: str) -> str:
    """The month's district scores on the store's map with its key and credit, and the same as a table;
    one sentence when the store has no map."""
    heading = f"<h2>{esc(say('map_title', lang))}</h2>"
    if data.boundaries is None:
        return heading + prose(say("map_none", lang))
    rows = rows_of(data.rankings["district"])
    shown = {
        str(r.get("district")): geo.Shown(
            name_of(r, "district", data, lang),
            float(s) if isinstance(s := r.get("score"), int | float) and is_shown(r, "score") else None,
            r.hidden or r.marked("score") is not None,
        )
        for r in rows
    }
    words = (say("report_hidden", lang), say("report_no_data", lang))
    svg = geo.district_svg(shown, words, boundaries=data.boundaries.geojson)
    ends = geo.value_range([s.value for s in shown.values() if not s.hidden])
    low, high = (f"{ends[0]:.2f}", f"{ends[1]:.2f}") if ends else (EMPTY, EMPTY)
    credit = (
        say("map_source", lang)
        if data.boundaries.shipped
        else say("map_own_source", lang, source=data.boundaries.source)
    )
    threshold = data.scheme.suppress_below
    listing = table(
        [esc(say("district", lang)), esc(say("score", lang)), esc(say("grade", lang))],
        [
            [
                esc(name_of(r, "district", data, lang)),
                esc(show(r, "score", lang, threshold)),
                esc(show(r, "grade", lang, threshold)),
            ]
            for r in sorted(rows, key=lambda r: name_of(r, "district", data, lang))
        ],
        [False, True, False],
    )
    return (
        heading
        + f"<figure>{svg}<figcaption class=note>{geo.legend_svg()} {esc(say('map_scale', lang, low=low, high=high))} "
        f"{esc(say('map_legend', lang))} {esc(credit)}</figcaption></figure>"
        + folded(say("site_map_table", lang), listing)
    )


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


def overview_page(data: MonthData, lang: str, path: str, months: Sequence[date] = ()) -> Page:
    """The month's overview at ``path`` (the month's own, or the language's start page, which lists
    ``months`` too): status, headline figures, both rankings in their groups, the map, reasons to look."""
    title = say("site_title", lang, scheme=scheme_title(data, lang), month=month_name(data.month, lang))
    parts = [f"<h1>{esc(title)}</h1>", f"<p>{esc(status_line(data, lang))}</p>"]
    parts.append(f"<p class=note>{esc(say('public_intro', lang, suppress_below=data.scheme.suppress_below))}</p>")
    if months:
        links = ", ".join(
            f'<a href="{layout.href(path, layout.overview(lang, m))}">{esc(month_name(m, lang))}</a>'
            for m in sorted(months, reverse=True)
        )
        parts.append(f"<p><strong>{esc(say('site_months_title', lang))}:</strong> {links}</p>")
    parts.append(f"<h2>{esc(say('site_headline', lang))}</h2>" + headline_table(data, lang))
    image = None
    for kind, key in (("department", "dept_ranking"), ("district", "district_ranking")):
        parts.append(f"<h2>{esc(say(key, lang, month=month_name(data.month, lang)))}</h2>")
        note = groups_note(data, kind, lang)
        if note:
            parts.append(f"<p class=note>{esc(note)}</p>")
        for group, members in grouped(rows_of(data.rankings[kind])):
            if group is None:
                parts.append(f"<h3>{esc(say('report_not_ranked', lang))}</h3>")
            elif group:
                parts.append(f"<h3>{esc(say('group_n', lang, n=group))}</h3>")
            if kind == "department" and group == 1 and image is None:
                chart = ranking_chart(members, kind, data, lang, group)
                svg_path = layout.chart_svg(lang, data.month, "ranking")
                parts.append(
                    f"<figure>{charts.svg(chart)}<figcaption class=note>"
                    f'<a href="{layout.href(path, svg_path)}">{esc(say("site_chart_svg", lang))}</a>'
                    "</figcaption></figure>"
                )
                image = layout.chart_png(data.month, "ranking")
            parts.append(ranking_rows(members, kind, data, lang, path))
    parts.append(map_section(data, lang))
    parts.append(f"<h2>{esc(say('site_flags_title', lang))}</h2><p class=note>{esc(say('site_flags_intro', lang))}</p>")
    parts.append(flag_items(data.flags, data, lang, path))
    description = say("site_og_overview", lang, name=data.helpline, month=month_name(data.month, lang))
    alt = say("site_ranking_chart", lang, group=1, month=month_name(data.month, lang))
    return Page(path, lang, title, description, image, alt, "".join(parts))


def overview_charts(data: MonthData, lang: str) -> charts.Chart | None:
    """The overview's chart (the first group of the department ranking), None when nobody is ranked."""
    for group, members in grouped(rows_of(data.rankings["department"])):
        if group == 1:
            return ranking_chart(members, "department", data, lang, group)
    return None


# --- one department or district ----------------------------------------------------------------------


def history_points(history: Sequence[Row], data: MonthData, lang: str) -> list[charts.MonthPoint]:
    """An entity's months as the history chart draws them (oldest first)."""
    threshold = data.scheme.suppress_below
    points = []
    for r in history:
        month = r.get("month")
        assert isinstance(month, date)
        score = r.get("score")
        shown = isinstance(score, int | float) and is_shown(r, "score")
        ranked = bool(r.get("is_ranked")) and isinstance(r.get("rank_position"), int)
        label = month_name(month, lang).split(" ")[0][: 3 if lang == "en" else 6] + f" {month:%y}"
        rank = f"{say('rank', lang)} {r.get('rank_text') or EMPTY}"
        tip = f"{month_name(month, lang)}: {show(r, 'score', lang, threshold)}, {rank}"
        points.append(
            charts.MonthPoint(
                label=label,
                score=float(score) if shown and isinstance(score, int | float) else None,
                hidden=r.hidden or r.marked("score") is not None,
                grade=str(r.get("grade")) if shown and r.get("grade") else None,
                position=_maybe_int(r.get("rank_position")) if ranked else None,
                best=_maybe_int(r.get("rank_best")) if ranked else None,
                worst=_maybe_int(r.get("rank_worst")) if ranked else None,
                tip=tip,
            )
        )
    return points


def _maybe_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def entity_chart(history: Sequence[Row], kind: str, data: MonthData, lang: str, name: str) -> charts.Chart:
    """An entity's score and position in its group over the months up to this one (the last 24)."""
    words = {"score": say("score", lang), "rank": say("rank_in_group", lang), "hidden": say("report_hidden", lang)}
    title = f"{name}: {say('site_history', lang)}"
    return charts.history_chart(history_points(history[-24:], data, lang), data.version.max_score, words, title, title)


def rank_line(row: Row, data: MonthData, lang: str) -> str:
    """The entity's standing in one line: rank in its group, grade, score and received; or why its
    figures are hidden; or that it is not ranked."""
    threshold = data.scheme.suppress_below
    if row.hidden:
        key = "site_hidden_small" if row.get("suppressed_reason") == suppress.SMALL else "site_hidden_complementary"
        text = say(key, lang, n=threshold)
        if row.get("is_ranked") and row.get("rank_text"):
            group = row.get("volume_group")
            text += " " + say("site_group_rank", lang, rank=row.get("rank_text"), group=group if group else EMPTY)
        return text
    values = {
        "grade": show(row, "grade", lang, threshold),
        "score": show(row, "score", lang, threshold),
        "received": show(row, "received", lang, threshold),
    }
    if not row.get("is_ranked"):
        return say("site_not_ranked", lang, n=data.version.min_received, **values)
    group = row.get("volume_group")
    max_score = f"{data.version.max_score:g}"
    if group is None:
        return say("site_rank_line_nogroup", lang, rank=row.get("rank_text"), max=max_score, **values)
    return say("site_rank_line", lang, rank=row.get("rank_text"), group=group, max=max_score, **values)


def history_table(history: Sequence[Row], data: MonthData, lang: str) -> str:
    """Every month up to this one: rank, group, grade, score, received and whether it is published."""
    threshold = data.scheme.suppress_below
    head = [say("month", lang), say("rank", lang), say("group", lang), say("grade", lang), say("score", lang)]
    head += [say("report_received", lang), say("site_status", lang)]
    body = []
    for r in reversed(history):
        month = r.get("month")
        assert isinstance(month, date)
        status = "site_status_published" if month in data.published else "site_status_provisional"
        body.append(
            [
                esc(month_name(month, lang)),
                esc(r.get("rank_text") or EMPTY),
                esc(r.get("volume_group") or EMPTY),
                esc(show(r, "grade", lang, threshold)),
                esc(show(r, "score", lang, threshold)),
                esc(show(r, "received", lang, threshold)),
                esc(say(status, lang)),
            ]
        )
    return table([esc(h) for h in head], body, [False, True, True, False, True, True, False])


def components_table(row: Row, data: MonthData, lang: str) -> str:
    """Each component: its measure, the month's value, the points earned and the weight."""
    threshold = data.scheme.suppress_below
    head = [say("method_components", lang), say("metric", lang), say("site_value", lang)]
    head += [say("site_points", lang), say("method_weight", lang)]
    body = []
    for c in shown_components(data):
        metric = METRICS[c.metric]
        body.append(
            [
                esc(component_label(c, lang)),
                esc(metric.label_hi if lang == "hi" else metric.label_en),
                esc(show(row, c.metric, lang, threshold)),
                esc(show(row, f"points_{c.key}", lang, threshold)),
                esc(f"{c.weight:g}"),
            ]
        )
    return table([esc(h) for h in head], body, [False, False, True, True, True])


def figures_table(row: Row, before: Row | None, data: MonthData, lang: str) -> str:
    """Every measure the store shows: this month, last month, and what it means."""
    threshold = data.scheme.suppress_below
    head = [say("metric", lang), say("points_now", lang), say("points_last", lang), say("definition", lang)]
    body = []
    for name, metric in METRICS.items():
        if name not in row.raw or not fit.shows(name, data.kinds):
            continue
        body.append(
            [
                esc(metric.label_hi if lang == "hi" else metric.label_en),
                esc(show(row, name, lang, threshold)),
                esc(show(before, name, lang, threshold) if before is not None else EMPTY),
                esc(definition(name, lang)),
            ]
        )
    return table([esc(h) for h in head], body, [False, True, True, False])


def entity_page(
    row: Row, history: Sequence[Row], kind: str, data: MonthData, lang: str, *, flags: pl.DataFrame
) -> tuple[Page, charts.Chart]:
    """The page of one department or district for the month, and its chart (drawn inline, and as the
    page's SVG file and preview image)."""
    code = str(row.get(kind))
    path = layout.entity_page(lang, data.month, kind, code)
    name = name_of(row, kind, data, lang)
    month_text = month_name(data.month, lang)
    chart = entity_chart(history, kind, data, lang, name)
    name_chart = layout.entity_chart(kind, code)
    before = history[-2] if len(history) > 1 and history[-2].get("month") != data.month else None
    parts = [
        f"<h1>{esc(name)}</h1>",
        f"<p class=note>{esc(say(kind, lang))} · {esc(code)} · {esc(month_text)}</p>",
        f"<p><strong>{esc(rank_line(row, data, lang))}</strong></p>",
        f"<h2>{esc(say('site_history', lang))}</h2>",
        f"<figure>{charts.svg(chart)}<figcaption class=note>"
        f'<a href="{layout.href(path, layout.chart_svg(lang, data.month, name_chart))}">'
        f"{esc(say('site_chart_svg', lang))}</a></figcaption></figure>",
        folded(say("chart_table", lang), history_table(history, data, lang)),
        f"<h2>{esc(say('site_components', lang))}</h2>",
        components_table(row, data, lang),
        f"<h2>{esc(say('site_figures', lang))}</h2>",
        f"<p class=note>{esc(say('figures_rule', lang, band=suppress.band(data.scheme.suppress_below)))}</p>",
        figures_table(row, before, data, lang),
    ]
    if not flags.is_empty():
        parts.append(f"<h2>{esc(say('site_flags_title', lang))}</h2>")
        parts.append(flag_items(flags, data, lang, path, names=False))
    threshold = data.scheme.suppress_below
    if row.hidden:
        description = say("site_og_hidden", lang, name=name, month=month_text)
    else:
        description = say(
            "site_og_entity",
            lang,
            name=name,
            month=month_text,
            rank=row.get("rank_text") or EMPTY,
            grade=show(row, "grade", lang, threshold),
            score=show(row, "score", lang, threshold),
        )
    title = f"{name}, {month_text}"
    page = Page(path, lang, title, description, layout.chart_png(data.month, name_chart), chart.title, "".join(parts))
    return page, chart


def entity_rows(data: MonthData, kind: str) -> list[tuple[Row, list[Row]]]:
    """Each entity of the month's ranking with its history rows (oldest first, up to the month)."""
    history = rows_of(data.history[kind].sort(kind, "month"))
    by_code: dict[str, list[Row]] = {}
    for r in history:
        by_code.setdefault(str(r.get(kind)), []).append(r)
    return [(r, by_code.get(str(r.get(kind)), [r])) for r in rows_of(data.rankings[kind])]


# --- methodology and downloads -------------------------------------------------------------------------


def methodology_page(data: MonthData, lang: str) -> Page:
    """How the month is graded, from the scheme version in force and the metric registry."""
    s = data.version
    path = layout.methodology(lang, data.month)
    title = say("method_title", lang)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f"<p><strong>{esc(say('method_scheme', lang))}:</strong> {esc(scheme_title(data, lang))} ({esc(s.name)} "
        f"{esc(s.version)})</p>",
        prose(say("method_source", lang, source=s.source_in(lang))),
        f"<h2>{esc(say('method_components', lang))}</h2>",
    ]
    head = [say("method_components", lang), say("metric", lang), say("method_weight", lang)]
    head += [say("method_formula", lang), say("definition", lang), say("method_reading", lang)]
    rows = [
        [
            esc(component_label(c, lang)),
            esc(METRICS[c.metric].label_hi if lang == "hi" else METRICS[c.metric].label_en),
            esc(f"{c.weight:g}"),
            esc(c.formula(lang)),
            esc(definition(c.metric, lang)),
            esc(say("method_reading", lang) if c.reading else say("method_official", lang)),
        ]
        for c in s.components
    ]
    parts.append(table([esc(h) for h in head], rows))
    left_out = [component_label(c, lang) for c in s.components if not fit.shows(c.metric, data.kinds)]
    if left_out:
        parts.append(f"<p class=note>{esc(say('method_no_records', lang, components=', '.join(left_out)))}</p>")
    parts.append(f"<h2>{esc(say('method_bands', lang))}</h2>")
    parts.append(
        table(
            [esc(say("grade", lang)), esc(say("method_min", lang)), esc(say("method_reading", lang))],
            [
                [
                    esc(b.grade),
                    esc(f"{b.min_score:g}"),
                    esc(say("method_reading" if b.reading else "method_official", lang)),
                ]
                for b in s.grades
            ],
            [False, True, False],
        )
    )
    missing = say(f"missing_{s.missing}", lang, min_data=f"{s.min_data_pct:g}")
    rules = say(
        "method_rules_text",
        lang,
        min_received=s.min_received,
        decimals=s.score_decimals,
        habitual=s.habitual_threshold,
        missing=missing,
        long_days=s.long_pending_days,
        zone=zone_name(data.timezone, lang),
    )
    parts += [f"<h2>{esc(say('method_rules', lang))}</h2>", prose(rules)]
    parts.append(f"<h2>{esc(say('method_versions', lang))}</h2>")
    parts.append(f"<p>{esc(say('method_version', lang, month=month_name(data.month, lang), version=s.version))}</p>")
    parts.append(
        table(
            [esc(say("method_scheme", lang)), esc(say("effective_from", lang))],
            [
                [
                    esc(v.version),
                    esc(v.effective_from.strftime("%Y-%m") if v.effective_from else say("from_start", lang)),
                ]
                for v in data.scheme.all_versions()
            ],
        )
    )
    parts.append(f"<h2>{esc(say('method_groups', lang))}</h2><ul>")
    for groups in s.volume_groups:
        for kind in groups.entity_types:
            if groups.method == "top_n":
                line = say("groups_top_n", lang, kind=say(kind, lang), n=groups.top_n)
            else:
                limits = ", ".join(fmt.indian(n) for n in groups.min_received)
                line = say("groups_thresholds", lang, kind=say(kind, lang), thresholds=limits)
            parts.append(f"<li>{esc(line)}</li>")
    parts.append("</ul>")
    confidence = {1.96: 95, 1.645: 90, 2.576: 99}.get(s.reliability_z, s.reliability_z)
    parts += [
        f"<h2>{esc(say('method_reliability', lang))}</h2>",
        prose(say("method_reliability_text", lang, pct=confidence)),
    ]
    f = s.flags
    parts += [
        f"<h2>{esc(say('method_flags', lang))}</h2>",
        prose(say("method_flags_text", lang, ratio=f.ratio, z=f.min_z, n=f.min_count)),
        table(
            [esc(say("flag", lang)), esc(say("definition", lang))],
            [[esc(hi if lang == "hi" else en), esc(describe(code, f, lang))] for code, (en, hi, *_) in FLAGS.items()],
        ),
    ]
    parts += [f"<h2>{esc(say('method_asof', lang))}</h2>", prose(say("method_asof_text", lang))]
    parts += [
        f"<h2>{esc(say('method_privacy', lang))}</h2>",
        prose(say("method_privacy_text", lang, suppress_below=s.suppress_below)),
        prose(
            say(
                "method_privacy_figures",
                lang,
                band=suppress.band(s.suppress_below),
                small_column="small_figures",  # the site's files are the package's: codes as headers
                hidden_column="hidden_figures",
            )
        ),
    ]
    listed = {n: m for n, m in METRICS.items() if fit.shows(n, data.kinds)}
    parts.append(f"<h2>{esc(say('method_metrics', lang))}</h2>")
    parts.append(
        table(
            [
                esc(say("site_column", lang)),
                esc(say("metric", lang)),
                esc(say("definition", lang)),
                esc(say("unit", lang)),
            ],
            [
                [
                    f"<code>{esc(n)}</code>",
                    esc(m.label_hi if lang == "hi" else m.label_en),
                    esc(definition(n, lang)),
                    esc(say(f"unit_{m.unit}", lang)),
                ]
                for n, m in listed.items()
            ],
        )
    )
    description = f"{scheme_title(data, lang)}: {title}"
    return Page(path, lang, f"{title} · {month_name(data.month, lang)}", description, None, "", "".join(parts))


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(n, 1) / 1024:.0f} kB"


def _file_key(name: str) -> str:
    return "site_file_" + re.sub(r"[^a-z0-9]+", "_", name.rsplit(".", 1)[0].lower())


def downloads_page(data: MonthData, lang: str, files: dict[str, int], dictionary: pl.DataFrame) -> Page:
    """The month's package (``files``: name → bytes, in the package's order), the read API's documents
    with their schemas, and every column of the CSV files (``dictionary``: the package's
    ``dictionary.csv``)."""
    path = layout.downloads(lang, data.month)
    month_text = month_name(data.month, lang)
    title = say("site_downloads_title", lang, month=month_text)
    folder = layout.data_dir(data.month)
    rows = [
        [
            f'<a href="{layout.href(path, f"{folder}/{name}")}">{esc(name)}</a>',
            esc(say(_file_key(name), lang)),
            esc(_size(size)),
        ]
        for name, size in files.items()
    ]
    parts = [
        f"<h1>{esc(title)}</h1>",
        f"<p>{esc(say('site_package', lang))}</p>",
        table(
            [esc(say("site_file", lang)), esc(say("site_contents", lang)), esc(say("site_size", lang))],
            rows,
            [False, False, True],
        ),
        f"<h2>{esc(say('site_api_title', lang))}</h2>",
        f"<p>{esc(say('site_api_intro', lang))}</p>",
    ]
    api_rows = [
        [
            f'<a href="{layout.href(path, target)}"><code>{esc(target)}</code></a>',
            f'<a href="{layout.href(path, layout.api_schema(name))}"><code>{esc(layout.api_schema(name))}</code></a>',
        ]
        for name, target in [
            ("months", f"{layout.API}/months.json"),
            *[(e, layout.api_month(data.month, e)) for e in layout.ENDPOINTS],
        ]
    ]
    parts.append(table([esc(say("site_api_address", lang)), esc(say("site_api_schema", lang))], api_rows))
    if not dictionary.is_empty():
        label = "label_hi" if lang == "hi" else "label_en"
        parts.append(f"<h2>{esc(say('site_columns', lang))}</h2>")
        parts.append(
            table(
                [esc(say(k, lang)) for k in ("site_file", "site_column", "metric", "unit", "definition")],
                [
                    [
                        esc(r["file"]),
                        f"<code>{esc(r['column'])}</code>",
                        esc(r[label] or ""),
                        esc(r["unit"] or ""),
                        esc(r["definition"] or ""),
                    ]
                    for r in dictionary.iter_rows(named=True)
                ],
            )
        )
    return Page(path, lang, title, say("site_package", lang), None, "", "".join(parts))


# --- the site's front door ------------------------------------------------------------------------------


def root_page(helpline: str, months: Sequence[date]) -> str:
    """``index.html``: the helpline's name and the way in, in both languages, with every published month."""
    parts = []
    for lang in layout.LANGS:
        links = " · ".join(
            f'<a href="{layout.href("index.html", layout.overview(lang, m))}">{esc(month_name(m, lang))}</a>'
            for m in sorted(months, reverse=True)
        )
        parts.append(
            f'<section lang="{lang}"><h2><a href="{layout.href("index.html", layout.overview(lang))}">'
            f"{esc(say('site_start', lang))}</a></h2><p>{esc(say('site_months_title', lang))}: {links}</p></section>"
        )
    title = f"{helpline} · {say('site_start', 'en')} · {say('site_start', 'hi')}"
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        '<link rel="alternate" hreflang="en" href="en/index.html">'
        '<link rel="alternate" hreflang="hi" href="hi/index.html">'
        f"<style>{CSS}</style></head><body><header><h1>{esc(helpline)}</h1></header><main>{''.join(parts)}</main>"
        "</body></html>\n"
    )
