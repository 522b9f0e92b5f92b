"""The frame of every page: the whole HTML document around a :class:`~grading.outputs.site.pages.parts.Page`
(head with the preview tags, style sheet, navigation, footer), and the month's status line.
"""

from __future__ import annotations

from typing import Final

from grading.outputs.fmt import month_name
from grading.outputs.site import charts, layout
from grading.outputs.site.pages.parts import Page, esc
from grading.outputs.site.read import MonthData
from grading.words import say

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
