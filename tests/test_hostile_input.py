"""Input a hostile user or a bad day sends: personal data in code columns, conflicting repeats,
compressed bombs, malformed files. Each ends in one sentence or a quarantined row with its reason;
nothing is lost and nothing personal becomes public."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from grading.intake import ingest, limits, mapping
from grading.store import database
from tests.stores import mp_store

HEADER = "complaint_id,event_time,event,level,department,district,category,complainant,outcome\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = database.connect_readonly(db)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def nivaran(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grading.cli", *args], capture_output=True, text=True, check=False)


def test_a_phone_number_in_the_district_column_is_quarantined_never_a_district(tmp_path: Path) -> None:
    # A: a phone number typed as the district; B: an e-mail address as the department; C: a good row.
    db = mp_store(tmp_path / "s.duckdb")
    path = write(
        tmp_path / "e.csv",
        HEADER
        + "A,2024-03-01T10:00:00,registered,L1,ENERGY,98765 43210,POWER_SUPPLY_INTERRUPTION,P1,\n"
        + "B,2024-03-01T11:00:00,registered,L1,ramesh.k@gmail.com,BHOPAL,POWER_SUPPLY_INTERRUPTION,P2,\n"
        + "C,2024-03-01T12:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P3,\n",
    )
    report = ingest.ingest(db, [path]).files[0]
    assert (report.rows_loaded, report.rows_quarantined) == (1, 2)
    kept = rows(db, "select complaint_id, field, value, reason from quarantine order by complaint_id")
    assert [r[:3] for r in kept] == [("A", "district", "[phone]"), ("B", "department", "[email]")]
    assert all(r[3].startswith("looks like personal data") for r in kept)
    codes = {r[0] for r in rows(db, "select code from districts")} | {
        r[0] for r in rows(db, "select code from departments")
    }
    assert "98765 43210" not in codes
    assert "ramesh.k@gmail.com" not in codes
    assert b"98765 43210" not in db.resolve().read_bytes()


def test_a_phone_number_as_a_mapped_area_is_quarantined(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    from grading.store import helpline

    helpline.init(db, timezone="America/Chicago", scheme="city-311")
    rules = write(
        tmp_path / "m.toml",
        '[columns]\ncomplaint_id = "ID"\ndepartment = "Agency"\ndistrict = "Area"\nregistered_at = "Opened"\n'
        'status = "Status"\n[formats]\ndatetime = ["%Y-%m-%d %H:%M"]\ntimezone = "America/Chicago"\n'
        '[status]\nOpen = "open"\n',
    )
    path = write(tmp_path / "x.csv", "ID,Agency,Area,Opened,Status\nQ1,PW,+91 98765 43210,2024-03-01 10:00,Open\n")
    report = ingest.ingest(db, [path], mapping=mapping.load(rules)).files[0]
    assert report.rows_quarantined == 1
    assert rows(db, "select count(*) from districts where code like '%98765%'") == [(0,)]


def test_the_quarantine_masks_a_phone_shaped_complaint_id(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    path = write(tmp_path / "e.csv", HEADER + "9876543210,yesterday,registered,L1,ENERGY,BHOPAL,X,P1,\n")
    ingest.ingest(db, [path])
    assert rows(db, "select complaint_id, field from quarantine") == [("[phone]", "event_time")]
    assert b"9876543210" not in db.resolve().read_bytes()


def test_a_long_rejected_value_is_kept_cut(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    path = write(tmp_path / "e.csv", HEADER + f"A,{'x' * 5000},registered,L1,ENERGY,BHOPAL,X,P1,\n")
    ingest.ingest(db, [path])
    [(value,)] = rows(db, "select value from quarantine")
    assert value == "x" * 200 + "… (5000 characters)"


def test_a_repeat_with_another_district_in_one_file_is_a_conflict_named_with_both_values(tmp_path: Path) -> None:
    # A is registered twice at the same time, first in BHOPAL (line 2), then in INDORE (line 3): the
    # first stands, the second is quarantined naming both; an exact repeat (line 4) is a plain duplicate.
    db = mp_store(tmp_path / "s.duckdb")
    line = "A,2024-03-01T10:00:00,registered,L1,ENERGY,{},POWER_SUPPLY_INTERRUPTION,P1,\n"
    path = write(tmp_path / "e.csv", HEADER + line.format("BHOPAL") + line.format("INDORE") + line.format("BHOPAL"))
    report = ingest.ingest(db, [path]).files[0]
    assert (report.rows_loaded, report.rows_duplicate, report.rows_quarantined) == (1, 1, 1)
    assert report.problems.select("row_number", "field", "value", "reason").rows() == [
        (
            2,
            "district",
            "INDORE",
            "the same event (complaint, time, kind) is earlier in this file with district 'BHOPAL': "
            "a conflicting repeat, set aside",
        )
    ]
    assert rows(db, "select district from complaints") == [("BHOPAL",)]


def test_an_event_sent_again_with_another_outcome_is_a_conflict(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    first = HEADER + "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P1,\n"
    first += "A,2024-03-02T10:00:00,closed,,,,,,satisfied\n"
    ingest.ingest(db, [write(tmp_path / "one.csv", first)])
    again = HEADER + "A,2024-03-02T10:00:00,closed,,,,,,force\n"
    report = ingest.ingest(db, [write(tmp_path / "two.csv", again)]).files[0]
    assert (report.rows_loaded, report.rows_duplicate, report.rows_quarantined) == (0, 0, 1)
    assert report.problems.select("field", "value", "reason").rows() == [
        (
            "outcome",
            "force",
            "the same event (complaint, time, kind) is already stored with outcome 'satisfied': "
            "a conflicting repeat, set aside",
        )
    ]
    assert rows(db, "select outcome from events where event = 'closed'") == [("satisfied",)]


def test_a_gzip_bomb_of_short_lines_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    # 200 MiB of "1,2\n" packs into about 200 KB (a ratio near 1000): refused once the unpacked bytes
    # pass 64 MiB and 100 times the file's size, i.e. after 64-68 MiB, never the whole 200 MiB.
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"a,b\n" + b"1,2\n" * (50 << 20), compresslevel=9))
    with pytest.raises(limits.CompressedTooLargeError) as caught:
        limits.check_line_lengths(bomb)
    said = str(caught.value)
    unpacked = int(said.split("unpacks to more than ", 1)[1].split(" bytes", 1)[0].replace(",", ""))
    assert limits.MAX_STREAM_UNPACKED < unpacked <= limits.MAX_STREAM_UNPACKED + (4 << 20)
    assert said.endswith("not a compressed export (a gzip bomb?); nothing was loaded")


def test_a_gzip_bomb_of_one_long_line_is_refused_by_the_line_limit(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    bomb = tmp_path / "line.csv.gz"
    bomb.write_bytes(gzip.compress(b"complaint_id,event_time\n" + b"x" * (32 << 20)))
    stamp = database.file_stamp(db)
    run = nivaran("ingest", "--db", str(db), str(bomb))
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {bomb}: line 2 is longer than 1,048,576 bytes")
    assert "Traceback" not in run.stderr
    assert database.file_stamp(db) == stamp


def test_a_gzip_csv_of_real_rows_loads(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    packed = tmp_path / "e.csv.gz"
    packed.write_bytes(gzip.compress((HEADER + "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,X,P1,\n").encode()))
    assert ingest.ingest(db, [packed]).files[0].rows_loaded == 1


def test_other_compressions_are_refused_with_a_sentence(tmp_path: Path) -> None:
    packed = tmp_path / "e.csv"
    packed.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 64)
    with pytest.raises(limits.CompressedTooLargeError, match=r"compressed with zstd; .* unpack it first"):
        limits.check_line_lengths(packed)


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        (
            "deep.json",
            "[" * 100_000 + "]" * 100_000,
            "JSON nested too deeply to be an export of records (an array of objects); nothing was loaded",
        ),
        (
            "quote.csv",
            HEADER + 'A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,X,P1,\nB,"2024-03-01,registered\n'
            "C,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,X,P1,\n",
            'line 3: a quoted field opens here and is never closed (a stray "); nothing was loaded',
        ),
    ],
)
def test_malformed_files_are_one_sentence(tmp_path: Path, name: str, content: str, sentence: str) -> None:
    db = mp_store(tmp_path / "s.duckdb")
    path = write(tmp_path / name, content)
    run = nivaran("ingest", "--db", str(db), str(path))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().endswith(sentence)
    assert len(run.stderr.strip().splitlines()) == 1
