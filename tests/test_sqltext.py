"""The store's SQL text helpers (:mod:`grading.store.sqltext`): names checked, frames handed over explicitly."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from grading.intake import ingest
from grading.store import database, replay
from grading.store.sqltext import registered, sql
from tests.stores import mp_store
from tests.test_metrics import MARCH, STORY
from tests.test_store_ingest import write_csv

ROOT = Path(__file__).resolve().parent.parent


def test_sql_puts_in_checked_names_and_tuples_of_them() -> None:
    assert sql("select {c} from {t}", c=("complaint_key", "closed_at"), t="complaints") == (
        "select complaint_key, closed_at from complaints"
    )
    assert sql("select count(*) from {t}", t="events") == "select count(*) from events"


@pytest.mark.parametrize(
    "names",
    [
        {"t": "x; drop table events"},
        {"t": "Events"},
        {"t": ""},
        {"c": ("complaint_key", "closed_at from complaints; drop table events; --")},
    ],
)
def test_sql_refuses_anything_but_a_plain_name(names: dict[str, str | tuple[str, ...]]) -> None:
    with pytest.raises(duckdb.CatalogException, match="unexpected table or column name"):
        sql("select {c} from {t}", **{"c": "a", "t": "b", **names})


def test_registered_frames_are_read_by_name_and_gone_after_the_block() -> None:
    con = duckdb.connect()
    frame = pl.DataFrame({"code": ["A", "B"], "n": pl.Series([1, 2], dtype=pl.Int32)})
    with registered(con, given_codes=frame, more_codes=frame.head(1)) as same:
        assert same is con
        assert con.sql("select code, n from given_codes order by code").fetchall() == [("A", 1), ("B", 2)]
        assert con.sql("select count(*) from more_codes").fetchall() == [(1,)]
        assert con.sql("select typeof(n) from given_codes limit 1").fetchall() == [("INTEGER",)]
    for name in ("given_codes", "more_codes"):
        with pytest.raises(duckdb.CatalogException):
            con.sql(sql("select * from {t}", t=name)).fetchall()


def test_registered_unregisters_when_the_block_raises() -> None:
    con = duckdb.connect()
    seen = []

    def failing_block() -> None:
        with registered(con, given_codes=pl.DataFrame({"code": ["A"]})):
            seen.append(con.sql("select count(*) from given_codes").fetchall())
            msg = "the block fails"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="the block fails"):
        failing_block()
    assert seen == [[(1,)]]
    with pytest.raises(duckdb.CatalogException):
        con.sql("select * from given_codes").fetchall()


def test_registered_keeps_the_blocks_error_when_it_aborted_the_transaction() -> None:
    con = duckdb.connect()
    con.execute("create table codes (code varchar primary key)")
    con.execute("begin transaction")
    with pytest.raises(duckdb.ConstraintException), registered(con, given_codes=pl.DataFrame({"code": ["A", "A"]})):
        con.execute("insert into codes select code from given_codes")
    con.execute("rollback")
    with pytest.raises(duckdb.CatalogException):
        con.sql("select * from given_codes").fetchall()


def test_registered_refuses_a_name_that_is_not_plain() -> None:
    con = duckdb.connect()
    with (
        pytest.raises(duckdb.CatalogException, match="unexpected table or column name"),
        registered(con, **{"x; drop table events": pl.DataFrame({"a": [1]})}),
    ):
        pass  # pragma: no cover - never entered


def _registered_names() -> set[str]:
    """Every name the code hands a frame to DuckDB under (the keywords of each ``registered(...)`` call)."""
    found = set()
    for path in (ROOT / "grading").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "registered":
                found |= {k.arg for k in node.keywords if k.arg is not None}
    return found


def test_no_registered_name_is_a_table_of_the_store(tmp_path: Path) -> None:
    # A registered name hides a table of the same name: the names must differ from every table the
    # store has or makes on the way (temporary tables included).
    db = tmp_path / "n.duckdb"
    with database.writing(db) as con:
        tables = {str(r[0]) for r in con.sql("select table_name from duckdb_tables()").fetchall()}
    made = re.compile(r"create (?:or replace )?(?:temp )?table (?:if not exists )?([a-z_]+)")
    for path in (ROOT / "grading").rglob("*.py"):
        tables |= set(made.findall(path.read_text(encoding="utf-8")))
    tables |= {*replay.APPEND_TABLES, *replay.KEYED_TABLES, replay.CHANGED_KEYS, "monthly_metrics", "meta"}
    names = _registered_names()
    assert {"new_events", "new_rows", "touched_keys", "month_list"} <= names  # the walk finds the calls
    assert names & tables == set()


def test_a_load_and_its_reads_never_need_a_replacement_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # DuckDB's replacement scans find a frame by its Python variable name, in the caller's scope and
    # every enclosing one; with them off, every frame the store reads must be registered explicitly.
    connect: Callable[..., duckdb.DuckDBPyConnection] = duckdb.connect

    def strict(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        con = connect(*args, **kwargs)
        con.execute("set global python_enable_replacements = false")
        return con

    monkeypatch.setattr(duckdb, "connect", strict)
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    con = database.connect_readonly(db)
    try:
        assert con.sql("select current_setting('python_enable_replacements')").fetchall() == [(False,)]
        ids = database.read_events(con)["complaint_id"].unique().head(2)
        assert set(database.read_events(con, ids)["complaint_id"]) == set(ids)
        assert not database.read_monthly_metrics(con, months=[MARCH]).is_empty()
    finally:
        con.close()
