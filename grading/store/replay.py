"""Replaying a write on the standby: how the standby, one write behind, is brought up to the current
version, after a load (:mod:`grading.store.standby`) or else inside the next write's transaction (part
of the store; the files and the swap are :mod:`grading.store.slots`'s).

The delta of a write
--------------------
Each version records in ``meta`` its ``generation`` (a random id) and ``parent`` (the generation it
was built on). A standby whose generation is the current version's parent is exactly one write behind;
the write that made the current version is replayed from it by table kind:

- append-only logs (:data:`APPEND_TABLES`, rows tagged with ``ingest_id``): rows with a higher
  ``ingest_id`` than the standby's;
- derived per-complaint tables (:data:`KEYED_TABLES`): the rows of the complaints listed in the
  current version's ``changed_keys`` (every writer of these tables records the keys it touched);
- every other table (reference data, ``meta``, ``monthly_metrics``: small) is copied whole.

Anything else (a standby of another generation, a schema change, an error while replaying) falls back
to a full copy: slower, never wrong.
"""

from __future__ import annotations

from typing import Final

import duckdb

from grading.store.migrations import SPLIT_TABLES, split_parts
from grading.store.sqltext import sql

#: Logs that only grow; their rows carry the ``ingest_id`` of the load that wrote them.
APPEND_TABLES: Final = ("events", "quarantine", "ingest_log")


#: Derived per-complaint tables, replaced complaint by complaint (``complaint_key``): ``stints`` and
#: ``feedback_events`` by the two tables behind each (:data:`grading.store.migrations.SPLIT_TABLES`).
KEYED_TABLES: Final = (
    "complaints",
    *(part for table in SPLIT_TABLES for part in split_parts(table)),
    "transfers",
    "open_events",
)

#: The keyed tables of the open backlog, which every closure deletes rows from (:func:`superseded`).
_BACKLOG_TABLES: Final = ("open_events", *(split_parts(table)[0] for table in SPLIT_TABLES))


#: The complaints whose derived rows the current version's write changed.
CHANGED_KEYS: Final = "changed_keys"


def read_meta(con: duckdb.DuckDBPyConnection, key: str, schema: str = "main") -> str | None:
    """One value of a database's ``meta`` table (None when unset or when there is no such table)."""
    try:
        rows = con.execute(sql("select value from {s}.meta where key = ?", s=schema), [key]).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):  # no such table (a damaged block is raised)
        return None
    return rows[0][0] if rows else None


def tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    """The tables of an open or attached database, by name."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and not temporary order by all", [database]
    ).fetchall()
    return [str(r[0]) for r in rows]


def read_in_full(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> int:
    """Read every column of every row of ``table`` (a hash of each row, folded into one value: constant
    memory) and return its row count. DuckDB checks a block's checksum whenever it reads the block, so
    this raises on any damaged block the table's rows live in; ``count(*)`` alone would not (it is
    answered from the table's metadata)."""
    found = con.execute(sql("select count(*), bit_xor(hash(r)) from {s}.{t} as r", s=schema, t=table)).fetchall()
    return int(found[0][0])


def catch_up(con: duckdb.DuckDBPyConnection) -> None:
    """Replay the current version's write (attached as ``src``) on the standby (see the module docstring)."""
    ours, theirs = tables(con, current_database(con)), tables(con, "src")
    for table in ours:
        if table not in theirs:
            con.execute(sql("drop table {t}", t=table))
    for table in theirs:
        if table == CHANGED_KEYS:
            continue
        if table not in ours:
            con.execute(sql("create table {t} as select * from src.{t}", t=table))
        elif table in APPEND_TABLES:
            # The bound as a value, not a subquery: DuckDB's zone maps then skip every row group of the
            # source written before the last load (a log is appended in ingest order).
            seen = con.execute(sql("select coalesce(max(ingest_id), 0) from {t}", t=table)).fetchall()[0][0]
            con.execute(
                sql("insert into {t} by name select * from src.{t} where ingest_id > $seen", t=table), {"seen": seen}
            )
        elif table in KEYED_TABLES:
            delete = "delete from {t} where complaint_key in (select complaint_key from src.{k})"
            # The changed rows are found by their key column alone, then fetched by row id: a semi-join
            # on the key would read every column of every stored row.
            insert = (
                "insert into {t} by name select * from src.{t} where rowid in ("
                "select rowid from src.{t} where complaint_key in (select complaint_key from src.{k}))"
            )
            con.execute(sql(delete, t=table, k=CHANGED_KEYS))
            con.execute(sql(insert, t=table, k=CHANGED_KEYS))
        else:
            con.execute(sql("delete from {t}", t=table))
            con.execute(sql("insert into {t} by name select * from src.{t}", t=table))


def catalog(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, ...]]:
    """Every column, constraint, view, index and sequence of a database: after a replay the standby's
    must equal the current version's (a schema change made by a migration is not replayed: it makes
    the next write a full copy)."""
    query = """
        select 'column', table_name, column_name, data_type from duckdb_columns()
        where database_name = $db and not internal and table_name <> $changed
        union all
        select 'constraint', table_name, constraint_type, constraint_text from duckdb_constraints()
        where database_name = $db and table_name <> $changed
        union all
        select 'view', view_name, sql, '' from duckdb_views() where database_name = $db and not internal
        union all
        select 'index', index_name, table_name, sql from duckdb_indexes() where database_name = $db
        union all
        select 'sequence', sequence_name, '', '' from duckdb_sequences() where database_name = $db
        order by all
    """
    return [tuple(map(str, row)) for row in con.execute(query, {"db": database, "changed": CHANGED_KEYS}).fetchall()]


def not_replayable(con: duckdb.DuckDBPyConnection) -> None:
    """Declare that the write in progress changed rows in a way the next write cannot replay (an update
    or delete of logged or derived rows outside :mod:`grading.store.database`'s recording functions, e.g. a data
    migration): the next write then makes a full copy instead of replaying."""
    con.execute("insert or replace into meta values ('replayable', 'false')")


def current_database(con: duckdb.DuckDBPyConnection) -> str:
    """The name of the connection's own database (its file name without extension)."""
    return str(con.execute("select current_database()").fetchall()[0][0])


def superseded(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Share of the rows stored in each derived table (and ``events``: a newer snapshot replaces
    events) that later writes deleted or replaced: superseded rows, which no reader sees but every
    scan steps over. Only tables that have any are listed.

    ``open_events`` and the open parts of ``stints`` and ``feedback_events`` are left out: they hold the
    open backlog, and every closure deletes rows from them, so their share is high by design (about 40 %
    after two days at state scale) while they stay a small fraction of the history; ``compact``, suggested
    by the other tables, rewrites them too. A closed part is listed under its view's name."""
    rows = con.execute(
        """
        select table_name, estimated_size from duckdb_tables()
        where database_name = current_database() and not temporary and estimated_size > 0
          and table_name in (select unnest($tables))
        """,
        {"tables": [*(t for t in KEYED_TABLES if t not in _BACKLOG_TABLES), "events"]},
    ).fetchall()
    shown = {split_parts(table)[1]: table for table in SPLIT_TABLES}
    shares = {}
    for table, stored in rows:
        live = int(con.execute(sql("select count(*) from {t}", t=str(table))).fetchall()[0][0])
        if live < stored:
            shares[shown.get(str(table), str(table))] = (stored - live) / stored
    return shares
