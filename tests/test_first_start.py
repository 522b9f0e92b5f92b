"""A first start of the dashboard server (dashboard.py's start-up hook, ui.startup.first_start) builds the
demo database before any page is opened and prints the demo accounts' passwords in the terminal then
(they used to appear only after the first page visit); with a database already there, or another one
named by $NIVARAN_DB, it builds nothing."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest

from grading.access.accounts import Accounts
from grading.demo.build import DEMO_ACCOUNTS, DemoSpec
from grading.store import database
from ui import startup

SMALL = DemoSpec(months=2, end="2024-08", scale=0.005, seed=3)


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No $NIVARAN_DB, and the default database a path where nothing is yet (a small demo spec)."""
    path = tmp_path / "data" / "nivaran.duckdb"
    monkeypatch.delenv("NIVARAN_DB", raising=False)
    monkeypatch.setattr(database, "DEFAULT_DB", path)
    monkeypatch.setattr(startup.build, "build_demo", partial(startup.build.build_demo, spec=SMALL))
    return path


def test_a_first_start_builds_the_demo_and_prints_the_passwords(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert startup.first_start()
    printed = capsys.readouterr().out
    assert database.file_stamp(fresh) is not None
    found = dict(re.findall(r"^\s+(\S+)\s+.*password: (\S+)$", printed, flags=re.MULTILINE))
    assert set(found) == {name for name, *_ in DEMO_ACCOUNTS}
    accounts = Accounts(fresh)
    assert all(accounts.sign_in(name, password) is not None for name, password in found.items())
    assert not startup.first_start()  # the next start finds it: nothing is built or printed again
    assert "password" not in capsys.readouterr().out


def test_another_database_is_never_a_demo(fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIVARAN_DB", str(tmp_path / "mine.duckdb"))
    assert not startup.first_start()
    assert not (tmp_path / "mine.duckdb").exists()
    assert database.file_stamp(fresh) is None
