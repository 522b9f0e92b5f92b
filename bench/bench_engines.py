"""Every month of a store (or of several: a nation's state stores) on each engine, against the single-pass
floor (run by hand; figures go to BENCHMARKS.md, section "Engines").

    uv run python bench/bench_engines.py --db /path/to/state.duckdb --runs 3     # polars and floor, alternately
    uv run python bench/bench_engines.py --db /path/to/state.duckdb --runs 1 --steps duckdb spark
    uv run python bench/bench_engines.py --db state.duckdb --steps polars duckdb spark-remote --stage scratch/stage
    uv run python bench/bench_engines.py --db nation/stores/*.duckdb --steps polars duckdb spark   # a nation
    git show a01b248:grading/scoring/metrics.py > /tmp/replaced_metrics.py       # the Polars code the port replaced
    uv run python bench/bench_engines.py --db /path/to/state.duckdb --runs 3 --steps polars floor replaced \
        --replaced /tmp/replaced_metrics.py

Each run is a child process (``--step``) that opens each store read-only and computes every month of it
(the store's settings are not needed: the default ``MetricSettings``); its CPU time is the child's
user + system time and its memory the child's peak resident set (both from ``os.wait4``). Steps:

- ``polars``: :func:`grading.monthly.refresh.compute_months` on the Polars engine (what a refresh runs);
- ``floor``: :func:`bench.floor_months.floor_months`, the single-pass Polars floor, from the same reads;
- ``duckdb`` and ``spark`` (a local Sail server started in the child): ``compute_months`` on those engines;
- ``spark-remote``: ``compute_months`` on a Sail server in a process of its own, reached as a remote
  Spark Connect server (``sc://127.0.0.1:PORT``), the inputs written to ``--stage`` as Parquet
  (:class:`grading.monthly.engines.Stage`). The server is started once, before the runs; its CPU
  seconds and peak memory during each step are read from ``/proc`` and reported beside the client's
  (``server_cpu``, ``server_peak_gib``; the peak is reset before each step);
- ``spark-remote-arrow``: the same without a stage (the inputs inside each query): at state scale it
  is expected to fail, and the child's last line on stderr is reported;
- ``replaced``: the metrics module of an earlier commit (``--replaced``, a file: pure Polars
  ``months_metrics`` and ``month_passes``), run as its ``compute_months`` ran it (the same reads, then
  passes of at most ``REPLACED_PASS_ROWS`` complaint-months), with this tree's as-of rules.

The steps alternate run by run, so that the machine's other work weighs on all of them alike.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("polars", "floor", "duckdb", "spark", "spark-remote", "spark-remote-arrow", "replaced")
#: The pass size of ``compute_months`` at a01b248 (``refresh.PASS_ROWS``): at state scale, a month a pass.
REPLACED_PASS_ROWS = 100_000
REMOTE = ("spark-remote", "spark-remote-arrow")
TICKS = os.sysconf("SC_CLK_TCK")


def step(
    dbs: list[Path], name: str, remote: str | None, stage: str | None, replaced: Path | None = None
) -> dict[str, object]:
    """One step in this process: every month of each of ``dbs``, one engine for all of them."""
    sys.path.insert(0, str(ROOT))
    from bench.floor_months import floor_months
    from grading.monthly import engines, refresh
    from grading.rules.asof import calendar_months
    from grading.scoring.metrics import MetricSettings
    from grading.store import database, month_reads

    months = rows = 0
    began = time.perf_counter()
    engine_name = "spark" if name in REMOTE else name
    with contextlib.ExitStack() as stack:
        if name not in ("floor", "replaced"):
            engine = stack.enter_context(engines.opened(engine_name, remote, stage))
        for db in dbs:
            con = database.connect_readonly(db)
            bounds = month_reads.month_bounds(con)
            assert bounds is not None
            asked = calendar_months(*bounds)
            if name == "floor":
                out = floor_months(con, asked, MetricSettings())
            elif name == "replaced":
                assert replaced is not None, "--replaced names the earlier metrics module"
                out = replaced_months(con, asked, replaced)
            else:
                out = refresh.compute_months(con, asked, MetricSettings(), engine=engine)
            con.close()
            months, rows = months + len(asked), rows + out.height
    return {"stores": len(dbs), "months": months, "rows": rows, "seconds_inside": round(time.perf_counter() - began, 2)}


def replaced_months(con: Any, months: list[Any], path: Path) -> Any:
    """Every month of ``months`` by the metrics module in ``path``, as its ``compute_months`` ran it."""
    import polars as pl

    from grading.monthly import refresh
    from grading.rules.asof import month_window
    from grading.scoring.metrics import MetricSettings
    from grading.store import database, month_reads

    spec = importlib.util.spec_from_file_location("replaced_metrics", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    settings, until = module.MetricSettings(**MetricSettings().__dict__), database.data_until(con)
    registered = month_reads.registered_per_month(con, min(months), max(months))
    frames = []
    for chunk in refresh._consecutive(
        months, refresh.MONTHS_PER_READ, registered, refresh.READ_COMPLAINTS, refresh.LIGHT_READ
    ):
        inputs = month_reads.read_month_inputs(con, month_window(chunk[0])[0], month_window(chunk[-1])[1])
        for run in module.month_passes(inputs["complaints"], chunk, REPLACED_PASS_ROWS):
            frames.append(module.months_metrics(inputs, run, settings, until))
        del inputs
    return pl.concat(frames, how="vertical_relaxed")


@contextlib.contextmanager
def sail_process() -> Iterator[tuple[str, int]]:
    """A Sail server in a process of its own: its ``sc://`` address and process id; stopped on exit."""
    code = (
        "from pysail.spark import SparkConnectServer\n"
        "s = SparkConnectServer(ip='127.0.0.1', port=0); s.start(background=True)\n"
        "h, p = s.listening_address; print(f'sc://{h}:{p}', flush=True)\n"
        "import sys; sys.stdin.read()\n"  # until the bench closes its stdin
    )
    server = subprocess.Popen(  # noqa: S603 - this interpreter, our code
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "RUST_LOG": "error"},
        text=True,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        yield server.stdout.readline().strip(), server.pid
    finally:
        server.stdin.close()
        server.wait(timeout=60)


def server_usage(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system, all threads) and peak resident memory (GiB) of process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)
    peak = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM"))
    return cpu, int(peak.split()[1]) / 2**20


def run_child(
    dbs: list[Path], name: str, remote: str | None, stage: str | None, replaced: Path | None = None
) -> dict[str, object]:
    """``name`` in a child process: its wall, CPU seconds and peak memory."""
    began = time.perf_counter()
    extra = ["--remote", remote] if name in REMOTE and remote else []
    extra += ["--stage", stage] if name == "spark-remote" and stage else []
    extra += ["--replaced", str(replaced)] if name == "replaced" and replaced else []
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(  # noqa: S603 - this interpreter, this file
            [sys.executable, __file__, "--db", *map(str, dbs), "--step", name, *extra],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={**os.environ, "RUST_LOG": "error"},
        )
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # the child's own CPU time and peak memory
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        said = errors.read().strip().splitlines()[-1:] or [""]
    wall = time.perf_counter() - began
    if child.returncode != 0:
        return {"step": name, "wall": round(wall, 2), "failed": child.returncode, "said": said[0]}
    inside = json.loads(output.strip().splitlines()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "step": name,
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "peak_gib": round(usage.ru_maxrss / 2**20, 2),
        **inside,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, nargs="+", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=["polars", "floor"])
    parser.add_argument("--stage", help="spark-remote: the folder the inputs are written to for the server")
    parser.add_argument("--replaced", type=Path, help="replaced: the metrics module of an earlier commit")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--remote", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.db, args.step, args.remote, args.stage, args.replaced)))
        return
    if "spark-remote" in args.steps and not args.stage:
        parser.error("spark-remote needs --stage")
    print(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "load": os.getloadavg()}))
    with contextlib.ExitStack() as stack:
        remote, pid = stack.enter_context(sail_process()) if set(REMOTE) & set(args.steps) else (None, 0)
        for run in range(args.runs):
            for name in args.steps:
                load = round(os.getloadavg()[0], 1)
                if name in REMOTE:
                    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets the server's peak memory
                    cpu_before, _ = server_usage(pid)
                result = run_child(args.db, name, remote, args.stage, args.replaced)
                if name in REMOTE:
                    cpu_after, peak = server_usage(pid)
                    result |= {"server_cpu": round(cpu_after - cpu_before, 2), "server_peak_gib": round(peak, 2)}
                print(json.dumps({"run": run + 1, "load": load, **result}), flush=True)


if __name__ == "__main__":
    main()
