"""The public summary in a real browser with every request outside 127.0.0.1 blocked: the district
map draws from the boundaries shipped in the repository and nothing is fetched from the internet."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def webgl_browser():  # type: ignore[no-untyped-def]
    """Debian's chromium with software WebGL (SwiftShader): the map is drawn with WebGL, which
    ``--disable-gpu`` alone leaves without a context in a headless run."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + [
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(demo_db: Path):  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "public.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def test_the_district_map_draws_offline(webgl_browser, server) -> None:  # type: ignore[no-untyped-def]
    browser = webgl_browser
    url, log = server
    attempted: list[str] = []

    def block_outside(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.route("**/*", block_outside)
    page.goto(f"{url}/?zoom=1")  # the zoomable (Plotly) map; the first paint's static map is an image
    page.get_by_role("heading", name=CATALOGUE["map_title"][0]).first.wait_for(timeout=60_000)
    wait_for_app(page, log)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator(".maplibregl-canvas, canvas")).first
    chart.wait_for(timeout=30_000)
    # Drawn once the map reports loaded, then its picture is more than a blank canvas (a blank
    # 1400-px-wide PNG is a few kB; the 55 coloured districts make it several times larger).
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p._fullLayout && p._fullLayout.map"
        " && p._fullLayout.map._subplot && p._fullLayout.map._subplot.map.loaded())",
        timeout=30_000,
    )
    shot = chart.screenshot(path=str(ARTIFACTS / "public-map-offline.png"))
    assert len(shot) > 20_000, "the map area is blank"
    page.close()
    assert attempted == [], f"requests outside 127.0.0.1: {attempted[:5]}"


def _view(page) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a reader sees of a view: the title, every picker's label and value (month, measure, entity
    type) and the chosen entities (the multiselect's chips)."""
    return {
        "title": page.locator("h1").first.inner_text(),
        "pickers": page.eval_on_selector_all(
            '[data-testid="stSelectbox"]',
            "els => els.map(e => [e.textContent, ...[...e.querySelectorAll('input')].map(i => i.value)].join(' '))",
        ),
        "chips": page.locator('[data-testid="stMultiSelectTagsContainer"]').first.text_content(),
    }


def test_a_copied_link_reopens_the_view_in_a_new_browser(webgl_browser, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    # A fresh server whose first request is the deep link itself (a direct page URL once failed there).
    log = ARTIFACTS / "permalink.server.log"
    with streamlit_server(demo_db, log) as url:
        link = f"{url}/trends?lang=hi&month=2024-06&metric=reopen_pct&kind=district&pick=INDORE,BHOPAL"
        first = webgl_browser.new_context(viewport={"width": 1400, "height": 1000})
        page = first.new_page()
        page.goto(link)
        page.get_by_role("heading", name=CATALOGUE["trends_title"][1]).first.wait_for(timeout=90_000)
        page.locator('[data-testid="stSelectbox"]').first.wait_for(timeout=60_000)  # the pickers drawn too
        wait_for_app(page, log)
        seen = _view(page)
        assert seen["title"] == CATALOGUE["trends_title"][1]
        pickers = " ".join(seen["pickers"])  # type: ignore[arg-type]
        assert "जून 2024" in pickers  # the month, named in Hindi
        assert "पुनः खोलने की दर %" in pickers  # the measure's Hindi label
        assert "इंदौर" in str(seen["chips"])  # the selection, by name, in Hindi
        assert "भोपाल" in str(seen["chips"])
        copied = page.url  # what a reader copies from the address bar
        query = parse_qs(urlparse(copied).query)
        assert {k: v[0] for k, v in query.items()} == {
            "lang": "hi", "month": "2024-06", "metric": "reopen_pct", "kind": "district", "pick": "INDORE,BHOPAL"
        }  # fmt: skip
        first.close()

        second = webgl_browser.new_context(viewport={"width": 1400, "height": 1000})  # no shared state
        again = second.new_page()
        again.goto(copied)
        again.get_by_role("heading", name=CATALOGUE["trends_title"][1]).first.wait_for(timeout=90_000)
        again.locator('[data-testid="stSelectbox"]').first.wait_for(timeout=60_000)
        wait_for_app(again, log)
        assert _view(again) == seen
        again.screenshot(path=str(ARTIFACTS / "permalink-trends-hi.png"))
        second.close()


#: Every visible table's frame within the page, and (``whole``) every column of it on screen: the
#: grid's scrolling area no wider than its frame.
TABLES = """(whole) => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(t => t.offsetParent !== null)
  .map(t => {
    const box = t.getBoundingClientRect();
    const scroller = t.querySelector('.dvn-scroller');
    return {right: box.right, left: box.left, page: document.documentElement.clientWidth,
            cut: whole && scroller ? scroller.scrollWidth > scroller.clientWidth + 1 : false};
  })"""


def _sidebar_hidden(page) -> bool:  # type: ignore[no-untyped-def]
    """The sidebar takes no room on the page: not displayed, or slid off to the left."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.count() or not sidebar.first.is_visible():
        return True
    box = sidebar.first.bounding_box()
    return box is None or box["x"] + box["width"] <= 1


def test_print_and_phone_layouts_hide_the_sidebar_and_cut_no_table(webgl_browser, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url, log = server
    # Print: A4 landscape's printable width in CSS pixels ((297 − 2 × 10) mm at 96 px per inch ≈ 1047).
    printed = webgl_browser.new_context(viewport={"width": 1047, "height": 1400})
    page = printed.new_page()
    page.goto(url)
    page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=90_000)
    wait_for_app(page, log)
    # The grids are drawn in the browser after the script has finished (half a second later on a quiet
    # machine): wait for both rankings before looking at them.
    page.wait_for_function(f"() => ({TABLES})(false).length >= 2", timeout=30_000)
    assert not _sidebar_hidden(page)  # on screen the sidebar is there
    page.emulate_media(media="print")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSidebar\"]')?.offsetParent")
    assert _sidebar_hidden(page)
    with contextlib.suppress(PlaywrightTimeout):  # the grids redraw at the new width; the assert says what is left
        page.wait_for_function(f"() => ({TABLES})(true).every(t => !t.cut)", timeout=15_000)
    tables = page.evaluate(TABLES, True)
    assert len(tables) >= 2, "the rankings are printed"
    assert [t for t in tables if t["cut"] or t["right"] > t["page"] + 1] == [], tables
    page.screenshot(path=str(ARTIFACTS / "public-summary-print.png"), full_page=True)
    printed.close()

    phone = webgl_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(url)
    page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=90_000)
    wait_for_app(page, log)
    assert _sidebar_hidden(page)
    # On a phone the rankings are cards, not grids (tests/test_browser_phone.py reads every row of them);
    # any table still shown keeps its frame inside the screen.
    page.wait_for_function("() => document.querySelectorAll('.nv-card').length >= 2", timeout=30_000)
    tables = page.evaluate(TABLES, False)
    assert [t for t in tables if t["left"] < -1 or t["right"] > t["page"] + 1] == [], tables
    page.screenshot(path=str(ARTIFACTS / "public-summary-phone.png"), full_page=False)
    phone.close()
