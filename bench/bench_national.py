"""The national view of one month (``nivaran national``) on Polars, on Spark reading the lake itself,
and on Spark through a stage (the code before the server read the lake: a copy of an earlier tree), run
by hand; figures go to BENCHMARKS.md, section "The national view on Spark: the lake read by the server".

    git archive main | tar -x -C /tmp/main-tree                   # the code to compare with, stage and all
    uv run python bench/bench_national.py --lake nation/lake --month 2024-08 --runs 3 \
        --before /tmp/main-tree --stage /tmp/stage

Each run is ``nivaran national --lake … --month … --format csv`` in a child process, with the ``grading``
package of this tree or of ``--before``; its CPU time is the child's user + system time and its memory
the child's peak resident set (``os.wait4``). Steps:

- ``polars``: this tree, the Polars engine (the whole job in the child);
- ``polars-before``: ``--before``'s tree, the Polars engine;
- ``spark-lake``: this tree, ``--engine spark --remote``: the server reads the lake's partitions;
- ``spark-stage``: ``--before``'s tree, ``--engine spark --remote --stage``: the child reads and encodes
  each state and writes the encoded inputs to the stage for the server.

Both Spark steps use one Sail server in a process of its own (:func:`bench.bench_engines.sail_process`),
set to keep checkpoints in a temporary folder (``SAIL_EXECUTION__CHECKPOINT__PATH``); its CPU seconds
and peak memory during each step are read from ``/proc`` beside the child's. The steps alternate run by
run, so that the machine's other work weighs on all of them alike; every run must print the CSV the
first printed (``same_csv``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_engines import sail_process, server_usage  # noqa: E402 - after the path is set

STEPS = ("polars", "polars-before", "spark-lake", "spark-stage")


def run_child(tree: Path, args: list[str]) -> tuple[dict[str, object], str]:
    """``nivaran`` with ``args`` on the ``grading`` package of ``tree``, in a child process."""
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(  # noqa: S603 - this interpreter, our code
            [sys.executable, __file__, "--child", str(tree), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=tree,
            env={**os.environ, "RUST_LOG": "error"},
        )
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        errors.seek(0)
        said = errors.read().strip().splitlines()[-1:] or [""]
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        return {"wall": round(wall, 2), "failed": said[0]}, ""
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "peak_gib": round(usage.ru_maxrss / 2**20, 2)}, output


def child(tree: str, args: list[str]) -> None:
    """``nivaran`` with ``args``, the ``grading`` package taken from ``tree``."""
    sys.path.insert(0, tree)
    from grading.cli import run

    sys.argv = ["nivaran", *args]
    run()


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--month", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--before", type=Path, help="the earlier tree (polars-before, spark-stage)")
    parser.add_argument("--stage", help="spark-stage: the folder the earlier tree writes its inputs to")
    args = parser.parse_args()
    if {"polars-before", "spark-stage"} & set(args.steps) and not args.before:
        parser.error("polars-before and spark-stage need --before")
    if "spark-stage" in args.steps and not args.stage:
        parser.error("spark-stage needs --stage")
    print(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "load": os.getloadavg()}))
    base = ["national", "--lake", str(args.lake.resolve()), "--month", args.month, "--format", "csv"]
    printed: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        spark = {"spark-lake", "spark-stage"} & set(args.steps)
        # the server keeps what it is asked to compute once (SparkEngine.keep) under this folder, as an
        # operator's Sail would be set up; the earlier tree never asks it to
        kept = stack.enter_context(tempfile.TemporaryDirectory(prefix="sail-checkpoints-"))
        os.environ["SAIL_EXECUTION__CHECKPOINT__PATH"] = Path(kept).as_uri()
        remote, pid = stack.enter_context(sail_process()) if spark else (None, 0)
        for run in range(args.runs):
            for name in args.steps:
                tree = ROOT if name in ("polars", "spark-lake") else args.before
                extra = [] if name.startswith("polars") else ["--engine", "spark", "--remote", str(remote)]
                extra += ["--stage", args.stage] if name == "spark-stage" else []
                load = round(os.getloadavg()[0], 1)
                if pid:
                    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets the server's peak memory
                    cpu_before, _ = server_usage(pid)
                result, output = run_child(tree, [*base, *extra])
                if pid and not name.startswith("polars"):
                    cpu_after, peak = server_usage(pid)
                    result |= {"server_cpu": round(cpu_after - cpu_before, 2), "server_peak_gib": round(peak, 2)}
                printed.setdefault(name, output)
                same = output == printed[next(iter(printed))]
                print(json.dumps({"run": run + 1, "step": name, "load": load, **result, "same_csv": same}), flush=True)


if __name__ == "__main__":
    main()
