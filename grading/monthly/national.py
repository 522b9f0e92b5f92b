"""The national view: several state helplines in one lake, each graded under its own scheme, then the
states ranked under a national scheme (``nivaran national``; docs/scale.md).

Grain: :func:`state_figures` one row per (helpline, month); :func:`grade_helpline` one row per entity of
one helpline and month, as :func:`grading.monthly.results.graded` gives for the helpline's own store.

Each helpline is read from its partitions of the lake (:mod:`grading.store.lake`): by this process for
Polars and DuckDB, by the server itself for Spark (:func:`lake_inputs`: only the lake's address and the
plan travel, no stage), encoded on the engine (:func:`grading.scoring.edge.encode_frames`, the code
every engine and a store's read run), and goes through the same code as its own store: the metric rules
(:func:`grading.scoring.metrics.encoded_months_metrics`, with its scheme's metric settings, judged as of
its data horizon) and :func:`grading.scoring.grade.grade` (its scheme from the
lake, as exported). Its times are its own zone's wall clock, so its months are calendar months there;
the national month m is each state's own month m.

The state figures (:data:`grading.model.registry.NATIONAL_METRICS`) come from the same per-complaint
flags as the helpline's metrics (:func:`grading.scoring.metrics.complaint_flags`: the habitual rule, the
cut-off, completed-day ages), so a state's received, disposed, pending and satisfaction equal the sums
of its own department rows (:func:`grading.scoring.counts.totals`). The ranking itself is
:func:`grading.scoring.grade.grade` on those rows: states are ranked as a helpline ranks its
departments (one list, competition ranking, ``min_received``, rank change and streaks), so no rule of
ranking has a second home here.

Not in the lake, so not here: publications (a state's frozen months); this is the current reading.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse
from urllib.request import url2pathname

import narwhals as nw
import polars as pl

from grading.model.registry import NATIONAL_METRICS
from grading.model.schema import NivaranError
from grading.monthly.engines import SparkEngine
from grading.rules import asof
from grading.scoring import counts, edge, metrics, schemes
from grading.scoring.grade import grade
from grading.store import lake, month_reads

#: Complaint-months (a complaint and a month it may be alive in) of a helpline's history graded in one
#: pass at most (:func:`grading.scoring.metrics.month_passes`): the lake's whole history is in memory,
#: and a pass over many months tests each complaint against each of them.
PASS_ROWS: Final = 5_000_000
#: How the lake orders two transfers of one instant (after ``event_time``): each partition is written
#: sorted on all its columns (:mod:`grading.store.lake`), and the later row of a tie wins.
LAKE_ORDER: Final = ("complaint_key", "department")
#: The national scheme used when none is named (``data/national/``).
DEFAULT_NATIONAL: Final = "darpg-states"
#: The pending ages the national figures count, in completed days (over 30, 60 and 90).
PENDING_AGES: Final = (30, 60, 90)
#: DuckDB type names of the lake's columns → Polars types (an empty table is read as this schema).
_TYPES: Final[dict[str, pl.DataType]] = {
    "VARCHAR": pl.String(),
    "TIMESTAMP": pl.Datetime("us"),
    "DATE": pl.Date(),
    "BIGINT": pl.Int64(),
    "INTEGER": pl.Int32(),
    "SMALLINT": pl.Int16(),
    "TINYINT": pl.Int8(),
    "DOUBLE": pl.Float64(),
    "FLOAT": pl.Float32(),
    "BOOLEAN": pl.Boolean(),
}
#: The columns of each derived table the metrics read (as :func:`grading.store.month_reads.read_month_inputs`).
_INPUT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "complaints": month_reads.GRADING_COLUMNS,
    "transfers": ("complaint_key", "event_time", "department"),
    "stints": ("complaint_key", "started_at", "nonattended_at"),
    "feedback_events": ("complaint_key", "event_time", "kind"),
}


class NationalError(NivaranError):
    """The lake cannot be graded as asked (a month no helpline holds, an unknown helpline)."""


@dataclass(frozen=True)
class Helpline:
    """One helpline of a lake: its slug, manifest entry and scheme (as exported)."""

    slug: str
    entry: dict[str, Any]
    scheme: schemes.Scheme

    @property
    def name(self) -> str:
        return str(self.entry["name"])

    @property
    def until(self) -> datetime | None:
        text = self.entry.get("data_until")
        return datetime.fromisoformat(text) if text else None

    @property
    def first_month(self) -> date | None:
        text = self.entry.get("first_month")
        return asof.parse_month(text) if text else None


def helplines(lake_dir: Path) -> list[Helpline]:
    """The lake's helplines, by slug, each with the scheme file it exported."""
    out = []
    for slug, entry in sorted(lake.read_manifest(lake_dir).items()):
        out.append(Helpline(slug, entry, schemes.load(lake_dir / entry["scheme_file"])))
    return out


def read_table(lake_dir: Path, helpline: Helpline, table: str, until: date | None = None) -> pl.DataFrame:
    """One table of one helpline from the lake; a month-partitioned table only up to month ``until``
    (its files past it are not read). ``monthly_metrics`` gets its ``month`` back from the path."""
    spec = helpline.entry["tables"].get(table)
    if spec is None:
        msg = f"{lake_dir}: helpline {helpline.slug!r} has no table {table!r} in the lake"
        raise NationalError(msg)
    schema = {name: _TYPES.get(kind, pl.String()) for name, kind in spec["columns"].items()}
    folder = lake_dir / table / f"helpline={helpline.slug}"
    files = sorted(folder.glob(f"**/{lake.FILE}"))
    if not files:
        frame = pl.DataFrame(schema=schema)
        return frame.with_columns(month=pl.lit(None, pl.Date)) if table == "monthly_metrics" else frame
    scan = pl.scan_parquet(files, hive_partitioning=True, hive_schema=_hive(spec))
    scan = scan.drop("helpline")  # the path's, known here
    if spec["month_key"] is not None:
        if until is not None:
            scan = scan.filter(pl.col("month") <= f"{until:%Y-%m}")
        parsed = pl.col("month").str.to_date("%Y-%m")
        scan = scan.with_columns(parsed) if table == "monthly_metrics" else scan.drop("month")
    return scan.collect()


def _hive(spec: dict[str, Any]) -> dict[str, pl.DataType]:
    if spec["month_key"] is None:
        return {"helpline": pl.String()}
    return {"helpline": pl.String(), "month": pl.String()}


def month_inputs(lake_dir: Path, helpline: Helpline, until: date) -> dict[str, pl.DataFrame]:
    """The derived rows that grade the helpline's months up to ``until`` (every row the lake holds up to
    that month: a superset of :func:`grading.store.month_reads.read_month_inputs` for those months)."""
    return {t: read_table(lake_dir, helpline, t, until).select(c) for t, c in _INPUT_COLUMNS.items()}


@dataclass(frozen=True)
class Place:
    """Where a lake is: ``folder``, where this process reads the manifest, the schemes and the reference
    tables; ``url``, where a Spark server reads the partitions (the folder's absolute path, or the URL
    given: ``s3://``, ``gs://``, ``file://``, …, passed to the server as it is)."""

    folder: Path
    url: str


@contextlib.contextmanager
def placed(lake_dir: Path | str, engine: edge.Engine = edge.POLARS) -> Iterator[Place]:
    """The lake ``lake_dir`` (a folder or a URL) for the block. A URL is read by a Spark server: its
    manifest, records, schemes and reference tables are copied into a temporary folder for this process
    (:func:`grading.store.lake.local_copy`); a ``file://`` URL is its folder for the other engines.

    Raises :class:`NationalError` (one sentence), before any work, when a Spark server cannot read the
    lake, or a URL other than ``file://`` is given to an engine that runs in this process."""
    given = str(lake_dir)
    is_url = "://" in given
    spark = engine if isinstance(engine, SparkEngine) else None
    if not is_url:
        folder = Path(given)
        lake.read_manifest(folder)  # a folder without a lake: the sentence of its own
        url = str(folder.resolve())
        if spark is not None:
            _server_reads(spark, url, given)
        yield Place(folder, url)
    elif spark is None:
        parsed = urlparse(given)
        if parsed.scheme != "file":
            msg = f"--lake {given}: a URL is read by a Spark server (--engine spark); give a folder to this engine"
            raise NationalError(msg)
        yield Place(Path(url2pathname(parsed.path)), given)
    else:
        url = given.rstrip("/")
        _server_reads(spark, url, given)
        with tempfile.TemporaryDirectory(prefix="nivaran-lake-") as copy:
            yield Place(lake.local_copy(url, Path(copy), ("departments", "districts")), url)


def _server_reads(engine: SparkEngine, url: str, given: str) -> None:
    """Fail in one sentence, before any work, when the Spark server cannot read the lake at ``url`` (a
    folder it does not see, a bucket it has no rights to)."""
    try:
        seen = engine.session.read.text(f"{url}/{lake.MANIFEST}").count()
    except Exception as error:  # whatever the server's read raises, the answer is the same
        seen, why = 0, type(error).__name__
    else:
        why = f"{seen} lines"
    if seen == 0:
        msg = (
            f"the Spark server cannot read the lake {given} ({lake.MANIFEST}: {why}): give a folder it sees "
            "at the same path (a shared mount) or an object store URL it reads"
        )
        raise NationalError(msg)


def lake_inputs(place: Place, helpline: Helpline, until: date, engine: edge.Engine) -> dict[str, Any]:
    """The derived tables that grade the helpline's months up to ``until``, as ``engine``'s frames.

    A Spark server reads them from the lake itself (its partitions of the helpline up to month ``until``,
    pruned by the path); for Polars and DuckDB this process reads them (:func:`month_inputs`). A table
    the helpline never exported rows of is an empty frame of the manifest's columns."""
    if not isinstance(engine, SparkEngine):
        return {t: engine.frame(f) for t, f in month_inputs(place.folder, helpline, until).items()}
    present = {partition.split("/")[0] for partition in lake.read_record(place.folder, helpline.slug)}
    frames = {}
    for table, columns in _INPUT_COLUMNS.items():
        if table not in present:
            frames[table] = engine.frame(read_table(place.folder, helpline, table).select(columns))
            continue
        read = nw.from_native(engine.read_parquet(f"{place.url}/{table}/helpline={helpline.slug}"))
        frames[table] = read.filter(nw.col("month") <= f"{until:%Y-%m}").select(columns).to_native()
    return frames


def helpline_metrics(
    complaints: Any,
    encoded: edge.Encoded,
    helpline: Helpline,
    months: list[date],
    engine: edge.Engine = edge.POLARS,
) -> pl.DataFrame:
    """Every metric of ``months`` for one helpline (all entity types), computed as its store computes
    them (:func:`grading.monthly.refresh.compute_months`: the same rules, settings and horizon; the
    history is graded ``PASS_ROWS`` complaint-months at a time), on ``engine``
    (:mod:`grading.monthly.engines`) from its ``encoded`` inputs (``complaints``: the engine's frame
    of them before encoding, which sizes the passes)."""
    settings = helpline.scheme.metric_settings
    frames = [
        metrics.encoded_months_metrics(encoded, run, settings, helpline.until, engine)
        for run in metrics.month_passes(complaints, months, PASS_ROWS)
    ]
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def grade_helpline(lake_dir: Path, helpline: Helpline, computed: pl.DataFrame, by: str, month: date) -> pl.DataFrame:
    """The helpline's graded ``by`` rows (department or district) of ``month`` under its own scheme, names
    attached from its reference data in the lake: the rows ``nivaran grade --db <its store> --recompute``
    gives (history from its first month)."""
    rows = computed.filter(pl.col("entity_type") == by)
    if rows.is_empty():
        return rows
    graded = grade(rows, helpline.scheme).filter(pl.col("month") == month)
    table = {"department": "departments", "district": "districts"}[by]
    names = read_table(lake_dir, helpline, table).select(
        pl.col("code").alias(by), pl.col("name_en").alias(f"{by}_name"), pl.col("name_hi").alias(f"{by}_name_hi")
    )
    return graded.join(names, on=by, how="left", maintain_order="left")


def state_figures(
    encoded: edge.Encoded,
    computed: pl.DataFrame,
    helpline: Helpline,
    months: list[date],
    engine: edge.Engine = edge.POLARS,
) -> pl.DataFrame:
    """One row per month of the helpline's state figures (:data:`grading.model.registry.NATIONAL_METRICS`).

    Counts add the helpline's department rows (every graded complaint once); the median days and the
    pending ages come from the per-complaint flags of the month (ages in completed days: over 30 means
    from the 31st day, as the pending buckets count). Percentages are 0-100, null on a zero denominator.
    """
    departments = computed.filter(pl.col("entity_type") == "department")
    if departments.is_empty():
        return pl.DataFrame()
    summed = counts.totals(departments, ["month"]).select(
        "month", "received", "closed", "pending", "feedback_satisfied", "feedback_dissatisfied", "satisfaction_pct"
    )
    settings = helpline.scheme.metric_settings
    per_month = []
    for month in months:
        flags, _ = metrics.complaint_flags(encoded, month, settings, helpline.until, engine)
        per_month.append(
            flags.select(
                month=pl.lit(month),
                resolution_days_median=pl.col("resolution_days").median(),
                **{f"pending_over_{n}": asof.in_bucket(pl.col("age_days"), n + 1, None).sum() for n in PENDING_AGES},
            )
        )
    ages = pl.concat(per_month).with_columns(pl.col(f"pending_over_{n}").cast(pl.Int64) for n in PENDING_AGES)
    share = {
        f"pending_over_{n}_pct": pl.when(pl.col("pending") > 0).then(
            pl.col(f"pending_over_{n}") / pl.col("pending") * 100
        )
        for n in PENDING_AGES
    }
    work = pl.col("disposed") + pl.col("pending")
    return (
        summed.rename({"closed": "disposed"})
        .join(ages, on="month", how="left")
        .with_columns(disposal_pct=pl.when(work > 0).then(pl.col("disposed") / work * 100), **share)
        .with_columns(helpline=pl.lit(helpline.slug))
        .select("helpline", "month", *NATIONAL_METRICS)
        .sort("month")
    )


def rank_states(figures: pl.DataFrame, scheme: schemes.Scheme) -> pl.DataFrame:
    """Score, grade and rank the states' figures under the national ``scheme``: one row per (helpline,
    month), best first. The states go through :func:`grading.scoring.grade.grade` as the departments of
    one list (``department`` holds the helpline while it runs), so every rule of scoring and ranking is
    the helplines' own: competition ranking, ``min_received``, missing data, rank change, streaks."""
    as_departments = figures.with_columns(
        entity_type=pl.lit("department"), department=pl.col("helpline"), district=pl.lit(None, pl.String)
    )
    ranked = grade(as_departments, scheme)
    return ranked.drop("entity_type", "department", "district").sort("month", "rank", "helpline", nulls_last=True)


@dataclass(frozen=True)
class NationalView:
    """One month of the national view: the states' ranking and each state's own grading (drill-down)."""

    month: date
    scheme: schemes.Scheme
    ranking: pl.DataFrame  # one row per helpline: name, zone, own scheme, figures, points, score, rank
    departments: dict[str, pl.DataFrame]  # slug → its departments graded under its own scheme
    districts: dict[str, pl.DataFrame]  # slug → its districts graded under its own scheme
    helplines: dict[str, Helpline]  # slug → the helpline as the lake names it (its own scheme)


def national_view(
    lake_dir: Path | str,
    month: date,
    scheme_name: str | Path = DEFAULT_NATIONAL,
    engine: edge.Engine = edge.POLARS,
) -> NationalView:
    """Grade every helpline of the lake for ``month`` under its own scheme and rank the states under the
    national scheme (a name in ``data/national/`` or a file). History (rank change, streaks) runs from
    each helpline's first month. A helpline whose data start after ``month`` is left out. The metrics and
    the per-complaint flags of the state figures run on ``engine`` (:mod:`grading.monthly.engines`), one
    helpline at a time; ``lake_dir`` is a folder, or a URL a Spark server reads (:func:`placed`), and a
    Spark server reads the partitions itself (:func:`lake_inputs`)."""
    scheme = schemes.load(scheme_name, directory=schemes.NATIONAL_DIR, metrics=NATIONAL_METRICS)
    with placed(lake_dir, engine) as place:
        found = helplines(place.folder)
        if not found:
            msg = f"{lake_dir}: the lake holds no helpline"
            raise NationalError(msg)
        figures, departments, districts, about = [], {}, {}, []
        for helpline in found:
            first = helpline.first_month
            if first is None or first > month:
                continue
            months = asof.calendar_months(first, month)
            frames = lake_inputs(place, helpline, month, engine)
            encoded = edge.encode_frames(frames, LAKE_ORDER, engine)
            computed = helpline_metrics(frames["complaints"], encoded, helpline, months, engine)
            departments[helpline.slug] = grade_helpline(place.folder, helpline, computed, "department", month)
            districts[helpline.slug] = grade_helpline(place.folder, helpline, computed, "district", month)
            figures.append(state_figures(encoded, computed, helpline, months, engine))
            about.append(
                {
                    "helpline": helpline.slug,
                    "name": helpline.name,
                    "timezone": helpline.entry["timezone"],
                    "own_scheme": helpline.scheme.name,
                }
            )
    figures = [f for f in figures if not f.is_empty()]
    if not figures:
        msg = f"{lake_dir}: no helpline holds data for {month:%Y-%m}"
        raise NationalError(msg)
    ranked = rank_states(pl.concat(figures, how="diagonal_relaxed"), scheme).filter(pl.col("month") == month)
    ranking = pl.DataFrame(about).join(ranked, on="helpline", how="inner").sort("rank", "helpline", nulls_last=True)
    return NationalView(month, scheme, ranking, departments, districts, {h.slug: h for h in found})
