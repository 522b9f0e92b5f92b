"""A crowd in a real browser: six chromium sessions at once against one ``streamlit run`` on a demo
database, each going round every public page; every visit shows its own page whole with no
exception box, and the health check answers ``ok`` throughout (tests/crowd.py drives them)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, require_chromium, streamlit_server
from tests.crowd import PUBLIC_PAGES, run_crowd, session_leaders

pytestmark = pytest.mark.browser
SESSIONS = 6
ROUNDS = 1


def test_six_sessions_at_once_each_see_every_public_page(demo_db: Path) -> None:
    require_chromium()
    log = ARTIFACTS / "crowd.server.log"
    info: dict[str, int] = {}
    with streamlit_server(demo_db, log, info=info, env={"NIVARAN_PAGE_TIMES": "1"}) as url:
        # Its own session, so its own scheduling group, apart from this driver's (tests/browser.py).
        assert os.getsid(info["pid"]) == info["pid"]
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
    # Every run logged its server time, its thread's CPU and its wait for a core (bench/bench_crowd.py
    # reads these lines); the two parts never exceed the whole.
    runs = re.findall(r"nivaran-page-time\t([^\t\n]+)\t([0-9.]+)\t([0-9.]+)\t([0-9.]+)\n", log.read_text())
    per_page = {page: sum(1 for r in runs if r[0] == page) for page in {r[0] for r in runs}}
    # A run logs its page's navigation title: the sidebar link's text.
    assert all(per_page.get(p.nav, 0) >= SESSIONS * ROUNDS for p in PUBLIC_PAGES), per_page
    for page, wall, cpu, waited in runs:
        assert float(cpu) <= float(wall) + 0.01, (page, wall, cpu)
        assert float(waited) <= float(wall) + 0.01, (page, wall, waited)


def testsession_leaders_finds_the_processes_that_lead_their_own_session() -> None:
    """How the crowd finds the browsers it started to lower their group's priority (``--browser-nice``):
    a process started in a session of its own is found; one started in this session is not."""
    alone = subprocess.Popen(["sleep", "30"], start_new_session=True)
    beside = subprocess.Popen(["sleep", "30"])
    try:
        leaders = session_leaders("sleep")
        assert alone.pid in leaders
        assert beside.pid not in leaders
    finally:
        for proc in (alone, beside):
            proc.kill()
            proc.wait()
