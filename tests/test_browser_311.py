"""The README's "Your 311 data" walk-through for Los Angeles, then the real dashboard on that store in a
real browser (Debian chromium): on first open the public summary shows no error, no Madhya Pradesh map,
the latest gradable month (January 2018, not October 2019's stray late closing) and a ranking with rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.words import CATALOGUE
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from tests.test_walkthrough import ROOT, walkthrough

pytestmark = pytest.mark.browser

#: Every grid drawn on the page: its rows (the header row left out), as the grid tells screen readers.
GRID_ROWS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] table[aria-rowcount]')]
  .map(t => Number(t.getAttribute('aria-rowcount')) - 1)"""


@pytest.fixture(scope="module")
def la_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README walk-through's Los Angeles commands (init and ingest), run word for word in a
    temporary folder (the store's ``data/la.duckdb`` there, the sample from the repository)."""
    work = tmp_path_factory.mktemp("la311")
    commands = [a for a in walkthrough() if a[0] in ("init", "ingest") and "data/la.duckdb" in a]
    assert [a[0] for a in commands] == ["init", "ingest"], "README.md lost the Los Angeles walk-through"
    for args in commands:
        fixed = [str(ROOT / a) if a.startswith("data/samples/") else a for a in args]
        fixed = [str(work / a) if a.endswith(".duckdb") else a for a in fixed]
        result = CliRunner().invoke(main, fixed, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return work / "data" / "la.duckdb"


def test_the_la_dashboard_opens_on_a_gradable_month_with_no_error_and_no_mp_map(browser, la_store: Path) -> None:  # type: ignore[no-untyped-def]
    log = ARTIFACTS / "la311.server.log"
    with streamlit_server(la_store, log) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url)
        page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=90_000)
        wait_for_app(page, log)  # no exception element
        # The grids are drawn after the script has finished: wait for both rankings.
        page.wait_for_function(f"() => ({GRID_ROWS})().length >= 2", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "la311-public-summary.png"), full_page=True)
        main_text = page.locator('[data-testid="stMain"]').inner_text()

        # No Streamlit error or warning (a chart that failed says so in a warning), no exception.
        assert page.locator('[data-testid="stException"]').count() == 0
        failed = page.locator('[data-testid="stAlertContentError"], [data-testid="stAlertContentWarning"]')
        assert failed.count() == 0, failed.all_inner_texts()
        assert "unable to find column" not in main_text

        # The month it opens on: the latest one with a graded department, not October 2019's stray closing.
        assert "Department ranking, January 2018" in main_text
        picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first
        assert picker.input_value() == "January 2018"
        assert "month=2018-01" in page.url  # the link a reader copies names it too

        # A ranking table with rows (BOS and OCB are over the scheme's minimum in January 2018).
        assert min(page.evaluate(GRID_ROWS)) >= 1

        # No Madhya Pradesh map: no map image, no map chart, not its credit; one sentence instead.
        # (the ranking's score-range pictures are images of their own, class nv-range: not a map)
        assert page.locator('[data-testid="stMain"] img:not(.nv-range)').count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        assert "Survey of India" not in main_text
        assert CATALOGUE["map_none"][0].split(" (")[0] in main_text

        # The measures of a helpline with call-backs are not there.
        assert "Satisfied closure %" not in main_text
        page.close()
