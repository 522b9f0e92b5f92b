"""The ``nivaran`` command line: ``init``, ``demo``, ``ingest``, ``grade``, ``flags``, ``review``, ``publish``,
``export``, ``national``, ``migrate``, ``compact``, ``check``, ``users``.

Every command takes ``--db PATH`` (default: ``$NIVARAN_DB``, else ``data/nivaran.duckdb``). Errors a
user can fix are printed as one clear message (no traceback) with exit code 2.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
import polars as pl

from grading.access import accounts, identity
from grading.access.audit import Entry
from grading.demo.spec import DEFAULT_DEMO, DemoSpec
from grading.intake.limits import MAX_LINE_BYTES
from grading.model.schema import NivaranError
from grading.rules import asof
from grading.scoring import schemes
from grading.store import database, helpline

if TYPE_CHECKING:
    import duckdb

    from grading.monthly.national import NationalView


class _Bars:
    """One click progress bar per phase, written to stderr."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.phase = ""
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase, self.done = phase, 0
            self.bar = click.progressbar(length=total, label=f"{phase:<16}", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    bars = _Bars()
    try:
        yield bars
    finally:
        bars.close()


def _month(value: str) -> date:
    month = asof.parse_month(value)
    if month is None:
        msg = f"expected a month as YYYY-MM, got {value!r}"
        raise click.BadParameter(msg)
    return month


_db = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file (default: $NIVARAN_DB, else data/nivaran.duckdb).",
)
_Command = TypeVar("_Command", bound=Callable[..., Any])


def db_option(command: _Command) -> _Command:
    """The ``--db`` option. A store fault the command meets anywhere (a damaged block read by any query,
    a store file or folder it cannot write) ends in its one sentence (:func:`grading.store.database.faults`)."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with database.faults(database.resolve_path(kwargs.get("db"))):
            return command(*args, **kwargs)

    return _db(cast("_Command", guarded))


def _database(db: Path | None, *, replacing: bool = False) -> Path:
    """The ``--db`` path, refused (one sentence, nothing written) when a file is there that is not a
    Nivaran database: a command never writes next to, over or into someone else's file. ``replacing``
    (the demo) accepts a Nivaran database of another schema version, which it rebuilds."""
    path = database.resolve_path(db)
    if path.exists():
        try:
            database.connect_readonly(path).close()
        except database.NotADatabaseError:
            raise
        except database.StoreError:
            if not replacing:
                raise
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Nivaran: grade public-grievance helplines month by month."""


@main.command("init")
@db_option
@click.option("--timezone", "zone", required=True, help="The helpline's IANA time zone (America/Chicago).")
@click.option("--name", default=None, help='The helpline\'s name, shown on every page ("Baltimore 311").')
@click.option(
    "--scheme",
    "scheme_name",
    default=None,
    help=f"The default grading scheme: {', '.join(schemes.available())} or a file (default: {schemes.DEFAULT_SCHEME}).",
)
@click.option(
    "--reference",
    "reference_choice",
    default="none",
    show_default=True,
    help="Reference data: mp (Madhya Pradesh's departments, districts, categories), none, or a folder of CSVs.",
)
@click.option(
    "--plausible-from",
    "plausible_from",
    default=None,
    help="Earliest plausible event date, YYYY-MM-DD (default 2000-01-01); the window ends tomorrow.",
)
@click.option(
    "--boundaries",
    "boundaries",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The helpline's district boundaries (GeoJSON FeatureCollection; each feature's district code in a "
    "'district' or 'code' property, or its id), kept in the store for the dashboard's map.",
)
def init_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    zone: str,
    name: str | None,
    scheme_name: str | None,
    reference_choice: str,
    plausible_from: str | None,
    boundaries: Path | None,
) -> None:
    """Create a store for one helpline (its zone, name, default scheme, reference data)."""
    first = None
    if plausible_from is not None:
        try:
            first = date.fromisoformat(plausible_from)
        except ValueError:
            msg = f"--plausible-from: expected a date as YYYY-MM-DD, got {plausible_from!r}"
            raise click.BadParameter(msg) from None
    path = database.resolve_path(db)
    settings = helpline.init(
        path,
        timezone=zone,
        name=name,
        scheme=scheme_name,
        reference_choice=reference_choice,
        plausible_from=first,
        boundaries=boundaries,
    )
    what = Entry("helpline_set_up", {"helpline": settings.name, "scheme": settings.scheme})
    accounts.Accounts(path).log(accounts.operator(), "scheme", what)
    click.echo(
        f"{path}: {settings.name!r}, months in {settings.timezone}, scheme {settings.scheme}, "
        f"reference data {settings.reference}"
    )


@main.command()
@db_option
@click.option("--months", type=click.IntRange(1, 120), default=DEFAULT_DEMO.months, show_default=True)
@click.option("--end", "end", default=DEFAULT_DEMO.end, show_default=True, help="Last month, YYYY-MM.")
@click.option(
    "--scale",
    type=click.FloatRange(0.0001, 2.0),
    default=DEFAULT_DEMO.scale,
    show_default=True,
    help="1.0 ≈ Madhya Pradesh's real volume (~400,000 complaints a month).",
)
@click.option("--seed", type=int, default=DEFAULT_DEMO.seed, show_default=True)
@click.option(
    "--states",
    type=click.IntRange(1, 12),
    default=None,
    help="Build a synthetic nation of N state helplines (own zones, schemes, sizes) and their lake in --out.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --states: the folder for the states' stores and the lake.",
)
def demo(  # noqa: PLR0917 - one parameter per click option
    db: Path | None, months: int, end: str, scale: float, seed: int, states: int | None, out: Path | None
) -> None:
    """Build a realistic synthetic complaint history (replaces the database), or with --states a nation."""
    from grading.demo import build

    last = _month(end)
    if (states is None) != (out is None):
        msg = "--states and --out go together (a nation of N states written to a folder)"
        raise click.UsageError(msg)
    if states is not None and out is not None:
        _nation(out, states, DemoSpec(months=months, end=end, scale=scale, seed=seed), last)
        return
    path = _database(db, replacing=True)
    with _progress() as progress:
        result = build.build_demo(path, DemoSpec(months=months, end=end, scale=scale, seed=seed), progress)
    click.echo(
        f"{path}: {result['complaints']:,} complaints, {result['events']:,} events, "
        f"{months} months to {end}, in {result['seconds']} s"
    )
    click.echo(build.describe_accounts(build.create_demo_accounts(path)))


def _nation(out: Path, states: int, spec: DemoSpec, month: date) -> None:
    """``demo --states``: build the nation, then grade and rank its states for the last month."""
    from grading.demo import nation
    from grading.monthly import national

    with _progress() as progress:
        built = nation.build_nation(out, states, spec, progress)
    for state in built:
        click.echo(
            f"{out / 'stores' / str(state['helpline'])}.duckdb: {state['name']} ({state['timezone']}), "
            f"{state['complaints']:,} complaints, {state['events']:,} events"
        )
    click.echo(f"{out / 'lake'}: the national lake of {states} states")
    view = national.national_view(out / "lake", month)
    click.echo(render_national(view, "table"))
    click.echo(
        f"each state's own grading: uv run nivaran national --lake {out / 'lake'} --month {month:%Y-%m} --state SLUG"
    )


def _table(frame: pl.DataFrame, text_width: int = 60) -> str:
    with pl.Config(
        tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, fmt_str_lengths=text_width, tbl_hide_dataframe_shape=True
    ):
        return str(frame)


scheme_option = click.option(
    "--scheme",
    "scheme_name",
    default=None,
    help=f"A shipped scheme ({', '.join(schemes.available())}) or a scheme file (default: the store's).",
)


def store_scheme(con: duckdb.DuckDBPyConnection, name: str | None) -> schemes.Scheme:
    """The scheme ``--scheme`` names, else the store's default (``nivaran init --scheme``)."""
    return schemes.load(name or helpline.read(con).scheme)


@main.command("grade")
@db_option
@click.option("--month", "month_text", default=None, help="Month to grade, YYYY-MM.")
@click.option("--by", "by", type=click.Choice(["department", "district"]), default="department", show_default=True)
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--recompute",
    is_flag=True,
    help="For a published month: show the current reading and what differs from the published grading.",
)
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["polars", "duckdb", "spark"]),
    default=None,
    help="Compute the month's metrics (all months with --all-months) on this engine and store them first.",
)
@click.option("--remote", default=None, help="With --engine spark: a Spark Connect server, sc://HOST:PORT.")
@click.option("--all-months", "all_months", is_flag=True, help="Compute every month of the store (with --engine).")
def grade_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    month_text: str | None,
    by: str,
    scheme_name: str | None,
    fmt: str,
    recompute: bool,
    engine_name: str | None,
    remote: str | None,
    all_months: bool,
) -> None:
    """Grade and rank departments or districts for one month (a published month shows its publication).

    With ``--engine``, the month's metrics (every month's with ``--all-months``) are computed on that
    engine first and written to the store's monthly tables, which the dashboard and ``publish`` read;
    ``spark`` without ``--remote`` starts a local Sail server for the run.
    """
    from grading.monthly import results
    from grading.outputs import publish
    from grading.serve import duesource

    _check_engine_options(month_text, engine_name, remote, all_months=all_months)
    month = None if month_text is None else _month(month_text)
    path = database.resolve_path(db)
    if engine_name is not None:
        fill_monthly(path, scheme_name, engine_name, remote, None if all_months else month)
    if month is None:
        return
    month_text = f"{month:%Y-%m}"
    con = database.connect_readonly(path)
    try:
        scheme = store_scheme(con, scheme_name)
        rows = results.graded(con, scheme, by, month, live=recompute)
        published = publish.standing(con, month, scheme.name)
        bounds = database.month_bounds(con)
        sources = duesource.due_sources(con, by, month)
    finally:
        con.close()
    if rows.is_empty():
        msg = f"no graded {by}s for {month_text}: {_why_nothing(month, bounds)}"
        raise NivaranError(msg)
    # The table carries its notes; CSV and JSON stay machine-readable and the notes go to stderr.
    note = functools.partial(click.echo, err=fmt != "table")
    if published is not None and not recompute:
        note(f"{published.describe()}; later events show only with --recompute")
    if recompute:
        note(f"current reading of {month_text}" + ("" if published else " (not published)"))
    frozen = published is not None and not recompute
    if not frozen:  # a published month shows its publication only; the data's due sources are today's
        rows = rows.join(
            sources.select(pl.col("code").alias(by), "due_source"), on=by, how="left", maintain_order="left"
        )
    click.echo(render(rows, scheme, by, fmt))
    assumed = None if frozen else duesource.assumed_note(sources, scheme.default_limit_days, by)
    if assumed:
        note(assumed)
    if recompute and published is not None:
        changes = publish.revisions(published.graded[by], rows, by)
        if changes.is_empty():
            note(f"revision: none, the current reading equals the grading {published.describe()}")
        else:
            note(f"revision against the grading {published.describe()}: {changes.height} value(s) differ")
            note(_table(changes))


def _check_engine_options(
    month_text: str | None, engine_name: str | None, remote: str | None, *, all_months: bool
) -> None:
    """``grade``'s options that go together (a usage error in one sentence otherwise)."""
    if month_text is None and not all_months:
        raise click.UsageError("give --month YYYY-MM, or --all-months with --engine")
    if (all_months or remote) and engine_name is None:
        raise click.UsageError("--all-months and --remote go with --engine")


def _why_nothing(month: date, bounds: tuple[date, date] | None) -> str:
    """Why a month has nothing graded, in a few words."""
    if bounds is None:
        return "the store holds no events"
    if month < bounds[0]:
        return f"the store's events start in {bounds[0]:%Y-%m}"
    return f"the store's events end in {bounds[1]:%Y-%m}"


def fill_monthly(path: Path, scheme_name: str | None, engine_name: str, remote: str | None, month: date | None) -> None:
    """Compute the monthly metrics of ``month`` (None: every month of the store) on an engine
    (:mod:`grading.monthly.engines`) and write them to the store's monthly tables; one line to stderr
    says what was done. One month keeps the settings the table was computed with; all months take the
    scheme's (:meth:`grading.scoring.schemes.Scheme`'s ``metric_settings``)."""
    import time

    from grading.monthly import engines, refresh

    with closing(database.connect_readonly(path)) as con:
        scheme = store_scheme(con, scheme_name)
        bounds = database.month_bounds(con)
        stored = refresh.stored_settings(con)
    if bounds is None:
        raise NivaranError("the store holds no events: nothing to grade")
    started = time.perf_counter()
    with _progress() as progress, engines.opened(engine_name, remote) as engine, database.writing(path) as con:
        if month is None:
            months = refresh.refresh_monthly(con, settings=scheme.metric_settings, progress=progress, engine=engine)
        else:
            months = [month]
            settings = stored or scheme.metric_settings
            metrics = refresh.compute_months(con, months, settings, progress, engine)
            database.replace_monthly_metrics(con, metrics, months)
            if stored is None:
                database.set_meta(con, refresh.SETTINGS_KEY, json.dumps(settings.__dict__, sort_keys=True))
    seconds = time.perf_counter() - started
    span = (
        f"{months[0]:%Y-%m}" if len(months) == 1 else f"{len(months)} months, {months[0]:%Y-%m} to {months[-1]:%Y-%m}"
    )
    click.echo(f"monthly metrics of {span} computed on {engine_name} in {seconds:.1f} s", err=True)


@main.command("publish")
@db_option
@click.option("--month", "month_text", required=True, help="Month to publish, YYYY-MM.")
@scheme_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Package directory.")
@click.option(
    "--site",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Static site directory: the month's bilingual pages, read API and package are added to it (with --out "
    "or without).",
)
@click.option(
    "--site-url",
    "site_url",
    default=None,
    help="The address the site is served at (https://…/): link previews and download links become absolute.",
)
@click.option("--force", is_flag=True, help="Publish an already published month again (the old one is kept).")
def publish_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    month_text: str,
    scheme_name: str | None,
    out: Path | None,
    site: Path | None,
    site_url: str | None,
    force: bool,
) -> None:
    """Freeze a month's grading in the store and write its package (rankings as CSV) to --out, its static
    site to --site, or both."""
    import tempfile

    from grading.outputs import publish
    from grading.outputs.site import build

    month = _month(month_text)
    if out is None and site is None:
        msg = "give --out (the package), --site (the static site) or both"
        raise click.UsageError(msg)
    if site is not None and not build.is_site(site):
        msg = f"--site {site}: the folder holds other files and no Nivaran site (api/v1/months.json); give a new folder"
        raise click.BadParameter(msg)
    if site_url is not None and not site_url.startswith(("https://", "http://")):
        msg = f"--site-url: expected an address starting with https:// or http://, got {site_url!r}"
        raise click.BadParameter(msg)
    path = database.resolve_path(db)
    con = database.connect_readonly(path)
    try:
        scheme = store_scheme(con, scheme_name)
    finally:
        con.close()
    with tempfile.TemporaryDirectory(prefix="nivaran-package-") as tmp:
        target = out if out is not None else Path(tmp)
        done = publish.publish(path, month, scheme, target, force=force)
        click.echo(done.describe())
        if out is not None:
            for name in publish.PACKAGE:
                click.echo(f"  wrote {out / name}")
        if site is not None:
            files = {name: (target / name).read_bytes() for name in publish.PACKAGE}
            try:
                report = build.write_site(path, scheme, site, month, files, base_url=site_url)
            except OSError as error:
                msg = f"{done.describe()}, but its site could not be written to {site}: {error}"
                raise NivaranError(msg) from error
            click.echo(report.describe())
    if out is not None:
        for written in build.write_package_descriptors(path, scheme, month, out):
            click.echo(f"  wrote {written}")


@main.command("export")
@db_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="The lake folder.")
@click.option(
    "--helpline",
    "slug",
    default=None,
    help="The helpline's name in the lake (lower-case letters, digits, '-'; default: from its name).",
)
def export_command(db: Path | None, out: Path, slug: str | None) -> None:
    """Write the event log and derived tables as Parquet by helpline and month (only what changed)."""
    from grading.store import lake

    report = lake.export(existing_store(db), out, slug)
    click.echo(f"{out}: {report.summary()}")


@main.command("national")
@click.option(
    "--lake", "lake_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="The lake folder."
)
@click.option("--month", "month_text", required=True, help="Month to rank, YYYY-MM.")
@click.option(
    "--scheme",
    "scheme_name",
    default="darpg-states",
    show_default=True,
    help="The national scheme: a name in data/national/ or a file.",
)
@click.option("--state", "state", default=None, help="Drill down: one state's own grading (its slug in the lake).")
@click.option("--by", "by", type=click.Choice(["department", "district"]), default="department", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def national_command(  # noqa: PLR0917 - one parameter per click option
    lake_dir: Path, month_text: str, scheme_name: str, state: str | None, by: str, fmt: str
) -> None:
    """Rank the states of a lake for one month (each first graded under its own scheme)."""
    from grading.monthly import national

    view = national.national_view(lake_dir, _month(month_text), scheme_name)
    if state is None:
        click.echo(render_national(view, fmt))
        return
    drill = view.departments if by == "department" else view.districts
    if state not in drill:
        msg = f"--state {state!r}: not in {lake_dir} for {month_text} (states: {', '.join(sorted(drill)) or 'none'})"
        raise NivaranError(msg)
    own = next(h for h in national.helplines(lake_dir) if h.slug == state)
    if fmt == "table":
        row = view.ranking.filter(pl.col("helpline") == state).row(0, named=True)
        rank = row["rank_text"] or "not ranked"
        where = f"{row['name']} ({row['timezone']})"
        click.echo(f"{where}: national rank {rank}, score {row['score']}; own scheme {own.scheme.name}")
    click.echo(render(drill[state], own.scheme, by, fmt))


def render_national(view: NationalView, fmt: str) -> str:
    """The national ranking (:class:`grading.monthly.national.NationalView`) as a table, CSV or JSON."""
    from grading.model.registry import NATIONAL_METRICS
    from grading.outputs import export

    points = [f"points_{c.key}" for c in view.scheme.components]
    head = ["rank_text", "helpline", "name", "timezone", "own_scheme", "score", "grade"]
    rows = view.ranking
    if fmt == "json":
        columns = [*head, *points, "rank_change", "not_graded", *NATIONAL_METRICS]
        return json.dumps(rows.select(columns).to_dicts(), ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        columns = [*head, *points, "rank_change", "not_graded", "scheme_version", *NATIONAL_METRICS]
        return export.csv_text(rows.select(columns)).rstrip("\n")
    short = rows.select(
        pl.col("rank_text").alias("rank"),
        "helpline",
        "timezone",
        "own_scheme",
        "score",
        "grade",
        "received",
        pl.col("disposal_pct").round(1),
        pl.col("resolution_days_median").round(1).alias("median_days"),
        *[pl.col(f"pending_over_{n}_pct").round(1).alias(f"pend>{n}%") for n in (30, 60, 90)],
        pl.col("satisfaction_pct").round(1),
        "rank_change",
    )
    return f"{view.scheme.title_en}, {view.month:%Y-%m}\n" + _table(short)


def existing_store(db: Path | None) -> Path:
    """The store ``--db`` names (or the default), refused with a sentence when there is none."""
    path = database.resolve_path(db)
    if not path.exists():
        msg = database.missing_version(path) or f"No database at {path}."
        raise NivaranError(msg)
    return path


@main.command("migrate")
@db_option
def migrate_command(db: Path | None) -> None:
    """Bring a store of an older schema version to this one (explicit steps; refused when impossible)."""
    path = existing_store(db)
    with database.writing(path):
        pass
    click.echo(f"{path}: schema version {database.SCHEMA_VERSION}")


@main.command("compact")
@db_option
def compact_command(db: Path | None) -> None:
    """Rewrite the store without the rows later loads replaced (a load says when it is worth it)."""
    path = existing_store(db)
    with closing(database.connect_readonly(path)) as con:
        before = database.superseded(con)
    database.compact(path)
    worst = max(before.values(), default=0.0)
    click.echo(f"{path}: rewritten without superseded rows (up to {worst:.0%} of a table before)")


@main.command("check")
@db_option
def check_command(db: Path | None) -> None:
    """Verify the store: the link, both versions and every table read in full (exit code 2 when unsound)."""
    from grading.store import check

    health = check.check(database.resolve_path(db))
    for line in health.lines:
        click.echo(line)
    if not health.healthy:
        raise database.StoreError(health.verdict)
    click.echo(health.verdict)


#: Ranks the command never prints beside the printed rank (``rank_text``): the overall rank across
#: volume groups and the group rank (``rank_position`` is that number, named for what it is).
UNPRINTED_RANKS = ("rank", "group_rank")


def render(rows: pl.DataFrame, scheme: schemes.Scheme, by: str, fmt: str) -> str:
    """Format graded rows as a table, CSV or JSON (numbers unrounded in CSV and JSON), volume group 1
    first and in order of position, as the public ranking reads; the rank is the ranking record's
    printed ``rank_text`` ("3", "2–5", empty when not ranked)."""
    from grading.model.registry import METRICS
    from grading.outputs import export
    from grading.scoring.grade import GRADE_COLUMNS

    points = [f"points_{c.key}" for c in scheme.components]
    ident = [pl.col(by).alias("code"), pl.col(f"{by}_name").alias("name"), pl.col(f"{by}_name_hi").alias("name_hi")]
    rows = rows.sort(["volume_group", "rank_position", by], nulls_last=True)
    if fmt == "json":
        out = []
        skip = ("rank_text", "score", "grade", "is_ranked", *UNPRINTED_RANKS)
        for r in rows.select(
            *ident,
            "rank_text",
            "score",
            "grade",
            *points,
            *METRICS,
            *[c for c in GRADE_COLUMNS if c not in skip],
            *(["due_source"] if "due_source" in rows.columns else []),
        ).iter_rows(named=True):
            components = {c.key: r.pop(f"points_{c.key}") for c in scheme.components}
            head = {k: r.pop(k) for k in ("code", "name", "name_hi", "rank_text", "score", "grade")}
            out.append({**head, "components": components, **r})
        return json.dumps(out, ensure_ascii=False, indent=1)
    if fmt == "csv":
        columns = [
            *ident,
            "rank_text",
            "score",
            "grade",
            *points,
            "rank_change",
            "volume_group",
            "rank_position",
            "rank_best",
            "rank_worst",
            "rank_is_reliable",
            "not_graded",
            "scheme_version",
            *METRICS,
            *(["due_source"] if "due_source" in rows.columns else []),
        ]
        return export.csv_text(rows.select(columns)).rstrip("\n")  # click.echo ends the line
    # The store's own words: Hindi names only where it has them, the satisfied-closure share only where
    # the data record call-backs, the due-time source only where it is known.
    hindi = (rows[f"{by}_name_hi"] != rows[f"{by}_name"]).any()
    callbacks = rows["closed_satisfied"].sum() > 0
    short = rows.select(
        pl.col("volume_group").alias("group"),
        pl.col("rank_text").alias("rank"),
        *ident[:1],
        ident[2] if hindi else ident[1],
        pl.col("score"),
        "grade",
        *[pl.col(p).round(2) for p in points],
        "rank_change",
        "received",
        *([pl.col("satisfied_closure_pct").round(1)] if callbacks else ["closed"]),
        "pending_over_50",
        *(["due_source"] if "due_source" in rows.columns else []),
    )
    return _table(short)


@main.command("flags")
@db_option
@click.option("--month", "month_text", required=True, help="Month to check, YYYY-MM.")
@click.option("--by", "by", type=click.Choice(["department", "district"]), default="department", show_default=True)
@click.option(
    "--scheme",
    "scheme_name",
    default=None,
    help="The scheme whose [flags] thresholds apply (a shipped name or a file; default: the store's).",
)
@click.option(
    "--recompute",
    is_flag=True,
    help="For a published month: the flags of the data as loaded now, not those frozen with the publication.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def flags_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None, month_text: str, by: str, scheme_name: str | None, recompute: bool, fmt: str
) -> None:
    """List the integrity flags raised for one month: one row per (entity, flag) with its evidence; for a
    published month, those frozen with its publication (unless --recompute)."""
    from grading.monthly import results
    from grading.outputs import export, publish
    from grading.serve import integrity

    month = _month(month_text)
    con = database.connect_readonly(database.resolve_path(db))
    try:
        scheme = store_scheme(con, scheme_name)
        bounds = database.month_bounds(con)
        if bounds is None or month < bounds[0] or month > bounds[1]:
            msg = (
                f"no data for {month_text}: the database holds no months"
                if bounds is None
                else (f"no data for {month_text}: the database holds {bounds[0]:%Y-%m} to {bounds[1]:%Y-%m}")
            )
            raise NivaranError(msg)
        found = (
            integrity.compute(con, scheme, month, by, live=True)
            if recompute
            else integrity.raised(con, scheme, month, by)
        )
        rows = results.attach_names(con, found)
        frozen = not recompute and integrity.frozen(con, scheme, month, by) is not None
        published = publish.standing(con, month, scheme.name) if frozen else None
    finally:
        con.close()
    if published is not None:  # a note, on stderr for CSV and JSON (as nivaran grade's)
        note = f"the flags frozen with {published.describe()}; later events show only with --recompute"
        click.echo(note, err=fmt != "table")
    out = rows.select(
        pl.col(by).alias("code"),
        pl.col(f"{by}_name").alias("name"),
        "flag",
        "sentence",
        "count",
        "base",
        *[pl.col(c).round(2) for c in ("share_pct", "own_pct", "state_pct")],
    )
    if fmt == "json":
        click.echo(json.dumps(out.to_dicts(), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(export.csv_text(out).rstrip("\n"))
    elif out.is_empty():
        click.echo(f"No integrity flag raised for {by}s in {month_text}.")
    else:
        click.echo(_table(out, text_width=200))


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{option}: expected a day as YYYY-MM-DD, got {value!r}"
        raise click.BadParameter(msg) from None


def _meant_districts(asked: str, districts: pl.DataFrame) -> list[str]:
    """The codes a mistyped ``--district`` may mean: a code or an English or Hindi name written in any
    case ("Bhopal", "bhopal", "भोपाल" → BHOPAL), else the closest spellings of codes and names (at most 3)."""
    import difflib

    key = asked.strip().casefold()
    spellings = {
        str(value).strip().casefold(): str(code)
        for code, *names in districts.select("code", "name_en", "name_hi").iter_rows()
        for value in (code, *names)
        if value
    }
    if key in spellings:
        return [spellings[key]]
    close = difflib.get_close_matches(key, list(spellings), n=3, cutoff=0.75)
    return list(dict.fromkeys(spellings[c] for c in close))


@main.command("review")
@db_option
@click.option("--district", required=True, help="District code (see data/districts.csv).")
@click.option("--as-of", "as_of_text", default=None, help="Review day, YYYY-MM-DD (default: the latest data).")
@click.option("--since", "since_text", default=None, help="Last review day, YYYY-MM-DD (default: 7 days earlier).")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.xlsx or FILE.pdf"
)
def review_command(db: Path | None, district: str, as_of_text: str | None, since_text: str | None, out: Path) -> None:
    """Write a district's meeting pack: summary, case list (overdue first), changes since the last review.

    The export is recorded in the audit log as the operating-system user running the command.
    """
    import getpass

    from grading.outputs import export, meeting
    from grading.serve import decisions, review

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "pdf"):
        msg = f"--out {out}: the pack is written as .xlsx or .pdf"
        raise NivaranError(msg)
    path = database.resolve_path(db)
    con = database.connect_readonly(path)
    try:
        districts = database.read_table(con, "districts")
        if district not in districts["code"].to_list():
            meant = _meant_districts(district, districts)
            hint = f"; did you mean {' or '.join(meant)}?" if meant else ""
            msg = f"--district {district!r}: no such district code in {path}{hint}"
            raise NivaranError(msg)
        day = _day(as_of_text, "--as-of") if as_of_text else review.latest_day(con)
        if day is None:
            msg = f"{path} holds no events yet"
            raise NivaranError(msg)
        since = _day(since_text, "--since") if since_text else None
        if since is not None and since >= day:
            msg = f"--since {since_text}: the last review must be before the review day {day:%Y-%m-%d}"
            raise NivaranError(msg)
        who = identity.Identity(f"cli:{getpass.getuser()}", "admin")
        carried = decisions.carried(
            con, accounts.Accounts(path), who, day, district=district, since=since or day - meeting.DEFAULT_GAP
        )
        pack = meeting.build(con, who, district, day, since, decisions=carried)
    finally:
        con.close()
    data = export.audited(
        accounts.Accounts(path),
        who,
        who.scope(district=district),
        make=lambda: meeting.render(pack, fmt),
        rows=pack.rows,
        fmt=fmt,
        what=Entry("meeting_pack", {"district": district, "day": day.isoformat()}),
    )
    out.write_bytes(data)
    click.echo(f"{out}: {pack.title}; {pack.cases.height} pending, {pack.changes.height} changes")


@main.command("ingest")
@db_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--watch",
    "watch_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Stay up and load each file that arrives in DIR (moved to DIR/loaded or DIR/failed): no start-up per file.",
)
@click.option(
    "--interval", type=click.FloatRange(0.1), default=2.0, show_default=True, help="Seconds between looks at DIR."
)
@click.option("--once", is_flag=True, help="With --watch: load the files in DIR now, then stop.")
@click.option(
    "--strict", is_flag=True, help="Refuse the whole load when any row is bad (default: quarantine bad rows)."
)
@click.option(
    "--mapping",
    "mapping_name",
    default=None,
    help="Per-complaint snapshot files: a mapping file, or a shipped one (la311, cfpb).",
)
@click.option(
    "--max-line-bytes",
    type=click.IntRange(1024),
    default=MAX_LINE_BYTES,
    show_default=True,
    help="Refuse a CSV or JSON Lines file with a longer line (a sign of a broken or hostile file).",
)
@click.option(
    "--exported-at",
    "exported_at",
    default=None,
    metavar="TIME",
    help="When the files were exported (their cut-off): open requests are judged as of it, not at a month end the "
    "data never reached. ISO-8601; without an offset, the mapping's (else the store's) zone.",
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="The sheet to read from Excel (.xlsx) files (default: the first sheet).",
)
def ingest_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    files: tuple[Path, ...],
    watch_dir: Path | None,
    interval: float,
    once: bool,
    strict: bool,
    mapping_name: str | None,
    max_line_bytes: int,
    exported_at: str | None,
    sheet: str | None,
) -> None:
    """Load event-log files (CSV, JSON Lines, Parquet or Excel) or, with --mapping, snapshot exports."""
    from grading.intake import ingest, mapping

    chosen = mapping.load(mapping_name) if mapping_name else None
    if watch_dir is not None or not files:
        if files or watch_dir is None:
            msg = "give the files to load, or --watch DIR to load the files arriving in a folder (not both)."
            raise click.UsageError(msg)
        from grading.intake import watch

        with contextlib.suppress(KeyboardInterrupt):
            watch.watch(
                _database(db), watch_dir, interval=interval, once=once, mapping=chosen, strict=strict, say=click.echo
            )
        return
    with _progress() as progress:
        report = ingest.ingest(
            _database(db),
            list(files),
            strict=strict,
            mapping=chosen,
            progress=progress,
            max_line_bytes=max_line_bytes,
            exported_at=exported_at,
            sheet=sheet,
        )
    click.echo(report.summary())
    for f in report.files:
        if f.problems.height:
            click.echo(ingest.describe(f.problems, f.source, sheet=sheet), err=True)


@main.group()
def users() -> None:
    """Accounts of the dashboard: who signs in, with which role and scope."""


@users.command("add")
@db_option
@click.argument("username")
@click.option("--role", type=click.Choice(identity.ROLES[1:]), required=True)
@click.option("--district", "districts", multiple=True, help="A collector's district code (repeatable).")
@click.option("--department", "departments", multiple=True, help="A department head's department code (repeatable).")
@click.option(
    "--oidc",
    is_flag=True,
    help="No password: the user signs in through the identity provider; USERNAME is their e-mail.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.option("--replace", is_flag=True, help="Redefine an existing account.")
@click.option("--email", default=None, help="Where digests and alerts reach the account (docs/notify.md).")
@click.option("--lang", type=click.Choice(accounts.LANGS), default="en", show_default=True, help="Their language.")
def users_add(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    username: str,
    role: str,
    districts: tuple[str, ...],
    departments: tuple[str, ...],
    oidc: bool,
    password_stdin: bool,
    replace: bool,
    email: str | None,
    lang: str,
) -> None:
    """Add an account (the password is asked for twice and stored only as an Argon2 hash)."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not oidc:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not oidc and not password:
        raise click.BadParameter("a password is required (or --oidc)")
    store = accounts.Accounts(_database(db))
    store.add(
        username,
        role,
        password=password,
        districts=tuple(d.upper() for d in districts),
        departments=tuple(d.upper() for d in departments),
        replace=replace,
        email=email,
        lang=lang,
    )
    click.echo(f"{username.strip().lower()}: {role} added to {store.path}")


@users.command("reset")
@db_option
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (for scripts).")
def users_reset(db: Path | None, username: str, password_stdin: bool) -> None:
    """Reset an account's password: a new one-time password is made and shown once (or read from standard
    input with --password-stdin); the account's sessions end and its sign-in locks are cleared."""
    import secrets

    made = not password_stdin
    password = secrets.token_urlsafe(12) if made else sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.BadParameter("a password is required on standard input")
    store = accounts.Accounts(_database(db))
    store.reset_password(username, password)
    name = username.strip().lower()
    click.echo(f"{name}: password reset; its sessions are ended")
    if made:
        click.echo(f"New password (shown once; give it to {name} in person or by phone): {password}")


@users.command("list")
@db_option
@click.option(
    "--idle",
    "idle_days",
    type=click.IntRange(0, None),
    default=None,
    metavar="DAYS",
    help="Only the accounts not signed in for DAYS days (or never, made over DAYS days ago), most idle first.",
)
def users_list(db: Path | None, idle_days: int | None) -> None:
    """List the accounts (never their passwords); with --idle, those not signed in lately."""
    store = accounts.Accounts(_database(db))
    if idle_days is None:
        click.echo(_table(store.list()))
        return
    idle = store.idle(idle_days)
    click.echo(f"{idle.height} accounts not signed in for {idle_days} days or more")
    if idle.height:
        click.echo(_table(idle))


@users.command("remove")
@db_option
@click.argument("username")
def users_remove(db: Path | None, username: str) -> None:
    """Remove an account; its signed-in sessions end at once."""
    if not accounts.Accounts(_database(db)).remove(username):
        msg = f"no user {username!r}"
        raise click.ClickException(msg)
    click.echo(f"{username.strip().lower()}: removed")


@users.command("set-scope")
@db_option
@click.argument("username")
@click.option("--district", "districts", multiple=True, help="The collector's district codes (repeatable).")
@click.option("--department", "departments", multiple=True, help="The head's department codes (repeatable).")
def users_set_scope(db: Path | None, username: str, districts: tuple[str, ...], departments: tuple[str, ...]) -> None:
    """Change the districts or departments of an account; its signed-in sessions end at once."""
    store = accounts.Accounts(database.resolve_path(db))
    store.set_scope(
        username, districts=tuple(d.upper() for d in districts), departments=tuple(d.upper() for d in departments)
    )
    click.echo(f"{username.strip().lower()}: scope set; its sessions are ended")


@users.command("unlock")
@db_option
@click.argument("username")
def users_unlock(db: Path | None, username: str) -> None:
    """End the sign-in lock on a user name now (after too many failed sign-ins, from any addresses)."""
    unlocked = accounts.Accounts(database.resolve_path(db)).unlock(username)
    click.echo(f"{username.strip().lower()}: {'unlocked' if unlocked else 'not locked'}")


@users.command("set-contact")
@db_option
@click.argument("username")
@click.option("--email", default=None, help='The account\'s e-mail address ("" removes it).')
@click.option("--lang", type=click.Choice(accounts.LANGS), default=None, help="The language of its messages.")
def users_set_contact(db: Path | None, username: str, email: str | None, lang: str | None) -> None:
    """Set where (e-mail) and in which language digests and alerts reach an account."""
    if email is None and lang is None:
        raise click.UsageError("give --email, --lang or both")
    accounts.Accounts(database.resolve_path(db)).set_contact(username, email=email, lang=lang)
    click.echo(f"{username.strip().lower()}: contact set")


@users.command("watch")
@db_option
@click.argument("username")
@click.option("--district", "districts", multiple=True, help="Pin this district (repeatable).")
@click.option("--department", "departments", multiple=True, help="Pin this department (repeatable).")
@click.option("--remove", is_flag=True, help="Unpin them instead.")
@click.option("--list", "show", is_flag=True, help="Show what the account has pinned.")
def users_watch(  # noqa: PLR0917 - one parameter per click option
    db: Path | None, username: str, districts: tuple[str, ...], departments: tuple[str, ...], remove: bool, show: bool
) -> None:
    """Pin districts or departments to an account's watchlist: its digests list them first."""
    store = accounts.Accounts(database.resolve_path(db))
    if not (districts or departments or show):
        raise click.UsageError("give --district, --department or --list")
    for kind, codes in (("district", districts), ("department", departments)):
        for code in codes:
            if remove:
                done = store.unwatch(username, kind=kind, code=code)
                click.echo(f"{username}: {kind} {code.upper()} {'unpinned' if done else 'was not pinned'}")
            else:
                done = store.watch(username, kind=kind, code=code)
                click.echo(f"{username}: {kind} {code.upper()} {'pinned' if done else 'already pinned'}")
    if show:
        for kind, codes in store.watches(username).items():
            click.echo(f"{username}: {kind}s pinned: {', '.join(codes) or 'none'}")


@main.group()
def decisions() -> None:
    """Meeting decisions of the district reviews: record, list, mark done (docs/meetings.md)."""


def _acting(path: Path, user: str | None) -> identity.Identity:
    """Who a decisions command acts as: the account ``--as`` names (its scope applies), else the
    operator (``cli:<user>``, an administrator)."""
    if user is None:
        return accounts.operator()
    found = next((c.identity for c in accounts.Accounts(path).contacts() if c.identity.username == user.lower()), None)
    if found is None:
        msg = f"--as {user!r}: no such account"
        raise NivaranError(msg)
    return found


as_option = click.option(
    "--as", "as_user", default=None, help="Act as this account (its scope applies; default: the operator, state-wide)."
)


@decisions.command("add")
@db_option
@as_option
@click.option("--district", required=True, help="The district whose review took the decision.")
@click.option("--at", "at_text", required=True, help="The review's day, YYYY-MM-DD.")
@click.option("--what", required=True, help="What is to be done.")
@click.option("--owner", required=True, help="Who owns it (an officer or office).")
@click.option("--due", "due_text", required=True, help="Due day, YYYY-MM-DD.")
@click.option("--department", default=None, help="The department it names (a code).")
@click.option("--complaint", "complaint_id", default=None, help="The complaint it is about (its department is taken).")
def decisions_add(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    as_user: str | None,
    district: str,
    at_text: str,
    what: str,
    owner: str,
    due_text: str,
    department: str | None,
    complaint_id: str | None,
) -> None:
    """Record a decision of a district review (audited; carried into the next reviews, packs and digests)."""
    from grading.serve import decisions as serve_decisions

    path = existing_store(db)
    who = _acting(path, as_user)
    with closing(database.connect_readonly(path)) as con:
        made = serve_decisions.record(
            con,
            accounts.Accounts(path),
            who,
            district=district.upper(),
            what=what,
            owner=owner,
            due=_day(due_text, "--due"),
            review_day=_day(at_text, "--at"),
            department=department.upper() if department else None,
            complaint_id=complaint_id,
        )
    click.echo(f"decision {made} recorded for {district.upper()}")


@decisions.command("list")
@db_option
@as_option
@click.option("--as-of", "as_of_text", required=True, help="Status as of this day, YYYY-MM-DD.")
@click.option("--district", default=None)
@click.option("--department", default=None)
@click.option("--since", "since_text", default=None, help="Leave out those done before this day (the last review).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def decisions_list(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    as_user: str | None,
    as_of_text: str,
    district: str | None,
    department: str | None,
    since_text: str | None,
    fmt: str,
) -> None:
    """The decisions in scope with their status (open, done, overdue) as of a day."""
    from grading.serve import decisions as serve_decisions

    path = existing_store(db)
    who = _acting(path, as_user)
    with closing(database.connect_readonly(path)) as con:
        found = serve_decisions.carried(
            con,
            accounts.Accounts(path),
            who,
            _day(as_of_text, "--as-of"),
            district=district.upper() if district else None,
            department=department.upper() if department else None,
            since=_day(since_text, "--since") if since_text else None,
        )
    shown = found.select(
        "decision_id",
        "status",
        "district",
        "department",
        "complaint_id",
        "what",
        "owner",
        "due",
        "review_day",
        "done_at",
    )
    if fmt == "csv":
        click.echo(shown.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(shown.write_json())
    else:
        click.echo(_table(shown))


@decisions.command("done")
@db_option
@as_option
@click.argument("decision_id", type=int)
@click.option("--on", "on_text", default=None, help="The day it was done, YYYY-MM-DD (default: today).")
def decisions_done(db: Path | None, as_user: str | None, decision_id: int, on_text: str | None) -> None:
    """Mark a decision done (audited)."""
    from grading.access.decisions import Decisions

    path = existing_store(db)
    who = _acting(path, as_user)
    Decisions(accounts.Accounts(path)).done(who, decision_id, on=_day(on_text, "--on") if on_text else None)
    click.echo(f"decision {decision_id} done")


def delivery_options(command: _Command) -> _Command:
    """The options that say how queued messages leave (digest and alerts share them)."""
    options = [
        click.option(
            "--outbox",
            "outbox_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Write e-mails as .eml files (and webhook messages as .json) to this folder.",
        ),
        click.option("--smtp", default=None, metavar="HOST:PORT", help="Send e-mails through this SMTP relay."),
        click.option(
            "--webhook",
            default=None,
            metavar="URL",
            help="POST gateway messages (JSON) here, signed with NIVARAN_WEBHOOK_SECRET (HMAC-SHA256).",
        ),
        click.option(
            "--sender",
            envvar="NIVARAN_SENDER",
            default="nivaran@localhost",
            show_default=True,
            help="The From address (also the domain of Message-IDs); or NIVARAN_SENDER.",
        ),
        click.option(
            "--base-url",
            envvar="NIVARAN_BASE_URL",
            default="http://localhost:8501",
            show_default=True,
            help="The dashboard's address, for the links in messages; or NIVARAN_BASE_URL.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def deliver_queued(path: Path, outbox_dir: Path | None, smtp: str | None, webhook: str | None) -> None:
    """Hand every queued message of the store's outbox to the adapters the options name; print what
    became of each (a failed one stays queued with its error, and the exit code is 1)."""
    import os

    from grading.outputs import outbox

    if outbox_dir is not None and smtp is not None:
        raise click.UsageError("give --outbox or --smtp, not both (both deliver e-mail)")
    adapters: dict[str, outbox.Adapter] = {}
    if outbox_dir is not None:
        adapters["email"] = adapters["webhook"] = outbox.FileAdapter(outbox_dir)
    if smtp is not None:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            msg = f"--smtp {smtp!r}: expected HOST:PORT"
            raise click.BadParameter(msg)
        adapters["email"] = outbox.SmtpAdapter(host, int(port))
    if webhook is not None:
        secret = os.environ.get("NIVARAN_WEBHOOK_SECRET", "").encode()
        adapters["webhook"] = outbox.WebhookAdapter(webhook, secret)
    done = outbox.Outbox(accounts.Accounts(path)).deliver(adapters)
    for line in done.lines():
        click.echo(line)
    if done.failed:
        raise click.exceptions.Exit(1)


@main.command("digest")
@db_option
@click.option("--as-of", "as_of_text", required=True, help="The digest's day, YYYY-MM-DD (its end is described).")
@click.option(
    "--since", "since_text", default=None, help="A collector's last review, YYYY-MM-DD (default: 7 days earlier)."
)
@click.option(
    "--role",
    "roles",
    type=click.Choice(["collector", "head", "admin"]),
    multiple=True,
    help="Only these accounts (repeatable; default: every account with an e-mail address).",
)
@delivery_options
def digest_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    as_of_text: str,
    since_text: str | None,
    roles: tuple[str, ...],
    outbox_dir: Path | None,
    smtp: str | None,
    webhook: str | None,
    sender: str,
    base_url: str,
) -> None:
    """Build each account's digest of a day (scoped as its dashboard), queue it, and send the queue.

    A digest already queued or sent for the same account and day is not made again (docs/notify.md).
    """
    from grading.outputs import digest

    day = _day(as_of_text, "--as-of")
    since = _day(since_text, "--since") if since_text else None
    if since is not None and since >= day:
        msg = f"--since {since_text}: the last review must be before the digest's day {day:%Y-%m-%d}"
        raise NivaranError(msg)
    path = existing_store(db)
    chosen = tuple(digest.ROLES[r] for r in roles) or tuple(digest.ROLES.values())
    done = digest.queue_digests(path, day, roles=chosen, since=since, base_url=base_url, sender=sender)
    for line in done.lines():
        click.echo(line)
    deliver_queued(path, outbox_dir, smtp, webhook)


@main.command("alerts")
@db_option
@click.option("--as-of", "as_of_text", required=True, help="The day to check, YYYY-MM-DD (its end is described).")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Check this TOML file of alert rules and keep it in the store's settings first (docs/notify.md).",
)
@delivery_options
def alerts_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    as_of_text: str,
    rules_file: Path | None,
    outbox_dir: Path | None,
    smtp: str | None,
    webhook: str | None,
    sender: str,
    base_url: str,
) -> None:
    """Check the helpline's alert rules as of a day; queue an alert for each new crossing, send the queue.

    The same day checked twice sends nothing new; a rule that keeps holding alerts once (docs/notify.md).
    """
    from grading.outputs import alerts

    day = _day(as_of_text, "--as-of")
    path = existing_store(db)
    if rules_file is not None:
        text = rules_file.read_text(encoding="utf-8")
        rules = alerts.parse_rules(text, str(rules_file))
        helpline.set_alerts(path, text)
        what = Entry("alert_rules", {"file": str(rules_file), "rules": len(rules.rules)})
        accounts.Accounts(path).log(accounts.operator(), "scheme", what)
        click.echo(f"{path}: {len(rules.rules)} alert rules kept (cool-down {rules.cool_down.days} days)")
    done = alerts.check(path, day, base_url=base_url, sender=sender, gateway=webhook is not None)
    for line in done.lines():
        click.echo(line)
    deliver_queued(path, outbox_dir, smtp, webhook)


def run() -> None:
    """Entry point that turns Nivaran errors into a one-line message and exit code 2."""
    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NivaranError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
