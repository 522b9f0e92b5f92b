"""A small city's long history: a 13-year, 10,000-row per-request export (run by hand; figures go to
BENCHMARKS.md, section "A small city's 13-year export").

    uv run python -m bench.small_city --out bench/results/small_city            # write the CSV and a fresh store
    uv run python -m bench.small_city --out bench/results/small_city --phases   # + CPU seconds per phase

The CSV is in the shape of Los Angeles' MyLA311 export (the columns the shipped ``la311`` mapping
reads, its date format ``%m/%d/%Y %I:%M:%S %p``), generated deterministically from ``--seed``: 10,000
requests created from January 2011 to September 2024 (165 calendar months), the agencies, council
districts, request types, statuses and sources drawn with the shares of the 2018 sample in
``data/samples/la311-2018-01.csv``. Most requests close within days; one in fifty stays open for
years, and 3 % are still open at the end, so the pending and overdue counts of most months are not
empty. Months with no request at all are left in the early years (the city's first months online).

The command measured is a load into a fresh store, made the way a user makes one::

    nivaran init --db STORE --timezone America/Los_Angeles --reference none --scheme city-311
    nivaran ingest --db STORE --mapping la311 FILE

``--out`` gets ``small_city.csv`` and ``template/`` (a store just after ``init``), and the script
prints the shell lines that time one load into a copy of the template against the floor, a bare
DuckDB read of the same CSV in its own process::

    python -c "import duckdb; duckdb.sql(\\"select * from read_csv('FILE', all_varchar=true)\\").fetchall()"

Time both with ``/usr/bin/time -v`` (wall and user + system seconds), alternating, several runs.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "SRNumber",
    "CreatedDate",
    "ClosedDate",
    "ServiceDate",
    "Owner",
    "CD",
    "RequestType",
    "Status",
    "RequestSource",
)
FORMAT = "%m/%d/%Y %I:%M:%S %p"
FIRST, LAST = datetime(2011, 1, 1), datetime(2024, 10, 1)  # created in [FIRST, LAST): 165 months
ROWS = 10_000

#: (owner, request type, weight), after the shares of the 2018 sample.
TYPES = (
    ("BOS", "Bulky Items", 4918),
    ("OCB", "Graffiti Removal", 2082),
    ("BOS", "Illegal Dumping Pickup", 1021),
    ("BOS", "Metal/Household Appliances", 757),
    ("BOS", "Electronic Waste", 426),
    ("BOS", "Homeless Encampment", 250),
    ("BOS", "Dead Animal Removal", 216),
    ("ITA", "Other", 184),
    ("BSL", "Single Streetlight Issue", 91),
    ("BSL", "Multiple Streetlight Issue", 37),
    ("LADWP", "Report Water Waste", 15),
)
SOURCES = (("Call", 4786), ("Mobile App", 2242), ("Self Service", 1550), ("Driver Self Report", 1390), ("Email", 22))
STAGES = ("create", "copy", "ingest", "floor")


def _created(rng: random.Random) -> datetime:
    """A creation time: the volume grows over the years (few requests in the first ones, with empty
    months among them)."""
    span = (LAST - FIRST).total_seconds()
    return FIRST + timedelta(seconds=int(span * rng.random() ** 0.6))


def rows(seed: int = 311, n: int = ROWS) -> list[tuple[str, ...]]:
    """The export's rows, oldest first (a deterministic function of ``seed``)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible fixture, not a secret
    out = []
    for created in sorted(_created(rng) for _ in range(n)):
        owner, kind = rng.choices([t[:2] for t in TYPES], weights=[t[2] for t in TYPES])[0]
        source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
        limit_days = rng.choice((2, 3, 5, 7, 10, 30))
        service = datetime(created.year, created.month, created.day) + timedelta(days=limit_days)
        draw = rng.random()
        if draw < 0.03:  # still open at the export
            closed, status = None, rng.choice(("Open", "Pending"))
        else:
            if draw < 0.05:  # open for years
                days = rng.uniform(200, 1500)
            elif draw < 0.20:  # late
                days = rng.uniform(limit_days, 120)
            else:
                days = rng.uniform(0.05, limit_days)
            closed = min(created + timedelta(days=days), LAST - timedelta(seconds=1))
            status = "Cancelled" if rng.random() < 0.03 else "Closed"
        out.append(
            (
                f"1-{800_000_000 + len(out) * 37 + rng.randrange(37)}",
                created.strftime(FORMAT),
                closed.strftime(FORMAT) if closed else "",
                service.strftime(FORMAT) if rng.random() > 0.07 else "",
                owner,
                str(rng.randint(1, 15)),
                kind,
                status,
                source,
            )
        )
    return out


def write_csv(path: Path, seed: int = 311, n: int = ROWS) -> Path:
    """Write the export to ``path`` (the request types hold no comma, so no quoting is needed)."""
    lines = [",".join(HEADER)] + [",".join(row) for row in rows(seed, n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def nivaran(*args: str) -> list[str]:
    """The ``nivaran`` command line, as a user runs it (the entry script of the project's environment)."""
    return [str(Path(sys.executable).parent / "nivaran"), *args]


def init_store(db: Path) -> None:
    """A fresh store for the city (``nivaran init``) at ``db``, alone in its folder (the store is a link
    to one of two slot files, with an access file beside it): the folder is made anew."""
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    subprocess.run(  # noqa: S603 - our own command
        nivaran(
            "init", "--db", str(db), "--timezone", "America/Los_Angeles", "--reference", "none", "--scheme", "city-311"
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def phases(db: Path, csv: Path) -> None:
    """Load ``csv`` into the fresh store ``db`` in this process and print the CPU seconds of each phase:
    imports, read and check (the file's rows into events), derive, monthly refresh, the rest."""
    t0 = time.process_time()
    import grading.cli  # noqa: F401 - what ``nivaran ingest`` imports before it runs
    from grading.intake import ingest, mapping
    from grading.monthly import refresh
    from grading.store import derived_rows

    imported = time.process_time() - t0
    spent: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start

        return wrapper

    ingest._load_file = timed("read, check, write events", ingest._load_file)
    ingest._derive_touched = timed("derive", ingest._derive_touched)
    refresh.refresh_monthly = timed("monthly refresh", refresh.refresh_monthly)
    derived_rows.refresh_complainant_counts = timed("complainant counts", derived_rows.refresh_complainant_counts)
    start, wall = time.process_time(), time.perf_counter()
    report = ingest.ingest(db, [csv], mapping=mapping.load("la311"))
    total = time.process_time() - start
    print(f"imports (the command line and the load) {imported:.2f} CPU s")
    for name, seconds in spent.items():
        print(f"{name} {seconds:.2f} CPU s")
    print(f"the rest of ingest() {total - sum(spent.values()):.2f} CPU s")
    print(f"ingest() {total:.2f} CPU s, {time.perf_counter() - wall:.2f} wall s")
    months = report.refreshed_months
    print(f"{len(months)} months refreshed, {months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else "no months")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "small_city")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--phases", action="store_true", help="load once in this process, CPU seconds per phase")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    csv = write_csv(out / "small_city.csv", args.seed, args.rows)
    template, run = out / "template", out / "run"
    init_store(template / "store.duckdb")
    print(f"wrote {csv} ({args.rows:,} rows) and a fresh store in {template}/")
    print("one load, into a copy of the fresh store:")
    load = " ".join(nivaran("ingest", "--db", str(run / "store.duckdb"), "--mapping", "la311", str(csv)))
    print(f"  sh -c 'rm -rf {run} && cp -a {template} {run} && exec {load}'")
    print("the floor, a bare DuckDB read of the same file:")
    query = f"select * from read_csv('{csv}', all_varchar=true)"  # noqa: S608 - printed, never run here
    print(f'  {sys.executable} -c "import duckdb; duckdb.sql(\\"{query}\\").fetchall()"')
    if args.phases:
        init_store(run / "store.duckdb")
        phases(run / "store.duckdb", csv)


if __name__ == "__main__":
    main()
