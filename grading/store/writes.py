"""Writing a load into the store: part of the DuckDB layer, kept apart from :mod:`grading.store.database` by job.

Used by :mod:`grading.intake.ingest` (files) and :mod:`grading.monthly.results` (the demo build), always on a
connection from :func:`grading.store.database.writing`: reference codes met in data, events appended or
replaced, rejected rows kept in ``quarantine``, the ``ingest_log``, and checked rows staged between the
two passes of a load. The derived rows of the complaints a load touched are
:mod:`grading.store.derived_rows`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import duckdb
import polars as pl

from grading.rules.privacy import mask_personal
from grading.store import database
from grading.store.sqltext import registered, sql

# --- reference data -------------------------------------------------------------------------------


_LOOK_ALIKES: Final = """
with new_requests as (
    select complaint_id, event_time as registered_at, category, district from arriving_registrations
),

final as (
    select count(distinct n.complaint_id) as n
    from new_requests as n
    inner join complaints as c
        on c.registered_at = n.registered_at and c.category = n.category and c.district = n.district
    where c.complaint_id <> n.complaint_id
        and not exists (select 1 from complaints as same where same.complaint_id = n.complaint_id)
)

select * from final
"""


def look_alikes(con: duckdb.DuckDBPyConnection, registrations: pl.DataFrame) -> int:
    """How many of the new requests in ``registrations`` (``registered`` events: complaint_id,
    event_time, category, district) match a stored request with another id on registration time,
    category and area: likely the same request loaded twice under two keys (one export with ids, one
    without, or an id-less export under a changed ``[source].key``)."""
    if registrations.is_empty():
        return 0
    columns = registrations.select("complaint_id", "event_time", "category", "district")
    with registered(con, arriving_registrations=columns):
        return int(con.sql(_LOOK_ALIKES).fetchall()[0][0])


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
        with registered(con, shipped_rows=frame.with_columns(is_reference=pl.lit(True))):
            con.execute(sql("delete from {t} where is_reference or code in (select code from shipped_rows)", t=table))
            con.execute(sql("insert into {t} by name select * from shipped_rows", t=table))
    con.execute("delete from holidays")
    with registered(con, shipped_holidays=holidays):
        con.execute("insert into holidays by name select * from shipped_holidays")


def register_codes(con: duckdb.DuckDBPyConnection, table: str, codes: list[str], default_limit_days: int) -> list[str]:
    """Register codes seen in data but not in ``table`` (name = code); return the new ones, sorted. A
    new category's time limit is ``default_limit_days`` (the store's scheme's) at every level.

    Domain rule: an unknown department, district or category code is accepted, registered and reported.
    """
    if table not in ("departments", "districts", "categories"):
        msg = f"unknown reference table {table!r}"
        raise ValueError(msg)
    seen = pl.DataFrame({"code": codes}, schema={"code": pl.String})
    with registered(con, seen_codes=seen):
        new: list[str] = database.as_frame(
            con.sql(sql("select distinct code from seen_codes anti join {t} using (code) order by code", t=table))
        )["code"].to_list()
    if new:
        with registered(con, new_codes=pl.DataFrame({"code": new})):
            con.execute(_REGISTER_CODES[table], {"limit": default_limit_days} if table == "categories" else None)
    return new


#: How :func:`register_codes` stores new codes in each reference table: name = code, no volume weight,
#: division or population, a category's time limit ``$limit`` days at every level; never a shipped row.
_REGISTER_CODES: Final = {
    "departments": (
        "insert into departments (code, name_en, name_hi, volume_weight, is_reference) "
        "select code, code, code, null, false from new_codes"
    ),
    "districts": (
        "insert into districts (code, name_en, name_hi, division, population, is_reference) "
        "select code, code, code, null, null, false from new_codes"
    ),
    "categories": (
        "insert into categories (code, name_en, name_hi, department, limit_l1_days, limit_l2_days, limit_l3_days,"
        " limit_l4_days, limit_l5_days, is_reference) "
        "select code, code, code, null, $limit, $limit, $limit, $limit, $limit, false from new_codes"
    ),
}


def name_codes(con: duckdb.DuckDBPyConnection, table: str, names: dict[str, str]) -> None:
    """Give codes registered from data their display names (a mapping's ``[names.X]``); shipped
    reference rows keep theirs. Codes not yet registered are ignored."""
    if table not in ("departments", "districts", "categories"):
        msg = f"unknown reference table {table!r}"
        raise ValueError(msg)
    schema = {"code": pl.String, "name": pl.String}
    given = pl.DataFrame({"code": list(names), "name": list(names.values())}, schema=schema)
    update = (
        "update {t} set name_en = given_names.name, name_hi = given_names.name from given_names "
        "where {t}.code = given_names.code and not {t}.is_reference"
    )
    with registered(con, given_names=given):
        con.execute(sql(update, t=table))


def delete_events(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame) -> None:
    """Delete the stored events named by ``keys`` (``complaint_id``, ``event_time``, ``event``): a
    snapshot's corrected closure replaces the old one (:mod:`grading.rules.snapshots`)."""
    gone = keys.select("complaint_id", "event_time", pl.col("event").cast(pl.String))
    with registered(con, gone_events=gone):
        for table in ("events", "open_events"):  # the copy too, should the complaint be open
            con.execute(
                sql(
                    "delete from {t} e using gone_events g "
                    "where e.complaint_id = g.complaint_id and e.event_time = g.event_time and e.event = g.event",
                    t=table,
                )
            )


# --- events ----------------------------------------------------------------------------------------


def append_events(con: duckdb.DuckDBPyConnection, events: pl.DataFrame, ingest_id: int, keys: pl.DataFrame) -> int:
    """Append canonical events (``grading.model.schema.EVENT_SCHEMA``) tagged with ``ingest_id`` and with
    their complaint's integer key from ``keys`` (``complaint_id`` → ``complaint_key``, :func:`assign_keys`:
    every complaint of ``events`` must have one)."""
    frame = events.with_columns(ingest_id=pl.lit(ingest_id, pl.Int32))
    key_of = keys.select("complaint_id", pl.col("complaint_key").cast(pl.Int64))
    # The log has no meaningful row order (readers sort): let DuckDB write in parallel. The keys are
    # joined and the enums written as text by DuckDB, in the insert (in Polars first it cost 0.15-0.3 CPU s
    # more on 1.5 million events).
    con.execute("set preserve_insertion_order = false")
    try:
        with registered(con, new_events=frame, event_keys=key_of):
            written = con.execute(
                "insert into events by name "
                "select e.*, k.complaint_key from new_events e join event_keys k using (complaint_id)"
            ).fetchall()[0][0]
    finally:
        con.execute("reset preserve_insertion_order")
    if written != events.height:  # raised inside the write: none of it is kept
        msg = "append_events: an event's complaint has no key (assign_keys first)"
        raise ValueError(msg)
    return events.height


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next free ``ingest_id``."""
    return int(con.sql("select coalesce(max(ingest_id), 0) + 1 from ingest_log").fetchall()[0][0])


def log_ingest(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """Record one loaded file (or demo build) in ``ingest_log``."""
    with registered(con, new_log_row=pl.DataFrame([row])):
        con.execute("insert into ingest_log by name select * from new_log_row")


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """Whether a file with this content hash was loaded before."""
    rows = con.execute("select count(*) from ingest_log where sha256 = ?", [sha256]).fetchall()
    return bool(rows[0][0])


#: The longest rejected value or complaint id the quarantine keeps; longer ones are cut, with an
#: ellipsis and their full length (a 200 MiB cell is a fault to name, not a value to keep).
QUARANTINE_CHARS: Final = 200


def bounded(text: pl.Expr, limit: int = QUARANTINE_CHARS) -> pl.Expr:
    """``text`` cut to ``limit`` characters: ``'xxx…' (12,345 characters)`` past it."""
    return (
        pl.when(text.str.len_chars() > limit)
        .then(pl.format("{}… ({} characters)", text.str.head(limit), text.str.len_chars()))
        .otherwise(text)
    )


def quarantine(con: duckdb.DuckDBPyConnection, problems: pl.DataFrame, ingest_id: int, source: str) -> None:
    """Keep rejected rows with their reasons (one row per problem); personal data in every column
    (the rejected value, the complaint id, a reason quoting values) is masked like notes, so it never
    reaches the file, and a value or id is kept to :data:`QUARANTINE_CHARS` characters.

    A problem already kept for the same complaint, field, value and reason (an overlapping newer export
    carrying the same bad row) is not kept again.
    """
    frame = problems.with_columns(
        value=bounded(mask_personal(pl.col("value"))),
        complaint_id=bounded(mask_personal(pl.col("complaint_id"))),
        reason=mask_personal(pl.col("reason")),
        ingest_id=pl.lit(ingest_id, pl.Int32),
        source=pl.lit(source),
    )
    with registered(con, new_problems=frame):
        con.execute(
            """
            insert into quarantine by name
            select * from new_problems f
            where f.complaint_id is null or not exists (
                select 1 from quarantine q
                where q.complaint_id = f.complaint_id and q.field is not distinct from f.field
                  and q.value is not distinct from f.value and q.reason = f.reason
            )
            """
        )


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
        held = pl.concat(self.frames).with_columns(pl.col(pl.Enum).cast(pl.String))
        with registered(self.con, held_rows=held):
            if self.spilled:
                self.con.execute(sql("insert into {t} select * from held_rows", t=self.table))
            else:
                self.con.execute(sql("create temp table {t} as select * from held_rows", t=self.table))
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
        query = sql("select * from {t} where hash({k}) % $parts::ubigint = $part::ubigint", t=self.table, k=self.key)
        for part in range(parts):
            yield database.as_frame(self.con.sql(query, params={"parts": parts, "part": part})).cast(self.schema)

    def distinct(self, column: str) -> pl.Series:
        """The distinct values of ``column`` over every held row (in memory or spilled)."""
        if self.schema is None:
            return pl.Series(column, [], pl.String)
        if not self.spilled:
            return pl.concat([f.select(column) for f in self.frames]).to_series().unique()
        if self.frames:
            self._spill()
        query = sql("select distinct {c} from {t}", c=column, t=self.table)
        return database.as_frame(self.con.sql(query)).to_series()

    def close(self) -> None:
        """Drop the temporary table, if any."""
        if self.spilled:
            self.con.execute(sql("drop table if exists {t}", t=self.table))
        self.frames, self.spilled = [], False
