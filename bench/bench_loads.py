"""Daily and hourly loads into a state-scale store (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_loads.py --db bench/state.duckdb                  # this code
    uv run python bench/bench_loads.py --db bench/state.duckdb --before REV     # also the code of commit REV

``--db`` is a store built by ``nivaran demo --scale 1 --months 24`` (its history ends with 2026-10); it
is never written: every variant works on its own copy in ``--work`` (default ``bench/results/loads``,
about 2 GB per variant).

Files loaded, in order (made once, from the store and the demo generator, in ``--work``):

- ``day.csv``: the day after the store ends, 1 November 2026: the complaints the demo generator
  registers that day (``--scale 1``: ~13k) with their events of that day, plus a ``closed`` event for
  30,000 complaints open in the store (old complaints touched by the load). It is the first load after
  ``demo``: the bench copies the store with the standby ``demo`` made, so this load shows whether the
  first load costs what any other day's does.
- ``day2.csv``: 2 November in the same way (30,000 other closures): a day's load after a day's load,
  the steady state of a helpline that loads daily (the write also replays the previous day's on its
  standby, ``docs/storage.md``).
- ``hour.csv``, ``hour2.csv``: the first two hours of 3 November in the same way (1,250 closures each);
  ``hour2`` is the steady state of hourly loads (it replays ``hour``), ``hour`` replays a day.

The copy of the store is flushed to disk (``sync``) before the first load, so that no load pays for
writing back the bench's own copy. Before each load, its floor runs on the same file in its own process
(:data:`FLOOR`, a bare DuckDB append): ``floor_cpu``, ``floor_process_seconds`` and ``cpu_ratio`` sit
beside the load's own figures.
Each load runs in its own child process (``nivaran ingest``'s code path, :func:`grading.intake.ingest.ingest`):
wall time, bytes written (``write_bytes`` of ``/proc/self/io``: what the process sent to the storage
layer), peak memory (``ru_maxrss``), CPU time of the whole child (user + system, imports included:
less sensitive than wall time to other work on the machine) and how the write was made
(``meta.write_mode``) are its own.
``seconds`` is the load itself (:func:`grading.intake.ingest.ingest`, the store opened and the new version
swapped in); ``process_seconds`` is the ``python`` process from its start to the end of the load,
interpreter start and imports included, as a ``nivaran ingest`` run from a shell keeps its caller waiting.
``nivaran ingest`` then hands the load's replay on the standby to a background process
(``grading/store/standby.py``); the child runs that replay after the load and reports it apart:
``standby_seconds`` and ``standby_cpu`` (so a load's own figures and the standby's add up to all the
work; the code of ``--before`` paid the replay inside the next load). With ``--profile`` each load also runs
under cProfile (slower) and writes its report next to the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
DAY = datetime(2026, 11, 1)
DAY_CLOSURES, HOUR_CLOSURES = 30_000, 1_250
#: The files, in load order: name -> (start, end, closures).
WINDOWS: dict[str, tuple[datetime, datetime, int]] = {
    "day": (DAY, DAY + timedelta(days=1), DAY_CLOSURES),
    "day2": (DAY + timedelta(days=1), DAY + timedelta(days=2), DAY_CLOSURES),
    "hour": (DAY + timedelta(days=2), DAY + timedelta(days=2, hours=1), HOUR_CLOSURES),
    "hour2": (DAY + timedelta(days=2, hours=1), DAY + timedelta(days=2, hours=2), HOUR_CLOSURES),
}
LOADS = tuple(WINDOWS)

CHILD = """
import cProfile, contextlib, json, pstats, resource, sys, time
from pathlib import Path
from grading.intake import ingest
from grading.store import database
db, path, profile = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
began = time.perf_counter()
with cProfile.Profile() if profile else contextlib.nullcontext() as prof:
    report = ingest.ingest(db, [path])
seconds, ended_at = time.perf_counter() - began, time.time()
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
if profile:
    with open(profile, "w") as out:
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
io = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
con = database.connect_readonly(db)
mode = database.get_meta(con, "write_mode")
con.close()
# What `nivaran ingest` hands to a background process (grading/store/standby.py), run here and timed
# apart; code without it (--before) replays inside its next load instead.
from grading.store import slots
standby_began, standby_cpu, standby = time.perf_counter(), cpu, "n/a"
if hasattr(slots, "bring_standby_up"):
    standby = slots.bring_standby_up(db)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": round(seconds, 2),
    "cpu_seconds": round(cpu, 2),
    "ended_at": ended_at,
    "standby": standby,
    "standby_seconds": round(time.perf_counter() - standby_began, 2),
    "standby_cpu": round(usage.ru_utime + usage.ru_stime - standby_cpu, 2),
    "write_mib": round(int(io["write_bytes"]) / 2**20, 1),
    "peak_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    "events": report.files[0].rows_loaded,
    "mode": mode,
    "superseded": round(max(getattr(report, "superseded", {}).values(), default=0.0), 4),
}))
"""


#: The floor beside each load: a bare DuckDB append of the same file into a store's event table (a new
#: file with the same ``events`` table, so that the floor pays no Nivaran work at all: no checks, no
#: derived rows, no months, no second copy), committed and checkpointed, in its own process.
FLOOR = """
import json, resource, sys, time
began = time.perf_counter()
import duckdb
db, path = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute(
    "create table if not exists events (complaint_id varchar, event_time timestamp, event varchar, level varchar, "
    "department varchar, district varchar, category varchar, complainant varchar, channel varchar, "
    "outcome varchar, note varchar, limit_days double, ingest_id integer, complaint_key bigint)"
)
con.execute("insert into events by name select *, 0 as ingest_id from read_csv(?, header = true)", [path])
con.execute("checkpoint")
con.close()
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": round(time.perf_counter() - began, 3), "cpu_seconds": round(cpu, 3)}))
"""


#: The warm loader (``nivaran ingest --watch``): one process, started once, loads every file in turn from
#: its inbox; each file's wall and CPU seconds are its own (imports and start-up paid once, before). What the
#: watcher does between files is timed apart: the standby's replay (``standby_seconds``) and keeping the
#: current version open for the next file (``keep_seconds``, :class:`grading.store.standby.KeptOpen`).
WARM = """
import json, resource, shutil, sys, time
from pathlib import Path
from grading.intake import watch
from grading.store import slots
db, inbox, files = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
watcher = watch.Watcher(db, inbox, say=lambda _: None)

def clock():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime

standby = {}
bring_up = slots.bring_standby_up
def timed_bring_up(path):  # the watcher's replay on the standby between looks, timed apart
    wall, cpu = clock()
    done = bring_up(path)
    after = clock()
    standby.update(standby_seconds=round(after[0] - wall, 3), standby_cpu=round(after[1] - cpu, 3))
    return done
slots.bring_standby_up = timed_bring_up
watcher.rest()  # a watcher started before the files arrive has looked at its empty folder and rested
for name in files:
    shutil.copyfile(name, inbox / Path(name).name)
    standby.clear()
    began, cpu = clock()
    watcher.look(settled=True)
    ended, cpu_after = clock()
    watcher.rest()  # between files, as `watch` does: the current version kept open, timed apart too
    rested, cpu_rested = clock()
    print(json.dumps({"file": Path(name).stem,
                      "warm_seconds": round(ended - began - standby.get("standby_seconds", 0), 3),
                      "warm_cpu": round(cpu_after - cpu - standby.get("standby_cpu", 0), 3), **standby,
                      "keep_seconds": round(rested - ended, 3), "keep_cpu": round(cpu_rested - cpu_after, 3)}),
          flush=True)
watcher.stop()
"""


def child(code: Path, what: str, script: str, *args: object) -> list[str]:
    """Run one of this bench's scripts in a child Python with the code of ``code``; its output lines
    (stops the bench, with the child's error, when it fails)."""
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", script, *map(str, args)],
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        print(out.stderr[-2000:])
        raise SystemExit(f"{what}: failed")
    return out.stdout.strip().splitlines()


def run_warm(code: Path, db: Path, files: dict[str, Path], work: Path) -> list[dict[str, object]]:
    """Copy the store, then load the files in turn in one warm loader process (:data:`WARM`)."""
    copy = copy_store(db, work / "warm")
    inbox = work / "warm" / "inbox"
    inbox.mkdir()
    out = child(code, "warm loader", WARM, copy, inbox, *(files[label] for label in LOADS))
    rows = [json.loads(line) for line in out if line.startswith("{")]
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows


def floor(work: Path, file: Path) -> dict[str, float]:
    """Run :data:`FLOOR` for ``file`` in a child process: its wall (``process_seconds``) and CPU seconds."""
    began = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", FLOOR, str(work / "floor.duckdb"), str(file)],
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(out.stdout.strip().splitlines()[-1])
    return {"floor_cpu": row["cpu_seconds"], "floor_process_seconds": round(time.perf_counter() - began, 2)}


def make_files(db: Path, work: Path) -> dict[str, Path]:
    """The files described in the module docstring (kept in ``work`` and reused)."""
    from bench.baselines import DEFAULT_LIMIT_DAYS
    from grading.demo import simulate
    from grading.store import database, reference

    files = {name: work / f"{name}.csv" for name in LOADS}
    if all(p.exists() for p in files.values()):
        return files
    con = database.connect_readonly(db)
    open_ids = con.sql(
        "select complaint_id, registered_at from complaints where closed_at is null order by complaint_id"
    ).pl()
    con.close()
    month = pl.concat(
        list(
            simulate.generate(
                reference.departments(),
                reference.districts(),
                reference.categories(),
                months=1,
                end="2026-11",
                scale=1.0,
                seed=1111,
                default_limit_days=DEFAULT_LIMIT_DAYS,
            )
        )
    )
    first = month.group_by("complaint_id").agg(pl.col("event_time").min().alias("registered_at"))

    def window(start: datetime, end: datetime, closures: pl.DataFrame) -> pl.DataFrame:
        new = first.filter(pl.col("registered_at").is_between(start, end, closed="left")).select("complaint_id")
        events = month.join(new, on="complaint_id").filter(pl.col("event_time") < end)
        spread = (end - start) / max(1, closures.height)
        closed = closures.with_row_index("i").select(
            "complaint_id",
            event_time=pl.lit(start) + pl.col("i").cast(pl.Int64) * spread,
            event=pl.lit("closed"),
            outcome=pl.lit("resolved"),
        )
        return pl.concat([events.with_columns(pl.col(pl.Enum).cast(pl.String)), closed], how="diagonal_relaxed")

    shuffled = open_ids.sample(fraction=1.0, seed=7, shuffle=True)
    frames, used = {}, 0
    for name, (start, end, closures) in WINDOWS.items():  # each file closes complaints no other file does
        frames[name] = window(start, end, shuffled.slice(used, closures))
        used += closures
    for name, frame in frames.items():
        frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")).write_csv(files[name])
        print(f"{name}: {frame.height:,} events, {frame['complaint_id'].n_unique():,} complaints")
    return files


def code_before(work: Path, base: str) -> Path:
    """The ``grading`` package and ``data`` of commit ``base``, unpacked in ``work``."""
    target = work / "before-code"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(  # noqa: S603 - a commit id from git itself
        ["git", "archive", base, "grading", "data"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)  # noqa: S603, S607
    return target


def copy_store(db: Path, folder: Path) -> Path:
    """A copy of the store ``db`` in ``folder`` (emptied first): its current version and the standby the
    build made, as they are, the link and the access file; flushed to disk."""
    from grading.store import layout

    copy = folder / "database.duckdb"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = layout.current_file(db)
    assert source is not None, f"no store at {db}"
    for slot in layout.slot_files(db):
        shutil.copyfile(slot, copy.with_name(copy.name + "." + slot.name.rsplit(".", 1)[1]))
    os.symlink(copy.name + "." + source.name.rsplit(".", 1)[1], copy)
    shutil.copyfile(db.with_name(db.stem + ".access.sqlite"), copy.with_name("database.access.sqlite"))
    os.sync()
    return copy


def run_variant(
    name: str, code: Path, db: Path, files: dict[str, Path], work: Path, *, profile: bool
) -> list[dict[str, object]]:
    """Copy the store, then load the files into the copy in order, each in a child process."""
    from grading.store import layout

    copy = copy_store(db, work / name)

    rows = []
    for label in LOADS:
        beside = floor(work, files[label])  # alternating: the floor, then the load, file by file
        report = str(work / f"{name}-{label}.prof.txt") if profile else ""
        began = time.time()
        out = child(code, f"{name} {label}", CHILD, copy, files[label], report)
        row = {"variant": name, "file": label, **json.loads(out[-1])}
        # From the process's start to the end of its load: what `nivaran ingest` keeps its caller waiting
        # (the standby's replay, timed apart, runs after it in a background process of its own).
        row["process_seconds"] = round(float(row.pop("ended_at")) - began, 2)  # type: ignore[arg-type]
        row.update(beside)
        row["cpu_ratio"] = round(float(row["cpu_seconds"]) / beside["floor_cpu"], 1)  # type: ignore[arg-type]
        current = layout.current_file(copy)
        assert current is not None
        row["store_mib"] = round(current.stat().st_size / 2**20, 1)
        row["write_pct"] = round(100 * float(row["write_mib"]) / float(row["store_mib"]), 2)  # type: ignore[arg-type]
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "state.duckdb")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "loads")
    parser.add_argument("--before", metavar="REV", help="also measure the code of this commit")
    parser.add_argument("--profile", action="store_true", help="run each load under cProfile (slower)")
    parser.add_argument("--warm", action="store_true", help="also load the files in turn in one warm loader")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{platform.node()} {platform.processor() or platform.machine()}, {datetime.now():%Y-%m-%d %H:%M}")
    files = make_files(args.db, args.work)
    (args.work / "floor.duckdb").unlink(missing_ok=True)
    rows = []
    if args.before:
        rows += run_variant(
            "before", code_before(args.work, args.before), args.db, files, args.work, profile=args.profile
        )
        shutil.rmtree(args.work / "before", ignore_errors=True)
    rows += run_variant("after", ROOT, args.db, files, args.work, profile=args.profile)
    shutil.rmtree(args.work / "after", ignore_errors=True)
    print(pl.DataFrame(rows))
    if args.warm:
        print(pl.DataFrame(run_warm(ROOT, args.db, files, args.work)))
        shutil.rmtree(args.work / "warm", ignore_errors=True)


if __name__ == "__main__":
    main()
