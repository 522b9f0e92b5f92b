"""A crowd reading the published static site (issue 27), run by hand; figures in BENCHMARKS.md.

    uv run python -m bench.site_crowd SITE_DIR [--readers 200] [--seconds 60] [--server nginx] [--client wrk]
    uv run python -m bench.site_crowd --server streamlit --db DB [--client wrk]

Serves ``SITE_DIR`` (a folder ``nivaran publish --site`` wrote) in its own process on 127.0.0.1 and drives
``--readers`` concurrent HTTP readers at it for ``--seconds``, each asking for the index, then a random
department page, then a random district page (the site's real pages, read from the folder), in a loop.

Servers (``--server``): ``backlog`` is ``bench/static_server.py`` (the standard library's threaded server
with a listen backlog of 1,024); ``http.server`` is ``python -m http.server``, whose backlog of 5 overflows
under this crowd; ``nginx`` is Debian's nginx (``apt-get install nginx-light``: two workers, no logs, a
backlog of 4,096, HTTP keep-alive at nginx's defaults); ``streamlit`` is ``streamlit run dashboard.py`` on
``--db``, where every reader asks for the dashboard's URL: a plain GET of it returns only the app's static
shell (the page itself is drawn over a websocket session per reader), so that row measures the shell.

Clients (``--client``): ``python`` (the default) is one asyncio process, one HTTP/1.0 connection per
request; ``wrk`` is the C load generator wrk (Debian package ``wrk``, ``/usr/bin/wrk``) with ``--readers``
connections on two threads (``-t 2 --latency``) and a Lua script written here that asks for the same mix.
wrk keeps each connection alive between requests, as browsers and static servers do (``--close`` asks for
``Connection: close`` instead, a new connection per request like the Python client; ``--think MS`` makes
each reader pause a random 0 to 2 × MS between pages, wrk's ``delay()``: the default, 0, is a closed loop
with every reader always waiting on a page, the crowd the figures in BENCHMARKS.md are for). Either way a request
over 10 s is an error, as is a failed connection, read or write and (wrk) a status of 400 or above or
(python) any status but 200. wrk reports its latency percentiles over all requests of the mix, the Python
client per page kind as well. The two do not measure the same thing: the Python client's percentiles are
the requests' own times; wrk 4.1 corrects its histogram for coordinated omission after the run (its
``stats_correct``): every request slower than twice a connection's mean interval (the run's length over its
requests per connection, printed) adds samples at that time less one, two, ... intervals, as if requests
had kept arriving at the mean rate while it waited. A stall (here mostly other processes holding the cores)
so weighs more in wrk's tail than in the Python client's. With nginx the script also times each request
itself (nginx echoes the X-Id header it sends; a ``response()`` hook, which costs wrk about twice the CPU):
those percentiles are the requests' own times, printed beside wrk's.

Prints the latency percentiles, errors, the client's and the server's CPU seconds, wall time and the load
average. During the crowd (at a quarter, half and three quarters of it) a browser loads the page three
times: for the static site chromium's load of the index (navigation timing to ``loadEventEnd``,
JavaScript off); for Streamlit one reader's first visit of the public summary in chromium (a websocket
session of its own: from the address until the page's title, its state trends table and the script's
``notRunning`` are shown).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

TIMEOUT_S = 10  # a request slower than this is an error, for both clients


@dataclass
class Crowd:
    """What a client measured: a line of latency percentiles per page kind (or for all), errors, its own CPU."""

    rows: list[str] = field(default_factory=list)
    errors: int = 0
    error_detail: str = ""
    client_cpu: float = 0.0
    raw: str = ""


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


async def python_readers(
    port: int, pages: dict[str, list[str]], readers: int, seconds: float
) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {kind: [] for kind in [*pages, "error"]}
    end = time.monotonic() + seconds

    async def one(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 (which page to read, not a secret)
        while time.monotonic() < end:
            for kind, paths in pages.items():
                start = time.perf_counter()
                try:
                    status = await asyncio.wait_for(get(port, rng.choice(paths)), TIMEOUT_S)
                except (OSError, TimeoutError):
                    status = 0
                took = time.perf_counter() - start
                latencies[kind if status == 200 else "error"].append(took)

    await asyncio.gather(*(one(i) for i in range(readers)))
    return latencies


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def python_crowd(port: int, pages: dict[str, list[str]], readers: int, seconds: float) -> Crowd:
    """The asyncio client, run in this thread (its CPU is this thread's)."""
    cpu_before = time.thread_time()
    latencies = asyncio.run(python_readers(port, pages, readers, seconds))
    crowd = Crowd(client_cpu=time.thread_time() - cpu_before)
    crowd.errors = len(latencies.pop("error"))
    latencies["all pages"] = [v for values in latencies.values() for v in values]
    for kind, values in latencies.items():
        crowd.rows.append(
            f"{kind}: {len(values)} requests ({len(values) / seconds:.0f}/s), p50 {pct(values, 50):.1f} ms, "
            f"p95 {pct(values, 95):.1f} ms, p99 {pct(values, 99):.1f} ms, max {max(values) * 1000:.0f} ms"
        )
    return crowd


WRK_SCRIPT = """-- Written by bench/site_crowd.py: each thread asks for one page of each kind in turn, at random.
local pages = {pages}
local headers = {headers}
local counter = 0
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  math.randomseed(seed)
end

function next_path()
  counter = counter + 1
  local kind = pages[(counter - 1) % #pages + 1]
  return kind[math.random(#kind)]
end

function request()
  return wrk.format("GET", next_path(), headers)
end

{delay}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("nivaran requests %d connect %d read %d write %d status %d timeout %d\\n",
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  for _, q in ipairs({{50, 90, 95, 99}}) do
    io.write(string.format("nivaran p%d %.1f\\n", q, latency:percentile(q)))
  end
  io.write(string.format("nivaran max %.1f\\n", latency.max))
end
"""

# The requests' own times, for a server that echoes a request's X-Id header (nginx here): request() notes
# when it sent each id, response() files the time it took in a histogram of 10 µs buckets, done() merges
# the threads' and prints nearest-rank percentiles (a bucket's upper edge). LuaJIT's ffi reads the clock.
OWN_TIMES = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } nivaran_timespec;
int clock_gettime(int clock, nivaran_timespec *t);
]]
local clock = ffi.new("nivaran_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end
local sent, sequence = {}, 0
own = {}

function request()
  sequence = sequence + 1
  sent[sequence] = now_us()
  local with_id = {["X-Id"] = tostring(sequence)}
  for name, value in pairs(headers) do with_id[name] = value end
  return wrk.format("GET", next_path(), with_id)
end

function response(status, response_headers, body)
  local id = tonumber(response_headers["X-Id"])
  if id and sent[id] then
    local bucket = math.floor((now_us() - sent[id]) / 10)
    own[bucket] = (own[bucket] or 0) + 1
    sent[id] = nil
  end
end

local corrected_done = done
function done(summary, latency, requests)
  corrected_done(summary, latency, requests)
  local merged, total, buckets = {}, 0, {}
  for _, t in ipairs(threads) do
    for bucket, count in pairs(t:get("own")) do
      if not merged[bucket] then table.insert(buckets, bucket) end
      merged[bucket] = (merged[bucket] or 0) + count
      total = total + count
    end
  end
  table.sort(buckets)
  io.write(string.format("nivaran own samples %d\\n", total))
  local seen, i = 0, 1
  for _, q in ipairs({50, 90, 95, 99, 100}) do
    while i < #buckets and seen + merged[buckets[i]] < q / 100 * total do
      seen = seen + merged[buckets[i]]
      i = i + 1
    end
    io.write(string.format("nivaran own p%d %.2f\\n", q, (buckets[i] + 1) * 10 / 1000))
  end
end
"""


def wrk_script(pages: dict[str, list[str]], close: bool, think_ms: int, own_times: bool) -> str:
    def lua_list(paths: list[str]) -> str:
        return "{" + ", ".join(f'"/{quote(p)}"' for p in paths) + "}"

    return WRK_SCRIPT.format(
        pages="{" + ", ".join(lua_list(paths) for paths in pages.values()) + "}",
        headers='{["Connection"] = "close"}' if close else "{}",
        # wrk waits delay() ms before a connection's next request (not counted in its latency)
        delay=f"function delay()\n  return math.random(0, {2 * think_ms})\nend\n" if think_ms else "",
    ) + (OWN_TIMES if own_times else "")


def wrk_crowd(
    url: str, pages: dict[str, list[str]], readers: int, seconds: float, *, close: bool, think_ms: int, own_times: bool
) -> Crowd:
    """wrk in its own process; its CPU from the kernel's account of that child (wait4)."""
    work = Path(tempfile.mkdtemp(prefix="site-crowd-wrk-"))
    (work / "mix.lua").write_text(wrk_script(pages, close, think_ms, own_times), encoding="utf-8")
    command = ["wrk", "-c", str(readers), "-t", "2", "-d", f"{seconds:.0f}s", "--latency"]
    command += ["--timeout", f"{TIMEOUT_S}s", "-s", str(work / "mix.lua"), url]
    with (work / "out.txt").open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 (wrk, our own script)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    raw = (work / "out.txt").read_text()
    found = dict(re.findall(r"^nivaran (p\d+|max) ([\d.]+)$", raw, re.MULTILINE))
    counts = re.search(
        r"^nivaran requests (\d+) connect (\d+) read (\d+) write (\d+) status (\d+) timeout (\d+)$", raw, re.M
    )
    if proc.returncode != 0 or counts is None or not found:
        sys.exit(f"wrk failed (exit {proc.returncode}); its output:\n{raw}")
    requests, *errors = (int(n) for n in counts.groups())
    crowd = Crowd(client_cpu=usage.ru_utime + usage.ru_stime, raw=raw, errors=sum(errors))
    crowd.error_detail = ", ".join(
        f"{name} {n}" for name, n in zip(("connect", "read", "write", "status", "timeout"), errors, strict=True)
    )
    ms = {key: float(value) / 1000 for key, value in found.items()}  # wrk counts microseconds
    interval_ms = seconds * 1000 / (requests / readers)
    crowd.rows.append(
        f"wrk's coordinated-omission correction: a request over {2 * interval_ms:.1f} ms adds samples "
        f"{interval_ms:.2f} ms apart below it"
    )
    crowd.rows.append(
        f"all pages: {requests} requests ({requests / seconds:.0f}/s), p50 {ms['p50']:.1f} ms, p90 {ms['p90']:.1f} ms, "
        f"p95 {ms['p95']:.1f} ms, p99 {ms['p99']:.1f} ms, max {ms['max']:.0f} ms"
    )
    own = dict(re.findall(r"^nivaran own (p\d+|samples) ([\d.]+)$", raw, re.MULTILINE))
    if own_times:
        crowd.rows.append(
            f"the requests' own times ({int(own['samples'])} timed): p50 {own['p50']} ms, p90 {own['p90']} ms, "
            f"p95 {own['p95']} ms, p99 {own['p99']} ms, max {own['p100']} ms"
        )
    return crowd


def browser_index_load(url: str) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless=new"])
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(url)
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
        )
        browser.close()
    return f"{float(timing):.0f} ms"


def streamlit_visit(url: str) -> str:
    """One reader's first visit of the dashboard in chromium: from the address to the public summary drawn
    (its title, the script ``notRunning`` and its state trends table, the last table it draws unasked)."""
    from playwright.sync_api import sync_playwright

    from grading.words import CATALOGUE
    from tests.browser import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-IN")
        start = time.monotonic()
        page.goto(url, wait_until="commit")
        page.get_by_role("heading", name=CATALOGUE["public_title"][0]).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stMain"] [data-testid="stTable"]').last.wait_for(timeout=60_000)
        page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=60_000)
        took = time.monotonic() - start
        browser.close()
    return f"{took:.1f} s"


NGINX_CONF = """worker_processes 2;
error_log stderr error;
pid nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    add_header X-Id $http_x_id;  # the request's own X-Id back (none without one): wrk times each request
    types {{ text/html html; image/svg+xml svg; image/png png; text/csv csv; application/json json; }}
    server {{ listen 127.0.0.1:{port} backlog=4096; root {root}; }}
}}
"""


def nginx_prefix(site: Path, port: int) -> Path:
    """A folder holding an nginx.conf that serves ``site`` on 127.0.0.1:``port`` (no logs, two workers)."""
    prefix = Path(tempfile.mkdtemp(prefix="site-nginx-"))
    (prefix / "nginx.conf").write_text(NGINX_CONF.format(port=port, root=site), encoding="utf-8")
    return prefix


@contextmanager
def serving(server: str, site: Path | None, db: Path | None) -> Iterator[tuple[int, int]]:
    """Start ``server`` on a free port of 127.0.0.1; yield the port and its process id; stop it."""
    if server == "streamlit":
        from tests.browser import ARTIFACTS, streamlit_server

        info: dict[str, int] = {}
        with streamlit_server(Path(str(db)), ARTIFACTS / "site-crowd.streamlit.log", info=info) as url:
            yield int(url.rsplit(":", 1)[1]), info["pid"]
        return
    port = free_port()
    commands = {
        "http.server": lambda: [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(site), str(port)],
        "backlog": lambda: [sys.executable, str(Path(__file__).with_name("static_server.py")), str(site), str(port)],
        "nginx": lambda: [
            "nginx",
            "-p",
            str(nginx_prefix(Path(str(site)), port)),
            "-c",
            "nginx.conf",
            "-g",
            "daemon off;",
        ],
    }
    proc = subprocess.Popen(commands[server](), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 (a folder given by hand)
    try:
        time.sleep(1.0)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait()


def during(seconds: float, work: Callable[[], Crowd], probe: Callable[[], str]) -> tuple[Crowd, list[str]]:
    """Run ``work`` in a thread; meanwhile ``probe`` at a quarter, half and three quarters of ``seconds``."""
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(work)
        probes = []
        for at in (0.25, 0.5, 0.75):
            time.sleep(max(0.0, started + at * seconds - time.monotonic()))
            if not future.done():
                at_s = time.monotonic() - started
                probes.append(f"{probe()} (begun at {at_s:.0f} s)")
        return future.result(), probes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path, nargs="?", help="the folder `nivaran publish --site` wrote")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--server",
        choices=("backlog", "http.server", "nginx", "streamlit"),
        default="backlog",
        help="bench/static_server.py (a listen backlog of 1,024), python -m http.server (a backlog of 5), "
        "Debian's nginx (two workers: `apt-get install nginx-light`), or the dashboard on --db",
    )
    parser.add_argument("--db", type=Path, help="the store the dashboard reads (--server streamlit)")
    parser.add_argument("--client", choices=("python", "wrk"), default="python", help="asyncio, or wrk (apt wrk)")
    parser.add_argument("--close", action="store_true", help="wrk: a new connection per request")
    parser.add_argument(
        "--think", type=int, default=0, help="wrk: a reader pauses a random 0 to 2 × THINK ms between pages (0: none)"
    )
    args = parser.parse_args()
    if (args.server == "streamlit") != (args.db is not None) or (args.server != "streamlit") == (args.site is None):
        parser.error("give SITE_DIR for a static server, or --db with --server streamlit")
    if args.server == "streamlit":
        pages = {"page": [""]}  # the dashboard's URL: every page path answers the same shell
    else:
        site = args.site.resolve()
        pages = {"index": ["index.html"]} | {
            kind: sorted(str(p.relative_to(site)) for p in site.glob(f"*/*/{kind}/*.html"))
            for kind in ("department", "district")
        }
    load_before = os.getloadavg()
    with serving(args.server, args.site and args.site.resolve(), args.db) as (port, pid):
        url = f"http://127.0.0.1:{port}/"
        server_cpu_before = cpu_of(pid)
        started = time.monotonic()

        def work() -> Crowd:
            if args.client == "wrk":
                return wrk_crowd(
                    url,
                    pages,
                    args.readers,
                    args.seconds,
                    close=args.close,
                    think_ms=args.think,
                    own_times=args.server == "nginx",
                )
            return python_crowd(port, pages, args.readers, args.seconds)

        probe = (
            (lambda: streamlit_visit(url))
            if args.server == "streamlit"
            else (lambda: browser_index_load(url + "index.html"))
        )
        crowd, probes = during(args.seconds, work, probe)
        elapsed = time.monotonic() - started
        server_cpu = cpu_of(pid) - server_cpu_before
    print(crowd.raw, end="")
    print(
        f"{args.server} + {args.client}{' (Connection: close)' if args.close else ''}"
        f"{f' (think {args.think} ms)' if args.think else ''}: {args.readers} readers for "
        f"{args.seconds:.0f} s; wall {elapsed:.1f} s; load average before {load_before}, after {os.getloadavg()}"
    )
    print(f"client CPU {crowd.client_cpu:.1f} s; server CPU {server_cpu:.1f} s")
    print(*crowd.rows, sep="\n")
    print(f"errors: {crowd.errors}" + (f" ({crowd.error_detail})" if crowd.error_detail else ""))
    what = "a reader's first visit of the public summary" if args.server == "streamlit" else "chromium index load"
    print(f"{what} during the crowd: {'; '.join(probes)}")


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
