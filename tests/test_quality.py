"""Lint and type checks run with the tests, so the one test command keeps them honest."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "grading", "ui", "pages", "tests", "bench", "dashboard.py", "navigation.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_would_change_nothing() -> None:
    paths = ("grading", "ui", "pages", "tests", "bench", "dashboard.py", "navigation.py")
    result = run("ruff", "format", "--check", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_grading_ui_pages_navigation_and_dashboard() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    # The [tool.mypy] files must not silently drop a place: every module of grading/, ui/ and pages/,
    # plus navigation.py and dashboard.py, is among the files checked.
    checked = re.search(r"in (\d+) source files?", result.stdout)
    assert checked, result.stdout
    expected = sum(len(list((ROOT / place).rglob("*.py"))) for place in ("grading", "ui", "pages")) + 2
    assert int(checked.group(1)) >= expected, result.stdout
