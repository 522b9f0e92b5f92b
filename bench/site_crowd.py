"""A crowd reading the published static site (issue 27), run by hand; figures in BENCHMARKS.md.

    uv run python bench/site_crowd.py SITE_DIR [--readers 200] [--seconds 60]

Serves ``SITE_DIR`` (a folder ``nivaran publish --site`` wrote) with ``bench/static_server.py`` (the standard
library's threaded server with a listen backlog of 1,024; ``--server http.server`` for ``python -m
http.server``, whose backlog of 5 overflows under this crowd) in its own process on 127.0.0.1, then drives
``--readers`` concurrent HTTP readers for ``--seconds`` from one asyncio client: each reader fetches the
index, then random department and district pages, in a loop (one HTTP/1.0 request per connection, as
http.server answers). Prints per-page-kind latency percentiles, errors, the server's CPU seconds, wall time
and the load average; then a chromium load of the index (navigation timing, JavaScript off).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /{path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    while await reader.read(65536):
        pass
    writer.close()
    return int(status.split()[1])


async def crowd(port: int, pages: dict[str, list[str]], readers: int, seconds: float) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"index": [], "department": [], "district": [], "error": []}
    end = time.monotonic() + seconds

    async def one(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 (which page to read, not a secret)
        while time.monotonic() < end:
            for kind, path in (
                ("index", "index.html"),
                ("department", rng.choice(pages["department"])),
                ("district", rng.choice(pages["district"])),
            ):
                start = time.perf_counter()
                try:
                    status = await asyncio.wait_for(get(port, path), 10)  # a request over 10 s: an error
                except (OSError, TimeoutError):
                    status = 0
                took = time.perf_counter() - start
                latencies[kind if status == 200 else "error"].append(took)

    await asyncio.gather(*(one(i) for i in range(readers)))
    return latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def browser_index_load(url: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless=new"])
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(url)
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
        )
        browser.close()
    return float(timing)


NGINX_CONF = """worker_processes 2;
error_log stderr error;
pid nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    keepalive_timeout 0;
    types {{ text/html html; image/svg+xml svg; image/png png; text/csv csv; application/json json; }}
    server {{ listen 127.0.0.1:{port} backlog=4096; root {root}; }}
}}
"""


def nginx_prefix(site: Path, port: int) -> Path:
    """A folder holding an nginx.conf that serves ``site`` on 127.0.0.1:``port`` (no logs, two workers)."""
    prefix = Path(tempfile.mkdtemp(prefix="site-nginx-"))
    (prefix / "nginx.conf").write_text(NGINX_CONF.format(port=port, root=site), encoding="utf-8")
    return prefix


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--server",
        choices=("backlog", "http.server", "nginx"),
        default="backlog",
        help="bench/static_server.py (a listen backlog of 1,024), python -m http.server (a backlog of 5), "
        "or Debian's nginx (two workers: `apt-get install nginx-light`)",
    )
    args = parser.parse_args()
    site = args.site.resolve()
    pages = {
        kind: sorted(str(p.relative_to(site)) for p in site.glob(f"*/*/{kind}/*.html"))
        for kind in ("department", "district")
    }
    port = free_port()
    commands = {
        "http.server": lambda: [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(site), str(port)],
        "backlog": lambda: [sys.executable, str(Path(__file__).with_name("static_server.py")), str(site), str(port)],
        "nginx": lambda: ["nginx", "-p", str(nginx_prefix(site, port)), "-c", "nginx.conf", "-g", "daemon off;"],
    }
    command = commands[args.server]()
    server = subprocess.Popen(  # noqa: S603 (this interpreter, a folder given by hand)
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        before = os.times()
        server_cpu_before = cpu_of(server.pid)
        started = time.monotonic()
        latencies = asyncio.run(crowd(port, pages, args.readers, args.seconds))
        wall = time.monotonic() - started
        after = os.times()
        server_cpu = cpu_of(server.pid) - server_cpu_before
        print(f"{args.readers} readers for {args.seconds:.0f} s; wall {wall:.1f} s; load average {os.getloadavg()}")
        print(
            f"client CPU {after.user - before.user + after.system - before.system:.1f} s; server CPU {server_cpu:.1f} s"
        )
        for kind, values in latencies.items():
            if kind == "error":
                print(f"errors: {len(values)}")
                continue
            print(
                f"{kind}: {len(values)} requests ({len(values) / wall:.0f}/s), p50 {pct(values, 50):.1f} ms, "
                f"p95 {pct(values, 95):.1f} ms, p99 {pct(values, 99):.1f} ms, max {max(values) * 1000:.0f} ms"
            )
        loads = [browser_index_load(f"http://127.0.0.1:{port}/index.html") for _ in range(3)]
        print(f"chromium index load (navigation timing, loadEventEnd): {', '.join(f'{v:.0f} ms' for v in loads)}")
    finally:
        server.terminate()
        server.wait()


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process and its live children (nginx's workers; Linux /proc)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(int(entry.name))
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
