"""Live data: a running dashboard picks up a swapped-in database without a restart, never mixes two
versions, releases the old file, and says on every page how fresh its data are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading.store import database
from tests.browser import ARTIFACTS, streamlit_server, wait_for_app
from ui.reader import SharedReader, Stale

ROOT = Path(__file__).resolve().parent.parent


def version(path: Path, value: str) -> tuple[int, int]:
    """Write (or replace, through the store's atomic swap) a database whose meta ``v`` is ``value``."""
    with database.writing(path) as con:
        database.set_meta(con, "v", value)
    stamp = database.file_stamp(path)
    assert stamp is not None
    return stamp


def open_files() -> set[str]:
    """Files this process holds open (a replaced file keeps its name, marked " (deleted)")."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            found.add(os.readlink(fd).removesuffix(" (deleted)"))
        except OSError:
            continue
    return found


def test_a_newer_stamp_opens_the_new_file_and_releases_the_old(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    reader = SharedReader()
    first = version(db, "1")
    first_file = str(db.resolve())  # the file behind the store's link for version 1
    with reader.reading(db, first) as cur:
        assert database.get_meta(cur, "v") == "1"
    second = version(db, "2")  # swapped in: version 1's file is still open by the reader
    assert first_file in open_files()
    with pytest.raises(Stale), reader.reading(db, first):  # a run begun on version 1 restarts on version 2
        pass
    with reader.reading(db, second) as cur:
        assert database.get_meta(cur, "v") == "2"  # not DuckDB's cached instance of the replaced file
    assert first_file not in open_files()
    reader.close()


def test_a_read_in_flight_finishes_on_its_version_before_the_swap(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    reader = SharedReader()
    first = version(db, "1")
    holding, swapped_in, released = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def old_reader() -> None:
        with reader.reading(db, first) as cur:
            holding.set()
            swapped_in.wait(2)  # give the new reader every chance to close this connection too early
            seen["old"] = database.get_meta(cur, "v")
            released.set()

    def new_reader(stamp: tuple[int, int]) -> None:
        with reader.reading(db, stamp) as cur:
            seen["new"] = database.get_meta(cur, "v")
            seen["old_done_first"] = released.is_set()
        swapped_in.set()

    a = threading.Thread(target=old_reader)
    a.start()
    holding.wait()
    second = version(db, "2")
    b = threading.Thread(target=new_reader, args=(second,))
    b.start()
    a.join(30)
    b.join(30)
    assert seen == {"old": "1", "new": "2", "old_done_first": True}
    reader.close()


def test_every_page_says_how_fresh_its_data_are(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    latest = database.connect_readonly(demo_db)
    try:
        when = database.last_event_time(latest)
    finally:
        latest.close()
    assert when is not None
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    # navigation.py writes the line before it runs the page, so it is on every page (the browser tests
    # check each page; AppTest drops the entry script's own elements after switch_page).
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60).run()
    lines = [c.value for c in at.caption if c.value.startswith("Data up to")]  # Markdown source: ":" escaped
    assert len(lines) == 1, [c.value for c in at.caption]
    assert re.fullmatch(
        rf"Data up to {when.day} {when:%b %Y %H}\\:{when:%M}, loaded (just now|\d+ \w+ ago)\.", lines[0]
    )
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "hi"
    at.run()
    assert any(c.value.startswith(f"{when.day} ") and "तक का डेटा" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]


SEPTEMBER = """complaint_id,event_time,event,level,department,district,category,complainant,channel
LIVE-1,2024-09-03T10:00:00,registered,L1,ENERGY,BHOPAL,BILLING_EXCESS,LIVE-P1,call
LIVE-2,2024-09-04T11:30:00,registered,L1,REVENUE,INDORE,BILLING_EXCESS,LIVE-P2,web
"""


@pytest.mark.browser
def test_a_running_dashboard_shows_a_new_load_without_a_restart(browser, demo_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    log = ARTIFACTS / "live-data.server.log"
    with streamlit_server(db, log) as url:
        before = browser.new_page(viewport={"width": 1400, "height": 1200})
        before.goto(url)
        wait_for_app(before, log)
        before.get_by_text("Department ranking, August 2024").first.wait_for(timeout=60_000)

        events = tmp_path / "september.csv"
        events.write_text(SEPTEMBER, encoding="utf-8")
        cli = [sys.executable, "-m", "grading.cli", "ingest", "--db", str(db), str(events)]
        loaded = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, check=False)
        assert loaded.returncode == 0, loaded.stderr

        fresh = browser.new_page(viewport={"width": 1400, "height": 1200})  # a new session
        fresh.goto(url)
        # The few September events grade no department yet: a new session still opens on August, the
        # latest gradable month (grading/scoring/fit.py), and says the data now reach into September.
        fresh.get_by_text("Department ranking, August 2024").first.wait_for(timeout=60_000)
        wait_for_app(fresh, log)
        assert "Data up to 4 Sep 2024 11:30, loaded just now" in fresh.inner_text('[data-testid="stMain"]')

        # The session opened before the load sees it on its next rerun (here: going to another page).
        before.locator('[data-testid="stSidebarNav"] a').filter(has_text="Trends").first.click()
        before.get_by_text("Data up to 4 Sep 2024 11:30").first.wait_for(timeout=60_000)
        wait_for_app(before, log)
        for page in (before, fresh):
            page.close()


def test_an_idle_reader_lets_go_of_a_replaced_version_so_the_next_load_is_a_delta(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIVARAN_WRITE_WAIT", "0.5")  # a writer that finds its standby held gives up fast
    db = tmp_path / "live.duckdb"
    version(db, "1")
    version(db, "2")  # from here on: a current version and a standby
    reader = SharedReader(poll_seconds=3600)  # the test runs the watcher's check itself
    third = version(db, "3")
    with reader.reading(db, third):
        pass
    assert not reader.release_if_replaced()  # still the current version: kept open
    version(db, "4")  # written on the free standby; the reader's file is now the standby
    assert reader.release_if_replaced()  # no page is reading: let go of it
    version(db, "5")
    with database.connect_readonly(db) as con:
        assert database.get_meta(con, "write_mode") == "delta"  # the standby was free: no whole-store copy
        assert database.get_meta(con, "v") == "5"
    reader.close()
