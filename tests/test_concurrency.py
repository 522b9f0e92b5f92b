"""Page code from many threads at once, as Streamlit runs browser sessions, must never deadlock.

Streamlit runs every session's script in its own thread. A Python callback inside Polars
(``map_elements``) waiting for the GIL while another thread holds it waiting on Polars' pool (for
example in ``to_pandas()``) froze the whole server. The threaded runs happen in a child process
(tests/concurrency.py) with a watchdog, so a deadlock fails here with every thread's stack instead
of hanging CI.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THREADS = 8


def run_child(mode: str, db: Path | str, rounds: int, seconds: float) -> subprocess.CompletedProcess[str]:
    """Run tests/concurrency.py in MODE; the child's own watchdog ends it after ``seconds``."""
    args = [sys.executable, "-m", "tests.concurrency", mode, str(db), str(THREADS), str(rounds), str(seconds)]
    try:
        return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except subprocess.TimeoutExpired as exc:  # the watchdog itself did not fire: still a failure, not a hang
        pytest.fail(f"{mode}: no answer after {seconds + 60} s\n{exc.stderr!r}")


def test_every_page_data_and_formatting_path_from_8_threads(demo_db: Path) -> None:
    result = run_child("pages", demo_db, rounds=4, seconds=240)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    assert "pages: 4 rounds of 8 threads done" in result.stdout


def test_a_deadlock_fails_with_the_stacks_instead_of_hanging() -> None:
    result = run_child("hang", "-", rounds=1, seconds=5)
    assert result.returncode != 0
    assert "Timeout (0:00:05)!" in result.stderr  # faulthandler's watchdog fired ...
    assert "in task" in result.stderr  # ... and printed where each thread waits
    assert "done" not in result.stdout


def python_callbacks(path: Path) -> list[str]:
    """Calls that run Python per value inside Polars or convert to pandas, with their line."""
    banned = {"map_elements", "map_batches", "map_rows", "apply", "to_pandas"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in banned
    ]


def test_pages_and_ui_format_without_python_callbacks_or_pandas() -> None:
    files = [ROOT / "navigation.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    found = [hit for path in files for hit in python_callbacks(path)]
    assert found == []


def test_the_served_app_does_no_per_run_housekeeping_under_the_lock() -> None:
    """Every script run holds the interpreter lock for its own work only: Streamlit's source watcher
    (a path scan of every loaded module after each run) and its full garbage collection after each
    run are off in the configuration `streamlit run` reads (.streamlit/config.toml)."""
    import tomllib

    from streamlit import config

    served = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert served["server"]["fileWatcherType"] == "none"
    assert served["runner"]["postScriptGC"] is False
    assert {"server.fileWatcherType", "runner.postScriptGC"} <= set(config.get_config_options())  # real names
