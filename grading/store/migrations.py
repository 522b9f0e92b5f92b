"""Schema versions of the store and the explicit steps from one to the next.

A store records its schema version in ``meta``. A write (:func:`grading.store.database.writing`) never
restamps it: :func:`grading.store.database.prepare_schema` creates a new store at the current version, runs
the steps below, one version at a time, on a store of an older version it knows how to migrate,
and refuses (with one sentence saying what to do) a store too old to migrate or newer than the code.
Each step is plain DDL that keeps the rows already stored; a step that rewrites stored values (a
column's type) says so (``rewrites``), and the write then declares itself not replayable
(:func:`grading.store.replay.not_replayable`), so the next write copies the migrated file whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from grading.model.schema import NivaranError
from grading.store.sqltext import sql

#: Frozen gradings (``nivaran publish``): one row per publication of a month, the current one with
#: ``superseded_at`` null; the graded rows of each entity type as an Arrow IPC stream (every column,
#: dtypes kept).
PUBLICATIONS_DDL: Final = """
create table if not exists publications (
    month date not null, version integer not null, scheme varchar not null, scheme_version varchar not null,
    scheme_sha256 varchar not null, published_at timestamp not null, superseded_at timestamp,
    primary key (month, version)
);
create table if not exists published_gradings (
    month date not null, version integer not null, entity_type varchar not null, rows_ipc blob not null,
    primary key (month, version, entity_type)
);
"""


#: Due times kept to the second: a complaint's own limit (``events.limit_days``, set by snapshot imports
#: from a due time) and every stint's limit become fractional days (8 hours = 0.3333 days). Whole-day
#: values are kept exactly (7 becomes 7.0).
FRACTIONAL_LIMITS_DDL: Final = """
alter table events alter limit_days type double;
alter table stints alter limit_days type double;
"""


#: A complaint id's 64-bit hash (the top half of its MD5), kept in ``complaints.id_hash``: a load turns the
#: text ids of its file into keys by comparing integers (then the few matching ids as text), not by
#: joining on 96 lakh text ids. This SQL macro, made with the tables, is its one definition; MD5 is fixed
#: by its standard, and :func:`grading.store.database.prepare_schema` still checks that this DuckDB
#: computes it as the store's did and recomputes the column if not.
HASH_MACRO: Final = "create or replace macro hash_of_id(id) as (md5_number(id) >> 64)::ubigint;\n"

#: Events keyed by the integer complaint key (issue 26): a load finds a complaint's history by an integer,
#: not by scanning the event log's text ids. Every stored event gets its complaint's key; an event of no
#: derived complaint (none is stored: a history without its registration is refused at load) keeps null.
#: Complaints get the hash of their id (``complaints.id_hash``), filled by
#: :func:`grading.store.database.prepare_schema` right after (it fills a column it finds without its probe).
KEYED_EVENTS_DDL: Final = (
    """
alter table events add column complaint_key bigint;
update events set complaint_key = c.complaint_key
from complaints c
where events.complaint_id = c.complaint_id;
alter table complaints add column id_hash ubigint;
delete from meta where key = 'id_hash_probe';
"""
    + HASH_MACRO
)


#: The open backlog's events (issue 26): a copy of the stored events of every complaint not closed (its
#: derived ``closed_at`` null), with the complaint's key, kept by every write of derived rows like the other
#: derived tables (:func:`grading.rules.derive.derive` gives them). A load finds an open complaint's history
#: here, among about 1 % of the log, and reads the whole log only for a complaint it found closed. The step
#: makes the table (a store made before it has none) and fills it from the log.
OPEN_EVENTS_DDL: Final = """
create table if not exists open_events (
    complaint_id varchar not null, event_time timestamp not null, event varchar not null,
    level varchar, department varchar, district varchar, category varchar, complainant varchar,
    channel varchar, outcome varchar, note varchar, limit_days double, complaint_key bigint not null
);
"""

#: The keys of the complaints not closed (``closed_at`` empty), in a temporary table ``open_now`` (dropped by
#: :data:`DROP_OPEN_NOW`): the open rule in the store's SQL, the twin of :func:`grading.rules.derive.still_open`
#: (which routes a load's rows by the same rule). Every query below that needs the open complaints reads it.
OPEN_NOW: Final = (
    "create or replace temp table open_now as select complaint_key from complaints where closed_at is null;\n"
)
DROP_OPEN_NOW: Final = "drop table open_now;\n"

#: ``open_events`` made again from the log (``open_now`` made first): the migration's fill, and
#: :func:`grading.store.database.compact`'s (which so drops the rows closures deleted, and mends a copy
#: :mod:`grading.store.check` found differing).
FILL_OPEN_EVENTS: Final = """
delete from open_events;
insert into open_events by name
select * exclude (ingest_id) from events
where complaint_key in (select complaint_key from open_now);
"""

#: How many rows ``open_events`` and the log's events of the complaints not closed hold that the other
#: does not (each row counted as often as it occurs; ``open_now`` made first): both 0 in a sound store
#: (:mod:`grading.store.check`).
OPEN_EVENTS_DIFFERENCE: Final = """
with wanted as (
    select * exclude (ingest_id) from events
    where complaint_key in (select complaint_key from open_now)
)
select
    (select count(*) from (from wanted except all from open_events)) as missing,
    (select count(*) from (from open_events except all from wanted)) as extra
"""


#: The open backlog's derived rows kept apart (issue 26): ``stints`` and ``feedback_events`` are each two
#: tables, the rows of the complaints not closed (``<name>_open``, about 1.5 % of them at state scale) and
#: of the closed ones (``<name>_closed``), read through a view of the old name that is both (every reader
#: reads the view). A load replaces the rows of the complaints it touches, nearly all of them open: it
#: deletes them from the small tables, and from the large ones only for a complaint stored closed, so
#: neither the delete nor the checkpoint after it walks the whole history's rows. A complaint's rows move
#: to ``_closed`` in the write that closes it (:func:`grading.store.derived_rows.replace_derived`).
SPLIT_TABLES: Final = ("stints", "feedback_events")
_SPLIT_COLUMNS: Final = {
    "stints": """(
    complaint_key bigint not null, started_at timestamp not null, ended_at timestamp, level tinyint not null,
    limit_days double not null, first_action_at timestamp, breach_at timestamp, nonattended_at timestamp
)""",
    "feedback_events": "(complaint_key bigint not null, event_time timestamp not null, kind varchar not null)",
}


def split_parts(table: str) -> tuple[str, str]:
    """The two tables behind a view of :data:`SPLIT_TABLES`: the open complaints' rows, the closed ones'."""
    return f"{table}_open", f"{table}_closed"


def _view(table: str) -> str:
    open_part, closed_part = split_parts(table)
    return sql(
        "create or replace view {v} as select * from {c} union all select * from {o};\n",
        v=table,
        c=closed_part,
        o=open_part,
    )


def _each_split(template: str) -> str:
    """``template`` for every split table, its view as ``{v}``, its open part as ``{o}``, its closed as ``{c}``."""
    return "".join(sql(template, v=t, o=split_parts(t)[0], c=split_parts(t)[1]) for t in SPLIT_TABLES)


#: A new store's split tables and their views.
SPLIT_DDL: Final = "".join(
    f"create table if not exists {part} {_SPLIT_COLUMNS[t]};\n" for t in SPLIT_TABLES for part in split_parts(t)
) + "".join(_view(t) for t in SPLIT_TABLES)

#: Version 8 -> 9: each table becomes its closed part (renamed, its rows kept where they are); the open
#: complaints' rows move to the new open part; the view takes the old name.
SPLIT_STEP_DDL: Final = (
    OPEN_NOW
    + "".join(
        sql("alter table {v} rename to {c};\n", v=t, c=split_parts(t)[1])
        + f"create table {split_parts(t)[0]} {_SPLIT_COLUMNS[t]};\n"
        for t in SPLIT_TABLES
    )
    + _each_split(
        """
insert into {o} select * from {c} semi join open_now using (complaint_key);
delete from {c} where complaint_key in (select complaint_key from open_now);
"""
    )
    + "".join(_view(t) for t in SPLIT_TABLES)
    + DROP_OPEN_NOW
)

#: Every row of a split table moved to the part its complaint's state says (``open_now`` made first):
#: :func:`grading.store.database.compact` mends a store :mod:`grading.store.check` found rows misplaced in
#: (none are, in a sound store).
RESPLIT_ROWS: Final = _each_split(
    """
insert into {c} select * from {o} anti join open_now using (complaint_key);
delete from {o} where complaint_key not in (select complaint_key from open_now);
insert into {o} select * from {c} semi join open_now using (complaint_key);
delete from {c} where complaint_key in (select complaint_key from open_now);
"""
)

#: Rows of one split table in the wrong part (an open complaint's in ``_closed``, a closed or unknown one's in
#: ``_open``), a template for :func:`grading.store.sqltext.sql` with the parts as ``{o}`` and ``{c}`` (``open_now``
#: made first): 0 in a sound store (:mod:`grading.store.check`); ``compact`` puts them right (:data:`RESPLIT_ROWS`).
MISPLACED_ROWS: Final = """
select
    (select count(*) from {o} where complaint_key not in (select complaint_key from open_now))
  + (select count(*) from {c} where complaint_key in (select complaint_key from open_now))
"""


class MigrationError(NivaranError):
    """The store's schema version is too old to migrate, newer than this code, or unreadable."""


@dataclass(frozen=True)
class Step:
    """One migration: the DDL that takes a store from ``source`` to ``target``."""

    source: str
    target: str
    what: str
    ddl: str
    rewrites: bool = False


#: Every migration, oldest first. Versions 1-3 predate migrations (rebuilt stores only).
STEPS: Final = (
    Step("4", "5", "add the publication tables (nivaran publish)", PUBLICATIONS_DDL),
    Step("5", "6", "keep due times to the second (fractional limit_days)", FRACTIONAL_LIMITS_DDL, rewrites=True),
    Step("6", "7", "key the event log by the integer complaint key", KEYED_EVENTS_DDL, rewrites=True),
    Step(
        "7",
        "8",
        "keep the open complaints' events apart (open_events)",
        OPEN_EVENTS_DDL + OPEN_NOW + FILL_OPEN_EVENTS + DROP_OPEN_NOW,
    ),
    Step("8", "9", "keep the open complaints' stints and call-backs apart", SPLIT_STEP_DDL),
)


def plan(where: str, found: str, current: str) -> list[Step]:
    """The steps from version ``found`` to ``current``; raise :class:`MigrationError` when there is no way.

    ``where`` names the store in the message (its path).

    >>> [s.target for s in plan("db", "4", "9")]
    ['5', '6', '7', '8', '9']
    """
    if not found.isdigit():
        msg = f"{where}: unknown schema version {found!r}; this Nivaran reads version {current}."
        raise MigrationError(msg)
    if int(found) > int(current):
        msg = (
            f"{where}: schema version {found} was written by a newer Nivaran (this one knows up to {current}); "
            "upgrade Nivaran to use this store."
        )
        raise MigrationError(msg)
    steps, version = [], found
    by_source = {s.source: s for s in STEPS}
    while version != current:
        step = by_source.get(version)
        if step is None:
            msg = (
                f"{where}: schema version {found} is too old to migrate to {current}; "
                "rebuild the store by importing the event logs again into a new database file."
            )
            raise MigrationError(msg)
        steps.append(step)
        version = step.target
    return steps
