"""The DuckDB store: the only module of Nivaran that talks to DuckDB.

Concurrency model
-----------------
DuckDB allows one writing process per file, and a writer cannot open a file that a reader holds. The
dashboard therefore opens the database **read-only**, and every write goes through :func:`writing`:

1. an exclusive ``flock`` on ``<db>.lock`` serialises writers;
2. the current file is copied to ``<db>.building`` and the writer works on the copy;
3. on success the copy is checkpointed, closed and swapped in with ``os.replace`` (atomic on POSIX).

Readers keep reading the old file until they reopen (:func:`file_stamp` tells them when), a writer
never waits for a reader, and a writer killed half-way leaves only a stale ``.building`` file that the
next writer deletes: the previous data stay intact.

Tables
------
Source data: ``events`` (the canonical event log, ``docs/reference.md`` section 1), ``departments``, ``districts``,
``categories``, ``holidays``, ``ingest_log``, ``quarantine``, ``meta``.
Derived from ``events`` (rebuilt by :mod:`grading.derive`): ``complaints`` (one row per complaint),
``stints`` (one row per stay at a level), ``feedback_events``, ``transfers``.
Precomputed results: ``monthly_metrics`` (one row per entity and month).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading import migrations
from grading.schema import EVENT_SCHEMA, NivaranError

DEFAULT_DB: Final = Path(__file__).resolve().parent.parent / "data" / "nivaran.duckdb"
SCHEMA_VERSION: Final = "5"

_DDL: Final = (
    """
create table if not exists meta (key varchar primary key, value varchar not null);

create table if not exists departments (
    code varchar primary key, name_en varchar not null, name_hi varchar not null,
    volume_weight double, is_reference boolean not null
);
create table if not exists districts (
    code varchar primary key, name_en varchar not null, name_hi varchar not null,
    division varchar, population bigint, is_reference boolean not null
);
create table if not exists categories (
    code varchar primary key, name_en varchar not null, name_hi varchar not null, department varchar,
    limit_l1_days integer not null, limit_l2_days integer not null, limit_l3_days integer not null,
    limit_l4_days integer not null, limit_l5_days integer not null, is_reference boolean not null
);
create table if not exists holidays (date date primary key, name_en varchar not null, name_hi varchar not null);

create table if not exists events (
    complaint_id varchar not null, event_time timestamp not null, event varchar not null,
    level varchar, department varchar, district varchar, category varchar, complainant varchar,
    channel varchar, outcome varchar, note varchar, limit_days integer, ingest_id integer not null
);

create table if not exists ingest_log (
    ingest_id integer primary key, source varchar not null, sha256 varchar, kind varchar not null,
    finished_at timestamp not null, rows_read bigint not null, rows_loaded bigint not null,
    rows_duplicate bigint not null, rows_quarantined bigint not null, new_codes varchar
);
create table if not exists quarantine (
    ingest_id integer not null, source varchar not null, row_number bigint, complaint_id varchar,
    field varchar, value varchar, reason varchar not null
);

create table if not exists complaints (
    complaint_key bigint not null, complaint_id varchar not null, registered_at timestamp not null,
    department varchar not null,
    district varchar not null, category varchar not null, complainant varchar not null, channel varchar,
    closed_at timestamp, close_outcome varchar, first_feedback_at timestamp,
    reached_l2_at timestamp, reached_l3_at timestamp, reached_l4_at timestamp,
    first_breach_at timestamp, last_event_at timestamp not null, current_level tinyint not null,
    has_transfer boolean not null,
    complainant_month_count integer not null
);
create table if not exists stints (
    complaint_key bigint not null, started_at timestamp not null, ended_at timestamp, level tinyint not null,
    limit_days integer not null, first_action_at timestamp, breach_at timestamp, nonattended_at timestamp
);
create table if not exists feedback_events (
    complaint_key bigint not null, event_time timestamp not null, kind varchar not null
);
create table if not exists transfers (
    complaint_key bigint not null, event_time timestamp not null, department varchar not null
);
"""
    + migrations.PUBLICATIONS_DDL
)

#: Derived tables and their column order, as written by :func:`replace_derived`.
DERIVED_TABLES: Final = ("complaints", "stints", "feedback_events", "transfers")


def _pl(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """A query result as a Polars frame (typed: DuckDB's stubs return Any)."""
    frame: pl.DataFrame = relation.pl()
    return frame


class StoreError(NivaranError):
    """The database is missing, empty, locked or of an unknown version."""


def resolve_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``db`` if given, else ``$NIVARAN_DB``, else ``data/nivaran.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get("NIVARAN_DB")
    return Path(env) if env else DEFAULT_DB


def file_stamp(path: Path) -> tuple[int, int] | None:
    """``(inode, mtime_ns)`` of the database file, or None when it does not exist.

    A reader compares stamps to notice that a writer swapped in a new file and reopen.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database read-only; raise :class:`StoreError` with a how-to when it is missing."""
    if not path.exists():
        msg = (
            f"No database at {path}. Create the demo with `uv run nivaran demo --db {path}` "
            f"or load your data with `uv run nivaran ingest --db {path} FILE`."
        )
        raise StoreError(msg)
    con = duckdb.connect(str(path), read_only=True)
    version = _meta(con, "schema_version")
    if version != SCHEMA_VERSION:
        con.close()
        msg = f"{path}: schema version {version!r}, this Nivaran reads {SCHEMA_VERSION!r}; rebuild or re-import."
        raise StoreError(msg)
    return con


@contextlib.contextmanager
def writing(path: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy of the database, swapped in on success.

    Parameters
    ----------
    path : the database file (created when missing).
    fresh : start from an empty database instead of a copy of the current one (used by ``demo``).

    Nothing is visible to readers until the block exits without an exception; on an exception (or a
    kill) the copy is discarded and the database is as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    building = path.with_name(path.name + ".building")
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _remove(building)
        if path.exists() and not fresh:
            shutil.copyfile(path, building)
        con = duckdb.connect(str(building))
        try:
            prepare_schema(con, path)
            yield con
            con.execute("checkpoint")
        except BaseException:
            con.close()
            _remove(building)
            raise
        con.close()
        os.replace(building, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def prepare_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Bring the open store to :data:`SCHEMA_VERSION` before a write, or refuse it.

    An empty file gets every table and the current version. A store of an older version is migrated
    by the explicit steps of :mod:`grading.migrations` (the version is stamped after each step); one
    too old to migrate, newer than this code, or with tables but no version raises
    :class:`grading.migrations.MigrationError` naming ``path``, and nothing is changed.
    """
    found = _meta(con, "schema_version")
    if found is None:
        if _has_table(con, "events"):
            msg = f"{path}: a store without a schema version; rebuild it by importing the event logs into a new file."
            raise migrations.MigrationError(msg)
        con.execute(_DDL)
        set_meta(con, "schema_version", SCHEMA_VERSION)
        return
    for step in migrations.plan(str(path), found, SCHEMA_VERSION):
        con.execute(step.ddl)
        set_meta(con, "schema_version", step.target)


def _remove(building: Path) -> None:
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    try:
        row = con.execute("select value from meta where key = ?", [key]).fetchall()
    except duckdb.CatalogException:
        return None
    return row[0][0] if row else None


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """One value from the ``meta`` table (None when unset)."""
    return _meta(con, key)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one value in the ``meta`` table."""
    con.execute("insert or replace into meta values (?, ?)", [key, value])


# --- reference data -------------------------------------------------------------------------------


def load_reference(
    con: duckdb.DuckDBPyConnection,
    *,
    departments: pl.DataFrame,
    districts: pl.DataFrame,
    categories: pl.DataFrame,
    holidays: pl.DataFrame,
) -> None:
    """Replace the shipped reference rows (``is_reference``) and keep codes registered from data."""
    frames = {"departments": departments, "districts": districts, "categories": categories}
    for table, frame in frames.items():
        rows = frame.with_columns(is_reference=pl.lit(True))  # noqa: F841 - read by DuckDB below
        con.execute(f"delete from {table} where is_reference or code in (select code from rows)")  # noqa: S608 - table names are constants
        con.execute(f"insert into {table} by name select * from rows")  # noqa: S608
    con.execute("delete from holidays")
    holidays_frame = holidays  # noqa: F841 - read by DuckDB below
    con.execute("insert into holidays by name select * from holidays_frame")


def register_codes(con: duckdb.DuckDBPyConnection, table: str, codes: list[str]) -> list[str]:
    """Register codes seen in data but not in ``table`` (name = code); return the new ones, sorted.

    Domain rule: an unknown department, district or category code is accepted, registered and reported.
    """
    if table not in ("departments", "districts", "categories"):
        msg = f"unknown reference table {table!r}"
        raise ValueError(msg)
    seen = pl.DataFrame({"code": codes}, schema={"code": pl.String})  # noqa: F841 - read by DuckDB
    new: list[str] = _pl(
        con.sql(f"select distinct code from seen anti join {table} using (code) order by code")  # noqa: S608
    )["code"].to_list()
    if new:
        extra = ", 7, 7, 7, 7, 7" if table == "categories" else ""
        cols = {
            "departments": "code, name_en, name_hi, volume_weight, is_reference",
            "districts": "code, name_en, name_hi, division, population, is_reference",
            "categories": (
                "code, name_en, name_hi, department, limit_l1_days, limit_l2_days, limit_l3_days,"
                " limit_l4_days, limit_l5_days, is_reference"
            ),
        }[table]
        middle = "null, null" if table == "districts" else "null"
        new_frame = pl.DataFrame({"code": new})  # noqa: F841 - read by DuckDB
        con.execute(
            f"insert into {table} ({cols}) select code, code, code, {middle}{extra}, false from new_frame"  # noqa: S608
        )
    return new


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    """A whole small table (reference data, logs) as a Polars frame."""
    if table not in (
        "departments",
        "districts",
        "categories",
        "holidays",
        "ingest_log",
        "quarantine",
        "meta",
    ):
        msg = f"read_table is for small tables, not {table!r}"
        raise ValueError(msg)
    return _pl(con.sql(f"select * from {table} order by all"))  # noqa: S608


# --- events ----------------------------------------------------------------------------------------


def append_events(con: duckdb.DuckDBPyConnection, events: pl.DataFrame, ingest_id: int) -> int:
    """Append canonical events (``grading.schema.EVENT_SCHEMA``) tagged with ``ingest_id``."""
    frame = events.with_columns(  # noqa: F841 - read by DuckDB below
        pl.col(pl.Enum).cast(pl.String), ingest_id=pl.lit(ingest_id, pl.Int32)
    )
    # The log has no meaningful row order (readers sort): let DuckDB write in parallel.
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute("insert into events by name select * from frame")
    finally:
        con.execute("reset preserve_insertion_order")
    return events.height


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next free ``ingest_id``."""
    return int(con.sql("select coalesce(max(ingest_id), 0) + 1 from ingest_log").fetchall()[0][0])


def log_ingest(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """Record one loaded file (or demo build) in ``ingest_log``."""
    frame = pl.DataFrame([row])  # noqa: F841 - read by DuckDB
    con.execute("insert into ingest_log by name select * from frame")


def read_events(con: duckdb.DuckDBPyConnection, complaint_ids: pl.Series | None = None) -> pl.DataFrame:
    """Events as a typed frame (``EVENT_SCHEMA``), all of them or those of ``complaint_ids``."""
    cols = ", ".join(EVENT_SCHEMA.names())
    if complaint_ids is None:
        frame = _pl(con.sql(f"select {cols} from events"))  # noqa: S608 - constant column list
    else:
        ids = complaint_ids.to_frame("complaint_id")  # noqa: F841 - read by DuckDB
        frame = _pl(con.sql(f"select {cols} from events semi join ids using (complaint_id)"))  # noqa: S608
    return frame.cast(EVENT_SCHEMA)


def limit_memory(con: duckdb.DuckDBPyConnection, gib: float) -> None:
    """Cap DuckDB's memory for this connection; past it, DuckDB spills to ``<db>.tmp/`` on disk."""
    con.execute(f"set memory_limit = '{float(gib)}GiB'")


class Staging:
    """Checked rows held for a second pass, grouped by a key column when they come back.

    Rows stay in memory up to ``limit`` rows; past that they go to a temporary table of the open
    (private) database, which DuckDB spills to disk, so a file larger than memory is held on disk.
    :meth:`chunks` returns them in chunks of about ``limit`` rows such that every row with the same
    ``key`` value is in the same chunk (hash partitions of the key).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, key: str, limit: int) -> None:
        self.con, self.key, self.limit = con, key, limit
        self.frames: list[pl.DataFrame] = []
        self.schema: pl.Schema | None = None
        self.rows = 0
        self.spilled = False
        self.table = f"staging_{id(self)}"

    def add(self, frame: pl.DataFrame) -> None:
        """Hold ``frame`` (every frame must have the same schema)."""
        self.schema = self.schema or frame.schema
        self.frames.append(frame)
        self.rows += frame.height
        if self.rows > self.limit:
            self._spill()

    def _spill(self) -> None:
        held = pl.concat(self.frames).with_columns(pl.col(pl.Enum).cast(pl.String))  # noqa: F841 - read by DuckDB
        if self.spilled:
            self.con.execute(f"insert into {self.table} select * from held")  # noqa: S608
        else:
            self.con.execute(f"create temp table {self.table} as select * from held")  # noqa: S608
            self.spilled = True
        self.frames = []

    def chunks(self) -> Iterator[pl.DataFrame]:
        """The held rows, every key value within one chunk; chunks of about ``limit`` rows."""
        if self.schema is None:
            return
        if not self.spilled:
            yield pl.concat(self.frames)
            return
        if self.frames:
            self._spill()
        parts = -(-self.rows // self.limit)
        for part in range(parts):
            query = f"select * from {self.table} where hash({self.key}) % {parts} = {part}"  # noqa: S608
            yield _pl(self.con.sql(query)).cast(self.schema)

    def close(self) -> None:
        """Drop the temporary table, if any."""
        if self.spilled:
            self.con.execute(f"drop table if exists {self.table}")
        self.frames, self.spilled = [], False


# --- derived tables --------------------------------------------------------------------------------


def assign_keys(con: duckdb.DuckDBPyConnection, complaint_ids: pl.Series) -> pl.DataFrame:
    """``complaint_id`` → ``complaint_key`` for the given ids: stored keys kept, new ids numbered on.

    Keys are dense integers so that the derived tables join on integers, not text.
    """
    ids = complaint_ids.unique().sort().to_frame("complaint_id")  # noqa: F841 - read by DuckDB
    return _pl(
        con.sql(
            """
            with known as (
                select ids.complaint_id, c.complaint_key
                from ids join complaints c using (complaint_id)
            ),
            fresh as (
                select complaint_id,
                       (select coalesce(max(complaint_key), 0) from complaints)
                       + row_number() over (order by complaint_id) as complaint_key
                from ids anti join known using (complaint_id)
            ),
            final as (
                select * from known
                union all
                select * from fresh
            )
            select * from final order by complaint_key
            """
        )
    )


def replace_derived(
    con: duckdb.DuckDBPyConnection,
    derived: dict[str, pl.DataFrame],
    keys: pl.DataFrame,
) -> None:
    """Replace the derived rows of the complaints in ``keys`` (``complaint_id``, ``complaint_key``)."""
    frame_keys = keys.select("complaint_key")  # noqa: F841 - read by DuckDB
    for table in DERIVED_TABLES:
        con.execute(f"delete from {table} where complaint_key in (select complaint_key from frame_keys)")  # noqa: S608
        frame = derived[table]  # noqa: F841 - read by DuckDB
        con.execute(f"insert into {table} by name select * from frame")  # noqa: S608


def append_derived(con: duckdb.DuckDBPyConnection, derived: dict[str, pl.DataFrame]) -> None:
    """Append derived frames for complaints not yet in the store (the demo builds month by month)."""
    for table in DERIVED_TABLES:
        frame = derived[table]  # noqa: F841 - read by DuckDB
        con.execute(f"insert into {table} by name select * from frame")  # noqa: S608


def month_bounds(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """First and last calendar month with any event, or None for an empty store."""
    row = con.sql(
        "select date_trunc('month', min(event_time))::date, date_trunc('month', max(event_time))::date from events"
    ).fetchall()[0]
    if row[0] is None:
        return None
    return row[0], row[1]


#: Columns of ``complaints`` the metrics read (the rest serve case lists).
GRADING_COLUMNS: Final = (
    "complaint_key, registered_at, department, district, closed_at, close_outcome, first_feedback_at, "
    "reached_l2_at, reached_l3_at, reached_l4_at, first_breach_at, last_event_at, complainant_month_count"
)


def read_month_inputs(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, pl.DataFrame]:
    """The derived rows needed to grade the months in ``[start, end)`` as of their cut-offs.

    ``complaints`` registered before ``end`` that are still open now or have any event at or after
    ``start`` (so: registered in the window, closed in it, open at a cut-off in it, or with a call-back
    or stint in it; a complaint open at a cut-off with no event for months is kept), their
    ``transfers`` before ``end``, ``stints`` started in the window and ``feedback_events`` in it. This
    is a superset for any single month of the window: :func:`grading.metrics.month_metrics` applies
    the exact rule for each month.
    """
    params = {"start": start, "end": end}
    complaints = con.sql(
        f"""
        select {GRADING_COLUMNS} from complaints
        where registered_at < $end and (closed_at is null or last_event_at >= $start)
        """,  # noqa: S608 - constant column list
        params=params,
    ).pl()
    moved = complaints.select("complaint_key")  # noqa: F841 - read by DuckDB
    transfers = con.sql(
        """
        select complaint_key, event_time, department from transfers
        where event_time < $end and complaint_key in (select complaint_key from moved)
        """,
        params={"end": end},
    ).pl()
    stints = con.sql(
        """
        select complaint_key, started_at, nonattended_at from stints
        where started_at >= $start and started_at < $end
        """,
        params=params,
    ).pl()
    feedback = con.sql(
        "select * from feedback_events where event_time >= $start and event_time < $end", params=params
    ).pl()
    return {"complaints": complaints, "transfers": transfers, "stints": stints, "feedback_events": feedback}


def flag_complaints(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pl.DataFrame:
    """Complaints registered or closed in ``[start, end)`` with who filed them and how they closed
    (for the integrity flags): complaint_key, registered_at, category, complainant, closed_at,
    close_outcome. One row per complaint."""
    return _pl(
        con.sql(
            """
            select complaint_key, registered_at, category, complainant, closed_at, close_outcome
            from complaints
            where (registered_at >= $start and registered_at < $end)
               or (closed_at >= $start and closed_at < $end)
            """,
            params={"start": start, "end": end},
        )
    )


def stints_ended(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pl.DataFrame:
    """Stints that ended in ``[start, end)`` (for the integrity flags): complaint_key, level,
    started_at, ended_at, limit_days. One row per stint."""
    return _pl(
        con.sql(
            """
            select complaint_key, level, started_at, ended_at, limit_days
            from stints
            where ended_at >= $start and ended_at < $end
            """,
            params={"start": start, "end": end},
        )
    )


def last_computed_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest month in ``monthly_metrics`` (None when nothing is computed yet)."""
    if not _has_table(con, "monthly_metrics"):
        return None
    found: date | None = con.sql("select max(month) from monthly_metrics").fetchall()[0][0]
    return found


def replace_monthly_metrics(con: duckdb.DuckDBPyConnection, metrics: pl.DataFrame, months: list[date]) -> None:
    """Replace the precomputed rows of ``months`` in ``monthly_metrics`` (created on first write)."""
    frame = metrics  # noqa: F841 - read by DuckDB
    con.execute("create table if not exists monthly_metrics as select * from frame limit 0")
    month_frame = pl.DataFrame({"month": months}, schema={"month": pl.Date})  # noqa: F841
    con.execute("delete from monthly_metrics where month in (select month from month_frame)")
    con.execute("insert into monthly_metrics by name select * from frame")


def read_monthly_metrics(
    con: duckdb.DuckDBPyConnection,
    entity_type: str | None = None,
    months: list[date] | None = None,
) -> pl.DataFrame:
    """Precomputed metrics, one row per (entity_type, department, district, month)."""
    if not _has_table(con, "monthly_metrics"):
        return pl.DataFrame()
    params = {
        "entity_type": entity_type,
        "months": months,
    }
    return _pl(
        con.sql(
            """
            select * from monthly_metrics
            where ($entity_type is null or entity_type = $entity_type)
              and ($months is null or list_contains($months, month))
            order by entity_type, month, department nulls first, district nulls first
            """,
            params=params,
        )
    )


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchall()
    return bool(rows[0][0])


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the main tables (for the data page and CLI summaries)."""
    out = {}
    for table in ("events", "complaints", "quarantine", "ingest_log"):
        out[table] = int(con.sql(f"select count(*) from {table}").fetchall()[0][0])  # noqa: S608
    return out


def refresh_complainant_counts(con: duckdb.DuckDBPyConnection) -> None:
    """Recount, for every complaint, its complainant's complaints registered in the same month.

    The habitual-complainant rule reads this count; a load can add complaints of a complainant whose
    earlier complaints are already stored, so the count is refreshed across the whole store.
    """
    con.execute(
        """
        with counted as (
            select complainant, date_trunc('month', registered_at) as registered_month, count(*) as n
            from complaints
            group by all
        ),
        final as (
            select c.complaint_key, counted.n
            from complaints c
            join counted
              on counted.complainant = c.complainant
             and counted.registered_month = date_trunc('month', c.registered_at)
            where c.complainant_month_count <> counted.n
        )
        update complaints set complainant_month_count = final.n
        from final
        where complaints.complaint_key = final.complaint_key
        """
    )


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """Whether a file with this content hash was loaded before."""
    rows = con.execute("select count(*) from ingest_log where sha256 = ?", [sha256]).fetchall()
    return bool(rows[0][0])


def quarantine(con: duckdb.DuckDBPyConnection, problems: pl.DataFrame, ingest_id: int, source: str) -> None:
    """Keep rejected rows with their reasons (one row per problem)."""
    frame = problems.with_columns(  # noqa: F841 - read by DuckDB
        ingest_id=pl.lit(ingest_id, pl.Int32), source=pl.lit(source)
    )
    con.execute("insert into quarantine by name select * from frame")


def last_event_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The time of the latest stored event ("now" for the data)."""
    return con.sql("select max(event_time) from events").fetchall()[0][0]  # type: ignore[no-any-return]


def pending_cases(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    *,
    districts: list[str] | None = None,
    departments: list[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """The rows the case list of ``as_of`` is built from (the as-of rules are applied by the caller).

    ``districts`` / ``departments`` restrict the rows in the query itself (None = no restriction);
    ``departments`` keeps a complaint when its department at registration or any transfer up to
    ``as_of`` is in the list, a superset that :func:`grading.asof.department_at` then narrows.
    Returns ``complaints`` (candidates registered by ``as_of`` and not closed before it: complaint_key,
    complaint_id, registered_at, department, district, category, channel, closed_at,
    first_breach_at), their ``transfers`` up to ``as_of`` and their ``stints`` started by ``as_of``.
    """
    params = {"as_of": as_of, "districts": districts, "departments": departments}
    complaints = _pl(
        con.sql(
            """
            with candidates as (
                select complaint_key, complaint_id, registered_at, department, district, category, channel,
                       closed_at, first_breach_at, has_transfer
                from complaints
                where registered_at <= $as_of
                  and (closed_at is null or closed_at >= $as_of)
                  and ($districts is null or list_contains($districts, district))
            ),
            final as (
                select * exclude (has_transfer) from candidates c
                where $departments is null
                   or list_contains($departments, c.department)
                   or (c.has_transfer and exists (
                        select 1 from transfers t
                        where t.complaint_key = c.complaint_key and t.event_time <= $as_of
                          and list_contains($departments, t.department)))
            )
            select * from final
            """,
            params=params,
        )
    )
    keys = complaints.select("complaint_key")  # noqa: F841 - read by DuckDB
    transfers = _pl(
        con.sql(
            """
            select complaint_key, event_time, department from transfers
            where event_time <= $as_of and complaint_key in (select complaint_key from keys)
            """,
            params={"as_of": as_of},
        )
    )
    stints = _pl(
        con.sql(
            """
            select complaint_key, started_at, ended_at, level, limit_days from stints
            where started_at <= $as_of and complaint_key in (select complaint_key from keys)
            """,
            params={"as_of": as_of},
        )
    )
    return {"complaints": complaints, "transfers": transfers, "stints": stints}


def complaint_events(
    con: duckdb.DuckDBPyConnection,
    complaint_id: str,
    *,
    districts: list[str] | None = None,
    departments: list[str] | None = None,
) -> pl.DataFrame:
    """One complaint's events in order, only if the complaint is inside the given scope."""
    return _pl(
        con.sql(
            """
            with allowed as (
                select c.complaint_id
                from complaints c
                where c.complaint_id = $complaint_id
                  and ($districts is null or list_contains($districts, c.district))
                  and ($departments is null
                       or list_contains($departments, c.department)
                       or exists (select 1 from transfers t
                                  where t.complaint_key = c.complaint_key
                                    and list_contains($departments, t.department)))
            ),
            final as (
                select e.event_time, e.event, e.level, e.department, e.outcome, e.note
                from events e
                where e.complaint_id in (select complaint_id from allowed)
            )
            select * from final
            order by event_time, array_position(
                ['registered', 'transferred', 'attended', 'resolved', 'feedback', 'reopened', 'escalated', 'closed'],
                event)
            """,
            params={"complaint_id": complaint_id, "districts": districts, "departments": departments},
        )
    )


def ingest_status(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """The ingest log (newest first), quarantined rows summarised by source, field and reason, and the
    latest 500 quarantined rows themselves."""
    log = con.sql("select * from ingest_log order by ingest_id desc").pl()
    reasons = con.sql(
        """
        select source, field, reason, count(*) as rows, min(row_number) as first_row
        from quarantine
        group by all
        order by rows desc, source, field
        """
    ).pl()
    rows = con.sql(
        """
        select ingest_id, source, row_number + 1 as line, complaint_id, field, value, reason
        from quarantine
        order by ingest_id desc, row_number, field
        limit 500
        """
    ).pl()
    return {"log": log, "quarantine": reasons, "quarantine_rows": rows}
