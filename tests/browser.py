"""Real-browser harness: `streamlit run dashboard.py` (the pages with Nivaran's routes) on a temporary
database, driven by Debian chromium.

Never downloads a browser: Playwright launches ``/usr/bin/chromium``. With ``CI=true`` a missing
browser is a failure; elsewhere the browser tests skip with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from grading.outputs.pdf import QUIET_FLAGS

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(QUIET_FLAGS)


def require_chromium() -> None:
    """Skip (or, under CI, fail) when Debian's chromium is not installed."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not installed (apt-get install --no-install-recommends chromium fonts-noto-core)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(
    db: Path,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
    info: dict[str, int] | None = None,
) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` (navigation.py with Nivaran's routes) on ``db`` (with extra ``args``);
    yield its URL; stop it and keep its log. ``info`` (when given) receives the server's ``pid``."""
    port = port or free_port()
    full_env = {**os.environ, "NIVARAN_DB": str(db), **(env or {})}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own session, as a service has: Linux schedules each session as one group (autogroup),
            # and Playwright starts every chromium in a session of its own, so a server left in the test's
            # session would share one group's CPU with the test driver while each browser had a group to
            # itself. Ctrl-C reaches the server through the ``finally`` below.
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        if info is not None:
            info["pid"] = proc.pid
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; its log:\n{log.read_text()}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for_app(page, log: Path, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script has finished running and no exception is shown; fail with the server log."""
    try:
        page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout_ms)
        page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=timeout_ms)
    except Exception as exc:
        pytest.fail(f"page did not finish: {exc}\nserver log:\n{log.read_text()}")
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        pytest.fail(f"exception on the page: {errors.first.inner_text()}\nserver log:\n{log.read_text()}")
