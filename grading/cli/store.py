"""``nivaran init``, ``demo``, ``ingest``, ``migrate``, ``compact``, ``check`` and ``export``: making, loading and
looking after the store."""

from __future__ import annotations

import contextlib
from contextlib import closing
from datetime import date
from pathlib import Path

import click

from grading.access import accounts, logbook
from grading.access.audit import Entry
from grading.cli.base import db_option, existing_store, main, month_arg, progress_bars, store_path
from grading.cli.results import render_national
from grading.demo.spec import DEFAULT_DEMO, DemoSpec
from grading.intake.limits import MAX_LINE_BYTES
from grading.scoring import schemes
from grading.store import database, helpline


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
    accounts.Accounts(path).log(logbook.operator(), "scheme", what)
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

    last = month_arg(end)
    if (states is None) != (out is None):
        msg = "--states and --out go together (a nation of N states written to a folder)"
        raise click.UsageError(msg)
    if states is not None and out is not None:
        _nation(out, states, DemoSpec(months=months, end=end, scale=scale, seed=seed), last)
        return
    path = store_path(db, replacing=True)
    with progress_bars() as progress:
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

    with progress_bars() as progress:
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


@main.command("migrate")
@db_option
def migrate_command(db: Path | None) -> None:
    """Bring a store of an older schema version to this one (explicit steps; refused when impossible)."""
    path = existing_store(db)
    database.migrate(path)
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
    from grading.intake import ingest, mapping, sources
    from grading.store import standby

    standby.mode()  # a value it cannot take is said before anything is loaded

    chosen = mapping.load(mapping_name) if mapping_name else None
    if watch_dir is not None or not files:
        if files or watch_dir is None:
            msg = "give the files to load, or --watch DIR to load the files arriving in a folder (not both)."
            raise click.UsageError(msg)
        from grading.intake import watch

        with contextlib.suppress(KeyboardInterrupt):
            watch.watch(
                store_path(db), watch_dir, interval=interval, once=once, mapping=chosen, strict=strict, say=click.echo
            )
        return
    with progress_bars() as progress:
        report = ingest.ingest(
            store_path(db),
            list(files),
            strict=strict,
            mapping=chosen,
            progress=progress,
            max_line_bytes=max_line_bytes,
            exported_at=exported_at,
            sheet=sheet,
        )
    if any(not f.already_loaded for f in report.files):  # a new version: its replay on the standby, off this run
        standby.after_load(store_path(db))
    click.echo(report.summary())
    for f in report.files:
        if f.problems.height:
            click.echo(sources.describe(f.problems, f.source, sheet=sheet), err=True)
