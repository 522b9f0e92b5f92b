"""The `nivaran` command line, run in-process with click's runner on real DuckDB files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.model.registry import METRICS
from grading.store import database


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("by", ["department", "district"])
def test_grade_json_has_every_metric_and_the_components(demo_db: Path, by: str) -> None:
    rows = json.loads(run("grade", "--db", str(demo_db), "--month", "2024-07", "--by", by, "--format", "json"))
    assert len(rows) == (52 if by == "department" else 55)
    first = rows[0]
    assert list(first)[:7] == ["code", "name", "name_hi", "rank_text", "score", "grade", "components"]
    assert set(METRICS) <= set(first)
    assert "rank" not in first  # one rank per row: the printed one
    assert first["rank_text"] == "1" or first["rank_text"].startswith("1–")  # first of group 1
    assert sum(first["components"].values()) == pytest.approx(first["score"], abs=0.006)
    assert all(any("\u0900" <= ch <= "\u097f" for ch in r["name_hi"]) for r in rows)
    order = [(r["volume_group"], r["rank_position"]) for r in rows if r["rank_position"] is not None]
    assert order == sorted(order)


def test_grade_table_and_csv_show_the_52_departments_in_hindi(demo_db: Path) -> None:
    table = run("grade", "--db", str(demo_db), "--month", "2024-08")
    assert "ऊर्जा" in table
    csv = pl.read_csv(run("grade", "--db", str(demo_db), "--month", "2024-08", "--format", "csv").encode())
    assert csv.height == 52
    assert {"code", "name", "name_hi", "rank_text", "score", "grade", "points_satisfied_closure"} <= set(csv.columns)


@pytest.mark.parametrize("scheme", ["cpgrams-gri", "up-igrs-points"])
def test_grade_with_other_schemes(demo_db: Path, scheme: str) -> None:
    rows = json.loads(run("grade", "--db", str(demo_db), "--month", "2024-06", "--scheme", scheme, "--format", "json"))
    assert len(rows) == 52
    maximum = 140 if scheme == "up-igrs-points" else 100
    assert all(0 <= r["score"] <= maximum for r in rows if r["score"] is not None)
    assert all(r["not_graded"] in ("few_complaints", "too_little_data") for r in rows if r["score"] is None)


def test_grade_with_a_changed_habitual_threshold_recomputes(demo_db: Path, tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "data" / "schemes" / "mp-cm-helpline.toml").read_text(encoding="utf-8")
    strict = tmp_path / "strict.toml"
    strict.write_text(text.replace("habitual_threshold = 10", "habitual_threshold = 1"), encoding="utf-8")
    default = json.loads(run("grade", "--db", str(demo_db), "--month", "2024-08", "--format", "json"))
    tighter = json.loads(
        run("grade", "--db", str(demo_db), "--month", "2024-08", "--scheme", str(strict), "--format", "json")
    )
    total = sum(r["received"] for r in default)
    assert sum(r["received"] for r in tighter) < total
    assert sum(r["excluded_habitual"] for r in tighter) > sum(r["excluded_habitual"] for r in default)


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["grade", "--db", str(tmp_path / "none.duckdb"), "--month", "2024-08"])
    assert result.exit_code != 0
    bad_month = CliRunner().invoke(main, ["grade", "--db", str(tmp_path / "x.duckdb"), "--month", "2024-8"])
    assert "expected a month as YYYY-MM" in bad_month.output


def test_console_script_prints_store_errors_without_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from grading.cli import run; run()",
            "grade",
            "--db",
            str(tmp_path / "none.duckdb"),
            "--month",
            "2024-08",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: No database at")
    assert "Traceback" not in proc.stderr


def test_ingest_prints_a_summary_and_strict_mode_exits_non_zero(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "events.csv"
    path.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P\n"
        "A,yesterday,attended,L1,,,,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "x.duckdb")
    run("init", "--db", db, "--timezone", "Asia/Kolkata", "--reference", "mp")
    out = run("ingest", "--db", db, str(path))
    assert "2 rows read, 1 events loaded, 0 events already stored, 1 rows quarantined" in out
    assert "quarantined 1: event_time: not an ISO-8601 time" in out
    strict_db = tmp_path / "y.duckdb"
    run("init", "--db", str(strict_db), "--timezone", "Asia/Kolkata", "--reference", "mp")
    stamp = database.file_stamp(strict_db)
    strict = subprocess.run(
        [sys.executable, "-m", "grading.cli", "ingest", "--strict", "--db", str(strict_db), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert strict.returncode == 2
    assert "--strict: nothing loaded" in strict.stderr
    assert "line 3 (complaint A): field 'event_time' = 'yesterday'" in strict.stderr
    assert database.file_stamp(strict_db) == stamp  # the store is as init left it


def test_demo_prints_demo_accounts_that_sign_in(tmp_path: Path) -> None:
    from grading.access.accounts import Accounts

    db = tmp_path / "d.duckdb"
    result = CliRunner().invoke(
        main, ["demo", "--db", str(db), "--months", "1", "--end", "2024-08", "--scale", "0.002"]
    )
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"^\s+(\S+)\s+.*password: (\S+)$", result.output, flags=re.MULTILINE))
    assert set(printed) == {"admin", "collector.bhopal", "collector.indore", "head.energy"}
    accounts = Accounts(db)
    who = accounts.sign_in("collector.bhopal", printed["collector.bhopal"])
    assert who is not None
    assert who.districts == ("BHOPAL",)
    raw = b"".join(f.read_bytes() for f in tmp_path.glob("d.access.sqlite*"))
    assert printed["admin"].encode() not in raw  # shown once, stored only as a hash
