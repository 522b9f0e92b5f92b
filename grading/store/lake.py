"""The lake: a store's event log and derived tables as Parquet any engine reads (``nivaran export``).

Layout of a lake folder (Hive-style partitions; docs/scale.md)::

    manifest.json                                   each helpline's name, zone, scheme, horizon, tables
    <table>/helpline=<slug>/month=YYYY-MM/part-0.parquet   events, complaints, stints, feedback_events,
                                                    transfers, monthly_metrics
    <table>/helpline=<slug>/part-0.parquet          departments, districts, categories, holidays
    _helplines/<slug>.json                          the export's own record (partition digests)
    _helplines/<slug>.scheme.toml                   the helpline's scheme file, as it grades

A month partition holds the rows whose **month key** falls in that calendar month of the helpline's
zone (times are the store's wall clock): ``events``, ``feedback_events`` and ``transfers`` by their
event time, ``complaints`` by registration, ``stints`` by start, ``monthly_metrics`` by its month.
Partition columns (``helpline``, ``month``) are in the path only, as Hive readers expect; a file never
repeats them (``monthly_metrics``' own ``month`` is the path's month, its first day).

**Incremental.** Each export computes, per table and month, the row count and the sum of the rows'
hashes (one grouped DuckDB scan per table) and writes only the partitions whose digest differs from the
one the last export recorded; partitions gone from the store are removed. A store whose version
(``meta.generation``) is the one last exported writes nothing without scanning. Each file is written
beside its place and renamed over it, so a reader sees a partition's old or new file, never half of one.
Rows are written sorted (``order by all``), so an incremental lake equals a full export byte for byte.

**Privacy.** The lake holds what the store holds, less: no free-text ``note``, no ``quarantine`` (rejected
raw values), no accounts or pseudonym key (those live in the access file, never read here). Complainants
stay the store's keyed pseudonyms (:mod:`grading.rules.privacy`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl

from grading.model.schema import NivaranError
from grading.rules.asof import add_months
from grading.scoring import schemes
from grading.store import database, helpline, month_reads
from grading.store.sqltext import sql

#: Tables written by month, and the column whose calendar month places a row.
MONTH_KEYS: Final[dict[str, str]] = {
    "events": "event_time",
    "complaints": "registered_at",
    "stints": "started_at",
    "feedback_events": "event_time",
    "transfers": "event_time",
    "monthly_metrics": "month",
}
#: Small tables written whole, one file per helpline.
WHOLE: Final = ("departments", "districts", "categories", "holidays")
#: Columns never written to a lake: free text may hold what masking missed.
#: ``monthly_metrics``' own ``month`` is the partition's (a Hive reader refuses a file column named as
#: a partition column); a reader restores it from the path as the month's first day.
LEFT_OUT: Final[dict[str, tuple[str, ...]]] = {"events": ("note",), "monthly_metrics": ("month",)}
MANIFEST: Final = "manifest.json"
ENTRIES: Final = "_helplines"
FILE: Final = "part-0.parquet"
LOCK: Final = ".lock"
LAKE_FORMAT: Final = "nivaran-lake/1"
_SLUG: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class LakeError(NivaranError):
    """A lake folder or an export's options are wrong (one sentence naming the folder or option)."""


@dataclass
class ExportReport:
    """What one export did: partitions written and removed (``<table>/<month>`` or ``<table>``), and
    how many were left as they were."""

    helpline: str
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    scanned: bool = True

    def summary(self) -> str:
        if not self.written and not self.removed:
            why = "the store is the version last exported" if not self.scanned else "no partition changed"
            return f"{self.helpline}: nothing to write ({why}; {self.unchanged} partitions kept)"
        return (
            f"{self.helpline}: {len(self.written)} partitions written, {len(self.removed)} removed, "
            f"{self.unchanged} kept"
        )


def slug_for(name: str) -> str:
    """A helpline's default lake name from its display name: lower case, runs of other characters as ``-``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63]
    return slug or "helpline"


def check_slug(slug: str) -> str:
    """``slug`` when it can name a partition (``[a-z0-9][a-z0-9-]*``, at most 63), else :class:`LakeError`."""
    if not _SLUG.match(slug):
        msg = f"--helpline: {slug!r} cannot name a lake partition (lower-case letters, digits and '-', at most 63)"
        raise LakeError(msg)
    return slug


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """A table's columns and DuckDB types in order, less :data:`LEFT_OUT`; empty when the table is absent."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return {name: kind for name, kind in rows if name not in LEFT_OUT.get(table, ())}


def _digests(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...]) -> dict[str, str]:
    """``<table>/<YYYY-MM>`` (or ``<table>`` for a whole table) → row count and hash sum of its rows."""
    key = MONTH_KEYS.get(table)
    if key is None:
        query = sql("select count(*), sum(hash({c})::hugeint)::varchar from {t}", c=columns, t=table)
        n, total = con.sql(query).fetchall()[0]
        return {table: f"{n}:{total}"} if n else {}
    query = sql(
        """
        select strftime(date_trunc('month', {k}), '%Y-%m') as month, count(*), sum(hash({c})::hugeint)::varchar
        from {t}
        group by all
        """,
        k=key,
        c=columns,
        t=table,
    )
    return {f"{table}/{month}": f"{n}:{total}" for month, n, total in con.sql(query).fetchall()}


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], month: str | None) -> pl.DataFrame:
    """One partition's rows, sorted on every column (a partition's file depends on its rows only)."""
    if month is None:
        return database.as_frame(con.sql(sql("select {c} from {t} order by all", c=columns, t=table)))
    start = date(int(month[:4]), int(month[5:7]), 1)
    query = sql(
        "select {c} from {t} where {k} >= $start and {k} < $end order by all",
        c=columns,
        t=table,
        k=MONTH_KEYS[table],
    )
    return database.as_frame(con.sql(query, params={"start": start, "end": add_months(start, 1)}))


def partition_path(lake: Path, slug: str, partition: str) -> Path:
    """The file of ``<table>/<YYYY-MM>`` (or ``<table>``) for helpline ``slug`` in ``lake``."""
    table, _, month = partition.partition("/")
    folder = lake / table / f"helpline={slug}"
    return (folder / f"month={month}" if month else folder) / FILE


def _write(frame: pl.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    frame.write_parquet(partial, compression="zstd", statistics=True)
    os.replace(partial, target)  # a reader sees the old file or the new one


def _remove(target: Path, lake: Path) -> None:
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != lake and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


@contextlib.contextmanager
def _locked(lake: Path) -> Iterator[None]:
    """One export at a time per lake (several helplines may export into one lake)."""
    lake.mkdir(parents=True, exist_ok=True)
    with (lake / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"{path}: not a readable lake record ({exc})"
        raise LakeError(msg) from None
    if not isinstance(loaded, dict):
        msg = f"{path}: not a lake record (expected a JSON object)"
        raise LakeError(msg)
    return loaded


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def export(db: Path, lake: Path, slug: str | None = None) -> ExportReport:
    """Write the store at ``db`` into ``lake`` as helpline ``slug`` (default: :func:`slug_for` its name),
    changing only the partitions whose rows changed since the last export (see the module docstring).

    Returns an :class:`ExportReport`. The store is opened read-only (a load may run meanwhile: the
    export reads one consistent version). A folder that holds files but no lake is refused.
    """
    if lake.exists() and not lake.is_dir():
        msg = f"--out {lake}: is a file, not a folder"
        raise LakeError(msg)
    # The lock file is the first thing an export writes: a lake whose first export was cut short is still one.
    ours = any((lake / name).exists() for name in (MANIFEST, ENTRIES, LOCK))
    if lake.is_dir() and any(lake.iterdir()) and not ours:
        msg = f"--out {lake}: the folder holds other files and no {MANIFEST}; give an empty folder or a lake"
        raise LakeError(msg)
    con = database.connect_readonly(db)
    try:
        settings = helpline.read(con)
        slug = check_slug(slug or slug_for(settings.name))
        with _locked(lake):
            return _export(con, settings, lake, slug)
    finally:
        con.close()


def _export(con: duckdb.DuckDBPyConnection, settings: helpline.Helpline, lake: Path, slug: str) -> ExportReport:
    entry_path = lake / ENTRIES / f"{slug}.json"
    old = _read_json(entry_path) if entry_path.exists() else {}
    generation = database.get_meta(con, "generation")
    old_parts: dict[str, str] = old.get("partitions", {})
    report = ExportReport(slug)
    present = all(partition_path(lake, slug, p).exists() for p in old_parts)
    if generation is not None and old.get("generation") == generation and present:
        report.scanned, report.unchanged = False, len(old_parts)
        return report
    tables: dict[str, dict[str, Any]] = {}
    digests: dict[str, str] = {}
    for table in (*MONTH_KEYS, *WHOLE):
        columns = _columns(con, table)
        if not columns:  # monthly_metrics before the first refresh
            continue
        tables[table] = {"month_key": MONTH_KEYS.get(table), "columns": columns}
        names = tuple(columns)
        found = _digests(con, table, names)
        for partition, digest in sorted(found.items()):
            target = partition_path(lake, slug, partition)
            if old_parts.get(partition) == digest and target.exists():
                report.unchanged += 1
                continue
            _write(_rows(con, table, names, partition.partition("/")[2] or None), target)
            report.written.append(partition)
        digests.update(found)
    for partition in sorted(set(old_parts) - set(digests)):
        _remove(partition_path(lake, slug, partition), lake)
        report.removed.append(partition)
    bounds = month_reads.month_bounds(con)
    until = database.data_until(con)
    scheme = schemes.load(settings.scheme)
    scheme_file = lake / ENTRIES / f"{slug}.scheme.toml"
    scheme_text = scheme.path.read_text(encoding="utf-8")
    if not scheme_file.exists() or scheme_file.read_text(encoding="utf-8") != scheme_text:
        scheme_file.parent.mkdir(parents=True, exist_ok=True)
        scheme_file.write_text(scheme_text, encoding="utf-8")
    entry = {
        "helpline": slug,
        "name": settings.name,
        "timezone": settings.timezone,
        "scheme": scheme.name,
        "scheme_file": f"{ENTRIES}/{slug}.scheme.toml",
        "reference": settings.reference,
        "schema_version": database.get_meta(con, "schema_version"),
        "first_month": f"{bounds[0]:%Y-%m}" if bounds else None,
        "last_month": f"{bounds[1]:%Y-%m}" if bounds else None,
        "data_until": until.isoformat() if until else None,
        "tables": tables,
        "generation": generation,
        "partitions": digests,
    }
    if report.written or report.removed or {k: v for k, v in old.items() if k != "exported_at"} != entry:
        entry["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        _write_json(entry_path, entry)
        _write_manifest(lake)
    return report


def _write_manifest(lake: Path) -> None:
    """``manifest.json``: every helpline's entry without its bookkeeping (digests, generation)."""
    helplines = {}
    for path in sorted((lake / ENTRIES).glob("*.json")):
        entry = _read_json(path)
        helplines[entry["helpline"]] = {k: v for k, v in entry.items() if k not in ("partitions", "generation")}
    _write_json(lake / MANIFEST, {"format": LAKE_FORMAT, "helplines": helplines})


def read_manifest(lake: Path) -> dict[str, dict[str, Any]]:
    """The lake's helplines by slug (their entries in ``manifest.json``); :class:`LakeError` when ``lake``
    holds no lake."""
    path = lake / MANIFEST
    if not path.exists():
        msg = f"{lake}: no {MANIFEST} (not a lake; write one with `nivaran export --db DB --out {lake}`)"
        raise LakeError(msg)
    manifest = _read_json(path)
    if manifest.get("format") != LAKE_FORMAT or not isinstance(manifest.get("helplines"), dict):
        msg = f"{path}: not a Nivaran lake manifest (format {manifest.get('format')!r}, expected {LAKE_FORMAT!r})"
        raise LakeError(msg)
    helplines: dict[str, dict[str, Any]] = manifest["helplines"]
    return helplines


def read_record(lake: Path, slug: str) -> dict[str, str]:
    """The partitions (``<table>/<YYYY-MM>`` or ``<table>``) the last export of ``slug`` wrote into
    ``lake``, each with its digest: a table absent from it has no file in the lake."""
    partitions: dict[str, str] = _read_json(lake / ENTRIES / f"{slug}.json").get("partitions", {})
    return partitions


def local_copy(url: str, into: Path, tables: tuple[str, ...] = ()) -> Path:
    """What this process reads of the lake at ``url`` (an object store or ``file://`` URL, read with
    pyarrow's file systems and the environment's credentials) copied into the folder ``into``: the
    manifest, the helplines' records and scheme files, and the files of the small ``tables`` (reference
    tables, one file per helpline). The month partitions stay where they are. Returns ``into``.

    Raises :class:`LakeError` (one sentence) when the URL cannot be opened or holds no lake."""
    from pyarrow import fs

    try:
        store, base = fs.FileSystem.from_uri(url)
        wanted = [MANIFEST]
        listed = store.get_file_info(fs.FileSelector(f"{base}/{ENTRIES}", allow_not_found=True))
        wanted += [f"{ENTRIES}/{info.base_name}" for info in listed if info.is_file]
        for table in tables:
            found = store.get_file_info(fs.FileSelector(f"{base}/{table}", recursive=True, allow_not_found=True))
            wanted += [info.path.removeprefix(f"{base}/") for info in found if info.base_name == FILE]
        for name in wanted:
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with store.open_input_stream(f"{base}/{name}") as source:
                target.write_bytes(source.read())
    except (OSError, ValueError) as error:  # an unknown scheme, an unreachable store, no credentials, no file
        msg = f"{url}: the lake cannot be read from here ({str(error).splitlines()[0]})"
        raise LakeError(msg) from None
    return into
