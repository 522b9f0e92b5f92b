"""Caches shared by every session (ui/data.py): one build per key for all sessions, derived pieces kept
as long as their source frame, and the public pages' data warmed when a new version appears."""

from __future__ import annotations

import gc
import threading
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.serve import public
from grading.store import database
from tests.test_live_data import version
from ui import data
from ui.reader import SharedReader


def test_shared_builds_once_per_key_for_every_session() -> None:
    built: list[str] = []
    barrier = threading.Barrier(8)
    results: list[object] = []

    def build() -> dict[str, str]:
        built.append("en")
        return {"figure": "en"}

    def session() -> None:
        barrier.wait()  # eight sessions ask at the same moment
        results.append(data.shared((1, 1), "test_figure", date(2024, 8, 1), "en", build=build))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert built == ["en"]  # one build, the others waited for it
    assert all(r is results[0] for r in results)  # the same object, not a copy each
    hindi = data.shared((1, 1), "test_figure", date(2024, 8, 1), "hi", build=lambda: {"figure": "hi"})
    assert hindi == {"figure": "hi"}  # another key: built on its own
    newer = data.shared((1, 2), "test_figure", date(2024, 8, 1), "en", build=lambda: {"figure": "new"})
    assert newer == {"figure": "new"}  # a new database version never gets the old version's object


def test_derived_is_kept_as_long_as_its_source_frame() -> None:
    calls: list[int] = []
    source = pl.DataFrame({"a": [1, 2]})

    def build() -> int:
        calls.append(1)
        return 3  # 1 + 2: the sum of the source's column

    assert data.derived(source, "total", "en", build=build) == 3
    assert data.derived(source, "total", "en", build=build) == 3
    assert len(calls) == 1
    data.derived(source, "total", "hi", build=build)  # another key
    assert len(calls) == 2
    other = pl.DataFrame({"a": [1, 2]})  # equal values, another frame: its own entry
    assert data.derived(other, "total", "en", build=lambda: 30) == 30
    before = len(data._derived)
    del source
    gc.collect()
    assert len(data._derived) == before - 2  # the source went: so did what was built from it


def test_the_watcher_reports_each_new_version_once(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    reader = SharedReader(poll_seconds=3600)  # the test runs the watcher's check itself
    first = version(db, "1")
    assert reader.new_version() is None  # nothing opened yet: nothing to watch
    with reader.reading(db, first):
        pass
    assert reader.new_version() is None  # the version a reader opened is not news
    second = version(db, "2")
    assert reader.new_version() == second
    assert reader.new_version() is None  # reported once
    reader.close()


def test_a_new_version_is_warmed_by_the_watcher(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    seen: list[tuple[int, int]] = []
    arrived = threading.Event()

    def warm(stamp: tuple[int, int]) -> None:
        seen.append(stamp)
        arrived.set()

    reader = SharedReader(poll_seconds=0.05, on_new_version=warm)
    first = version(db, "1")
    with reader.reading(db, first):
        pass
    second = version(db, "2")
    assert arrived.wait(60)
    assert seen == [second]
    reader.close()


def test_warm_computes_the_public_pages_data_before_readers_ask(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    stamp = database.file_stamp(demo_db)
    assert stamp is not None
    data.warm(stamp)
    month = data.months(stamp)[-1]

    def not_again(*args: object, **kwargs: object) -> pl.DataFrame:
        raise AssertionError("computed again after warming")

    for name in ("ranking", "cells", "state_headline", "state_trend", "streaks", "suppression"):
        monkeypatch.setattr(public, name, not_again)
    assert data.public_ranking(stamp, "department", month).height > 0
    assert data.public_ranking(stamp, "district", month).height > 0
    assert data.public_cells(stamp, month, "satisfied_closure_pct").height > 0
    assert data.public_headline(stamp, month).height > 0
    assert data.public_state_trend(stamp).height > 0
