"""Where every file of the site lives and how one page links to another (pure, except that
:func:`public_address` reads ``$NIVARAN_SITE_URL``).

Paths are relative to the site's root and use ``/``. Links between pages are relative too (the site can
be served from any folder, or opened from disk), except in the tags a link preview reads (``og:url``,
``og:image``, the canonical link), which need an absolute address: they are absolute when the site's
address is known (``nivaran publish --site-url``) and relative otherwise.

::

    index.html                                   both languages: where to start
    en/index.html, hi/index.html                 the latest published month, and every month
    en/2026-10/index.html                        the month: headline, rankings, map, reasons to look
    en/2026-10/department/ENERGY.html            one page per department and per district
    en/2026-10/methodology.html, downloads.html
    en/2026-10/charts/department-ENERGY.svg      the page's chart, to reuse
    2026-10/charts/department-ENERGY.png         its link-preview image (no words: one for both languages)
    2026-10/data/                                the package: CSV files, PDFs, datapackage.json, dcat.json
    api/v1/months.json, api/v1/2026-10/*.json    the read API; its JSON Schemas in api/v1/schema/
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from datetime import date
from typing import Final
from urllib.parse import quote

LANGS: Final = ("en", "hi")
API: Final = "api/v1"
#: The read API's documents of one month, in the order months.json lists them.
ENDPOINTS: Final = ("departments", "districts", "cells", "flags")
#: The environment variable naming the address the published site is served at (the dashboard's public
#: page links to the month there when it is set).
SITE_URL_ENV: Final = "NIVARAN_SITE_URL"
_SAFE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")


def month_key(month: date) -> str:
    """A month as the site's paths write it: ``2026-10``."""
    return f"{month:%Y-%m}"


def file_name(code: str) -> str:
    """A file name for an entity code: the code itself when it is plain (letters, digits, ``_``, ``-``),
    else a readable part and a hash of the code, so that any code a helpline uses gives one safe name."""
    if _SAFE.fullmatch(code):
        return code
    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", code)[:40].strip("_") or "x"
    return f"{readable}-{hashlib.sha256(code.encode()).hexdigest()[:10]}"


def month_dir(lang: str, month: date) -> str:
    return f"{lang}/{month_key(month)}"


def overview(lang: str, month: date | None = None) -> str:
    """The overview of ``month`` in ``lang``; without a month, the language's start page."""
    return f"{lang}/index.html" if month is None else f"{month_dir(lang, month)}/index.html"


def entity_page(lang: str, month: date, kind: str, code: str) -> str:
    return f"{month_dir(lang, month)}/{kind}/{file_name(code)}.html"


def methodology(lang: str, month: date) -> str:
    return f"{month_dir(lang, month)}/methodology.html"


def downloads(lang: str, month: date) -> str:
    return f"{month_dir(lang, month)}/downloads.html"


def chart_svg(lang: str, month: date, name: str) -> str:
    return f"{month_dir(lang, month)}/charts/{name}.svg"


def chart_png(month: date, name: str) -> str:
    return f"{month_key(month)}/charts/{name}.png"


def entity_chart(kind: str, code: str) -> str:
    """The name of an entity's chart files (without extension)."""
    return f"{kind}-{file_name(code)}"


def data_dir(month: date) -> str:
    """The folder of the month's package."""
    return f"{month_key(month)}/data"


def api_month(month: date, endpoint: str) -> str:
    return f"{API}/{month_key(month)}/{endpoint}.json"


def api_schema(endpoint: str) -> str:
    return f"{API}/schema/{endpoint}.json"


def other_language(path: str) -> str:
    """The same page in the other language (``en/…`` ↔ ``hi/…``)."""
    lang, _, rest = path.partition("/")
    return f"{'hi' if lang == 'en' else 'en'}/{rest}"


def month_owned(month: date) -> tuple[str, ...]:
    """The folders holding the files of ``month`` alone: written again when it is published again,
    never when another month is."""
    key = month_key(month)
    return (*(f"{lang}/{key}" for lang in LANGS), key, f"{API}/{key}")


def href(page: str, target: str) -> str:
    """A relative link from the file ``page`` to the file ``target`` (both site paths), URL-quoted."""
    return quote(posixpath.relpath(target, posixpath.dirname(page) or "."))


def absolute(base_url: str | None, page: str, target: str) -> str:
    """``target`` as a preview tag needs it: under ``base_url`` when known, else relative to ``page``."""
    return base_url.rstrip("/") + "/" + quote(target) if base_url else href(page, target)


def public_address(lang: str, month: date, base_url: str | None = None) -> str | None:
    """The address of ``month``'s overview in ``lang`` on the public site: under ``base_url``, by default
    ``$NIVARAN_SITE_URL`` (the folder ``nivaran publish --site`` wrote, as served); None when no address is
    set or it is not an ``http(s)://`` address."""
    base = (os.environ.get(SITE_URL_ENV, "") if base_url is None else base_url).strip()
    if not base.startswith(("https://", "http://")) or any(c.isspace() or c in "\"'<>" for c in base):
        return None
    return absolute(base, "", overview(lang, month))
