"""The site's front door (``index.html``): the helpline's name and the way in, in both languages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from grading.outputs.fmt import month_name
from grading.outputs.site import layout
from grading.outputs.site.pages.frame import CSS
from grading.outputs.site.pages.parts import esc
from grading.words import say


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
