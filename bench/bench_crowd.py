"""A crowd against the default demo (run by hand; figures go to BENCHMARKS.md).

    uv run python -m bench.bench_crowd [--db bench/default.duckdb] [--sessions 20] [--browsers 2] [--seconds 120]
        [--browser-nice 0]

Starts ``streamlit run dashboard.py`` on the default demo (``nivaran demo`` defaults; built when
missing), then drives ``--sessions`` Playwright sessions spread over ``--browsers`` chromium
processes round the public pages for ``--seconds`` (tests/crowd.py). Reports errors, health-check
failures, the server's peak resident memory and, per page, p50/p95 of two times: the **server time**
of one script run (navigation.py logs it with ``NIVARAN_PAGE_TIMES=1``: from the top of the script
to the end of the page, every rerun) and the **browser time** of a visit (click to title +
``notRunning`` + the page's last content: server time plus transfer and drawing, on the same
machine). Target: 0 errors and server p95 ≤ 3 s for every page.

Also printed, per script run (the same log line): the CPU time its thread used and the time its thread
spent ready to run but waiting for a core (Linux schedstat); and the server process's CPU time over the
crowd (user + system, all threads) and the load average.

Who shares the 2 cores: Linux schedules each session as one group (autogroup) and shares the CPU
between groups first. The server runs in a session of its own (as a service would; tests/browser.py),
each chromium in its own (Playwright starts it detached), and this driver with Playwright's node process
in the shell's. ``--browser-nice N`` lowers the priority of the browsers' groups
(``/proc/PID/autogroup``): the same visits, but the server gets the cores first, as it would with its
readers' browsers on their own machines. The default (0): every group has the same weight.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

from grading.demo import build
from tests.browser import ARTIFACTS, streamlit_server
from tests.crowd import peak_rss_mib, run_crowd, stat_fields

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "default.duckdb")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--browser-nice", type=int, default=0, help="niceness of the browsers (0: as the server)")
    args = parser.parse_args()
    if not args.db.exists():
        build.build_demo(args.db)
    log = ARTIFACTS / "bench-crowd.server.log"
    info: dict[str, int] = {}
    load_before = os.getloadavg()
    with streamlit_server(args.db, log, info=info, env={"NIVARAN_PAGE_TIMES": "1"}) as url:
        started, cpu_before = time.monotonic(), cpu_seconds(info["pid"])
        result = run_crowd(
            url, sessions=args.sessions, browsers=args.browsers, seconds=args.seconds, browser_nice=args.browser_nice
        )
        elapsed, server_cpu = time.monotonic() - started, cpu_seconds(info["pid"]) - cpu_before
        peak = peak_rss_mib(info["pid"])
    load_after = os.getloadavg()
    print(f"{args.sessions} sessions over {args.browsers} browsers, {elapsed:.0f} s, {result.visits()} visits")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f}")
    print(
        f"errors: {len(result.failures)}; health checks: {result.health_checks}, failed {len(result.health_failures)}"
    )
    for failure in result.failures[:10]:
        print("  ", failure)
    print(f"server peak RSS: {peak:.0f} MiB; server CPU time during the crowd: {server_cpu:.0f} s")
    print(f"browsers' scheduling groups at nice {args.browser_nice}")
    server: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    waited: dict[str, list[float]] = {}
    line = r"nivaran-page-time\t([^\t\n]+)\t([0-9.]+)\t([0-9.]+)\t([0-9.]+)"
    for page, seconds, used, wait in re.findall(line, log.read_text()):
        server.setdefault(page, []).append(float(seconds))
        cpu.setdefault(page, []).append(float(used))
        waited.setdefault(page, []).append(float(wait))
    tables = (
        ("browser: click to page done", result.times),
        ("server: one script run", server),
        ("server: CPU time of one script run (its thread)", cpu),
        ("server: time one script run's thread waited for a core", waited),
    )
    for what, table in tables:
        print(f"\n{what}\n| page | n | p50 s | p95 s | max s |\n|---|---|---|---|---|")
        for title, times in table.items():
            p50, p95 = statistics.median(times), percentile(times, 95)
            print(f"| {title} | {len(times)} | {p50:.2f} | {p95:.2f} | {max(times):.2f} |")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux ``/proc/PID/stat``), seconds."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
