"""The downloads page: the month's data package, the read API's documents and every column of the CSV files."""

from __future__ import annotations

import re

import polars as pl

from grading.outputs.fmt import month_name
from grading.outputs.site import layout
from grading.outputs.site.pages.parts import Page, esc, table
from grading.outputs.site.read import MonthData
from grading.words import say


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
