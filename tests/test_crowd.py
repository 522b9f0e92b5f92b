"""A crowd in a real browser: six chromium sessions at once against one ``streamlit run`` on a demo
database, each going round every public page; every visit shows its own page whole with no
exception box, and the health check answers ``ok`` throughout (tests/crowd.py drives them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, require_chromium, streamlit_server
from tests.crowd import PUBLIC_PAGES, run_crowd

pytestmark = pytest.mark.browser
SESSIONS = 6
ROUNDS = 1


def test_six_sessions_at_once_each_see_every_public_page(demo_db: Path) -> None:
    require_chromium()
    log = ARTIFACTS / "crowd.server.log"
    with streamlit_server(demo_db, log) as url:
        # A visit fails after 120 s: generous, so that a busy CI machine does not fail a healthy server.
        result = run_crowd(url, sessions=SESSIONS, rounds=ROUNDS, timeout_ms=120_000)
    assert result.failures == [], "\n".join(result.failures) + "\nserver log:\n" + log.read_text()[-3000:]
    assert result.visits() == SESSIONS * ROUNDS * len(PUBLIC_PAGES)
    assert {title: len(times) for title, times in result.times.items()} == {
        p.title: SESSIONS * ROUNDS for p in PUBLIC_PAGES
    }
    assert result.health_checks >= 2
    assert result.health_failures == []
    assert "Traceback" not in log.read_text()
