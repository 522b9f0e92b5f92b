"""The README's "Your 311 data" walk-through, run word for word, and its results checked agency by agency
against counts made without Nivaran (by hand for the GeoReport sample, with the standard library's
``csv`` module for the real Los Angeles and CFPB exports)."""

from __future__ import annotations

import csv
import re
import shlex
import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
DAY = timedelta(days=1)


def walkthrough() -> list[list[str]]:
    """The commands of the README's walk-through block, as argument lists for ``nivaran``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough -->\n```bash\n(.*?)```\n<!-- /walkthrough -->", readme, re.S)
    assert block, "README.md lost its walk-through block"
    commands = []
    for line in block.group(1).splitlines():
        if line.startswith("uv run nivaran "):
            commands.append(shlex.split(line.removeprefix("uv run nivaran ")))
    return commands


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the walk-through's stores are made in (``data/*.duckdb``)."""
    folder = tmp_path_factory.mktemp("walk")
    (folder / "data").mkdir()
    return folder


@pytest.fixture(scope="module")
def outputs(work: Path) -> dict[str, pl.DataFrame]:
    """Run every command (stores in ``work``); the CSV of each ``grade``, by store name."""
    out = {}
    for args in walkthrough():
        fixed = [str(ROOT / a) if a.startswith("data/samples/") else a for a in args]
        fixed = [str(work / a) if a.startswith("data/") and a.endswith(".duckdb") else a for a in fixed]
        result = CliRunner().invoke(main, fixed, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        if args[0] == "grade":
            out[Path(args[args.index("--db") + 1]).stem] = pl.read_csv(result.output.encode(), infer_schema=False)
    return out


def figures(graded: pl.DataFrame, agencies: list[str]) -> dict[str, tuple[int, int, float, float | None]]:
    """(received, closed, median days to close, on-time share %) per agency from ``nivaran grade`` CSV."""
    rows = graded.filter(pl.col("code").is_in(agencies))
    return {
        r["code"]: (
            int(r["received"]),
            int(r["closed"]),
            round(float(r["resolution_days_median"]), 4),
            round(float(r["on_time_closure_pct"]), 2) if r["on_time_closure_pct"] else None,
        )
        for r in rows.iter_rows(named=True)
    }


def test_the_walkthrough_has_three_stores() -> None:
    stores = [a[a.index("--db") + 1] for a in walkthrough() if a[0] == "init"]
    assert stores == ["data/springfield.duckdb", "data/la.duckdb", "data/cfpb.duckdb"]


def test_georeport_sample_by_hand(outputs: dict[str, pl.DataFrame]) -> None:
    # Counted by hand from data/samples/open311-springfield.xml (all times -05:00, August 2024):
    # DPW: 101 closed after 1 d (due 2 d), 102 after 3 d (due 1 d: late), 103 after 1.5 d (due 2 d),
    #      104 open → received 4, closed 3, median of 1, 1.5, 3 = 1.5, on time 2 of 3 = 66.67 %.
    # PARKS: 201 2 d (due 7), 202 4 d (due 7), 203 6 d (due 2: late), 204 1 d (due 7) → 4, 4,
    #      median of 1, 2, 4, 6 = 3, on time 3 of 4 = 75 %.
    # DOT: 301 10 h (due 8 h: late), 302 6 h (due 24 h), 303 open → 3, 2, median of 0.25 and
    #      0.41667 = 0.33333 d, on time 1 of 2 = 50 % (an 8-hour promise rounded up to a day read 100 %).
    assert figures(outputs["springfield"], ["DPW", "PARKS", "DOT"]) == {
        "DPW": (4, 3, 1.5, 66.67),
        "PARKS": (4, 4, 3.0, 75.0),
        "DOT": (3, 2, round(8 / 24, 4), 50.0),
    }
    # Every median is at or under the 3-day target: full 15 points for the median component.
    graded = outputs["springfield"].filter(pl.col("code").is_in(["DPW", "PARKS", "DOT"]))
    assert graded["points_close_fast"].cast(pl.Float64).to_list() == [15.0, 15.0, 15.0]


def independent(
    path: Path,
    *,
    opened: str,
    closed: str,
    agency: str,
    closing: Callable[[dict[str, str]], bool],
    parse: Callable[[str], datetime | None],
    due: str | None,
    month: tuple[int, int],
    agencies: list[str],
) -> dict[str, tuple[int, int, float, float | None]]:
    """Count received, closed, median days and on-time share per agency with the ``csv`` module alone.

    The rules, as the README and docs/import.md state them: a request with a closing status needs a
    closing time at or after its opening (else its closing is set aside and it stays open); received = opened in the month;
    closed = closing time in the month; on time = closed no later than its due time, or within 7 days
    when it has none (or one not after its opening).
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r.get("SRNumber") or r.get("Complaint ID") for r in rows]
    assert len(set(ids)) == len(ids)  # one row per request: no update rows to merge
    received: dict[str, int] = dict.fromkeys(agencies, 0)
    lasted: dict[str, list[timedelta]] = {a: [] for a in agencies}
    on_time: dict[str, int] = dict.fromkeys(agencies, 0)
    for r in rows:
        start, end = parse(r[opened]), parse(r[closed])
        closes = closing(r)
        if start is None:
            continue
        if closes and (end is None or end < start):
            closes = False  # the closing is set aside; the request is received all the same
        who = r[agency]
        if who not in agencies:
            continue
        if (start.year, start.month) == month:
            received[who] += 1
        if closes and end is not None and (end.year, end.month) == month:
            lasted[who].append(end - start)
            target = parse(r[due]) if due else None
            limit = target - start if target is not None and target > start else 7 * DAY
            on_time[who] += end - start <= limit
    return {
        a: (
            received[a],
            len(lasted[a]),
            round(statistics.median(lasted[a]) / DAY, 4),
            round(100 * on_time[a] / len(lasted[a]), 2) if lasted[a] else None,
        )
        for a in agencies
    }


def _la_time(text: str) -> datetime | None:
    return datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p") if text else None


def test_los_angeles_counted_independently(outputs: dict[str, pl.DataFrame]) -> None:
    agencies = ["BOS", "OCB", "ITA"]
    expected = independent(
        SAMPLES / "la311-2018-01.csv",
        opened="CreatedDate",
        closed="ClosedDate",
        agency="Owner",
        closing=lambda r: r["Status"] in ("Closed", "Cancelled", "Referred Out"),
        parse=_la_time,
        due="ServiceDate",
        month=(2018, 1),
        agencies=agencies,
    )
    assert expected["BOS"][0] > 5000  # the counts are real, not empty
    assert figures(outputs["la"], agencies) == expected
    # city-311 scores the median against 3 days: 15 × min(1, 3 ÷ median days).
    points = {
        r["code"]: float(r["points_close_fast"]) for r in outputs["la"].iter_rows(named=True) if r["code"] in agencies
    }
    assert points == {a: pytest.approx(15 * min(1.0, 3 / expected[a][2]), rel=1e-3) for a in agencies}


def _cfpb_date(text: str) -> datetime | None:
    return datetime.strptime(text, "%Y/%m/%d") if text else None


def test_cfpb_counted_independently(outputs: dict[str, pl.DataFrame]) -> None:
    agencies = ["TRANSUNION INTERMEDIATE HOLDINGS, INC.", "Experian Information Solutions Inc.", "EQUIFAX, INC."]
    expected = independent(
        SAMPLES / "cfpb-complaints.csv",
        opened="Date received",
        closed="Date sent to company",
        agency="Company",
        closing=lambda r: r["Company response to consumer"] not in ("Untimely response", "In progress"),
        parse=_cfpb_date,
        due=None,
        month=(2019, 4),
        agencies=agencies,
    )
    assert expected["TRANSUNION INTERMEDIATE HOLDINGS, INC."][0] > 500
    assert figures(outputs["cfpb"], agencies) == expected


def test_the_department_plan_and_methodology_read_the_median_component(
    outputs: dict[str, pl.DataFrame], work: Path
) -> None:
    from grading.monthly import results
    from grading.scoring import plan, schemes
    from grading.store import database

    city = schemes.load("city-311")
    con = database.connect_readonly(work / "data" / "la.duckdb")
    try:
        ranked = results.graded(con, city, "department", date(2018, 1, 1))
    finally:
        con.close()
    rows = {r["key"]: r for r in plan.department_plan(ranked, city, "BOS").iter_rows(named=True)}
    # A median is no share of cases: its points show, but no case count moves it.
    assert rows["close_fast"]["per_case"] is None
    # BOS's median is under 3 days (test above): full points, scaled by 100/90 (no one has reopen data).
    assert rows["close_fast"]["points"] == pytest.approx(15 * 100 / 90)
    assert [c.formula() for c in city.components if c.key == "close_fast"] == ["15 × min(1, 3 ÷ days)"]
