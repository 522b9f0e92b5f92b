"""The demo's August 2024 published with ``--site``: the store shared by the site's package and browser
tests (a copy of the session's ``demo_db``, so the publication touches no other test's store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from grading.cli import main
from grading.scoring import schemes
from grading.serve import public
from grading.store import database
from tests.damage import copy_store

MONTH = date(2024, 8, 1)
SCHEME = schemes.load("mp-cm-helpline")


def publish_demo(demo_db: Path, folder: Path) -> tuple[Path, Path]:
    """Copy the demo store into ``folder``, publish August 2024 with ``--site``; return (store, site)."""
    db = copy_store(demo_db, folder / "store")
    site = folder / "site"
    result = CliRunner().invoke(main, ["publish", "--db", str(db), "--month", f"{MONTH:%Y-%m}", "--site", str(site)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "site: pages of 2024-08" in result.output
    return db, site


def public_ranking(db: Path, kind: str) -> pl.DataFrame:
    """The public boundary's own ranking rows for the month (what the dashboard's public page shows)."""
    con = database.connect_readonly(db)
    try:
        return public.ranking(con, SCHEME, kind, MONTH)
    finally:
        con.close()


def public_cells(db: Path, metrics: list[str]) -> pl.DataFrame:
    """The public boundary's own district × department cells for the month, with ``metrics``."""
    con = database.connect_readonly(db)
    try:
        return public.cell_table(con, SCHEME, MONTH, metrics)
    finally:
        con.close()
