"""The month's integrity flags read through the store: the inputs the pure rules of
:mod:`grading.scoring.flags` need (one read of the month, the month's complaints and ended stints, the
graded metrics), with the thresholds of the scheme version in force that month.

A published month's flags are frozen with it: :func:`grading.outputs.publish.publish` stores the flags it
raised beside the month's graded rows (:data:`PUBLISHED_FLAGS`), and :func:`raised`, which every surface
reads (the department page, the public site and report, digests, alerts, ``nivaran flags``), gives those
back while that publication stands, whatever was loaded since. Publishing the month again stores the
flags of the data as they are then.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import polars as pl

from grading.monthly import results
from grading.rules.asof import month_window
from grading.scoring.flags import FLAG_SCHEMA, raise_flags
from grading.scoring.metrics import complaint_flags
from grading.scoring.schemes import Scheme
from grading.store import case_reads, database, month_reads, published

#: Entity type → the key under which a publication stores the flags it raised for that type (beside its
#: ``department`` and ``district`` rows and its cells). Stored without ``entity_type`` (the key says it),
#: so that the graded overlay of :mod:`grading.monthly.results` leaves these frames alone.
PUBLISHED_FLAGS: Final = {"department": "flags_department", "district": "flags_district"}


def compute(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, by: str = "department", *, live: bool = False
) -> pl.DataFrame:
    """Read what the flags need for ``month`` through the store (:mod:`grading.store.database`,
    :mod:`grading.store.case_reads`) and raise them (thresholds: the scheme version in force that month).
    ``live``: the metric-based flags read the month's current metrics, not its published ones
    (:func:`grading.monthly.results.metrics_for`); publishing uses it."""
    start, end, _ = month_window(month)
    inputs = month_reads.read_month_inputs(con, start, end)
    entities, _ = complaint_flags(inputs, month, scheme.metric_settings, database.data_until(con))
    return raise_flags(
        entities=entities.select("complaint_key", "department", "district"),
        complaints=case_reads.flag_complaints(con, start, end),
        stints=case_reads.stints_ended(con, start, end),
        metrics=results.metrics_for(con, scheme, by, until=month, live=live),
        month=month,
        by=by,
        settings=scheme.in_force(month).flags,
    )


def to_store(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags of one entity type (:func:`compute`) as a publication stores them (without ``entity_type``)."""
    return flags.drop("entity_type")


def frozen(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, by: str = "department") -> pl.DataFrame | None:
    """The flags of ``by`` stored with ``month``'s standing publication under ``scheme`` (:data:`FLAG_SCHEMA`
    rows), or None: the month is not published under ``scheme``, or its publication predates frozen flags."""
    found = published.publications(con, month, scheme=scheme.name, standing=True)
    if found.is_empty():
        return None
    key = PUBLISHED_FLAGS[by]
    stored = published.published_rows(con, month, found["version"][0], kinds=(key,)).get(key)
    if stored is None:
        return None
    return stored.with_columns(entity_type=pl.lit(by)).select([pl.col(n).cast(t) for n, t in FLAG_SCHEMA.items()])


def raised(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, by: str = "department") -> pl.DataFrame:
    """The flags of ``month`` as every surface shows them: those frozen with its standing publication
    (:func:`frozen`), else raised from the store as loaded now (:func:`compute`). A month published
    before publications stored flags reads them from the store (publish it again to freeze them)."""
    stored = frozen(con, scheme, month, by)
    return compute(con, scheme, month, by) if stored is None else stored
