"""Import the canonical event log (domain.md section 2) from CSV or Parquet.

Check everything, then write once: every row of every file is checked and each problem is reported
with file, line, field and value. Bad rows go to the ``quarantine`` table with their reason (or, with
``strict``, the whole load is refused); good rows land in one atomic swap of the database file
(:func:`grading.store.writing`), followed by a refresh of the derived and monthly tables from the
first month the new events touch.

Loading is idempotent: an event already stored (same complaint, time and type) is counted as a
duplicate and not loaded again, and a file whose content hash was loaded before is skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from grading import pipeline, store
from grading.derive import derive
from grading.mapping import Mapping, to_events
from grading.problems import PROBLEM_SCHEMA, Rule, find
from grading.schema import (
    ALWAYS_REQUIRED,
    CHANNELS,
    CLOSE_OUTCOMES,
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    EVENTS,
    FEEDBACK_OUTCOMES,
    LEVELS,
    REQUIRED_BY_EVENT,
    NivaranError,
    level_number,
)

if TYPE_CHECKING:
    import duckdb

_ISO = (
    r"^(?<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?))?"
    r"\s*(?<offset>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
IST_MINUTES: Final = 330
SHOWN_PROBLEMS: Final = 20


class IngestError(NivaranError):
    """A file cannot be read, or (``strict``) has bad rows: nothing was written."""


@dataclass
class FileReport:
    """What happened to one file."""

    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    already_loaded: bool = False
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))


@dataclass
class IngestReport:
    """What a load did, file by file, and the codes it registered."""

    files: list[FileReport]
    new_codes: dict[str, list[str]]
    refreshed_months: list[date]

    def summary(self) -> str:
        """Plain-text summary for the CLI."""
        lines = []
        for f in self.files:
            if f.already_loaded:
                lines.append(f"{f.source}: already loaded (same content), skipped")
                continue
            lines.append(
                f"{f.source}: {f.rows_read:,} rows read, {f.rows_loaded:,} events loaded, "
                f"{f.rows_duplicate:,} events already stored, {f.rows_quarantined:,} rows quarantined"
            )
            if f.problems.height:
                by_reason = f.problems.group_by("field", "reason").len().sort("len", descending=True)
                lines.extend(f"  quarantined {n:,}: {fld}: {why}" for fld, why, n in by_reason.iter_rows())
        for kind, codes in self.new_codes.items():
            if codes:
                lines.append(f"new {kind} registered (name = code): {', '.join(codes)}")
        if self.refreshed_months:
            lines.append(
                f"monthly results refreshed: {self.refreshed_months[0]:%Y-%m} to {self.refreshed_months[-1]:%Y-%m}"
            )
        return "\n".join(lines)


def parse_times(text: pl.Expr) -> pl.Expr:
    """ISO-8601 text to Asia/Kolkata wall-clock ``Datetime('us')``; null when it cannot be parsed.

    Accepts a date, a date and time (``T`` or space, optional seconds and fraction) and an optional
    offset (``Z``, ``+05:30``, ``+0530``, ``-04``). Without an offset the time already means
    Asia/Kolkata; with one it is converted.
    """
    parts = text.str.strip_chars().str.extract_groups(_ISO)
    clock = parts.struct.field("time").fill_null("00:00")
    clock = pl.when(clock.str.len_chars() == 5).then(clock + ":00").otherwise(clock).str.replace(",", ".")
    local = (parts.struct.field("date") + " " + clock).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False
    )
    offset = parts.struct.field("offset")
    digits = offset.str.replace_all(":", "")
    sign = pl.when(digits.str.head(1) == "-").then(-1).otherwise(1)
    minutes = (
        pl.when(offset == "Z")
        .then(0)
        .when(offset.is_not_null())
        .then(
            sign
            * (
                digits.str.slice(1, 2).cast(pl.Int32, strict=False) * 60
                + digits.str.slice(3, 2).cast(pl.Int32, strict=False).fill_null(0)
            )
        )
    )
    shift = pl.duration(minutes=IST_MINUTES - minutes)
    return pl.when(minutes.is_null()).then(local).otherwise(local + shift)


def _normalise(raw: pl.DataFrame, source: str) -> pl.DataFrame:
    """Lower-case headers, add absent optional columns, strip text, turn empty cells into nulls."""
    renamed = raw.rename({c: c.strip().lower() for c in raw.columns})
    missing = [c for c in ALWAYS_REQUIRED if c not in renamed.columns]
    if missing:
        msg = f"{source}: missing column(s) {missing}; the canonical log needs {list(ALWAYS_REQUIRED)}"
        raise IngestError(msg)
    frame = renamed.select(
        [
            (pl.col(c).cast(pl.String).str.strip_chars() if c in renamed.columns else pl.lit(None, pl.String)).alias(c)
            for c in EVENT_COLUMNS
        ]
    )
    return (
        frame.with_columns(pl.when(pl.all().str.len_chars() > 0).then(pl.all()).name.keep())
        .with_row_index("row_number", offset=1)
        .with_columns(pl.col("row_number").cast(pl.Int64))
    )


FAST_ISO: Final = "%Y-%m-%dT%H:%M:%S%.f"


def parse_event_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``parsed_time`` from ``event_time`` (see :func:`parse_times`).

    The common shape (``2024-08-01T10:30:00[.ffffff]``, no offset) is parsed directly; only rows it
    does not fit go through the general ISO-8601 parser.
    """
    fast = frame.with_columns(parsed_time=pl.col("event_time").str.to_datetime(FAST_ISO, time_unit="us", strict=False))
    missed = pl.col("parsed_time").is_null() & pl.col("event_time").is_not_null()
    slow = fast.filter(missed)
    if slow.is_empty():
        return fast
    slow = slow.with_columns(parsed_time=parse_times(pl.col("event_time")))
    return pl.concat([fast.filter(~missed), slow]).sort("row_number")


def check_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check every row of a normalised frame; return ``(good events, problems)``.

    ``good`` has ``EVENT_SCHEMA`` plus ``row_number``; ``problems`` has ``PROBLEM_SCHEMA``, one row per
    (row, field) problem, so a row with two bad fields is reported twice and quarantined once.
    """
    times = parse_event_times(frame)
    event = pl.col("event").str.to_lowercase()

    def not_in(column: str, allowed: tuple[str, ...], case: pl.Expr) -> pl.Expr:
        return pl.col(column).is_not_null() & ~case.is_in(allowed)

    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("complaint_id").is_null(), "required on every row"),
        ("event_time", "event_time", pl.col("event_time").is_null(), "required on every row"),
        (
            "event_time",
            "event_time",
            pl.col("event_time").is_not_null() & pl.col("parsed_time").is_null(),
            "not an ISO-8601 time (e.g. 2024-08-01T10:30:00+05:30)",
        ),
        ("event", "event", pl.col("event").is_null(), "required on every row"),
        ("event", "event", not_in("event", EVENTS, event), f"unknown event; expected one of {', '.join(EVENTS)}"),
        ("level", "level", not_in("level", LEVELS, pl.col("level").str.to_uppercase()), "expected L1..L5"),
        (
            "limit_days",
            "limit_days",
            pl.col("limit_days").is_not_null()
            & ~pl.col("limit_days").cast(pl.Int32, strict=False).is_between(1, 3650).fill_null(False),
            "a whole number of days from 1 to 3650",
        ),
        (
            "channel",
            "channel",
            not_in("channel", CHANNELS, pl.col("channel").str.to_lowercase()),
            f"expected one of {', '.join(CHANNELS)}",
        ),
        (
            "outcome",
            "outcome",
            (event == "feedback") & not_in("outcome", FEEDBACK_OUTCOMES, pl.col("outcome").str.to_lowercase()),
            f"a feedback outcome is one of {', '.join(FEEDBACK_OUTCOMES)}",
        ),
        (
            "outcome",
            "outcome",
            (event == "closed") & not_in("outcome", CLOSE_OUTCOMES, pl.col("outcome").str.to_lowercase()),
            f"a closed outcome is one of {', '.join(CLOSE_OUTCOMES)}",
        ),
    ]
    for name, required in REQUIRED_BY_EVENT.items():
        rules.extend(
            (column, column, (event == name) & pl.col(column).is_null(), f"required for '{name}' events")
            for column in required
        )
    problems = find(times, rules)
    good = (
        times.join(problems.select("row_number").unique(), on="row_number", how="anti")
        .with_columns(
            event_time=pl.col("parsed_time"),
            event=event,
            level=pl.col("level").str.to_uppercase(),
            channel=pl.col("channel").str.to_lowercase(),
            outcome=pl.col("outcome").str.to_lowercase(),
        )
        .select("row_number", *EVENT_COLUMNS)
        .cast(EVENT_SCHEMA)
    )
    return good, problems


def lifecycle_problems(new: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """Check each new event against its complaint's whole history (stored events plus new ones).

    ``new`` has ``EVENT_SCHEMA`` plus ``row_number``; ``stored`` has ``EVENT_SCHEMA`` (the stored events
    of the same complaints). Only new rows are reported (``PROBLEM_SCHEMA``). Rules, in lifecycle order
    (ties in time broken by :data:`grading.schema.EVENTS`):

    - a complaint has exactly one ``registered`` event and nothing comes before it;
    - ``closed`` is the last event: events after the first closure are rejected, and so is a new
      ``closed`` with a stored event after it;
    - ``escalated`` moves exactly one level up from the level the complaint is at.
    """
    history = pl.concat([stored.with_columns(row_number=pl.lit(None, pl.Int64)), new], how="diagonal_relaxed").sort(
        "complaint_id", "event_time", "event"
    )
    by = "complaint_id"
    is_reg = pl.col("event") == "registered"
    is_close = pl.col("event") == "closed"
    is_stored = pl.col("row_number").is_null().cast(pl.Int32)
    starts_stint = pl.col("event").is_in(("registered", "escalated", "reopened"))
    level = level_number(pl.col("level"))
    checked = history.with_columns(
        registrations_so_far=is_reg.cast(pl.Int32).cum_sum().over(by),
        registrations=is_reg.sum().over(by),
        closures_before=is_close.cast(pl.Int32).cum_sum().over(by) - is_close.cast(pl.Int32),
        level_before=pl.when(starts_stint).then(level).shift(1).forward_fill().over(by),
        stored_after=is_stored.reverse().cum_sum().reverse().over(by) - is_stored,
    ).filter(pl.col("row_number").is_not_null())
    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("registrations") == 0, "no 'registered' event for this complaint"),
        ("event", "event", is_reg & (pl.col("registrations_so_far") > 1), "the complaint is already registered"),
        (
            "event_time",
            "event_time",
            ~is_reg & (pl.col("registrations") > 0) & (pl.col("registrations_so_far") == 0),
            "before the complaint's registration",
        ),
        (
            "event",
            "event",
            pl.col("closures_before") > 0,
            "after the complaint was closed (closed must be the last event)",
        ),
        ("event", "event", is_close & (pl.col("stored_after") > 0), "a stored event comes after this closure"),
        (
            "level",
            "level",
            (pl.col("event") == "escalated") & (level != pl.col("level_before") + 1),
            "an escalation moves exactly one level up from the complaint's level",
        ),
    ]
    return find(checked, rules)


def read_file(path: Path) -> pl.DataFrame:
    """Read a CSV (UTF-8, with or without BOM), JSON Lines or Parquet file with every column as text."""
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return pl.read_ndjson(path, infer_schema_length=None).cast(pl.String)
        if path.suffix.lower() == ".parquet":
            raw = pl.read_parquet(path)
            return raw.with_columns(
                pl.col(pl.Datetime("us", "*"), pl.Datetime("ms", "*"), pl.Datetime("ns", "*"))
                .dt.convert_time_zone("Asia/Kolkata")
                .dt.replace_time_zone(None)
            ).cast(pl.String)
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except FileNotFoundError as exc:
        msg = f"{path}: no such file"
        raise IngestError(msg) from exc
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read as {'Parquet' if path.suffix.lower() == '.parquet' else 'UTF-8 CSV'} ({exc})"
        raise IngestError(msg) from exc


def describe(problems: pl.DataFrame, source: str, limit: int = SHOWN_PROBLEMS) -> str:
    """Problems as lines ``file, line N (complaint X): field 'f' = 'v': reason``."""
    lines = [
        f"{source}, line {r['row_number'] + 1} (complaint {r['complaint_id']}): "
        f"field '{r['field']}' = {r['value']!r}: {r['reason']}"
        for r in problems.head(limit).iter_rows(named=True)
    ]
    if problems.height > limit:
        lines.append(f"... and {problems.height - limit:,} more problems in {source}")
    return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Checked:
    """One file after the row checks, before anything is written."""

    path: Path
    rows_read: int
    good: pl.DataFrame
    problems: pl.DataFrame
    kind: str


def _check_file(path: Path, mapping: Mapping | None) -> _Checked:
    raw = read_file(path)
    if mapping is None:
        good, problems = check_rows(_normalise(raw, str(path)))
        return _Checked(path, raw.height, good, problems, "events")
    good, problems = to_events(raw, mapping, _sha256(path)[:12])
    return _Checked(path, raw.height, good, problems, f"snapshot:{mapping.path.name}")


def _load_file(
    con: duckdb.DuckDBPyConnection, f: _Checked, strict: bool, new_codes: dict[str, list[str]]
) -> tuple[FileReport, pl.DataFrame]:
    """Write one checked file inside the open writer; return its report and the events it loaded."""
    report = FileReport(str(f.path), rows_read=f.rows_read)
    digest = _sha256(f.path)
    if store.already_loaded(con, digest):
        report.already_loaded = True
        return report, f.good.clear()
    ingest_id = store.next_ingest_id(con)
    key = ["complaint_id", "event_time", "event"]
    stored = store.read_events(con, f.good["complaint_id"].unique())
    fresh = f.good.unique(key, keep="first", maintain_order=True).join(stored.select(key), on=key, how="anti")
    report.rows_duplicate = f.good.height - fresh.height
    broken = lifecycle_problems(fresh, stored)
    if strict and broken.height:
        msg = f"--strict: nothing loaded, bad rows found:\n{describe(broken, str(f.path))}"
        raise IngestError(msg)
    problems = pl.concat([f.problems, broken]).sort("row_number", "field")
    # A snapshot row becomes several events: one bad event quarantines its whole row.
    fresh = fresh.join(problems.select("row_number").unique(), on="row_number", how="anti")
    report.rows_loaded = fresh.height
    report.rows_quarantined = problems["row_number"].n_unique()
    report.problems = problems
    for table, column in (("departments", "department"), ("districts", "district"), ("categories", "category")):
        new_codes[table] += store.register_codes(con, table, fresh[column].drop_nulls().unique().to_list())
    store.append_events(con, fresh.drop("row_number"), ingest_id)
    store.quarantine(con, problems, ingest_id, str(f.path))
    store.log_ingest(
        con,
        {
            "ingest_id": ingest_id,
            "source": str(f.path),
            "sha256": digest,
            "kind": f.kind,
            "finished_at": datetime.now(),
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rows_duplicate": report.rows_duplicate,
            "rows_quarantined": report.rows_quarantined,
            "new_codes": None,
        },
    )
    return report, fresh


def ingest(
    db: Path,
    files: list[Path],
    *,
    strict: bool = False,
    mapping: Mapping | None = None,
    progress: pipeline.Progress | None = None,
) -> IngestReport:
    """Check and load files into the store at ``db`` (see the module docstring).

    Without ``mapping`` the files are canonical event logs; with one, per-complaint snapshot exports
    converted by :func:`grading.mapping.to_events`.
    """
    checked = []
    for i, path in enumerate(files, start=1):
        checked.append(_check_file(path, mapping))
        if progress:
            progress("checking files", i, len(files))
    if strict and any(f.problems.height for f in checked):
        text = "\n".join(describe(f.problems, str(f.path)) for f in checked if f.problems.height)
        msg = f"--strict: nothing loaded, bad rows found:\n{text}"
        raise IngestError(msg)

    reports: list[FileReport] = []
    new_codes: dict[str, list[str]] = {"departments": [], "districts": [], "categories": []}
    refreshed: list[date] = []
    with store.writing(db) as con:
        if store.read_table(con, "departments").is_empty():
            pipeline.load_reference_data(con)
        loaded = []
        for i, f in enumerate(checked, start=1):
            report, events = _load_file(con, f, strict, new_codes)
            reports.append(report)
            loaded.append(events)
            if progress:
                progress("loading files", i, len(checked))
        fresh = pl.concat(loaded)
        if fresh.height:
            ids = fresh["complaint_id"].unique()
            keys = store.assign_keys(con, ids)
            categories = store.read_table(con, "categories")
            store.replace_derived(con, derive(store.read_events(con, ids), categories, keys), keys)
            store.refresh_complainant_counts(con)
            first = fresh["event_time"].min()
            refreshed = pipeline.refresh_monthly(
                con,
                since=date(first.year, first.month, 1),  # type: ignore[union-attr]
                progress=progress,
            )
    return IngestReport(reports, {k: sorted(set(v)) for k, v in new_codes.items()}, refreshed)
