"""Publishing freezes a month: ``nivaran publish`` stores the month's grading and writes its package.

Helplines publish a month's grading around the 20th of the next month, and it stands. After
:func:`publish`, :func:`grading.monthly.results.graded` (so ``nivaran grade`` and every page) shows the
stored rows for that month, marked with ``published_at``, and :func:`grading.serve.integrity.raised` the
integrity flags stored with them; events that arrive late change it only as a
listed revision (:func:`revisions`, ``nivaran grade --recompute``). Publishing a month again needs
``force`` and keeps the earlier publication, marked superseded.

The package is a directory of files, one writer function per file (:data:`PACKAGE`); every file is
read from the public boundary (:mod:`grading.serve.public`), so every figure has gone through the
suppression rule, and written by :func:`write_csv`.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from grading.access.accounts import Accounts
from grading.access.audit import Entry
from grading.access.identity import Identity
from grading.access.logbook import operator
from grading.model.registry import FIELDS, METRICS
from grading.model.schema import NivaranError
from grading.monthly import results
from grading.outputs import export, fmt, report
from grading.outputs.pdf import html_to_pdf
from grading.scoring import suppress
from grading.scoring.schemes import Scheme
from grading.serve import integrity, public
from grading.store import database, published
from grading.words import say

#: The rankings a publication freezes.
PUBLISHED_TYPES: Final = ("department", "district")
#: Columns never compared in a revision: names and bookkeeping.
_NOT_COMPARED: Final = frozenset(
    {"entity_type", "month", "department", "district", "published_at"}
    | {f"{k}_name{s}" for k in ("department", "district") for s in ("", "_hi")}
)
REVISION_SCHEMA: Final = pl.Schema({"entity": pl.String, "field": pl.String, "published": pl.String, "now": pl.String})


class PublishError(NivaranError):
    """A month cannot be published (already published without ``force``, or nothing to grade)."""


@dataclass(frozen=True)
class Publication:
    """One stored publication of a month: its scheme and the graded rows of each entity type (the
    department × district cells stored with it are read through :mod:`grading.serve.public`)."""

    month: date
    version: int
    scheme: str
    scheme_version: str
    scheme_sha256: str
    published_at: datetime
    graded: dict[str, pl.DataFrame]

    def describe(self) -> str:
        """One line: when, which version, which scheme (with the start of its content hash)."""
        return (
            f"{self.month:%Y-%m} published on {self.published_at:%Y-%m-%d %H:%M} (version {self.version}, "
            f"scheme {self.scheme} {self.scheme_version}, sha256 {self.scheme_sha256[:12]})"
        )


def scheme_sha256(scheme: Scheme) -> str:
    """The sha256 of the scheme file's bytes: which exact rules a publication was graded under."""
    return hashlib.sha256(scheme.path.read_bytes()).hexdigest()


def standing(con: duckdb.DuckDBPyConnection, month: date, scheme: str | None = None) -> Publication | None:
    """The publication of ``month`` that stands (not superseded), optionally only under ``scheme``."""
    found = published.publications(con, month, scheme=scheme, standing=True)
    if found.is_empty():
        return None
    row = found.row(0, named=True)
    return Publication(
        month=row["month"],
        version=row["version"],
        scheme=row["scheme"],
        scheme_version=row["scheme_version"],
        scheme_sha256=row["scheme_sha256"],
        published_at=row["published_at"],
        graded=published.published_rows(con, month, row["version"], kinds=PUBLISHED_TYPES),
    )


def publish(
    db: Path,
    month: date,
    scheme: Scheme,
    out: Path,
    *,
    force: bool = False,
    now: datetime | None = None,
    by: Identity | None = None,
) -> Publication:
    """Freeze ``month``'s grading under ``scheme`` in the store at ``db`` and write the package to ``out``.

    Raises :class:`PublishError` when the month is already published (unless ``force``: the earlier
    publication is kept as superseded) or has nothing to grade. The store and the package are written
    together: if writing the package fails, the store is left as it was. The publication is written to
    the audit log of the access file (``publish``, as ``by``; default the command line's operator).
    """
    with database.writing(db) as con:
        earlier = standing(con, month)
        if earlier is not None and not force:
            msg = (
                f"{month:%Y-%m} is already published ({earlier.describe()}); "
                "pass --force to publish it again (the earlier one is kept as superseded)"
            )
            raise PublishError(msg)
        graded = {t: results.graded(con, scheme, t, month, live=True) for t in PUBLISHED_TYPES}
        if any(rows.is_empty() for rows in graded.values()):
            msg = f"nothing to publish for {month:%Y-%m}: the database has no events in or before that month"
            raise PublishError(msg)
        graded = {t: rows.drop("published_at") for t, rows in graded.items()}
        # The month's department × district cells are frozen with it: every public figure of a published
        # month (the cells and their suppression pattern too) comes from the publication.
        cells = results.metrics_for(con, scheme, "department_district", until=month, live=True)
        cells = cells.filter(pl.col("month") == month).drop("entity_type", strict=False)
        # So are the integrity flags raised in it: a later load changes no flag the site or report shows.
        flags = {
            integrity.PUBLISHED_FLAGS[t]: integrity.to_store(integrity.compute(con, scheme, month, t, live=True))
            for t in PUBLISHED_TYPES
        }
        publication = Publication(
            month=month,
            version=0,
            scheme=scheme.name,
            scheme_version=scheme.version,
            scheme_sha256=scheme_sha256(scheme),
            published_at=(now or datetime.now()).replace(microsecond=0),
            graded=graded,
        )
        record = {k: v for k, v in publication.__dict__.items() if k not in ("version", "graded")}
        stored = {**graded, public.PUBLISHED_CELLS: cells, **flags}
        publication = replace(publication, version=published.save_publication(con, record, stored))
        write_package(PackageSource(publication, con, scheme), out)
    values: dict[str, str | int] = {"month": f"{month:%Y-%m}", "version": publication.version, "scheme": scheme.name}
    what = Entry("published_again" if earlier else "published", {**values, "scheme_version": str(scheme.version)})
    Accounts(db).log(by or operator(), "publish", what, now=now)
    return publication


# --- the package: one writer per file --------------------------------------------------------------


@dataclass(frozen=True)
class PackageSource:
    """What a package writer reads: the publication, the store (open, in the publishing transaction)
    and the scheme. Writers read figures only through :mod:`grading.serve.public`."""

    publication: Publication
    con: duckdb.DuckDBPyConnection
    scheme: Scheme

    @cached_property
    def suppression(self) -> pl.DataFrame:
        """The public suppression pattern of every month (:func:`grading.serve.public.suppression`)."""
        return public.suppression(self.con, self.scheme)


#: How many decimals a public file prints, by unit (:mod:`grading.model.registry`): percentages and day
#: statistics 1, every other decimal figure (score, points, score uncertainty) 2, rounded half away from zero.
DECIMALS: Final = {"pct": 1, "days": 1}
#: The order of a public file's rows where it has ranks: by entity type and month, then in rank order
#: (:data:`grading.outputs.fmt.RANK_ORDER`: volume group, then the printed rank), then code; rows without a
#: rank last.
RANK_ORDER: Final = ("entity_type", "month", *fmt.RANK_ORDER, "department", "district")


def _decimals(column: str) -> int:
    entry = METRICS.get(column) or FIELDS.get(column)
    return DECIMALS.get(entry.unit, 2) if entry is not None else 2


def public_csv(rows: pl.DataFrame) -> pl.DataFrame:
    """A public table as every public CSV file prints it (the package's and the pages' downloads): the
    columns under their snake_case codes (documented in ``dictionary.csv`` and the registry), list columns
    left out, decimal figures rounded (:data:`DECIMALS`), and, in a table with ranks, the rows in
    :data:`RANK_ORDER`.

    >>> rows = pl.DataFrame({"department": ["B", "A", "C"], "volume_group": [2, 1, None], "rank_position": [1, 2, None],
    ...                      "satisfied_closure_pct": [66.666, 12.25, None], "score": [70.125, 81.0, None]})
    >>> public_csv(rows).rows()  # no range here: the printed rank is the position
    [('A', 1, 2, 12.3, 81.0), ('B', 2, 1, 66.7, 70.13), ('C', None, None, None, None)]
    """
    kept = rows.select(c for c in rows.columns if rows[c].dtype != pl.List)
    rounded = kept.with_columns(
        pl.col(c).round(_decimals(c), mode="half_away_from_zero") for c in kept.columns if kept[c].dtype.is_float()
    )
    if "rank_position" not in rounded.columns:
        return rounded
    order = [c for c in RANK_ORDER if c in rounded.columns]
    return rounded.sort(order, nulls_last=True, maintain_order=True)


#: In a reader's file, each code column gives way to its name in the reader's language.
_NAMED: Final = {"department": "department_name", "district": "district_name"}


def in_language(rows: pl.DataFrame, lang: str, points: dict[str, str] | None = None) -> pl.DataFrame:
    """A public table (:func:`public_csv`) as a page offers it to a reader of ``lang``: in English as the
    package prints it (snake_case codes, documented in ``dictionary.csv``); in Hindi with headings from
    the registry (``points``: the points columns' labels), names instead of codes and English names,
    true/false, the markers' column names and the reasons a row is hidden in words. Same rows, same order.

    >>> in_language(pl.DataFrame({"district": ["BHOPAL"], "district_name": ["Bhopal"], "district_name_hi": ["भोपाल"],
    ...                           "is_ranked": [True], "received": [12]}), "hi").to_dicts()
    [{'ज़िला': 'भोपाल', 'रैंक प्राप्त': 'हाँ', 'प्राप्त': 12}]
    """
    if lang != "hi":
        return rows

    named = [code for code, name in _NAMED.items() if f"{name}_hi" in rows.columns]
    dropped = [c for code in named for c in (code, _NAMED[code]) if c in rows.columns]
    labels = {c: label_of(c) for c in rows.columns} | (points or {})
    labels |= {f"{_NAMED[code]}_hi": say(code, lang) for code in named}  # the name, under the plain heading
    kinds = {"department": say("department", lang), "district": say("district", lang)}
    reasons = {code: say(f"reason_{code}", lang) for code in (suppress.SMALL, suppress.COMPLEMENTARY)}

    def marker(column: str) -> pl.Expr:  # "received score" -> "प्राप्त, अंक"
        names = pl.element().replace_strict(labels, default=pl.element())
        return pl.col(column).fill_null("").str.split(" ").list.eval(names).list.join(", ")

    out = rows.drop(dropped).with_columns(
        *[
            pl.when(pl.col(c)).then(pl.lit(say("yes", lang))).when(~pl.col(c)).then(pl.lit(say("no", lang))).alias(c)
            for c in rows.columns
            if rows[c].dtype == pl.Boolean and c not in dropped
        ],
        *[marker(c) for c in suppress.MARKERS if c in rows.columns],
        *[pl.col(c).replace_strict(kinds, default=pl.col(c)) for c in ("entity_type",) if c in rows.columns],
        *[pl.col(c).replace_strict(reasons, default=pl.col(c)) for c in ("suppressed_reason",) if c in rows.columns],
    )
    return out.rename({c: labels[c] for c in out.columns})


def heading(column: str, lang: str) -> str:
    """The heading ``column`` has in a public file offered to a reader of ``lang`` (:func:`in_language`): its
    code in English, the registry's Hindi label in Hindi."""
    return label_of(column) if lang == "hi" else column


def label_of(column: str) -> str:
    """The Hindi heading of a public column (the registry's label; the column's code when it has none)."""
    entry = METRICS.get(column) or FIELDS.get(column)
    return entry.label_hi if entry is not None else column


def write_csv(rows: pl.DataFrame, path: Path) -> None:
    """A CSV file of the public package (UTF-8, header row; shaped by :func:`public_csv`), written
    through the one export writer (:func:`grading.outputs.export.csv_text`, formula cells neutralised)."""
    path.write_text(export.csv_text(public_csv(rows)), encoding="utf-8")


#: Ranks a package never prints beside ``rank_text``: the overall rank across groups and the group rank
#: (``rank_position`` is the same number, named for what it is).
UNPRINTED_RANKS: Final = ("rank", "group_rank")


def ranking_table(rows: pl.DataFrame, entity_type: str) -> pl.DataFrame:
    """A month's public ranking of ``entity_type`` (:func:`grading.serve.public.ranking`) in the columns of
    its CSV file: ``month``, code, names, ``rank_text``, ``score``, ``grade``, then every other column but the
    overall and group rank (:data:`UNPRINTED_RANKS`: one rank per row, the printed one, with its position
    and range) and ``entity_type``. The public page's ranking download is this table too."""
    first = ["month", entity_type, f"{entity_type}_name", f"{entity_type}_name_hi", "rank_text", "score", "grade"]
    rest = [c for c in rows.columns if c not in [*first, *UNPRINTED_RANKS] and c != "entity_type"]
    return rows.select(*first, *rest)


def _ranking_csv(entity_type: str) -> Callable[[PackageSource, Path], None]:
    def write(source: PackageSource, path: Path) -> None:
        """The month's public ranking of ``entity_type``: every column, with its ``month``."""
        month = source.publication.month
        rows = public.ranking(source.con, source.scheme, entity_type, month, found=source.suppression)
        write_csv(ranking_table(rows, entity_type), path)

    return write


def _history_csv(source: PackageSource, path: Path) -> None:
    """Every month up to the published one, every department and district: rank, grade, score,
    points, received and streaks, with the suppression markers (one row per entity and month;
    departments first, oldest first)."""
    month = source.publication.month
    points = [f"points_{c.key}" for c in source.scheme.components]
    columns = ["entity_type", "month", "department", "department_name", "department_name_hi", "district"]
    columns += ["district_name", "district_name_hi", "is_ranked", "rank_text", "volume_group", "rank_position", "grade"]
    columns += ["score", *points, "received", "rank_change", "streak_rank_1", "streak_top_grade"]
    columns += ["suppressed", "suppressed_reason", *suppress.MARKERS]
    parts = []
    for entity_type in PUBLISHED_TYPES:
        rows = public.history(source.con, source.scheme, entity_type, found=source.suppression)
        rows = rows.filter(pl.col("month") <= month).with_columns(entity_type=pl.lit(entity_type))
        parts.append(
            suppress.narrow(
                rows.select(pl.col(c) if c in rows.columns else pl.lit(None, pl.String).alias(c) for c in columns)
            )
        )
    every = pl.concat(parts, how="vertical_relaxed")
    write_csv(every.sort("entity_type", "month", "volume_group", "rank_position", nulls_last=True), path)


def _cells_csv(source: PackageSource, path: Path) -> None:
    """The month's district × department cells: received, closed satisfied and every scheme
    component's metric, with the suppression markers (one row per district and department with
    complaints; a published month's cells as stored with it)."""
    metrics = ["closed_satisfied", *dict.fromkeys(c.metric for c in source.scheme.components)]
    month = source.publication.month
    write_csv(public.cell_table(source.con, source.scheme, month, metrics, found=source.suppression), path)


def dictionary(columns: dict[str, list[str]], scheme: Scheme) -> pl.DataFrame:
    """The data dictionary of the package: one row per (file, column) with labels in English and
    Hindi, unit and definition, from :mod:`grading.model.registry` (points from the scheme's components).
    Raises :class:`PublishError` for a column nobody documented."""
    components = {f"points_{c.key}": c for c in scheme.components}
    rows = []
    for file, names in columns.items():
        for name in names:
            entry = METRICS.get(name) or FIELDS.get(name)
            if entry is not None:
                rows.append((file, name, entry.label_en, entry.label_hi, entry.unit, entry.description))
            elif name in components:
                c = components[name]
                what = f"Points for '{c.label_en}' (out of {c.weight:g}) from {c.metric}."
                rows.append((file, name, f"{c.label_en} (points)", f"{c.label_hi} (अंक)", "points", what))
            else:
                msg = f"{file}: column {name!r} has no entry in grading.model.registry (METRICS or FIELDS)"
                raise PublishError(msg)
    names = ["file", "column", "label_en", "label_hi", "unit", "definition"]
    return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")


def _dictionary_csv(source: PackageSource, path: Path) -> None:
    """Every column of every CSV file written before it (read back from their header rows)."""
    files = [name for name in PACKAGE if name.endswith(".csv") and (path.parent / name).exists() and name != path.name]
    columns = {name: pl.read_csv(path.parent / name, n_rows=0).columns for name in files}
    write_csv(dictionary(columns, source.scheme), path)


def report_data(source: PackageSource) -> report.ReportData:
    """The public frames the monthly report shows (:mod:`grading.outputs.report`)."""
    month, con, scheme, found = source.publication.month, source.con, source.scheme, source.suppression
    return report.ReportData(
        month=month,
        scheme=scheme,
        departments=public.ranking(con, scheme, "department", month, found=found),
        districts=public.ranking(con, scheme, "district", month, found=found),
        streaks=public.streaks(con, scheme, "department", month),
        first_month=found["month"].min() or month,  # type: ignore[arg-type]
        published_at=source.publication.published_at,
        headline=public.state_headline(con, scheme, month),
        flags=pl.concat(
            [public.flags(con, scheme, month, kind, found=found) for kind in PUBLISHED_TYPES], how="diagonal_relaxed"
        ),
    )


def _report_pdf(lang: str) -> Callable[[PackageSource, Path], None]:
    def write(source: PackageSource, path: Path) -> None:
        """The press report of the month in ``lang`` (:func:`grading.outputs.report.report_html`) as PDF."""
        path.write_bytes(html_to_pdf(report.report_html(report_data(source), lang)))

    return write


#: File name → writer, written in this order (the dictionary reads the CSV files before it).
PACKAGE: Final[dict[str, Callable[[PackageSource, Path], None]]] = {
    "ranking-department.csv": _ranking_csv("department"),
    "ranking-district.csv": _ranking_csv("district"),
    "history.csv": _history_csv,
    "cells.csv": _cells_csv,
    "dictionary.csv": _dictionary_csv,
    "report-en.pdf": _report_pdf("en"),
    "report-hi.pdf": _report_pdf("hi"),
}


def write_package(source: PackageSource, out: Path) -> list[Path]:
    """Write every file of :data:`PACKAGE` into ``out`` (created when missing); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer in PACKAGE.items():
        writer(source, out / name)
        written.append(out / name)
    return written


def package_files(source: PackageSource) -> dict[str, bytes]:
    """Every file of :data:`PACKAGE` as bytes (file name → content), written by :func:`write_package`
    into a temporary directory and read back."""
    with tempfile.TemporaryDirectory(prefix="nivaran-package-") as tmp:
        return {path.name: path.read_bytes() for path in write_package(source, Path(tmp))}


def published_package(con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date) -> dict[str, bytes] | None:
    """The package of ``month``'s standing publication under ``scheme``, rebuilt from the store (the
    frozen rankings, history and cells), for the public page's downloads.
    None when the month is not published under ``scheme``."""
    publication = standing(con, month, scheme=scheme.name)
    return None if publication is None else package_files(PackageSource(publication, con, scheme))


# --- revisions -------------------------------------------------------------------------------------


def _as_text(rows: pl.DataFrame, key: str, fields: list[str]) -> pl.DataFrame:
    """Long form (entity, field, value as text); decimals rounded to 9 places so that the same value
    computed twice compares equal."""
    return rows.select(
        pl.col(key).alias("entity"),
        *[(pl.col(f).round(9) if rows[f].dtype.is_float() else pl.col(f)).cast(pl.String).alias(f) for f in fields],
    ).unpivot(index="entity", variable_name="field", value_name="value")


def revisions(published: pl.DataFrame, now: pl.DataFrame, key: str) -> pl.DataFrame:
    """What differs between a published grading and the current reading of the same month.

    One row per (entity, field) whose value differs (``REVISION_SCHEMA``: values as text, empty when
    absent), in the published order of entities and columns. ``key`` is the entity column
    (``department`` or ``district``).
    """
    fields = [c for c in published.columns if c in now.columns and c not in _NOT_COMPARED and c != key]
    fields = [c for c in fields if published[c].dtype != pl.List]
    before = _as_text(published, key, fields).with_row_index("order")
    after = _as_text(now, key, fields)
    joined = before.join(after, on=["entity", "field"], how="full", coalesce=True, suffix="_now")
    return (
        joined.filter(~pl.col("value").eq_missing(pl.col("value_now")))
        .sort("order", nulls_last=True)
        .select("entity", "field", pl.col("value").alias("published"), pl.col("value_now").alias("now"))
        .cast(REVISION_SCHEMA)
    )
