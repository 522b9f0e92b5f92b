"""The store's publication tables (``nivaran publish``): part of the DuckDB layer, kept apart from
:mod:`grading.store.database` by job. Tables: ``publications`` and ``published_gradings`` (declared in
:mod:`grading.store.migrations`).
"""

from __future__ import annotations

import io
from datetime import date

import duckdb
import polars as pl

from grading.store.sqltext import registered


def publications(
    con: duckdb.DuckDBPyConnection, month: date | None = None, *, scheme: str | None = None, standing: bool = False
) -> pl.DataFrame:
    """Publications, one row per (month, version), by month and newest version first.

    Narrowed to ``month`` and to ``scheme`` (its name) when given; ``standing``: only the publication
    that stands for each month (not superseded). Columns: month, version, scheme, scheme_version,
    scheme_sha256, published_at, superseded_at (null for the one that stands).
    """
    frame: pl.DataFrame = con.sql(
        """
        select * from publications
        where ($month is null or month = $month)
          and ($scheme is null or scheme = $scheme)
          and (not $standing or superseded_at is null)
        order by month, version desc
        """,
        params={"month": month, "scheme": scheme, "standing": standing},
    ).pl()
    return frame


def published_rows(
    con: duckdb.DuckDBPyConnection, month: date, version: int, *, kinds: tuple[str, ...] | None = None
) -> dict[str, pl.DataFrame]:
    """The frames stored with one publication, by key (``entity_type``: the graded rows of each entity
    type, and what is frozen beside them, such as the month's cells and flags), exactly as they were
    stored; only the keys ``kinds`` when given."""
    rows = con.execute(
        "select entity_type, rows_ipc from published_gradings where month = $month and version = $version "
        "and ($kinds::varchar[] is null or list_contains($kinds::varchar[], entity_type))",
        {"month": month, "version": version, "kinds": list(kinds) if kinds is not None else None},
    ).fetchall()
    return {entity_type: pl.read_ipc_stream(io.BytesIO(blob)) for entity_type, blob in rows}


def save_publication(con: duckdb.DuckDBPyConnection, record: dict[str, object], graded: dict[str, pl.DataFrame]) -> int:
    """Store a publication of ``record["month"]`` (scheme, scheme_version, scheme_sha256, published_at)
    with its graded rows by entity type; the one that stood before is kept, marked superseded.
    Returns the new version number (1 for a first publication)."""
    month = record["month"]
    version = int(
        con.execute("select coalesce(max(version), 0) + 1 from publications where month = ?", [month]).fetchall()[0][0]
    )
    con.execute(
        "update publications set superseded_at = ? where month = ? and superseded_at is null",
        [record["published_at"], month],
    )
    with registered(con, new_publication=pl.DataFrame([{**record, "version": version, "superseded_at": None}])):
        con.execute("insert into publications by name select * from new_publication")
    for entity_type, rows in graded.items():
        buffer = io.BytesIO()
        rows.write_ipc_stream(buffer)
        con.execute(
            "insert into published_gradings values (?, ?, ?, ?)", [month, version, entity_type, buffer.getvalue()]
        )
    return version
