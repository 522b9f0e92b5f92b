"""Schema versions: a write migrates an older store by explicit steps, or refuses it; never restamps."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from grading.intake import ingest
from grading.model.schema import NivaranError
from grading.store import database, migrations
from tests.stores import mp_store
from tests.test_metrics import STORY, ev, reg
from tests.test_store_ingest import march, write_csv


def _unsplit(con: duckdb.DuckDBPyConnection) -> None:
    """What a store before version 9 looked like: ``stints`` and ``feedback_events`` one table each."""
    for table in migrations.SPLIT_TABLES:
        open_part, closed_part = migrations.split_parts(table)
        con.execute(f"drop view {table}")
        con.execute(f"insert into {closed_part} select * from {open_part}")
        con.execute(f"drop table {open_part}")
        con.execute(f"alter table {closed_part} rename to {table}")


def _set_version(db: Path, version: str | None, *, drop_publications: bool = False) -> None:
    con = duckdb.connect(str(db))
    try:
        if drop_publications:  # what a version-4 store looked like
            con.execute("drop table publications")
            con.execute("drop table published_gradings")
        if version is not None and version.isdigit() and int(version) < 9:
            _unsplit(con)
        if version is not None and version.isdigit() and int(version) < 8:  # before the open backlog's copy
            con.execute("drop table open_events")
        if version is not None and version.isdigit() and int(version) < 7:  # before events carried keys
            con.execute("alter table events drop column complaint_key")
            con.execute("alter table complaints drop column id_hash")
        if version is None:
            con.execute("delete from meta where key = 'schema_version'")
        else:
            con.execute("update meta set value = ? where key = 'schema_version'", [version])
    finally:
        con.close()


def _version_and_tables(db: Path) -> tuple[str, set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        version = con.execute("select value from meta where key = 'schema_version'").fetchall()[0][0]
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()
    return version, tables


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    return db


def test_a_version_4_store_is_migrated_by_the_next_write_and_keeps_its_rows(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    _set_version(loaded, "4", drop_publications=True)
    with pytest.raises(database.StoreError, match="schema version '4'"):  # readers do not migrate
        database.connect_readonly(loaded)
    with database.writing(loaded):
        pass
    version, tables = _version_and_tables(loaded)
    assert version == database.SCHEMA_VERSION
    assert {"publications", "published_gradings"} <= tables
    assert march(loaded).equals(before)


def _limit_types(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select data_type from information_schema.columns where column_name = 'limit_days'"
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_a_version_5_store_gets_fractional_limits_and_keeps_its_rows(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    con = duckdb.connect(str(loaded))
    try:  # what a version-5 store looked like: whole-day limits
        _unsplit(con)
        con.execute("alter table events alter limit_days type integer")
        con.execute("alter table stints alter limit_days type integer")
        con.execute("alter table events drop column complaint_key")
        con.execute("alter table complaints drop column id_hash")
        con.execute("drop table open_events")
        con.execute("update meta set value = '5' where key = 'schema_version'")
    finally:
        con.close()
    assert _limit_types(loaded) == {"INTEGER"}
    with pytest.raises(database.StoreError, match="schema version '5'"):  # readers do not migrate
        database.connect_readonly(loaded)
    ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "again.csv")])  # the next write migrates
    version, _ = _version_and_tables(loaded)
    assert version == database.SCHEMA_VERSION
    assert _limit_types(loaded) == {"DOUBLE"}
    assert march(loaded).equals(before)  # the same rows already stored: March graded as before


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("3", "schema version 3 is too old to migrate to 9; rebuild the store"),
        ("10", "schema version 10 was written by a newer Nivaran (this one knows up to 9)"),
        ("four", "unknown schema version 'four'"),
        (None, "a DuckDB database of another application"),
    ],
)
def test_a_store_that_cannot_be_migrated_is_refused_and_left_as_it_was(
    tmp_path: Path, loaded: Path, version: str | None, message: str
) -> None:
    _set_version(loaded, version)
    before = loaded.read_bytes()
    # Refused by the migration plan, or (no version at all) by the storage layer as another application's file.
    with pytest.raises(NivaranError, match=re.escape(message)) as raised:
        ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "more.csv")])
    assert str(raised.value).startswith(str(loaded))
    assert "\n" not in str(raised.value)
    assert loaded.read_bytes() == before  # not restamped, not written


def test_every_step_leads_to_the_current_version() -> None:
    assert migrations.STEPS[-1].target == database.SCHEMA_VERSION
    for earlier, later in zip(migrations.STEPS, migrations.STEPS[1:], strict=False):
        assert earlier.target == later.source


def test_nivaran_migrate_brings_an_older_store_up_to_date(loaded: Path) -> None:
    from click.testing import CliRunner

    from grading.cli import main

    _set_version(loaded, "4", drop_publications=True)
    result = CliRunner().invoke(main, ["migrate", "--db", str(loaded)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{loaded}: schema version {database.SCHEMA_VERSION}"
    database.connect_readonly(loaded).close()  # readable again


def test_nivaran_migrate_copies_the_standby_so_the_next_load_replays(tmp_path: Path, loaded: Path) -> None:
    """A migration's schema change is not replayed on the standby: ``nivaran migrate`` copies it at once,
    so the first load after the upgrade is a delta like any other day's, not a full copy of the store."""
    from click.testing import CliRunner

    from grading.cli import main
    from grading.store import layout

    for slot in layout.slot_files(loaded):  # both versions as a version-7 store had them
        con = duckdb.connect(str(slot))
        try:
            _unsplit(con)
            con.execute("drop table open_events")
            con.execute("update meta set value = '7' where key = 'schema_version'")
        finally:
            con.close()
    result = CliRunner().invoke(main, ["migrate", "--db", str(loaded)])
    assert result.exit_code == 0, result.output
    ingest.ingest(loaded, [write_csv([{**STORY[0], "complaint_id": "NEW-1"}], tmp_path / "new.csv")])
    con = database.connect_readonly(loaded)
    try:
        assert database.get_meta(con, "write_mode") == "delta"
    finally:
        con.close()


def _event_keys(db: Path) -> list[tuple[str, int | None, int | None]]:
    """Each stored event's complaint id, its key, and the key ``complaints`` gives that id."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            """
            select e.complaint_id, e.complaint_key, c.complaint_key
            from events e left join complaints c using (complaint_id)
            order by all
            """
        ).fetchall()
    finally:
        con.close()


def test_a_version_6_store_gets_integer_keys_on_its_events(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    _set_version(loaded, "6")
    ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "again.csv")])  # the next write migrates
    rows = _event_keys(loaded)
    assert rows, "the story has events"
    assert all(key is not None and key == derived for _, key, derived in rows)  # every event: its complaint's key
    assert len({key for _, key, _ in rows}) == len({cid for cid, _, _ in rows})  # one key per complaint
    assert march(loaded).equals(before)
    new = [row for row in STORY if row["complaint_id"] == STORY[0]["complaint_id"]]
    ingest.ingest(loaded, [write_csv([{**r, "complaint_id": "NEW-1"} for r in new[:1]], tmp_path / "new.csv")])
    assert {cid for cid, key, derived in _event_keys(loaded) if key == derived} >= {"NEW-1"}


def _open_events(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The store's open backlog copy, and the log's events of the complaints not closed, in one order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        copy = con.execute("select * from open_events order by all").fetchall()
        wanted = con.execute(
            """
            select * exclude (ingest_id) from events
            where complaint_id in (select complaint_id from complaints where closed_at is null)
            order by all
            """
        ).fetchall()
    finally:
        con.close()
    return copy, wanted


def test_a_version_7_store_gets_its_open_complaints_events_copied(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    copy, wanted = _open_events(loaded)
    assert copy == wanted
    closed = {r[0] for r in _event_keys(loaded)} - {r[0] for r in wanted}
    assert wanted, "the story has open complaints"
    assert closed, "the story has closed complaints"
    _set_version(loaded, "7")
    ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "again.csv")])  # the next write migrates
    version, tables = _version_and_tables(loaded)
    assert version == database.SCHEMA_VERSION
    assert "open_events" in tables
    assert _open_events(loaded) == (copy, wanted)
    assert march(loaded).equals(before)


def test_complaint_ids_are_found_by_their_hash_and_a_changed_hash_is_recomputed(tmp_path: Path, loaded: Path) -> None:
    """A load turns ids into keys through ``complaints.id_hash``: a store whose hashes were made another way
    (here: spoiled, with a probe that no longer matches) has them recomputed by the next write, so no
    stored complaint is numbered again."""
    con = duckdb.connect(str(loaded))
    try:
        con.execute("update complaints set id_hash = id_hash + 1")
        con.execute("update meta set value = 'another duckdb' where key = ?", [database.ID_HASH_PROBE])
        keys_before = con.execute("select complaint_id, complaint_key from complaints order by 1").fetchall()
    finally:
        con.close()
    # The story again (every event stored) and one new complaint: a write.
    fresh = {**STORY[0], "complaint_id": "NEW-1"}
    ingest.ingest(loaded, [write_csv([*STORY, fresh], tmp_path / "again.csv")])
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        after = con.execute("select complaint_id, complaint_key from complaints order by 1").fetchall()
        assert [row for row in after if row[0] != "NEW-1"] == keys_before
        wrong = con.execute("select count(*) from complaints where id_hash <> hash_of_id(complaint_id)").fetchall()
        assert wrong == [(0,)]
    finally:
        con.close()


def _parts(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Each split table's two parts, and the whole table read through its view, row by row in one order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in migrations.SPLIT_TABLES:
            for name in (table, *migrations.split_parts(table)):
                out[name] = con.execute(f"select * from {name} order by all").fetchall()
        out["open keys"] = con.execute("select complaint_key from complaints where closed_at is null").fetchall()
    finally:
        con.close()
    return out


def test_a_version_8_store_gets_its_open_complaints_stints_and_call_backs_apart(tmp_path: Path, loaded: Path) -> None:
    """Version 9 keeps the open complaints' stints and call-backs in tables of their own, behind views of the
    old names: the migrated store reads every row it read before, each in the part its complaint's state
    says, and grades March as before."""
    reopened = [  # open after a dissatisfied call-back: an open complaint with a call-back
        reg("K", "2024-03-02 10:00"),
        ev("K", "2024-03-03 10:00", "resolved", level="L1"),
        ev("K", "2024-03-04 10:00", "feedback", outcome="dissatisfied"),
        ev("K", "2024-03-04 10:01", "reopened", level="L1"),
    ]
    ingest.ingest(loaded, [write_csv(reopened, tmp_path / "reopened.csv")])
    before, graded = _parts(loaded), march(loaded)
    open_keys = {key for (key,) in before["open keys"]}
    assert open_keys, "the story has open complaints"
    for table in migrations.SPLIT_TABLES:
        open_part, closed_part = migrations.split_parts(table)
        assert before[open_part], f"the story's open complaints have {table}"
        assert before[closed_part], f"the story's closed complaints have {table}"
        assert {row[0] for row in before[open_part]} <= open_keys
        assert not {row[0] for row in before[closed_part]} & open_keys
    _set_version(loaded, "8")
    con = duckdb.connect(str(loaded), read_only=True)
    try:  # one table each, as version 8 had them
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables").fetchall())
    finally:
        con.close()
    assert kinds["stints"] == kinds["feedback_events"] == "BASE TABLE"
    ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "again.csv")])  # the next write migrates
    version, _ = _version_and_tables(loaded)
    assert version == database.SCHEMA_VERSION
    assert _parts(loaded) == before
    assert march(loaded).equals(graded)
