"""The DuckDB store: with its file layer :mod:`grading.store.slots`, the only code of Nivaran that talks to DuckDB.

This module opens the store (connection, schema, ``meta``) and reads what the grading reads; its
siblings, split by job, hold the rest of the DuckDB layer: :mod:`grading.store.writes` (writing a
load: reference codes, events, quarantine, the ingest log), :mod:`grading.store.derived_rows` (the derived
rows of the complaints it touched),
:mod:`grading.store.month_reads` (what grading a month reads, and the order that keeps it small),
:mod:`grading.store.case_reads` (complaint- and stint-level rows for case lists and flag evidence) and
:mod:`grading.store.published` (publications).

Concurrency model
-----------------
DuckDB allows one writing process per file, and a writer cannot open a file that a reader holds. The
dashboard therefore opens the database **read-only** (:func:`connect_readonly`), and every write goes
through :func:`writing`, which writes the next version on a standby copy and swaps it in atomically
(:mod:`grading.store.slots`: the file layout, the replayed delta, what a killed or failed write leaves).
Readers keep their version until they reopen (:func:`file_stamp` tells them when); a writer costs in
proportion to what it changes, not to the store.

Tables
------
Source data: ``events`` (the canonical event log, ``docs/reference.md`` section 1), ``departments``, ``districts``,
``categories``, ``holidays``, ``ingest_log``, ``quarantine``, ``meta``.
Derived from ``events`` (rebuilt by :mod:`grading.rules.derive`): ``complaints`` (one row per complaint),
``stints`` (one row per stay at a level), ``feedback_events``, ``transfers``, ``open_events`` (the events of
the complaints not closed: a load's lookups read these instead of the whole log, :func:`histories`).
``stints`` and ``feedback_events`` are views, each of two tables: the open complaints' rows and the closed
ones' (:data:`grading.store.migrations.SPLIT_TABLES`); readers read the views, writers the tables.
Precomputed results: ``monthly_metrics`` (one row per entity and month).
Bookkeeping of the last write: ``changed_keys`` (the complaints whose derived rows it changed; every
function of the store that writes derived rows records them, so that the next write can replay it).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.schema import EVENT_SCHEMA
from grading.store import faults as store_faults
from grading.store import layout, migrations, month_reads, replay, slots
from grading.store.sqltext import registered, sql

DEFAULT_DB: Final = DATA_DIR / "nivaran.duckdb"
SCHEMA_VERSION: Final = "9"

_DDL: Final = (
    migrations.HASH_MACRO
    + """
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
    channel varchar, outcome varchar, note varchar, limit_days double, ingest_id integer not null,
    complaint_key bigint
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
    complainant_month_count integer not null, id_hash ubigint
);
create table if not exists transfers (
    complaint_key bigint not null, event_time timestamp not null, department varchar not null
);
"""
    + migrations.PUBLICATIONS_DDL
    + migrations.OPEN_EVENTS_DDL
    + migrations.SPLIT_DDL
)


#: ``meta`` key: the hash of the word ``nivaran`` as computed when the store's id hashes were
#: (``hash_of_id``, :data:`grading.store.migrations.HASH_MACRO`): :func:`prepare_schema` recomputes
#: ``complaints.id_hash`` when this DuckDB computes it otherwise.
ID_HASH_PROBE: Final = "id_hash_probe"


def as_frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """A query result as a Polars frame (typed: DuckDB's stubs return Any); for every module of the store."""
    frame: pl.DataFrame = relation.pl()
    return frame


StoreError = store_faults.StoreError
NotADatabaseError = store_faults.NotADatabaseError
DamagedError = store_faults.DamagedError
ReadOnlyError = store_faults.ReadOnlyError


def resolve_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``db`` if given, else ``$NIVARAN_DB``, else ``data/nivaran.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get("NIVARAN_DB")
    return Path(env) if env else DEFAULT_DB


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A hashable stamp of the current version, None when there is no store (see :mod:`grading.store.slots`).

    A reader compares stamps to notice that a writer swapped in a new version and reopen.
    """
    return layout.file_stamp(path)


def missing_version(path: Path) -> str | None:
    """The sentence for a store whose current version is gone while an earlier one remains; None
    otherwise (:func:`grading.store.layout.missing_version`: such a store is never replaced)."""
    return layout.missing_version(path)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the current version read-only (a consistent snapshot while open).

    Raises :class:`StoreError` with one sentence when the database is missing (with a how-to), not a
    DuckDB file, another application's DuckDB file, or of another schema version, and
    :class:`DamagedError` when a block it reads fails its checksum or the file ends too soon (a query
    may meet such a block later: :func:`faults`).
    """
    con = slots.open_readonly(path)
    try:
        nivaran = store_faults.is_nivaran(con)
        version = _meta(con, "schema_version") if nivaran else None
    except duckdb.Error as exc:  # a damaged block in the store's catalogue or its meta table
        con.close()
        found = store_faults.fault(path, exc)
        if found is None:
            raise
        raise found from exc
    if not nivaran:
        con.close()
        raise NotADatabaseError(store_faults.foreign_message(path))
    if version != SCHEMA_VERSION:
        con.close()
        msg = (
            f"{path}: schema version {version!r}, this Nivaran reads {SCHEMA_VERSION!r}; "
            f"run `uv run nivaran migrate --db {path}`."
        )
        raise StoreError(msg)
    return con


def fault(path: Path, exc: BaseException) -> StoreError | None:
    """The one sentence for an error that says the store at ``path`` is damaged or cannot be written
    (:func:`grading.store.faults.fault`); None for any other error."""
    return store_faults.fault(path, exc)


@contextlib.contextmanager
def faults(path: Path) -> Iterator[None]:
    """Turn a store fault met in the block into its one sentence (:class:`DamagedError`,
    :class:`ReadOnlyError`): a damaged block of the current version read by any query, a file of the
    store that cannot be written. Any other error passes as it is."""
    try:
        yield
    except (duckdb.Error, OSError) as exc:
        found = store_faults.fault(path, exc)
        if found is None:
            raise
        raise found from exc


@contextlib.contextmanager
def writing(
    path: Path,
    *,
    fresh: bool = False,
    committed: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the database, made visible on success.

    Parameters
    ----------
    path : the database (created when missing).
    fresh : start from an empty database instead of the current one (used by ``demo``).
    committed : called with the connection once the new version is committed (before the swap): a
        write's report on the committed version without opening it again.

    Nothing is visible to readers until the block exits without an exception; on an exception (or a
    kill) the database is as it was. The write costs in proportion to what it changes, not to the
    store (:mod:`grading.store.slots`). A file that is not a Nivaran store is refused, never overwritten.
    """
    with slots.next_version(path, fresh=fresh, committed=committed) as con:
        prepare_schema(con, path)
        yield con


#: Share of superseded rows in a table past which a load suggests ``nivaran compact``.
COMPACT_AT: Final = 0.10


def superseded(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Share of each table's stored rows that later loads replaced (see :func:`compact`)."""
    return replay.superseded(con)


def compact(path: Path) -> None:
    """Rewrite the store without superseded rows (O(store), about half a minute at state scale).

    Each load replaces the derived rows of the complaints it touched; the old rows stay in the file,
    unseen by readers, until this runs. A load reports when a table's share passes :data:`COMPACT_AT`.
    Readers keep the version they opened; the next write makes one full copy. The open backlog's copy of
    the events (``open_events``) is made again from the log, so a copy that ever differed from it
    (``nivaran check`` says so) is mended, and so is a row of ``stints`` or ``feedback_events`` kept in the
    wrong one of its two tables (the open complaints' or the closed ones').
    """
    with slots.next_version(path, compact=True, cluster=month_reads.cluster) as con:
        prepare_schema(con, path)
        con.execute(
            migrations.OPEN_NOW + migrations.FILL_OPEN_EVENTS + migrations.RESPLIT_ROWS + migrations.DROP_OPEN_NOW
        )


def migrate(path: Path) -> None:
    """Bring the store at ``path`` to :data:`SCHEMA_VERSION` (:func:`prepare_schema`, in a write of its own),
    and its standby with it: a migration changes the schema, which a replay does not carry, so the standby
    is copied now rather than by the next load."""
    with writing(path):
        pass
    slots.bring_standby_up(path, copy=True)


def prepare_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Bring the open store to :data:`SCHEMA_VERSION` before a write, or refuse it.

    An empty file gets every table and the current version. A store of an older version is migrated
    by the explicit steps of :mod:`grading.store.migrations` (the version is stamped after each step); one
    too old to migrate or newer than this code raises
    :class:`grading.store.migrations.MigrationError` naming ``path``, and nothing is changed.
    """
    found = _meta(con, "schema_version")
    if found is None:  # a new file: grading.store.slots refuses a DuckDB file of another application
        con.execute(_DDL)
        set_meta(con, "schema_version", SCHEMA_VERSION)
        set_meta(con, ID_HASH_PROBE, _probe(con))
        return
    for step in migrations.plan(str(path), found, SCHEMA_VERSION):
        con.execute(step.ddl)
        if step.rewrites:  # stored values changed in place: the standby cannot replay this write
            replay.not_replayable(con)
        set_meta(con, "schema_version", step.target)
    if _meta(con, ID_HASH_PROBE) != (probe := _probe(con)):  # hashes of another DuckDB, or none yet
        con.execute("update complaints set id_hash = hash_of_id(complaint_id)")
        set_meta(con, ID_HASH_PROBE, probe)
        replay.not_replayable(con)


def _probe(con: duckdb.DuckDBPyConnection) -> str:
    """The hash of the word ``nivaran`` (``hash_of_id``), as this DuckDB computes it."""
    return str(con.sql("select hash_of_id('nivaran')").fetchall()[0][0])


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return replay.read_meta(con, key)


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """One value from the ``meta`` table (None when unset)."""
    return _meta(con, key)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one value in the ``meta`` table."""
    con.execute("insert or replace into meta values (?, ?)", [key, value])


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
    return as_frame(con.sql(sql("select * from {t} order by all", t=table)))


def read_events(con: duckdb.DuckDBPyConnection, complaint_ids: pl.Series | None = None) -> pl.DataFrame:
    """Events as a typed frame (``EVENT_SCHEMA``): all of them, or those of ``complaint_ids``.

    A complaint's events are found by its integer key, never by scanning the event log's text ids: given
    ids are first turned into keys (:func:`stored_keys`). An id stored under no complaint has no events to
    return.
    """
    if complaint_ids is None:
        return as_frame(con.sql(sql("select {c} from events", c=tuple(EVENT_SCHEMA.names())))).cast(EVENT_SCHEMA)
    return histories(con, stored_keys(con, complaint_ids))


@dataclass(frozen=True)
class WriteStart:
    """Where a write began, for :func:`histories`: the events it appends carry an ``ingest_id`` from
    ``first_ingest_id`` on, and the complaints it numbers get keys above ``last_key``."""

    first_ingest_id: int
    last_key: int


def write_start(con: duckdb.DuckDBPyConnection) -> WriteStart:
    """The :class:`WriteStart` of a write that begins now on ``con``."""
    found = con.sql(
        "select (select coalesce(max(ingest_id), 0) + 1 from ingest_log), "
        "(select coalesce(max(complaint_key), 0) from complaints)"
    ).fetchall()[0]
    return WriteStart(int(found[0]), int(found[1]))


def histories(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame, start: WriteStart | None = None) -> pl.DataFrame:
    """The stored events (``EVENT_SCHEMA``) of the complaints in ``keys`` (``complaint_id``,
    ``complaint_key``: a load knows both), their ids taken from ``keys`` instead of being read from the
    log's text column (a fifth of the read's cost at state scale).

    Without ``start``, every complaint's events are found in the whole log (``events``, by key). Within a
    write begun at ``start`` (a load), the log is read only for the complaints that need it: an open
    complaint's events up to the write are its rows in ``open_events`` (about 1 % of the log, kept by the
    last write's derive), and what this write appended since is found among the log's newest rows (its
    ``ingest_id`` range: DuckDB's zone maps skip every older row group); a complaint the write numbered has
    only those. Only a complaint stored closed (a late event, a repeat from an overlapping export) is
    looked up in the whole log.
    """
    columns = tuple(c for c in EVENT_SCHEMA.names() if c != "complaint_id")
    wanted = keys.select("complaint_id", pl.col("complaint_key").cast(pl.Int64))

    def read(table: str, who: pl.DataFrame, since: int = 0) -> pl.DataFrame:
        query = sql(
            "select w.complaint_id, {c} from {t} join wanted_keys w using (complaint_key) where ingest_id >= $since"
            if since
            else "select w.complaint_id, {c} from {t} join wanted_keys w using (complaint_key)",
            c=columns,
            t=table,
        )
        with registered(con, wanted_keys=who):
            return as_frame(con.sql(query, params={"since": since} if since else None)).cast(EVENT_SCHEMA)

    if start is None:
        return read("events", wanted)
    backlog = read("open_events", wanted)
    is_open = pl.col("complaint_id").is_in(backlog["complaint_id"].unique().implode())
    closed = wanted.filter(~is_open & (pl.col("complaint_key") <= start.last_key))
    recent = wanted.join(closed, on="complaint_key", how="anti")  # open, or numbered by this write
    parts = [backlog]
    if recent.height:
        parts.append(read("events", recent, since=start.first_ingest_id))
    if closed.height:
        parts.append(read("events", closed))
    return pl.concat(parts)


def stored_keys(con: duckdb.DuckDBPyConnection, complaint_ids: pl.Series) -> pl.DataFrame:
    """``complaint_id`` → ``complaint_key`` of the given ids that ``complaints`` holds (the others are
    left out): the rows are found by the ids' hashes (``id_hash``, an integer column), fetched by row id,
    then matched on the ids themselves (a hash is not an id)."""
    query = """
        with hashed as (
            select complaint_id, hash_of_id(complaint_id) as id_hash from given_ids
        ),
        candidates as materialized (
            select c.rowid as row_id from complaints c semi join hashed using (id_hash)
        ),
        fetched as materialized (
            select complaint_id, complaint_key from complaints where rowid in (select row_id from candidates)
        )
        select given_ids.complaint_id, fetched.complaint_key
        from given_ids join fetched using (complaint_id)
        """
    with registered(con, given_ids=complaint_ids.unique().to_frame("complaint_id")):
        return as_frame(con.sql(query))


def limit_memory(con: duckdb.DuckDBPyConnection, gib: float) -> None:
    """Cap DuckDB's memory for this connection; past it, DuckDB spills to ``<db>.tmp/`` on disk."""
    con.execute("set memory_limit = ?", [f"{float(gib)}GiB"])


def last_computed_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest month in ``monthly_metrics`` (None when nothing is computed yet)."""
    if not _has_table(con, "monthly_metrics"):
        return None
    found: date | None = con.sql("select max(month) from monthly_metrics").fetchall()[0][0]
    return found


def replace_monthly_metrics(con: duckdb.DuckDBPyConnection, metrics: pl.DataFrame, months: list[date]) -> None:
    """Replace the precomputed rows of ``months`` in ``monthly_metrics`` (created on first write)."""
    month_list = pl.DataFrame({"month": months}, schema={"month": pl.Date})
    with registered(con, new_metrics=metrics, month_list=month_list):
        con.execute("create table if not exists monthly_metrics as select * from new_metrics limit 0")
        con.execute("delete from monthly_metrics where month in (select month from month_list)")
        con.execute("insert into monthly_metrics by name select * from new_metrics")


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
    return as_frame(
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
        out[table] = int(con.sql(sql("select count(*) from {t}", t=table)).fetchall()[0][0])
    return out


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
        select
            ingest_id, source, row_number + 1 as line, left(complaint_id, 200) as complaint_id, field,
            -- a store written before values were cut at load may hold any length: cut on the way out
            case when length(value) > 200 then left(value, 200) || '…' else value end as value,
            left(reason, 500) as reason
        from quarantine
        order by ingest_id desc, row_number, field
        limit 500
        """
    ).pl()
    return {"log": log, "quarantine": reasons, "quarantine_rows": rows}
