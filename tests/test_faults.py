"""Input faults end in one clear sentence (file, line, field, value), no traceback, nothing written
or left behind: a --db that is not a Nivaran database, a line far too long, a misspelled time zone.
(District codes with "/" and other odd characters: tests/test_safe_text.py.)"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading import cli
from grading.store import database

ROOT = Path(__file__).resolve().parent.parent
EVENTS = """complaint_id,event_time,event,level,department,district,category,complainant,channel
F-1,2024-08-03T10:00:00,registered,L1,ENERGY,BHOPAL,BILLING_EXCESS,F-P1,call
"""


def nivaran(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the ``nivaran`` console script in-process; (exit code, what it wrote to stderr)."""
    monkeypatch.setattr(sys, "argv", ["nivaran", *args])
    with pytest.raises(SystemExit) as ended:
        cli.run()
    return int(ended.value.code or 0), capsys.readouterr().err


@pytest.fixture(params=["text", "truncated", "other duckdb"])
def foreign_db(request: pytest.FixtureRequest, demo_db: Path, tmp_path: Path) -> tuple[Path, str]:
    """A --db path holding something that is not a Nivaran database, and the sentence expected."""
    path = tmp_path / "mine.duckdb"
    if request.param == "text":
        path.write_text("district,received\nBHOPAL,12\n", encoding="utf-8")
        return path, "is not a readable DuckDB database"
    if request.param == "truncated":
        path.write_bytes(demo_db.read_bytes()[:100_000])
        return path, "is not a readable DuckDB database"
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("create table budget (year integer, amount double)")
    con.close()
    return path, "is a DuckDB database of another application"


@pytest.mark.parametrize(
    "command",
    [
        ["grade", "--month", "2024-08"],
        ["ingest", "EVENTS"],
        ["demo", "--months", "1", "--scale", "0.001"],
        ["users", "list"],
    ],
)
def test_a_foreign_db_is_refused_in_one_sentence_and_left_as_it_was(
    foreign_db: tuple[Path, str],
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, sentence = foreign_db
    events = tmp_path / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = [str(events) if a == "EVENTS" else a for a in command]
    group, rest = (args[:2], args[2:]) if args[0] == "users" else (args[:1], args[1:])
    code, err = nivaran(monkeypatch, capsys, *group, "--db", str(path), *rest)
    assert code == 2
    assert err.startswith(f"error: {path} {sentence}")
    assert err.count("\n") == 1  # one line
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no lock, copy or access file


def test_the_dashboard_explains_a_foreign_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n", encoding="utf-8")
    monkeypatch.setenv("NIVARAN_DB", str(path))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("is not a readable DuckDB database" in i.value for i in at.info)


def test_a_line_beyond_the_limit_is_refused_before_anything_is_written(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    stamp = database.file_stamp(db)
    source = tmp_path / "huge.csv"
    with source.open("wb") as out:  # 5 MB: 40,000 good rows, then one 3 MB line across read blocks
        out.write(EVENTS.encode())
        row = EVENTS.splitlines()[1].replace("F-1,", "F-{},")
        out.writelines(f"{row.format(i)}\n".encode() for i in range(2, 40_002))
        out.write(b"F-X,2024-08-05T10:00:00,registered,L1,ENERGY,BHOPAL,BILLING_EXCESS,F-PX,call," + b"A" * 3_000_000)
        out.write(b"\n")
    code, err = nivaran(monkeypatch, capsys, "ingest", "--db", str(db), "--max-line-bytes", "1048576", str(source))
    assert code == 2
    # header = line 1, F-1 = line 2, F-2 .. F-40001 = lines 3 .. 40002: the long one is line 40003
    assert err.startswith(f"error: {source}: line 40003 is longer than 1,048,576 bytes (3,000,")
    assert "starting 'F-X,2024-08-05T10:00:00" in err
    assert err.count("\n") == 1
    assert database.file_stamp(db) == stamp  # the database was not touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.csv", "live.duckdb"]


def test_a_misspelled_time_zone_in_a_mapping_names_the_setting_and_the_likely_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = (ROOT / "data" / "mappings" / "la311.toml").read_text(encoding="utf-8")
    assert 'timezone = "America/Los_Angeles"' in shipped
    mapping = tmp_path / "la.toml"
    mapping.write_text(shipped.replace("America/Los_Angeles", "America/Los_Angles"), encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text("SRNumber\n1\n", encoding="utf-8")
    db = tmp_path / "la.duckdb"
    code, err = nivaran(monkeypatch, capsys, "ingest", "--db", str(db), "--mapping", str(mapping), str(export))
    assert code == 2
    expected = (
        f"error: {mapping}: [formats].timezone: 'America/Los_Angles' is not a time zone; give an IANA name; "
        "did you mean 'America/Los_Angeles'?"
    )
    assert err.startswith(expected)
    assert err.count("\n") == 1
    assert not db.exists()
