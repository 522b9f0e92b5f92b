"""The public summary in a real browser with every request outside 127.0.0.1 blocked: the district
map draws from the boundaries shipped in the repository and nothing is fetched from the internet."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from ui.i18n import CATALOGUE

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
    page.goto(url)
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
