"""The public summary on a 390 × 844 phone and a 1440-px screen, in a real browser (Debian chromium
against `streamlit run dashboard.py` on the session demo).

On the phone every ranking row's rank, grade and score is read from the page without scrolling sideways:
the rankings are cards, every card inside the screen, and the document no wider than the screen. The
language and the month are at the top of the page (the sidebar is a closed drawer), the headline
figures two to a row, and no Plotly mode bar covers a chart. On a wide screen the grids fit their frame
and the phone's pieces are not shown.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.outputs.fmt import RANK_ORDER
from grading.scoring import schemes
from grading.serve import public
from grading.store import database
from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
AUG = date(2024, 8, 1)

#: Every card shown on the page: its rank, grade and score as read, and the boxes of the card and its three
#: fields against the screen.
CARDS = """() => [...document.querySelectorAll('.nv-card')].filter(c => c.offsetParent !== null).map(c => {
  const box = e => e.getBoundingClientRect();
  const parts = ['.nv-rank', '.nv-grade', '.nv-score'].map(s => c.querySelector(s));
  return {rank: parts[0].innerText, grade: parts[1].innerText, score: parts[2].innerText,
          left: Math.min(box(c).left, ...parts.map(p => box(p).left)),
          right: Math.max(box(c).right, ...parts.map(p => box(p).right)),
          ranking: c.closest('[class*="st-key-ranking_cards_"]').className.match(/ranking_cards_(\\w+?)_\\d/)[1]};
})"""


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(demo_db: Path):  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "phone.server.log"
    with streamlit_server(demo_db, log) as url:
        yield url, log


def _expected(demo_db: Path, kind: str) -> list[tuple[str, str, str]]:
    """Group 1 of the month's public ranking in rank order: (printed rank, grade, score) as a card prints them."""
    con = database.connect_readonly(demo_db)
    try:
        rows = public.ranking(con, schemes.load(), kind, AUG)
    finally:
        con.close()
    first = rows.filter(pl.col("volume_group") == 1).sort([*RANK_ORDER, kind])
    return [
        (r["rank_text"] or "—", r["grade"] or "—", "—" if r["score"] is None else f"{r['score']:.2f}")
        for r in first.iter_rows(named=True)
    ]


def test_a_phone_reads_every_ranking_row_without_scrolling_sideways(browser, server, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    url, log = server
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{url}/?trend=1")
    page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=90_000)
    wait_for_app(page, log)
    expected = {kind: _expected(demo_db, kind) for kind in ("department", "district")}
    # Both rankings' cards drawn (the page draws them one after the other: the first alone is not the page).
    counts = {kind: len(rows) for kind, rows in expected.items()}
    page.wait_for_function(
        f"""() => {{ const c = ({CARDS})(); const want = {json.dumps(counts)};
                  return Object.entries(want).every(([k, n]) => c.filter(x => x.ranking === k).length >= n); }}""",
        timeout=30_000,
    )
    cards = page.evaluate(CARDS)
    for kind in ("department", "district"):
        seen = [(c["rank"], c["grade"], c["score"]) for c in cards if c["ranking"] == kind]
        assert seen == expected[kind], kind  # every row of group 1, in rank order, as printed
    outside = [c for c in cards if c["left"] < 0 or c["right"] > 390]
    assert outside == [], outside[:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth") <= 390
    # The ranking grids are for wide screens: none is shown on the phone.
    shown_grids = "[...document.querySelectorAll('[class*=\"st-key-ranking_grid_\"]')].filter(g => g.offsetParent)"
    assert page.evaluate(f"{shown_grids}.length") == 0
    # The language and the month at the top of the page, on the screen, without opening the sidebar.
    controls = page.locator(".st-key-phone_controls")
    assert controls.is_visible()
    box = controls.bounding_box()
    assert box is not None
    assert box["y"] < 844
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert controls.get_by_text("हिन्दी").is_visible()
    picked = controls.locator('[data-testid="stSelectbox"]').evaluate(
        "e => [e.textContent, ...[...e.querySelectorAll('input')].map(i => i.value)].join(' ')"
    )
    assert "August 2024" in picked
    # The headline figures two to a row, not one per screen row.
    tops = page.eval_on_selector_all(
        '[data-testid="stMetric"]', "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 5
    assert len(set(tops)) <= 3, tops
    # The state trend's chart (trend=1): drawn without a mode bar over its legend.
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.locator(".modebar-btn").count() == 0  # Plotly keeps an empty container
    page.screenshot(path=str(ARTIFACTS / "public-phone-cards.png"))
    # The month picked at the top is the page's month.
    controls.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="July 2024").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('month') === '2024-07'", timeout=30_000)
    wait_for_app(page, log)
    phone.close()


def test_a_wide_screen_shows_the_grids_whole_and_no_phone_pieces(browser, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url, log = server
    wide = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = wide.new_page()
    page.goto(url)
    page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=90_000)
    wait_for_app(page, log)
    grids = """() => [...document.querySelectorAll('[class*="st-key-ranking_grid_"] [data-testid="stDataFrame"]')]
      .filter(t => t.offsetParent !== null && !t.closest('[data-testid="stExpander"]'))  // at a glance; points folded
      .map(t => { const s = t.querySelector('.dvn-scroller');
                  return {cut: s ? s.scrollWidth > s.clientWidth + 1 : true, right: t.getBoundingClientRect().right}; })"""
    page.wait_for_function(f"() => ({grids})().length >= 2", timeout=30_000)
    with contextlib.suppress(PlaywrightTimeout):  # the grids settle at their width; the assert says what is left
        page.wait_for_function(f"() => ({grids})().every(g => !g.cut)", timeout=15_000)
    shown = page.evaluate(grids)
    assert [g for g in shown if g["cut"] or g["right"] > 1440] == [], shown  # every column on screen
    assert page.locator(".st-key-phone_controls").is_visible() is False
    assert page.evaluate(f"({CARDS})().length") == 0
    assert (
        page.get_by_text(CATALOGUE["download_report"][0]).count()
        + page.get_by_text(CATALOGUE["report_not_yet"][0].split("{")[0]).count()
        >= 1
    )  # the report first, in words
    assert page.get_by_text(CATALOGUE["download_data"][0]).is_visible()
    wide.close()
