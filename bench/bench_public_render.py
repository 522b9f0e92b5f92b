"""Public summary render time in a real browser (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_public_render.py --db bench/default.duckdb [--root DIR] [--runs 5]

Starts ``streamlit run dashboard.py`` from ``--root`` (default: this checkout; point it at another
checkout to measure an earlier version with the same database), opens the public summary in Debian's
chromium (software WebGL, as the browser tests) and times, per visit, from navigation to the moment the
script has finished, the ranking grids are drawn and the page's map and charts have drawn (every Plotly
chart; from issue 14's speed work on, the first paint's map is a static SVG and the Plotly charts come
on request, so the check accepts either). The first
visit runs with the server's caches cold; the others warm. Target: 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

READY = """() => document.querySelector('[data-test-script-state="notRunning"]')
  && document.querySelectorAll('[data-testid="stDataFrame"] canvas').length >= 2
  && [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)
  && (document.querySelectorAll('.js-plotly-plot').length >= 2
      || document.querySelector('[data-testid="stImage"] img'))"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "default.duckdb")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "NIVARAN_DB": str(args.db.resolve())}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=args.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - our own server
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        flags = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + [
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
        ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=flags)
            times = []
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_function(READY, timeout=120_000, polling=50)
                times.append(time.perf_counter() - start)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    warm = times[1:] or times
    print(f"root {args.root}  db {args.db}")
    print(f"first visit (cold caches): {times[0]:.2f} s")
    print(f"warm visits: median {statistics.median(warm):.2f} s, min {min(warm):.2f} s, max {max(warm):.2f} s")


if __name__ == "__main__":
    main()
