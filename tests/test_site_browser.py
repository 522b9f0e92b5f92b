"""Done when (issue 27): the demo's published month, served by a plain static file server, read in a real
browser without JavaScript: the index, every department and district page in both languages, no broken
link, and no figure of a row or cell the public boundary hides.

The demo (tests/conftest.py ``demo_db``, copied) publishes August 2024 with ``--site``; Python's
``http.server`` serves the folder on 127.0.0.1 from a thread; Debian's chromium (Playwright,
``/usr/bin/chromium``, JavaScript off) starts at ``/index.html`` and follows every same-site ``href`` and
``src`` (and link-preview image) of every page it reaches; every address answers 200.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from grading.outputs.site import layout
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.site_demo import MONTH, SCHEME, public_cells, public_ranking, publish_demo

pytestmark = pytest.mark.browser

HIDDEN = {"—", "< 5", "hidden", "छिपाया गया"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """(store, site folder, the site's address) while a static file server serves the folder."""
    db, site = publish_demo(demo_db, tmp_path_factory.mktemp("site-browser"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield db, site, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def crawl(served: tuple[Path, Path, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Crawl the site in chromium from the index: (every address reached → its status, every HTML page →
    the text of its ``main`` and its tables as the browser rendered them, as JSON)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    _, _, base = served
    statuses: dict[str, int] = {}
    rendered: dict[str, str] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        queue, seen = [base + "index.html"], {base + "index.html"}
        while queue:
            url = queue.pop()
            if url.endswith((".html", "/")):
                response = page.goto(url)
                assert response is not None, url
                statuses[url] = response.status
                if response.status != 200:
                    continue
                targets = page.eval_on_selector_all(  # and the preview image a link card fetches
                    "[href], [src], meta[property='og:image']",
                    "els => els.map(e => e.getAttribute('href') || e.getAttribute('src') || e.content)",
                )
                tables = page.eval_on_selector_all(
                    "main table",
                    "ts => ts.map(t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim())))",
                )
                strong = page.eval_on_selector_all("main p strong", "ss => ss.map(s => s.innerText)")
                rendered[url] = json.dumps({"tables": tables, "standing": strong, "title": page.title()})
                for target in targets:
                    absolute = urldefrag(urljoin(url, target)).url
                    if urlsplit(absolute).netloc != urlsplit(base).netloc:
                        assert not absolute.startswith("http"), (url, target)  # nothing fetched from elsewhere
                        continue
                    if absolute not in seen:
                        seen.add(absolute)
                        queue.append(absolute)
            else:
                statuses[url] = context.request.get(url).status
        context.close()
        browser.close()
    return statuses, rendered


def test_every_address_reached_from_the_index_answers_200(crawl: tuple[dict[str, int], dict[str, str]]) -> None:
    statuses, _ = crawl
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert broken == {}
    kinds = {url.rsplit(".", 1)[-1] for url in statuses}
    assert {"html", "svg", "png", "csv", "json", "pdf"} <= kinds, kinds


@pytest.mark.parametrize("kind", ["department", "district"])
def test_every_entity_page_in_both_languages_is_reached_from_the_index(
    served: tuple[Path, Path, str], crawl: tuple[dict[str, int], dict[str, str]], kind: str
) -> None:
    db, _, base = served
    statuses, rendered = crawl
    assert base + "index.html" in rendered
    rows = public_ranking(db, kind).filter(public_ranking(db, kind)["month"] == MONTH)
    assert rows.height > 40
    for lang in layout.LANGS:
        assert base + layout.overview(lang, MONTH) in rendered
        for code in rows[kind]:
            url = base + layout.entity_page(lang, MONTH, kind, code)
            assert statuses.get(url) == 200, url
            assert url in rendered


@pytest.mark.parametrize("kind", ["department", "district"])
def test_no_figure_of_a_hidden_row_in_the_browser(
    served: tuple[Path, Path, str], crawl: tuple[dict[str, int], dict[str, str]], kind: str
) -> None:
    """Against the public boundary's own rows: a hidden row's page shows its position and no figure (its
    standing line, its components' values and points, its month's figures, its row in the history table);
    a shown row's page shows the boundary's rank, grade and score."""
    db, _, base = served
    _, rendered = crawl
    rows = public_ranking(db, kind)
    rows = rows.filter(rows["month"] == MONTH)
    hidden = 0
    for row in rows.iter_rows(named=True):
        for lang in layout.LANGS:
            seen = json.loads(rendered[base + layout.entity_page(lang, MONTH, kind, row[kind])])
            history, components, figures = seen["tables"][:3]
            this_month = history[1]  # the newest month first, under the header
            standing = " ".join(seen["standing"])
            if row["suppressed"]:
                hidden += 1
                assert {v for r in components[1:] for v in r[2:4]} <= HIDDEN, (row[kind], lang, components)
                assert {r[1] for r in figures[1:]} <= HIDDEN, (row[kind], lang, figures)
                assert set(this_month[3:6]) <= HIDDEN, (row[kind], lang, this_month)
                # its standing line: the position and the threshold ("fewer than 5"), no figure
                words = standing.replace(str(row["rank_text"]), "").replace(str(row["volume_group"]), "")
                assert not any(c.isdigit() for c in words.replace(str(SCHEME.suppress_below), "")), standing
            else:
                assert f"{row['score']:.2f}" in standing, (row[kind], lang, standing)
                assert this_month[3:5] == [row["grade"], f"{row['score']:.2f}"], (row[kind], lang, this_month)
            if row["rank_text"]:
                assert str(row["rank_text"]) in standing
    if kind == "department":
        assert hidden > 0  # the demo's August hides some departments: the check saw them


def test_no_figure_of_a_hidden_cell_in_the_served_api(
    served: tuple[Path, Path, str], crawl: tuple[dict[str, int], dict[str, str]]
) -> None:
    """The cells document, as the server hands it out, hides every figure the public boundary hides."""
    db, site, base = served
    statuses, _ = crawl
    url = base + layout.api_month(MONTH, "cells")
    assert statuses.get(url) == 200
    document = json.loads((site / layout.api_month(MONTH, "cells")).read_text(encoding="utf-8"))
    figures = [c for c in document["rows"][0] if c in ("received", "closed_satisfied") or c.endswith("_pct")]
    expected = {(c["district"], c["department"]): c for c in public_cells(db, figures[1:]).iter_rows(named=True)}
    assert len(expected) == len(document["rows"])
    suppressed = 0
    for row in document["rows"]:
        cell = expected[(row["district"], row["department"])]
        assert row["suppressed"] is cell["suppressed"]
        for column in figures:
            assert (row[column] is None) == (cell[column] is None), (row["district"], row["department"], column)
        if cell["suppressed"]:
            suppressed += 1
            assert all(row[c] is None for c in figures)
    assert suppressed > 0
