"""Import the canonical event log (``docs/reference.md`` section 1) from CSV, JSON Lines, Parquet or Excel.

Check everything, then write once: every row of every file is checked and each problem is reported
with file, line, field and value. Bad rows go to the ``quarantine`` table with their reason (or, with
``strict``, the whole load is refused); good rows land in one atomic swap of the database file
(:func:`grading.store.database.writing`), followed by a refresh of the derived and monthly tables from the
first month the new events touch.

Complainant identifiers are stored as keyed pseudonyms (:func:`grading.rules.privacy.pseudonymise`) and
notes with phone numbers, e-mail addresses and names masked (:func:`grading.rules.privacy.mask_personal`),
so personal data in an export never reach the store.

Loading is idempotent: an event already stored (same complaint, time and type) is counted as a
duplicate and not loaded again, and a file whose content hash was loaded before is skipped.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from grading.access import accounts
from grading.intake.convert import absent_fields, to_events
from grading.intake.limits import MAX_LINE_BYTES, check_line_lengths
from grading.intake.mapping import Mapping
from grading.intake.reports import FileReport, IngestReport
from grading.intake.sources import (
    IngestError,
    content_hash,
    describe,
    estimate_rows,
    normalise,
    read_batches,
    read_file,
)
from grading.model.schema import EVENT_SCHEMA
from grading.monthly import refresh
from grading.rules import asof, privacy, snapshots, timeparse
from grading.rules import repeats as repeats_rules
from grading.rules.derive import derive
from grading.rules.lifecycle import lifecycle_problems
from grading.rules.repeats import split_repeats
from grading.rules.rowcheck import check_rows
from grading.scoring import schemes
from grading.store import database, derived_rows, helpline, writes

if TYPE_CHECKING:
    import duckdb

#: Rows read and checked at a time; memory use of a load grows with this, not with the file.
BATCH_ROWS: Final = 1_000_000
#: Checked rows checked against their complaints' histories at a time (a complaint is never split).
CHUNK_ROWS: Final = 2_000_000
#: DuckDB's memory during a load; rows held past ``CHUNK_ROWS`` spill to disk beyond it.
DUCKDB_GIB: Final = 1.5
_KEY: Final = ["complaint_id", "event_time", "event"]


@dataclass
class _Load:
    """One load in progress: the open private copy and what has been done so far."""

    con: duckdb.DuckDBPyConnection
    strict: bool
    pseudonym_key: bytes
    batch_rows: int
    chunk_rows: int
    progress: refresh.Progress | None
    #: Where the write began: which events and keys are its own (:func:`grading.store.database.histories`).
    start: database.WriteStart
    settings: helpline.Helpline = field(default_factory=helpline.Helpline)
    #: The sheet of an Excel workbook to read (``--sheet``); None: the first.
    sheet: str | None = None
    new_codes: dict[str, list[str]] = field(
        default_factory=lambda: {"departments": [], "districts": [], "categories": []}
    )
    #: ``complaint_id`` → ``complaint_key`` of the complaints each chunk added events to.
    touched: list[pl.DataFrame] = field(default_factory=list)
    #: The whole history (stored + new events) of the first chunk's complaints, and how many chunks
    #: were loaded: when there was one (a daily file), the derive step need not read the events again.
    history: pl.DataFrame | None = None
    chunks: int = 0
    earliest: datetime | None = None
    latest: datetime | None = None
    refused: list[str] = field(default_factory=list)

    @functools.cached_property
    def default_limit_days(self) -> int:
        """The time limit of a complaint whose category the reference lacks: the store's scheme's."""
        return schemes.load(self.settings.scheme).default_limit_days

    def span(self, fresh: pl.DataFrame) -> None:
        """Widen the load's earliest and latest new event time to cover ``fresh``."""
        if fresh.height:
            first: datetime = fresh["event_time"].min()  # type: ignore[assignment]
            last: datetime = fresh["event_time"].max()  # type: ignore[assignment]
            self.earliest = first if self.earliest is None else min(self.earliest, first)
            self.latest = last if self.latest is None else max(self.latest, last)

    def tick(self, phase: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(phase, done, total)


def _check_batches(load: _Load, path: Path, staging: writes.Staging) -> tuple[int, list[pl.DataFrame]]:
    """Read and row-check a canonical file batch by batch, holding the good rows in ``staging``."""
    rows, problems = 0, []
    phase, total = f"checking {path.name}", estimate_rows(path)
    for batch in read_batches(path, load.batch_rows, load.sheet):
        good, bad = check_rows(
            normalise(batch, str(path), first_row=rows + 1), load.settings.timezone, load.settings.window()
        )
        rows += batch.height
        staging.add(good)
        problems.append(bad)
        load.tick(phase, min(rows, total), total)
    return rows, problems


def _convert_snapshot(  # noqa: PLR0917 - the load's parts, named
    load: _Load, path: Path, mapping: Mapping, digest: str, report: FileReport, staging: writes.Staging
) -> list[pl.DataFrame]:
    """Read a per-request export whole and stage its events (:func:`grading.intake.convert.to_events`);
    return its problems. The report gets the rows read and the optional columns the file lacks."""
    raw = read_file(path, load.sheet)
    good, bad = to_events(
        raw,
        mapping,
        digest[:12],
        load.settings.timezone,
        load.settings.window(),
        default_limit_days=load.default_limit_days,
    )
    report.rows_read = raw.height
    report.absent = absent_fields(raw, mapping)
    staging.add(good)
    return [bad]


def _load_file(load: _Load, path: Path, mapping: Mapping | None, digest: str) -> FileReport:
    """Check one file (content hash ``digest``, :func:`grading.intake.sources.content_hash`) and write its
    good rows into the open private copy (see :func:`ingest`)."""
    report = FileReport(str(path))
    key = _logged_as(digest, mapping)
    if writes.already_loaded(load.con, key):
        report.already_loaded = True
        return report
    staging = writes.Staging(load.con, "complaint_id", load.chunk_rows)
    try:
        if mapping is None:
            report.rows_read, found = _check_batches(load, path, staging)
        else:
            found = _convert_snapshot(load, path, mapping, digest, report, staging)
        ingest_id = writes.next_ingest_id(load.con)
        # Keys for the whole file at once: numbered in id order however the file is cut into chunks.
        file_keys = derived_rows.assign_keys(load.con, staging.distinct("complaint_id"))
        for staged in staging.chunks():
            keys = (  # held in memory, the file is one chunk: its complaints are the file's
                file_keys
                if not staging.spilled
                else file_keys.join(staged.select("complaint_id").unique(), on="complaint_id", how="semi")
            )
            stored = database.histories(load.con, keys, load.start)
            new = staged
            if mapping is not None:  # a newer snapshot's changes become events (grading.rules.snapshots)
                new, replaced = snapshots.changes(staged, stored)
                if replaced.height:
                    writes.delete_events(load.con, replaced)
                    stored = stored.join(replaced, on=_KEY, how="anti")
            fresh, conflicts, repeats = split_repeats(
                new, stored, repeats_rules.SNAPSHOT_COMPARED if mapping is not None else repeats_rules.COMPARED
            )
            report.rows_duplicate += repeats
            found.append(conflicts)
            if mapping is not None:  # the same requests under two keys (an export with ids, one without)?
                report.look_alikes += writes.look_alikes(load.con, fresh.filter(pl.col("event") == "registered"))
            broken = lifecycle_problems(fresh, stored, new_sorted=True)
            found.append(broken)
            if broken.height:  # a snapshot row becomes several events: one bad event drops its row
                fresh = fresh.join(broken.select("row_number").unique(), on="row_number", how="anti")
            report.rows_loaded += fresh.height
            for table, column in (("departments", "department"), ("districts", "district"), ("categories", "category")):
                load.new_codes[table] += writes.register_codes(
                    load.con, table, fresh[column].drop_nulls().unique().to_list(), load.default_limit_days
                )
            private = fresh.drop("row_number").with_columns(
                complainant=privacy.pseudonymise(fresh["complainant"], load.pseudonym_key),
                note=privacy.mask_each(fresh["note"]),
            )
            writes.append_events(load.con, private, ingest_id, keys)
            load.touched.append(keys.join(fresh.select("complaint_id").unique(), on="complaint_id", how="semi"))
            load.chunks += 1
            load.history = pl.concat([stored, private.cast(EVENT_SCHEMA)]) if load.chunks == 1 else None
            load.span(fresh)
    finally:
        staging.close()
    for column, names in (mapping.names if mapping else {}).items():  # display names from the mapping
        writes.name_codes(load.con, f"{column}s" if column != "category" else "categories", names)
    problems = pl.concat(found).sort("row_number", "field")
    report.problems = problems
    report.rows_quarantined = problems["row_number"].n_unique()
    if load.strict and problems.height:
        load.refused.append(describe(problems, str(path), sheet=load.sheet))
    writes.quarantine(load.con, problems, ingest_id, str(path))
    writes.log_ingest(
        load.con,
        {
            "ingest_id": ingest_id,
            "source": str(path),
            "sha256": key,
            "kind": "events" if mapping is None else f"snapshot:{mapping.path.name}",
            "finished_at": datetime.now(),
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rows_duplicate": report.rows_duplicate,
            "rows_quarantined": report.rows_quarantined,
            "new_codes": None,
        },
    )
    return report


#: Complaints derived at a time after a load.
DERIVE_COMPLAINTS: Final = 500_000


def _derive_touched(load: _Load) -> None:
    """Rebuild the derived rows of every complaint the load touched, a slice of complaints at a time,
    and recount the complainant-months of the complaints it added only."""
    if not load.touched:
        return
    touched = pl.concat(load.touched).unique("complaint_id").sort("complaint_id")
    categories = database.read_table(load.con, "categories")
    stored_keys = load.start.last_key  # no complaint is derived in a load before this step
    added = []
    for start in range(0, touched.height, DERIVE_COMPLAINTS):
        keys = touched.slice(start, DERIVE_COMPLAINTS)
        # One chunk holds every new event of its complaints and was read with their stored events.
        events = (
            load.history.filter(pl.col("complaint_id").is_in(keys["complaint_id"].implode()))
            if load.history is not None and load.chunks == 1
            else database.histories(load.con, keys, load.start)
        )
        derived_rows.replace_derived(
            load.con, derive(events, categories, keys, default_limit_days=load.default_limit_days), keys
        )
        added.append(keys.select("complaint_key").filter(pl.col("complaint_key") > stored_keys))
        load.tick("deriving", min(start + DERIVE_COMPLAINTS, touched.height), touched.height)
    # Into a store without complaints, in one slice: derive counted every complaint of each
    # complainant-month already (it counts within the complaints it is given: here all of them).
    if added and (stored_keys > 0 or touched.height > DERIVE_COMPLAINTS):
        derived_rows.refresh_complainant_counts(load.con, pl.concat(added))


def _export_time(text: str | None, mapping: Mapping | None, settings: helpline.Helpline) -> datetime | None:
    """The load's export time as store wall clock (``--exported-at``, else the mapping's), checked
    against the store's plausible window; None when neither is given."""
    if text is None:
        return mapping.export_time(settings.timezone) if mapping else None
    zone = mapping.timezone if mapping else settings.timezone  # a value without an offset: the source's zone
    formats = mapping.datetime_formats if mapping else ()
    when = timeparse.read_one(text, formats=formats, zone=zone, store_zone=settings.timezone, where="--exported-at")
    low, high = settings.window()
    if not low <= when < high:
        msg = f"--exported-at: {text!r} is {timeparse.window_reason((low, high))}"
        raise IngestError(msg)
    return when


def refuse_missing_store(db: Path) -> None:
    """Stop, before anything is written, when ``db`` holds no store: a load never makes a store with
    another helpline's settings (zone, reference data, scheme); ``nivaran init`` makes one."""
    if database.missing_version(db) is None and database.file_stamp(db) is None:
        msg = (
            f"{db}: no store here; create it first with `nivaran init --db {db} --timezone ZONE --name NAME` "
            "(its time zone, reference data and scheme), then load"
        )
        raise IngestError(msg)


def _logged_as(digest: str, mapping: Mapping | None) -> str:
    """The key a file with content hash ``digest`` is logged under in ``ingest_log``. A snapshot is keyed
    by its content and its mapping's: after a mapping is fixed the file loads again."""
    return digest if mapping is None else f"{digest}:{mapping.digest[:16]}"


def _nothing_new(
    db: Path, files: list[Path], digests: dict[Path, str], mapping: Mapping | None, exported_at: str | None
) -> IngestReport | None:
    """The report of a load that would change nothing, found read-only: every file's content (``digests``:
    path → :func:`grading.intake.sources.content_hash`) is in the ingest log and no export time later than
    the stored one is declared. None when the load must write.

    Such a load opens no write: no writer lock, no new version, no swap (a new version would cost a
    replay or a copy, and make every reader reopen the store for the same data)."""
    try:
        con = database.connect_readonly(db)
    except database.StoreError:  # an older schema version (the write migrates it), or a refusal the write says
        return None
    with contextlib.closing(con):
        if not all(writes.already_loaded(con, _logged_as(digests[path], mapping)) for path in files):
            return None
        until = _export_time(exported_at, mapping, helpline.read(con))
        recorded = database.get_meta(con, database.EXPORTED_AT_KEY)
        if until is not None and (recorded is None or datetime.fromisoformat(recorded) < until):
            return None  # the horizon moves: the month it falls in is judged again
        stale = database.superseded(con)
    codes: dict[str, list[str]] = {"departments": [], "districts": [], "categories": []}
    return IngestReport([FileReport(str(p), already_loaded=True) for p in files], codes, [], stale)


def ingest(
    db: Path,
    files: list[Path],
    *,
    strict: bool = False,
    mapping: Mapping | None = None,
    progress: refresh.Progress | None = None,
    batch_rows: int = BATCH_ROWS,
    chunk_rows: int = CHUNK_ROWS,
    max_line_bytes: int = MAX_LINE_BYTES,
    exported_at: str | None = None,
    sheet: str | None = None,
) -> IngestReport:
    """Check and load files into the store at ``db`` (see the module docstring).

    Without ``mapping`` the files are canonical event logs, streamed ``batch_rows`` rows at a time;
    with one, per-complaint snapshot exports converted by :func:`grading.intake.convert.to_events`. Checked
    rows are held (in memory, then on disk past ``chunk_rows``) until the whole file is read, so a
    complaint's events may come in any order anywhere in the file. A CSV or JSON Lines file with a
    line longer than ``max_line_bytes`` is refused before anything is written.

    ``exported_at`` (else the mapping's ``[source].exported_at``) is the files' export time, the
    snapshot's cut-off: the store keeps the newest one, and the month it falls in is judged as of it
    (:func:`grading.store.database.data_until`), so requests still open in a short extract are not counted
    overdue at a month end the data never reached.

    ``sheet`` names the sheet read from Excel workbooks (``.xlsx``; default: the first sheet).
    """
    refuse_missing_store(db)
    for path in files:  # before anything is written (grading.intake.limits)
        check_line_lengths(path, max_line_bytes)
    digests = {path: content_hash(path, sheet) for path in files}  # each file read once for its hash
    unchanged = _nothing_new(db, files, digests, mapping, exported_at)
    if unchanged is not None:  # every file loaded before: nothing is written, not even a new version
        return unchanged
    reports: list[FileReport] = []
    stale: dict[str, float] = {}  # read from the committed version: the write's own rows count
    with database.writing(db, committed=lambda committed: stale.update(database.superseded(committed))) as con:
        database.limit_memory(con, DUCKDB_GIB)
        settings = helpline.ensure(con)  # a store made before `init` existed: the defaults it always had
        until = _export_time(exported_at, mapping, settings)
        horizon = database.data_until(con)  # the horizon the stored months were judged as of
        key = accounts.Accounts(db).pseudonym_key()
        start = database.write_start(con)
        load = _Load(con, strict, key, batch_rows, chunk_rows, progress, start, settings, sheet=sheet)
        for i, path in enumerate(files, start=1):
            reports.append(_load_file(load, path, mapping, digests[path]))
            load.tick("loading files", i, len(files))
        if load.refused:
            msg = "--strict: nothing loaded, bad rows found:\n" + "\n".join(load.refused)
            raise IngestError(msg)
        _derive_touched(load)
        if until is not None:
            database.record_export(con, until)
        if until is not None or (horizon is not None and load.earliest is not None):
            # The month the old horizon fell in was judged as of it: it is judged again.
            mark = min(t for t in (horizon, until) if t is not None)
            load.earliest = mark if load.earliest is None else min(load.earliest, mark)
        refreshed = []
        if load.earliest is not None:  # months before the earliest new event cannot change
            # the month of the latest new event, when the load added events (else the store's last month)
            latest = asof.month_of(load.latest) if load.latest is not None else None
            refreshed = refresh.refresh_monthly(
                con, since=asof.month_of(load.earliest), until=latest, progress=progress
            )
    return IngestReport(reports, {k: sorted(set(v)) for k, v in load.new_codes.items()}, refreshed, stale)
