"""Shared builders for small hand-written event logs."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from grading.model.schema import EVENT_SCHEMA

# A load's replay on the standby runs in the loading process in tests, so every test sees its store
# settled (grading/store/standby.py); tests/test_standby.py runs the other modes.
os.environ.setdefault("NIVARAN_STANDBY", "now")

CATEGORIES = pl.DataFrame(
    {
        "code": ["CAT", "SLOW"],
        "name_en": ["Category", "Slow category"],
        "name_hi": ["श्रेणी", "धीमी श्रेणी"],
        "department": ["D1", "D1"],
        "limit_l1_days": [7, 30],
        "limit_l2_days": [7, 15],
        "limit_l3_days": [7, 7],
        "limit_l4_days": [7, 7],
        "limit_l5_days": [7, 7],
    },
    schema_overrides={f"limit_l{i}_days": pl.Int32 for i in range(1, 6)},
)


def ev(complaint_id: str, when: str, event: str, **fields: str) -> dict[str, object]:
    """One event row; ``when`` is 'YYYY-MM-DD HH:MM' Asia/Kolkata wall-clock time."""
    return {"complaint_id": complaint_id, "event_time": datetime.fromisoformat(when), "event": event, **fields}


def reg(complaint_id: str, when: str, department: str = "D1", district: str = "X", **fields: str) -> dict[str, object]:
    """A ``registered`` event at L1 with the required fields filled in."""
    row = {
        "level": "L1",
        "department": department,
        "district": district,
        "category": "CAT",
        "complainant": f"P-{complaint_id}",
    }
    row.update(fields)
    return ev(complaint_id, when, "registered", **row)


def frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """A typed canonical event frame from rows (missing fields are null)."""
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)


@pytest.fixture
def categories() -> pl.DataFrame:
    return CATEGORIES


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database built once per test session (6 months to 2024-08, scale 0.01, seed 1)."""
    from grading.demo import build
    from grading.demo.build import DemoSpec

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build.build_demo(path, DemoSpec(months=6, end="2024-08", scale=0.01, seed=1))
    return path


#: Accounts the UI tests sign in with: role → (user name, password, districts, departments).
TEST_USERS = {
    "admin": ("t.admin", "admin-pass-1", (), ()),
    "collector": ("t.indore", "indore-pass-1", ("INDORE",), ()),
    "department_head": ("t.energy", "energy-pass-1", (), ("ENERGY",)),
}


@pytest.fixture(scope="session")
def demo_users(demo_db: Path) -> dict[str, tuple[str, str]]:
    """The demo database's access file with one account per role; role → (user name, password)."""
    from grading.access.accounts import Accounts

    accounts = Accounts(demo_db)
    for role, (name, password, districts, departments) in TEST_USERS.items():
        accounts.add(name, role, password=password, districts=districts, departments=departments, replace=True)
    return {role: (name, password) for role, (name, password, _, _) in TEST_USERS.items()}


@pytest.fixture
def english_app(demo_db: Path, demo_users: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The real app (navigation.py) in AppTest on the demo database with its test accounts, signed out,
    in English, after its first run."""
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return at.run()


@pytest.fixture
def own_store(demo_db: Path, demo_users: dict[str, tuple[str, str]], tmp_path: Path) -> Path:
    """A copy of the demo database with its access file (the test accounts of :data:`TEST_USERS`), so
    that the decisions, audit rows and accounts a test writes stay in it."""
    from tests.damage import copy_store

    return copy_store(demo_db, tmp_path / "own")


@pytest.fixture
def own_app(own_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The real app (navigation.py) in AppTest on :func:`own_store`, signed out, in English."""
    monkeypatch.setenv("NIVARAN_DB", str(own_store))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return at.run()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium through Playwright (never a downloaded browser); see tests/browser.py."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
