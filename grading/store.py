"""The DuckDB store: with its file layer :mod:`grading.storage`, the only code of Nivaran that talks to DuckDB.

Concurrency model
-----------------
DuckDB allows one writing process per file, and a writer cannot open a file that a reader holds. The
dashboard therefore opens the database **read-only** (:func:`connect_readonly`), and every write goes
through :func:`writing`, which writes the next version on a standby copy and swaps it in atomically
(:mod:`grading.storage`: the file layout, the replayed delta, what a killed or failed write leaves).
Readers keep their version until they reopen (:func:`file_stamp` tells them when); a writer costs in
proportion to what it changes, not to the store.

Tables
------
Source data: ``events`` (the canonical event log, ``docs/reference.md`` section 1), ``departments``, ``districts``,
``categories``, ``holidays``, ``ingest_log``, ``quarantine``, ``meta``.
Derived from ``events`` (rebuilt by :mod:`grading.derive`): ``complaints`` (one row per complaint),
``stints`` (one row per stay at a level), ``feedback_events``, ``transfers``.
Precomputed results: ``monthly_metrics`` (one row per entity and month).
Bookkeeping of the last write: ``changed_keys`` (the complaints whose derived rows it changed; every
function here that writes derived rows records them, so that the next write can replay it).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading import migrations, storage
from grading.privacy import mask_personal
from grading.schema import EVENT_SCHEMA

DEFAULT_DB: Final = Path(__file__).resolve().parent.parent / "data" / "nivaran.duckdb"
SCHEMA_VERSION: Final = "6"

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
    channel varchar, outcome varchar, note varchar, limit_days double, ingest_id integer not null
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
    limit_days double not null, first_action_at timestamp, breach_at timestamp, nonattended_at timestamp
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


StoreError = storage.StoreError
NotADatabaseError = storage.NotADatabaseError




def resolve_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``db`` if given, else ``$NIVARAN_DB``, else ``data/nivaran.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get("NIVARAN_DB")
    return Path(env) if env else DEFAULT_DB


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A hashable stamp of the current version, None when there is no store (see :mod:`grading.storage`).

    A reader compares stamps to notice that a writer swapped in a new version and reopen.
    """
    return storage.file_stamp(path)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the current version read-only (a consistent snapshot while open).

    Raises :class:`StoreError` with one sentence when the database is missing (with a how-to), not a
    DuckDB file, another application's DuckDB file, or of another schema version.
    """
    con = storage.open_readonly(path)
    if not storage.is_nivaran(con):
        con.close()
        raise NotADatabaseError(storage.foreign_message(path))
    version = _meta(con, "schema_version")
    if version != SCHEMA_VERSION:
        con.close()
        msg = (
            f"{path}: schema version {version!r}, this Nivaran reads {SCHEMA_VERSION!r}; "
            f"run `uv run nivaran migrate --db {path}`."
        )
        raise StoreError(msg)
    return con


@contextlib.contextmanager
def writing(path: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the database, made visible on success.

    Parameters
    ----------
    path : the database (created when missing).
    fresh : start from an empty database instead of the current one (used by ``demo``).

    Nothing is visible to readers until the block exits without an exception; on an exception (or a
    kill) the database is as it was. The write costs in proportion to what it changes, not to the
    store (:mod:`grading.storage`). A file that is not a Nivaran store is refused, never overwritten.
    """
    with storage.next_version(path, fresh=fresh) as con:
        prepare_schema(con, path)
        yield con


def prepare_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Bring the open store to :data:`SCHEMA_VERSION` before a write, or refuse it.

    An empty file gets every table and the current version. A store of an older version is migrated
    by the explicit steps of :mod:`grading.migrations` (the version is stamped after each step); one
    too old to migrate or newer than this code raises
    :class:`grading.migrations.MigrationError` naming ``path``, and nothing is changed.
    """
    found = _meta(con, "schema_version")
    if found is None:  # a new file: grading.storage refuses a DuckDB file of another application
        con.execute(_DDL)
        set_meta(con, "schema_version", SCHEMA_VERSION)
        return
    for step in migrations.plan(str(path), found, SCHEMA_VERSION):
        con.execute(step.ddl)
        if step.rewrites:  # stored values changed in place: the standby cannot replay this write
            storage.not_replayable(con)
        set_meta(con, "schema_version", step.target)


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return storage.read_meta(con, key)


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
        con.execute(storage.sql("delete from {t} where is_reference or code in (select code from rows)", t=table))
        con.execute(storage.sql("insert into {t} by name select * from rows", t=table))
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
        con.sql(storage.sql("select distinct code from seen anti join {t} using (code) order by code", t=table))
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


def name_codes(con: duckdb.DuckDBPyConnection, table: str, names: dict[str, str]) -> None:
    """Give codes registered from data their display names (a mapping's ``[names.X]``); shipped
    reference rows keep theirs. Codes not yet registered are ignored."""
    if table not in ("departments", "districts", "categories"):
        msg = f"unknown reference table {table!r}"
        raise ValueError(msg)
    schema = {"code": pl.String, "name": pl.String}
    given = pl.DataFrame({"code": list(names), "name": list(names.values())}, schema=schema)  # noqa: F841 - read by DuckDB
    con.execute(
        f"update {table} set name_en = given.name, name_hi = given.name from given "  # noqa: S608 - table name checked above
        f"where {table}.code = given.code and not {table}.is_reference"
    )


def delete_events(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame) -> None:
    """Delete the stored events named by ``keys`` (``complaint_id``, ``event_time``, ``event``): a
    snapshot's corrected closure replaces the old one (:mod:`grading.snapshots`)."""
    gone = keys.select("complaint_id", "event_time", pl.col("event").cast(pl.String))  # noqa: F841 - read by DuckDB
    con.execute(
        "delete from events e using gone g "
        "where e.complaint_id = g.complaint_id and e.event_time = g.event_time and e.event = g.event"
    )


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
    return _pl(con.sql(storage.sql("select * from {t} order by all", t=table)))


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
    """Events as a typed frame (``EVENT_SCHEMA``), all of them or those of ``complaint_ids``.

    For given ids, the rows are found first by scanning ``complaint_id`` alone, then fetched by row id:
    a semi-join that reads every column of every row costs about four times as much.
    """
    cols = tuple(EVENT_SCHEMA.names())
    if complaint_ids is None:
        frame = _pl(con.sql(storage.sql("select {c} from events", c=cols)))
    else:
        ids = complaint_ids.to_frame("complaint_id")  # noqa: F841 - read by DuckDB
        frame = _pl(
            con.sql(
                storage.sql(
                    """
                    with found as (select rowid as row_id from events semi join ids using (complaint_id))
                    select {c} from events where rowid in (select row_id from found)
                    """,
                    c=cols,
                )
            )
        )
    return frame.cast(EVENT_SCHEMA)


def limit_memory(con: duckdb.DuckDBPyConnection, gib: float) -> None:
    """Cap DuckDB's memory for this connection; past it, DuckDB spills to ``<db>.tmp/`` on disk."""
    con.execute("set memory_limit = ?", [f"{float(gib)}GiB"])


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
            self.con.execute(storage.sql("insert into {t} select * from held", t=self.table))
        else:
            self.con.execute(storage.sql("create temp table {t} as select * from held", t=self.table))
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
            self.con.execute(storage.sql("drop table if exists {t}", t=self.table))
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
    """Replace the derived rows of the complaints in ``keys`` (``complaint_id``, ``complaint_key``) and
    record them as changed (:data:`grading.storage.CHANGED_KEYS`: the next write replays them).

    A complaint already stored keeps its ``complainant_month_count``: its complainant and registration
    month never change, and :func:`grading.derive.derive` counts only within the frame it is given.
    :func:`refresh_complainant_counts` then recounts the months that gained complaints.
    """
    frame_keys = keys.select("complaint_key")  # noqa: F841 - read by DuckDB
    con.execute(
        """
        create or replace temp table kept_counts as
        select complaint_key, complainant_month_count from complaints
        where complaint_key in (select complaint_key from frame_keys)
        """
    )
    for table in DERIVED_TABLES:
        delete = "delete from {t} where complaint_key in (select complaint_key from frame_keys)"
        con.execute(storage.sql(delete, t=table))
        frame = derived[table]  # noqa: F841 - read by DuckDB
        if table == "complaints":
            con.execute(
                """
                insert into complaints by name
                select f.* exclude (complainant_month_count),
                       coalesce(k.complainant_month_count, f.complainant_month_count) as complainant_month_count
                from frame f left join kept_counts k on k.complaint_key = f.complaint_key
                """
            )
        else:
            con.execute(storage.sql("insert into {t} by name select * from frame", t=table))
    con.execute("drop table kept_counts")
    con.execute("insert into changed_keys select complaint_key from frame_keys")


def max_complaint_key(con: duckdb.DuckDBPyConnection) -> int:
    """The highest ``complaint_key`` stored (0 for none): keys above it are new."""
    return int(con.sql("select coalesce(max(complaint_key), 0) from complaints").fetchall()[0][0])


def append_derived(con: duckdb.DuckDBPyConnection, derived: dict[str, pl.DataFrame]) -> None:
    """Append derived frames for complaints not yet in the store (the demo builds month by month)."""
    for table in DERIVED_TABLES:
        frame = derived[table]  # noqa: F841 - read by DuckDB
        con.execute(storage.sql("insert into {t} by name select * from frame", t=table))


def month_bounds(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """First and last calendar month with any event, or None for an empty store."""
    row = con.sql(
        "select date_trunc('month', min(event_time))::date, date_trunc('month', max(event_time))::date from events"
    ).fetchall()[0]
    if row[0] is None:
        return None
    return row[0], row[1]


def registered_per_month(con: duckdb.DuckDBPyConnection, first: date, last: date) -> dict[date, int]:
    """Complaints registered in each calendar month from ``first`` to ``last`` (months without any are
    absent): what a read of those months holds (:func:`grading.pipeline.compute_months` sizes its
    reads by it)."""
    rows = con.execute(
        """
        select date_trunc('month', registered_at)::date as month, count(*) as registered
        from complaints
        where registered_at >= $first and registered_at < $last::date + interval 1 month
        group by all
        """,
        {"first": first, "last": last},
    ).fetchall()
    return {month: int(n) for month, n in rows}


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


def transfers_until(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame, until: datetime) -> pl.DataFrame:
    """The transfers at or before ``until`` of the complaints in ``keys`` (a ``complaint_key`` column):
    complaint_key, event_time, department; for the department at a time (:func:`grading.asof.department_at`)."""
    return _pl(
        con.sql(
            """
            select complaint_key, event_time, department from transfers
            where event_time <= $until and complaint_key in (select complaint_key from keys)
            """,
            params={"until": until},
        )
    )


def outcome_cases(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, pl.DataFrame]:
    """Complaints with a dissatisfied call-back, a reopening or a force closure in ``[start, end)``.

    ``cases``: one row per (complaint, event) with kind ``dissatisfied``, ``reopened`` or ``force_closed``,
    event_time, complaint_key, complaint_id, registered_at, department (at registration), district,
    category, level (current); ``transfers`` of those complaints before ``end`` (for the department at
    a time, :func:`grading.asof.department_at`).
    """
    params = {"start": start, "end": end}
    cases = _pl(
        con.sql(
            """
            with happened as (
                select complaint_key, kind, event_time from feedback_events
                where kind in ('dissatisfied', 'reopened') and event_time >= $start and event_time < $end
                union all
                select complaint_key, 'force_closed' as kind, closed_at as event_time from complaints
                where close_outcome = 'force' and closed_at >= $start and closed_at < $end
            ),
            final as (
                select h.kind, h.event_time, c.complaint_key, c.complaint_id, c.registered_at, c.department,
                       c.district, c.category, c.current_level as level
                from happened h join complaints c using (complaint_key)
            )
            select * from final
            """,
            params=params,
        )
    )
    transfers = transfers_until(con, cases.select("complaint_key"), end - timedelta(microseconds=1))
    return {"cases": cases, "transfers": transfers}


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
        out[table] = int(con.sql(storage.sql("select count(*) from {t}", t=table)).fetchall()[0][0])
    return out


def refresh_complainant_counts(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame | None = None) -> None:
    """Recount each complaint's complainant's complaints registered in the same month.

    The habitual-complainant rule reads this count. Only a new complaint changes it, and only in its
    complainant-month (a complaint's complainant and registration time never change once stored: a
    second ``registered`` event is refused). So with ``keys`` (``complaint_key`` of the complaints a load
    added) only those complainant-months are recounted, reading only the complaints registered in their
    months; without, the whole store is (the demo build). Every complaint whose count changes is
    recorded as changed (:data:`grading.storage.CHANGED_KEYS`).
    """
    frame = (  # noqa: F841 - read by DuckDB
        con.sql("select complaint_key from complaints") if keys is None else keys.select("complaint_key")
    )
    months = con.sql(
        """
        select date_trunc('month', min(registered_at)), date_trunc('month', max(registered_at)) + interval 1 month
        from complaints where complaint_key in (select complaint_key from frame)
        """
    ).fetchall()[0]
    if months[0] is None:
        return
    con.execute(
        """
        create or replace temp table recounted as
        with touched as (
            select distinct complainant, date_trunc('month', registered_at) as registered_month
            from complaints
            where complaint_key in (select complaint_key from frame)
        ),
        members as (
            select c.complaint_key, c.complainant_month_count,
                   count(*) over (partition by c.complainant, t.registered_month) as n
            from complaints c
            join touched t
              on t.complainant = c.complainant and t.registered_month = date_trunc('month', c.registered_at)
            where c.registered_at >= $first and c.registered_at < $end
        )
        select complaint_key, n from members where complainant_month_count <> n
        """,
        {"first": months[0], "end": months[1]},
    )
    con.execute(
        """
        update complaints set complainant_month_count = recounted.n
        from recounted
        where complaints.complaint_key = recounted.complaint_key
        """
    )
    con.execute("insert into changed_keys select complaint_key from recounted")
    con.execute("drop table recounted")


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """Whether a file with this content hash was loaded before."""
    rows = con.execute("select count(*) from ingest_log where sha256 = ?", [sha256]).fetchall()
    return bool(rows[0][0])


def quarantine(con: duckdb.DuckDBPyConnection, problems: pl.DataFrame, ingest_id: int, source: str) -> None:
    """Keep rejected rows with their reasons (one row per problem); personal data in the rejected
    values is masked like notes, so it never reaches the file.

    A problem already kept for the same complaint, field, value and reason (an overlapping newer export
    carrying the same bad row) is not kept again.
    """
    frame = problems.with_columns(  # noqa: F841 - read by DuckDB
        value=mask_personal(pl.col("value")), ingest_id=pl.lit(ingest_id, pl.Int32), source=pl.lit(source)
    )
    con.execute(
        """
        insert into quarantine by name
        select * from frame f
        where f.complaint_id is null or not exists (
            select 1 from quarantine q
            where q.complaint_id = f.complaint_id and q.field is not distinct from f.field
              and q.value is not distinct from f.value and q.reason = f.reason
        )
        """
    )


def last_event_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The time of the latest stored event ("now" for the data)."""
    return con.sql("select max(event_time) from events").fetchall()[0][0]  # type: ignore[no-any-return]


#: ``meta`` key: the latest export time (``exported_at``) any load declared, store wall clock, ISO text.
EXPORTED_AT_KEY: Final = "exported_at"


def data_until(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The instant the stored data describe, when a load declared an export time (``exported_at``):
    the later of the newest declared export time and the latest stored event; None when no load
    declared one (months are then judged as of their cut-offs)."""
    text = _meta(con, EXPORTED_AT_KEY)
    if not text:
        return None
    exported, latest = datetime.fromisoformat(text), last_event_time(con)
    return exported if latest is None else max(exported, latest)


def record_export(con: duckdb.DuckDBPyConnection, exported_at: datetime) -> None:
    """Record a load's export time; an older export loaded after a newer one keeps the newer time."""
    text = _meta(con, EXPORTED_AT_KEY)
    if text is None or datetime.fromisoformat(text) < exported_at:
        set_meta(con, EXPORTED_AT_KEY, exported_at.isoformat())


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
    keys = complaints.select("complaint_key")  # also read by DuckDB in the stints query below
    transfers = transfers_until(con, keys, as_of)
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
