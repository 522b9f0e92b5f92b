"""The schema constants and the demo database as a whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import polars as pl
import pytest

from grading.demo import build
from grading.demo.build import DemoSpec
from grading.model.schema import EVENT_SCHEMA, EVENTS, LEVELS, REQUIRED_BY_EVENT, SchemaError, check_frame

DATA_TABLES = (
    "events",
    "complaints",
    "stints",
    "feedback_events",
    "transfers",
    "monthly_metrics",
    "departments",
    "districts",
    "categories",
    "holidays",
)


def test_event_schema_follows_the_domain_contract() -> None:
    assert EVENT_SCHEMA.names() == [
        "complaint_id",
        "event_time",
        "event",
        "level",
        "department",
        "district",
        "category",
        "complainant",
        "channel",
        "outcome",
        "note",
        "limit_days",
    ]
    assert set(REQUIRED_BY_EVENT) == set(EVENTS)
    assert LEVELS == ("L1", "L2", "L3", "L4", "L5")
    assert EVENT_SCHEMA["event_time"] == pl.Datetime("us")  # Asia/Kolkata wall clock, no zone


def test_check_frame_names_what_differs() -> None:
    with pytest.raises(SchemaError, match=r"events: columns do not match the schema"):
        check_frame(pl.DataFrame({"complaint_id": ["A"]}), EVENT_SCHEMA, "events")


def table_digest(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    out = {}
    for table in DATA_TABLES:
        csv = con.sql(f"select * from {table} order by all").pl().write_csv()
        out[table] = hashlib.sha256(csv.encode()).hexdigest()
    con.close()
    return out


def test_demo_database_is_the_same_for_the_same_seed(tmp_path: Path, demo_db: Path) -> None:
    again = tmp_path / "again.duckdb"
    build.build_demo(again, DemoSpec(months=6, end="2024-08", scale=0.01, seed=1))
    assert table_digest(again) == table_digest(demo_db)
    other = tmp_path / "other.duckdb"
    build.build_demo(other, DemoSpec(months=6, end="2024-08", scale=0.01, seed=2))
    assert table_digest(other)["events"] != table_digest(demo_db)["events"]


def test_demo_database_has_all_departments_districts_and_a_lawful_lifecycle(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db), read_only=True)
    seen = con.sql("select count(distinct department), count(distinct district) from complaints").fetchall()[0]
    assert seen == (52, 55)
    # No event before registration; closed (if any) is the last event of its complaint.
    bad = con.sql(
        """
        with ordered as (
            select e.complaint_id, e.event, e.event_time, c.registered_at, c.closed_at
            from events e join complaints c using (complaint_id)
        )
        select
            count(*) filter (where event_time < registered_at) as before_registration,
            count(*) filter (where closed_at is not null and event_time > closed_at) as after_close
        from ordered
        """
    ).fetchall()[0]
    assert bad == (0, 0)
    con.close()
