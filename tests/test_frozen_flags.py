"""A published month's integrity flags are frozen with it (issue 27): the site, the read API, the press
report and the department page show the flags as they were when the month was published; a republish
shows the new ones.

The store (Madhya Pradesh's reference data, all in Bhopal): in March and April 2024 ENERGY, AYUSH and
REVENUE each receive 25 complaints, one a day from the 2nd, each closed satisfied the next day (days 3 to
27): no closure in the last 3 days of the month, so no flag. April is published (with the site).

Then a late load: 25 more REVENUE complaints registered on 27 April, closed satisfied on 29 April. As
loaded now, REVENUE's April has 50 closures, 25 of them in the last 3 days (50 %); its own pace on the
other 27 days gives (50 − 25) / 27 × 3 / 50 = 5.6 %, the state 25 of 100 closures = 25 %: 50 % is at
least twice both, and 25 closures beyond the 12.5 the state's share would give is more than 3 standard
deviations (3 × √(50 × 0.25 × 0.75) = 9.2): a closure spike. Bhopal, the only district, is the state:
no district flag.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest
from grading.outputs import publish, report
from grading.outputs.site.build import live_document
from grading.outputs.site.read import read_month
from grading.scoring import schemes
from grading.serve import integrity, public, views
from grading.store import database
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

MP = schemes.load("mp-cm-helpline")
APRIL = date(2024, 4, 1)
SPIKE = ("department", "REVENUE", "closure_spike")


def closed(cid: str, registered: str, closed_on: str, department: str) -> list[dict[str, object]]:
    """One Bhopal complaint registered at 10:00 on ``registered``, resolved, called back and closed
    satisfied on ``closed_on``."""
    return [
        reg(cid, f"{registered} 10:00", department=department, district="BHOPAL"),
        ev(cid, f"{closed_on} 10:00", "resolved", level="L1"),
        ev(cid, f"{closed_on} 11:00", "feedback", outcome="satisfied"),
        ev(cid, f"{closed_on} 11:05", "closed", outcome="satisfied"),
    ]


def baseline() -> list[dict[str, object]]:
    rows = []
    for month in ("2024-03", "2024-04"):
        for department in ("ENERGY", "AYUSH", "REVENUE"):
            for i in range(25):
                cid = f"{month}-{department}-{i}"
                rows += closed(cid, f"{month}-{2 + i:02d}", f"{month}-{3 + i:02d}", department)
    return rows


def spike() -> list[dict[str, object]]:
    return [row for i in range(25) for row in closed(f"LATE-{i}", "2024-04-27", "2024-04-29", "REVENUE")]


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def raised(rows: pl.DataFrame) -> set[tuple[str, str, str]]:
    return {(r["entity_type"], r["department"] or r["district"], r["flag"]) for r in rows.iter_rows(named=True)}


def site_flags(site: Path) -> set[tuple[str, str, str]]:
    document = json.loads((site / "api/v1/2024-04/flags.json").read_text(encoding="utf-8"))
    return {(r["entity_type"], r["department"] or r["district"], r["flag"]) for r in document["rows"]}


def report_text(db: Path) -> str:
    """The April press report as the package and the public page's download build it (HTML, then PDF)."""
    con = database.connect_readonly(db)
    try:
        standing = publish.standing(con, APRIL, MP.name)
        assert standing is not None
        return report.report_html(publish.report_data(publish.PackageSource(standing, con, MP)), "en")
    finally:
        con.close()


def shown(db: Path) -> dict[str, set[tuple[str, str, str]]]:
    """April's flags on every surface that reads the store: the site's month data, the live read API,
    the department page's evidence table, and the flags as loaded now (``compute``, not frozen)."""
    con = database.connect_readonly(db)
    try:
        month = read_month(con, MP, APRIL)
        page = pl.concat([views.integrity_flags(con, MP, APRIL, kind) for kind in ("department", "district")])
        now = pl.concat([integrity.compute(con, MP, APRIL, kind, live=True) for kind in ("department", "district")])
    finally:
        con.close()
    document = live_document(db, APRIL, "flags")
    assert document is not None
    api = {(r["entity_type"], r["department"] or r["district"], r["flag"]) for r in document["rows"]}
    return {"site": raised(month.flags), "api": api, "page": raised(page), "now": raised(now)}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = mp_store(tmp_path / "f.duckdb")
    ingest.ingest(db, [write_csv(baseline(), tmp_path / "baseline.csv")])
    return db


def test_a_later_load_changes_no_flag_of_a_published_month_and_a_republish_shows_the_new_ones(
    store: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    cli("publish", "--db", str(store), "--month", "2024-04", "--site", str(site))
    assert site_flags(site) == set()
    assert "No integrity flag was raised this month." in report_text(store)

    ingest.ingest(store, [write_csv(spike(), tmp_path / "late.csv")])
    after = shown(store)
    assert after["now"] == {SPIKE}  # the load would change April's flags...
    assert after["site"] == after["api"] == after["page"] == set()  # ...but April is published: frozen
    assert "No integrity flag was raised this month." in report_text(store)
    assert "Closure spike" not in report_text(store)
    # Publishing March writes the site's index again from April (the latest month): still no flag.
    said = cli("publish", "--db", str(store), "--month", "2024-03", "--site", str(site))
    assert "2024-03" in said
    assert "Closure spike" not in (site / "en/index.html").read_text(encoding="utf-8")
    assert site_flags(site) == set()
    said = cli("flags", "--db", str(store), "--month", "2024-04").splitlines()
    assert said[0].startswith("the flags frozen with 2024-04 published on")
    assert said[1] == "No integrity flag raised for departments in 2024-04."
    assert "REVENUE" in cli("flags", "--db", str(store), "--month", "2024-04", "--recompute")

    cli("publish", "--db", str(store), "--month", "2024-04", "--site", str(site), "--force")
    again = shown(store)
    assert again["site"] == again["api"] == again["page"] == again["now"] == {SPIKE}
    assert site_flags(site) == {SPIKE}
    assert "<b>Revenue</b>: Closure spike before the cut-off." in report_text(store)


def test_a_month_published_before_flags_were_frozen_reads_them_from_the_store(store: Path, tmp_path: Path) -> None:
    cli("publish", "--db", str(store), "--month", "2024-04", "--out", str(tmp_path / "package"))
    with database.writing(store) as con:  # as an older Nivaran stored it: the graded rows and cells only
        con.execute("delete from published_gradings where entity_type like 'flags_%'")
    ingest.ingest(store, [write_csv(spike(), tmp_path / "late.csv")])
    con = database.connect_readonly(store)
    try:
        assert integrity.frozen(con, MP, APRIL) is None
        assert raised(public.flags(con, MP, APRIL, "department")) == {SPIKE}
        standing = publish.standing(con, APRIL, MP.name)
    finally:
        con.close()
    assert standing is not None
    assert set(standing.graded) == {"department", "district"}  # the frozen extras are not graded rows
