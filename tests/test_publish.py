"""Publishing freezes a month: `nivaran publish`, then late events show only as a revision."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest
from grading.monthly import results
from grading.outputs import publish
from grading.scoring import schemes
from grading.serve import views
from grading.store import database
from grading.store.published import publications, published_rows
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_metrics import MARCH, STORY
from tests.test_store_ingest import write_csv

MP = schemes.load("mp-cm-helpline")


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    out = tmp_path / "package"
    cli("publish", "--db", str(db), "--month", "2024-03", "--out", str(out))
    return db, out


def test_publish_stores_the_grading_with_the_scheme_hash_and_writes_the_package(published: tuple[Path, Path]) -> None:
    db, out = published
    con = database.connect_readonly(db)
    try:
        record = publications(con).row(0, named=True)
        frozen = published_rows(con, MARCH, 1)
        live = {t: results.graded(con, MP, t, MARCH, live=True) for t in ("department", "district")}
    finally:
        con.close()
    assert record["month"] == MARCH
    assert (record["version"], record["scheme"], record["superseded_at"]) == (1, "mp-cm-helpline", None)
    assert record["scheme_sha256"] == hashlib.sha256(MP.path.read_bytes()).hexdigest()
    for entity_type, rows in live.items():  # every column, exactly
        assert frozen[entity_type].equals(rows.drop("published_at"))
    departments = pl.read_csv(out / "ranking-department.csv")
    assert departments.columns[:3] == ["month", "department", "department_name"]
    # D1 received 6 (ranked first); D2 received 1: listed, but suppressed (fewer than 5 received).
    # D1's figures are hidden too (complementary): the state total 7 minus D1's 6 would give D2's 1.
    assert departments.select(
        "month", "department", "rank_text", "received", "suppressed", "suppressed_reason"
    ).rows() == [
        ("2024-03-01", "D1", 1, None, True, "complementary"),
        ("2024-03-01", "D2", None, None, True, "small"),
    ]
    districts = pl.read_csv(out / "ranking-district.csv")
    assert districts.select("month", "district", "received").rows() == [("2024-03-01", "X", 7)]


def test_a_late_event_leaves_the_published_month_unchanged_and_shows_as_a_revision(
    tmp_path: Path, published: tuple[Path, Path]
) -> None:
    db, _ = published
    before = cli("grade", "--db", str(db), "--month", "2024-03")
    assert "2024-03 published on" in before
    # A complaint registered on 28 March arrives in April's load: D1 now reads 7 received, 2 satisfied.
    late = write_csv(
        [reg("LATE", "2024-03-28 10:00"), ev("LATE", "2024-03-29 10:00", "attended", level="L1")], tmp_path / "late.csv"
    )
    ingest.ingest(db, [late])
    assert cli("grade", "--db", str(db), "--month", "2024-03") == before
    as_csv = CliRunner().invoke(main, ["grade", "--db", str(db), "--month", "2024-03", "--format", "csv"])
    assert "2024-03 published on" in as_csv.stderr  # the note stays out of the CSV
    d1 = pl.read_csv(as_csv.stdout.encode()).filter(pl.col("code") == "D1")
    assert d1["received"].item() == 6
    recomputed = cli("grade", "--db", str(db), "--month", "2024-03", "--recompute")
    assert "current reading of 2024-03" in recomputed
    assert "revision against the grading 2024-03 published on" in recomputed
    con = database.connect_readonly(db)
    try:
        frozen = publish.standing(con, MARCH)
        live = results.graded(con, MP, "department", MARCH, live=True)
        shown = results.graded(con, MP, "department", MARCH)
    finally:
        con.close()
    assert frozen is not None
    assert shown.drop("published_at").equals(frozen.graded["department"])
    assert shown["published_at"].is_not_null().all()
    changes = publish.revisions(frozen.graded["department"], live, "department")
    received = changes.filter((pl.col("entity") == "D1") & (pl.col("field") == "received"))
    assert received.select("published", "now").row(0) == ("6", "7")
    # satisfied closure 2 / 6 = 33.33% was published; 2 / 7 = 28.57% now
    pct = changes.filter((pl.col("entity") == "D1") & (pl.col("field") == "satisfied_closure_pct")).row(0, named=True)
    assert float(pct["published"]) == pytest.approx(200 / 6)
    assert float(pct["now"]) == pytest.approx(200 / 7)
    assert "D2" not in changes["entity"].to_list()  # nothing changed for D2
    for line in ("D1", "received", "6", "7"):
        assert line in recomputed


def test_republishing_needs_force_and_keeps_the_old_publication(tmp_path: Path, published: tuple[Path, Path]) -> None:
    db, out = published
    result = CliRunner().invoke(main, ["publish", "--db", str(db), "--month", "2024-03", "--out", str(out)])
    assert isinstance(result.exception, publish.PublishError)
    assert "2024-03 published on" in str(result.exception)
    assert "pass --force to publish it again" in str(result.exception)
    ingest.ingest(db, [write_csv([reg("LATE", "2024-03-28 10:00")], tmp_path / "late.csv")])
    cli("publish", "--db", str(db), "--month", "2024-03", "--out", str(out), "--force")
    con = database.connect_readonly(db)
    try:
        versions = publications(con, MARCH)
        shown = results.graded(con, MP, "department", MARCH)
    finally:
        con.close()
    # newest first: version 2 stands, version 1 is kept, superseded
    assert versions["version"].to_list() == [2, 1]
    assert versions["superseded_at"].is_null().to_list() == [True, False]
    assert shown.filter(pl.col("department") == "D1")["received"].item() == 7


def test_a_month_with_nothing_to_grade_is_not_published(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    with pytest.raises(publish.PublishError, match="nothing to publish for 2023-01"):
        publish.publish(db, date(2023, 1, 1), MP, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_pages_read_the_published_month_and_its_marker(published: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = published
    ingest.ingest(db, [write_csv([reg("LATE", "2024-03-28 10:00")], tmp_path / "late.csv")])
    con = database.connect_readonly(db)
    try:
        marker = views.publication(con, MP, MARCH)
        ranking = views.ranking(con, MP, "department", MARCH)
        headline = views.state_headline(con, MP, MARCH)
        april = views.publication(con, MP, date(2024, 4, 1))
    finally:
        con.close()
    assert marker is not None
    assert marker["version"] == 1
    assert ranking.filter(pl.col("department") == "D1")["received"].item() == 6  # not 7
    assert headline.filter(pl.col("month") == MARCH)["received"].item() == 7  # 6 + D2's 1, as published
    assert april is None
