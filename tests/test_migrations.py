"""Schema versions: a write migrates an older store by explicit steps, or refuses it; never restamps."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from grading import ingest, migrations, store
from tests.test_metrics import STORY
from tests.test_store_ingest import march, write_csv


def _set_version(db: Path, version: str | None, *, drop_publications: bool = False) -> None:
    con = duckdb.connect(str(db))
    try:
        if drop_publications:  # what a version-4 store looked like
            con.execute("drop table publications")
            con.execute("drop table published_gradings")
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
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    return db


def test_a_version_4_store_is_migrated_by_the_next_write_and_keeps_its_rows(tmp_path: Path, loaded: Path) -> None:
    before = march(loaded)
    _set_version(loaded, "4", drop_publications=True)
    with pytest.raises(store.StoreError, match="schema version '4'"):  # readers do not migrate
        store.connect_readonly(loaded)
    with store.writing(loaded):
        pass
    version, tables = _version_and_tables(loaded)
    assert version == store.SCHEMA_VERSION
    assert {"publications", "published_gradings"} <= tables
    assert march(loaded).equals(before)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("3", "schema version 3 is too old to migrate to 5; rebuild the store"),
        ("9", "schema version 9 was written by a newer Nivaran (this one knows up to 5)"),
        ("four", "unknown schema version 'four'"),
        (None, "a store without a schema version"),
    ],
)
def test_a_store_that_cannot_be_migrated_is_refused_and_left_as_it_was(
    tmp_path: Path, loaded: Path, version: str | None, message: str
) -> None:
    _set_version(loaded, version)
    before = loaded.read_bytes()
    with pytest.raises(migrations.MigrationError, match=re.escape(message)) as raised:
        ingest.ingest(loaded, [write_csv(STORY[:3], tmp_path / "more.csv")])
    assert str(raised.value).startswith(f"{loaded}: ")
    assert "\n" not in str(raised.value)
    assert loaded.read_bytes() == before  # not restamped, not written


def test_every_step_leads_to_the_current_version() -> None:
    assert migrations.STEPS[-1].target == store.SCHEMA_VERSION
    for earlier, later in zip(migrations.STEPS, migrations.STEPS[1:], strict=False):
        assert earlier.target == later.source
