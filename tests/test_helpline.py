"""`nivaran init`: a store for one helpline, its zone, name, default scheme and reference data."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from grading.cli import main
from grading.intake import ingest, mapping
from grading.store import database, helpline
from ui.text import plain

ROOT = Path(__file__).resolve().parent.parent


def read(db: Path, what: str) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        if what == "metrics":
            return database.read_monthly_metrics(con, "department")
        return database.read_table(con, what)
    finally:
        con.close()


def settings_of(db: Path) -> helpline.Helpline:
    con = database.connect_readonly(db)
    try:
        return helpline.read(con)
    finally:
        con.close()


def test_init_stores_the_helpline_settings_without_mp_data(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    result = CliRunner().invoke(
        main,
        [
            "init",
            "--db",
            str(db),
            "--timezone",
            "America/New_York",
            "--name",
            "Baltimore 311",
            "--scheme",
            "cpgrams-gri",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    got = settings_of(db)
    assert (got.name, got.timezone, got.scheme, got.reference) == (
        "Baltimore 311",
        "America/New_York",
        "cpgrams-gri",
        "none",
    )
    assert read(db, "departments").is_empty()  # no Madhya Pradesh departments in a 311 store
    assert read(db, "districts").is_empty()


def test_init_with_mp_reference_loads_the_52_departments(tmp_path: Path) -> None:
    db = tmp_path / "mp.duckdb"
    helpline.init(db, timezone="Asia/Kolkata", reference_choice="mp")
    assert read(db, "departments").height == 52
    assert read(db, "districts").height == 55


def test_ingest_into_a_missing_store_refuses_and_names_init(tmp_path: Path) -> None:
    """A load never makes a store with another helpline's settings: it stops, names `nivaran init`,
    and leaves no file behind (no store, no access file, no lock)."""
    db = tmp_path / "new.duckdb"
    log = tmp_path / "log.csv"
    log.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "grading.cli", "ingest", "--db", str(db), str(log)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {db}: no store here; create it first with `nivaran init --db {db} --timezone ZONE "
        "--name NAME` (its time zone, reference data and scheme), then load\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]


def test_a_store_made_before_init_existed_keeps_the_defaults_it_always_had(tmp_path: Path) -> None:
    """A store written by an older Nivaran (tables, no settings) still loads, as Madhya Pradesh's."""
    db = tmp_path / "old.duckdb"
    with database.writing(db):  # the tables of today's schema and nothing else, as an old store had
        pass
    log = tmp_path / "log.csv"
    log.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-03-01T10:00:00,registered,L1,ENERGY,BHOPAL,POWER_SUPPLY_INTERRUPTION,P\n",
        encoding="utf-8",
    )
    ingest.ingest(db, [log])
    got = settings_of(db)
    assert (got.timezone, got.scheme, got.reference) == ("Asia/Kolkata", "mp-cm-helpline", "mp")
    assert read(db, "departments").height == 52


def test_a_misspelled_zone_is_one_sentence_on_the_command_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from grading.cli import run; run()",
            "init",
            "--db",
            str(tmp_path / "x.duckdb"),
            "--timezone",
            "America/Chicgo",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: --timezone: 'America/Chicgo' is not a time zone; give an IANA name; did you mean 'America/Chicago'?"
    )
    assert not (tmp_path / "x.duckdb").exists()


def test_the_zone_of_a_store_with_events_cannot_change(tmp_path: Path) -> None:
    db = tmp_path / "z.duckdb"
    helpline.init(db, timezone="America/Chicago", name="Z")
    log = tmp_path / "log.csv"
    log.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "A,2024-03-01T10:00:00,registered,L1,PARKS,D1,C,P\n",
        encoding="utf-8",
    )
    ingest.ingest(db, [log])
    with pytest.raises(helpline.HelplineError, match="holds events stored in America/Chicago; its zone cannot change"):
        helpline.init(db, timezone="America/Denver")
    helpline.init(db, timezone="America/Chicago", name="Renamed")  # the name may change
    assert settings_of(db).name == "Renamed"


def snapshot_store(tmp_path: Path, due: str) -> Path:
    """One LA-style request registered 1 Aug 2024 08:00, closed 18:00 (10 hours), due as given."""
    db = tmp_path / "due.duckdb"
    helpline.init(db, timezone="America/Los_Angeles", name="Due test")
    rules = tmp_path / "m.toml"
    rules.write_text(
        '[columns]\ncomplaint_id = "ID"\ndepartment = "Agency"\nregistered_at = "Opened"\nclosed_at = "Closed"\n'
        'due_at = "Due"\nstatus = "Status"\n[formats]\ndatetime = ["%Y-%m-%d %H:%M"]\ntimezone = "America/Los_Angeles"\n'
        '[status]\nClosed = "resolved"\n',
        encoding="utf-8",
    )
    data = tmp_path / "s.csv"
    data.write_text(f"ID,Agency,Opened,Closed,Due,Status\nR1,PD,2024-08-01 08:00,2024-08-01 18:00,{due},Closed\n")
    ingest.ingest(db, [data], mapping=mapping.load(rules))
    return db


@pytest.mark.parametrize(
    ("due", "on_time", "late"),
    [
        # Due 8 hours after registration, closed after 10: late. Rounded up to a whole day it read on time.
        ("2024-08-01 16:00", 0, 1),
        # Due 12 hours after: closed within it.
        ("2024-08-01 20:00", 1, 0),
    ],
)
def test_a_sub_day_due_time_is_kept_to_the_second(tmp_path: Path, due: str, on_time: int, late: int) -> None:
    metrics = read(snapshot_store(tmp_path, due), "metrics").filter(pl.col("month") == date(2024, 8, 1))
    assert metrics.select("department", "closed", "on_time", "late").rows() == [("PD", 1, on_time, late)]


def test_the_dashboard_shows_the_store_name_and_its_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "d.duckdb"
    helpline.init(db, timezone="America/New_York", name="Springfield 311", scheme="cpgrams-gri")
    log = tmp_path / "log.csv"
    log.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant,outcome\n"
        "A,2024-03-01T10:00:00,registered,L1,PARKS,D1,C,P,\n"
        "A,2024-03-02T10:00:00,closed,,,,,,resolved\n",
        encoding="utf-8",
    )
    ingest.ingest(db, [log])
    monkeypatch.setenv("NIVARAN_DB", str(db))
    # The banner is drawn by the page script (navigation.py) before any page runs, so every page carries it.
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    banner = " ".join(m.value for m in at.markdown if m.value.startswith("**"))
    assert "Springfield 311" in banner
    assert plain("America/New_York") in banner  # store text is shown as text (Markdown escaped)
    assert "CPGRAMS" in banner
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, at.exception
    assert "CPGRAMS" in at.subheader[0].value
    methodology = " ".join(m.value for m in at.markdown)
    assert f"({plain('America/New_York')})" in methodology


def test_public_wording_names_no_state() -> None:
    # A 311 city is no state: the public page's title, trend line, medians and group notes are neutral.
    from grading.words import CATALOGUE

    public = (
        "public_title",
        "district_groups",
        "district_groups_min",
        "state_trends",
        "state_median",
        "state_line",
        "state_pct",
    )
    assert [k for k in public if "state" in CATALOGUE[k][0].lower() or "राज्य" in CATALOGUE[k][1]] == []


def test_a_city_311_store_shows_its_groups_and_its_median_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "city.duckdb"
    helpline.init(db, timezone="America/Chicago", name="Springfield 311", scheme="city-311")
    ingest.ingest(db, [ROOT / "data" / "samples" / "open311-springfield.json"], mapping=mapping.load("open311"))
    monkeypatch.setenv("NIVARAN_DB", str(db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "group 1 holds the districts with at least 1000 complaints received" in captions
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, at.exception
    assert any("15 × min(1, 3 ÷ days)" in table.value.to_string() for table in at.table)


@pytest.mark.parametrize(
    ("zone", "wall_clock"),
    [
        # 12:00 in Chicago on 1 Aug 2024 is CDT (UTC-5): 17:00 UTC, 22:30 in India (UTC+5:30).
        ("America/Chicago", "2024-08-01 12:00:00"),
        ("Asia/Kolkata", "2024-08-01 22:30:00"),
    ],
)
def test_a_zoned_parquet_time_lands_on_the_stores_own_wall_clock(tmp_path: Path, zone: str, wall_clock: str) -> None:
    db = tmp_path / "z.duckdb"
    result = CliRunner().invoke(main, ["init", "--db", str(db), "--timezone", zone], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    events = pl.DataFrame(
        {
            "complaint_id": ["C1"],
            "event_time": ["2024-08-01 12:00"],
            "event": ["registered"],
            "level": ["L1"],
            "department": ["D1"],
            "district": ["X"],
            "category": ["CAT"],
            "complainant": ["P1"],
        }
    ).with_columns(pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M").dt.replace_time_zone("America/Chicago"))
    path = tmp_path / "events.parquet"
    events.write_parquet(path)
    ingest.ingest(db, [path])
    con = database.connect_readonly(db)
    try:
        stored = database.read_events(con)
    finally:
        con.close()
    assert stored["event_time"].dt.to_string("%Y-%m-%d %H:%M:%S").to_list() == [wall_clock]


def test_the_default_time_limit_comes_from_the_stores_scheme(tmp_path: Path) -> None:
    # A scheme whose default limit is 3 days; a complaint in a category the store does not know.
    shipped = (ROOT / "data" / "schemes" / "mp-cm-helpline.toml").read_text(encoding="utf-8")
    scheme = tmp_path / "three-days.toml"
    scheme.write_text(shipped.replace("default_limit_days = 7", "default_limit_days = 3"), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    args = ["init", "--db", str(db), "--timezone", "Asia/Kolkata", "--scheme", str(scheme)]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    csv = tmp_path / "events.csv"
    csv.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "C1,2024-08-01T10:00:00,registered,L1,D1,X,NEW_CATEGORY,P1\n",
        encoding="utf-8",
    )
    ingest.ingest(db, [csv])
    categories = read(db, "categories").filter(pl.col("code") == "NEW_CATEGORY")
    assert categories.select(pl.col("^limit_l.*$")).row(0) == (3, 3, 3, 3, 3)
    con = database.connect_readonly(db)
    try:
        limits = con.sql("select limit_days from stints").pl()["limit_days"].to_list()
    finally:
        con.close()
    assert limits == [3.0]  # the L1 stint: due 4 Aug 10:00
