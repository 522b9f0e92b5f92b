"""Writing the derived tables of a load: part of the DuckDB layer, beside :mod:`grading.store.writes`.

Used by :mod:`grading.intake.ingest` (files) and the demo build, always on a connection from
:func:`grading.store.database.writing`: the complaints' integer keys (:func:`assign_keys`), and the
derived tables (``complaints``, ``stints``, ``feedback_events``, ``transfers``, ``open_events``) written
for new complaints or rewritten for the complaints a load touched, ``stints`` and ``feedback_events``
each into the one of its two tables its complaint's state says (:data:`grading.store.migrations.SPLIT_TABLES`).
Every function here that writes derived rows records the complaints in ``changed_keys``
(:data:`grading.store.replay.CHANGED_KEYS`).
"""

from __future__ import annotations

from typing import Final

import duckdb
import polars as pl

from grading.rules.derive import still_open
from grading.store import database, month_reads
from grading.store.migrations import DROP_OPEN_NOW, OPEN_NOW, SPLIT_TABLES, split_parts
from grading.store.sqltext import registered, sql

#: Derived tables and their column order, as written by :func:`replace_derived`.
DERIVED_TABLES: Final = ("complaints", "stints", "feedback_events", "transfers", "open_events")


#: The keys this write gave to complaints not yet derived (a temporary table of the write's connection):
#: a load stores a new complaint's events under its key before it derives the complaint, and a second
#: chunk or file of the same load must find that key, not number the complaint again.
_WRITE_KEYS: Final = "write_keys"


def assign_keys(con: duckdb.DuckDBPyConnection, complaint_ids: pl.Series) -> pl.DataFrame:
    """``complaint_id`` → ``complaint_key`` for the given ids: stored keys kept, new ids numbered on.

    Keys are dense integers so that the event log and the derived tables are found and joined on
    integers, not text. A key given earlier in the same write (to a complaint whose derived row is not
    written yet) is kept.
    """
    ids = complaint_ids.unique().sort().to_frame("complaint_id")
    con.execute(sql("create temp table if not exists {t} (complaint_id varchar, complaint_key bigint)", t=_WRITE_KEYS))
    with registered(con, given_ids=ids, stored=database.stored_keys(con, ids["complaint_id"])):
        keys = database.as_frame(
            con.sql(
                sql(
                    """
                    with earlier as (
                        select given_ids.complaint_id, w.complaint_key
                        from given_ids join {t} w using (complaint_id)
                        anti join stored using (complaint_id)
                    ),
                    fresh as (
                        select complaint_id,
                               greatest(
                                   (select coalesce(max(complaint_key), 0) from complaints),
                                   (select coalesce(max(complaint_key), 0) from {t})
                               ) + row_number() over (order by complaint_id) as complaint_key
                        from given_ids anti join stored using (complaint_id) anti join earlier using (complaint_id)
                    ),
                    final as (
                        select *, false as is_new from stored
                        union all
                        select *, false as is_new from earlier
                        union all
                        select *, true as is_new from fresh
                    )
                    select * from final order by complaint_key
                    """,
                    t=_WRITE_KEYS,
                )
            )
        )
    with registered(con, fresh_keys=keys.filter("is_new").drop("is_new")):
        con.execute(sql("insert into {t} select complaint_id, complaint_key from fresh_keys", t=_WRITE_KEYS))
    return keys.drop("is_new")


def replace_derived(
    con: duckdb.DuckDBPyConnection,
    derived: dict[str, pl.DataFrame],
    keys: pl.DataFrame,
) -> None:
    """Replace the derived rows of the complaints in ``keys`` (``complaint_id``, ``complaint_key``) and
    record them as changed (:data:`grading.store.replay.CHANGED_KEYS`: the next write replays them).

    A complaint already stored keeps its ``complainant_month_count``: its complainant and registration
    month never change, and :func:`grading.rules.derive.derive` counts only within the frame it is given.
    :func:`refresh_complainant_counts` then recounts the months that gained complaints.

    The rows of ``stints`` and ``feedback_events`` go to the part of each that their complaint's new
    state says (:data:`grading.store.migrations.SPLIT_TABLES`); the closed parts are written only for the
    complaints stored closed before (a late event) or closed now.
    """
    with registered(con, touched_keys=keys.select("complaint_key"), open_keys=still_open(derived["complaints"])):
        con.execute(
            """
            create or replace temp table kept_counts as
            select complaint_key, complainant_month_count, closed_at is not null as was_closed from complaints
            where complaint_key in (select complaint_key from touched_keys)
            """
        )
        stored_closed = bool(con.sql("select count(*) from kept_counts where was_closed").fetchall()[0][0])
        delete = "delete from {t} where complaint_key in (select complaint_key from touched_keys)"
        for table in DERIVED_TABLES:
            if table in SPLIT_TABLES:
                open_part, closed_part = split_parts(table)
                con.execute(sql(delete, t=open_part))
                if stored_closed:  # only a complaint stored closed has rows in the closed part
                    closed = (
                        "delete from {t} where complaint_key in "
                        "(select complaint_key from kept_counts where was_closed)"
                    )
                    con.execute(sql(closed, t=closed_part))
                with registered(con, new_rows=derived[table]):
                    _insert_split(con, table, "new_rows")
                continue
            con.execute(sql(delete, t=table))
            with registered(con, new_rows=derived[table]):
                if table == "complaints":
                    con.execute(
                        """
                        insert into complaints by name
                        select f.* exclude (complainant_month_count),
                               coalesce(k.complainant_month_count, f.complainant_month_count)
                               as complainant_month_count,
                               hash_of_id(f.complaint_id) as id_hash
                        from new_rows f left join kept_counts k on k.complaint_key = f.complaint_key
                        """
                    )
                else:
                    con.execute(sql("insert into {t} by name select * from new_rows", t=table))
        con.execute("drop table kept_counts")
        con.execute("insert into changed_keys select complaint_key from touched_keys")


def _insert_split(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """Insert the rows of ``source`` (a frame or table with ``complaint_key``) into the two tables behind the
    view ``table``: the complaints of ``open_keys`` (registered on ``con``) into the open part, the others
    into the closed part."""
    open_part, closed_part = split_parts(table)
    for part, join in ((open_part, "semi"), (closed_part, "anti")):
        insert = "insert into {t} by name select r.* from {s} r {j} join open_keys using (complaint_key)"
        con.execute(sql(insert, t=part, s=source, j=join))


#: The derived tables a build (``demo``) holds in temporary tables until they are all derived, then
#: writes in one ordered pass each (:func:`grading.store.month_reads.cluster`).
HELD_TABLES: Final = ("complaints", "stints", "feedback_events")


def append_derived(con: duckdb.DuckDBPyConnection, derived: dict[str, pl.DataFrame], *, held: bool = False) -> None:
    """Append derived frames for complaints not yet in the store (the demo builds month by month).

    With ``held``, the tables of :data:`HELD_TABLES` go to the build's temporary ``held_<table>`` tables
    instead, and :func:`store_held` writes them, in the order month reads prune best, once the build has
    them all.
    """
    for table in DERIVED_TABLES:
        target = f"held_{table}" if held and table in HELD_TABLES else table
        if target != table:
            con.execute(sql("create temp table if not exists {h} as from {t} limit 0", h=target, t=table))
        insert = (
            "insert into {t} by name select *, hash_of_id(complaint_id) as id_hash from new_rows"
            if table == "complaints"
            else "insert into {t} by name select * from new_rows"
        )
        with registered(con, new_rows=derived[table], open_keys=still_open(derived["complaints"])):
            if table in SPLIT_TABLES and target == table:
                _insert_split(con, table, "new_rows")
            else:
                con.execute(sql(insert, t=target))


def store_held(con: duckdb.DuckDBPyConnection) -> None:
    """Write the tables a build held (:func:`append_derived` with ``held``), each in its order, and drop
    the temporary tables."""
    for table in HELD_TABLES:  # complaints first: the split tables' parts follow their closure
        held = f"held_{table}"
        con.execute(sql("create temp table if not exists {h} as from {t} limit 0", h=held, t=table))
        if table in SPLIT_TABLES:
            con.execute(OPEN_NOW)
            open_part, closed_part = split_parts(table)
            month_reads.cluster(con, open_part, "temp", held, ("semi", "open_now"))
            month_reads.cluster(con, closed_part, "temp", held, ("anti", "open_now"))
            con.execute(DROP_OPEN_NOW)
        else:
            month_reads.cluster(con, table, "temp", held)
        con.execute(sql("drop table {h}", h=held))


def refresh_complainant_counts(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame | None = None) -> None:
    """Recount each complaint's complainant's complaints registered in the same month.

    The habitual-complainant rule reads this count. Only a new complaint changes it, and only in its
    complainant-month (a complaint's complainant and registration time never change once stored: a
    second ``registered`` event is refused). So with ``keys`` (``complaint_key`` of the complaints a load
    added) only those complainant-months are recounted, reading only the complaints registered in their
    months; without, the whole store is (the demo build). Every complaint whose count changes is
    recorded as changed (:data:`grading.store.replay.CHANGED_KEYS`).
    """
    frame = con.sql("select complaint_key from complaints") if keys is None else keys.select("complaint_key")
    with registered(con, touched_keys=frame):
        months = con.sql(
            """
            select date_trunc('month', min(registered_at)), date_trunc('month', max(registered_at)) + interval 1 month
            from complaints where complaint_key in (select complaint_key from touched_keys)
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
                where complaint_key in (select complaint_key from touched_keys)
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
