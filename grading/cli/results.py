"""``nivaran grade``, ``flags``, ``publish`` and ``national``: the month's grading, its integrity flags, publishing
it, and the national view of several helplines."""

from __future__ import annotations

import functools
import json
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from grading.cli.base import db_option, main, month_arg, progress_bars, scheme_option, store_scheme, text_table
from grading.model.schema import NivaranError
from grading.scoring import schemes
from grading.store import database, month_reads

if TYPE_CHECKING:
    from grading.monthly.national import NationalView


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
@click.option(
    "--stage",
    default=None,
    help="With --engine spark: a folder or object store URL (s3://, gs://, abfs://) this machine writes and the "
    "Spark server reads; the inputs go there as Parquet instead of inside each query (needed at state scale).",
)
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
    stage: str | None,
    all_months: bool,
) -> None:
    """Grade and rank departments or districts for one month (a published month shows its publication).

    With ``--engine``, the month's metrics (every month's with ``--all-months``) are computed on that
    engine first and written to the store's monthly tables, which the dashboard and ``publish`` read;
    ``spark`` without ``--remote`` starts a local Sail server for the run; ``--stage`` is where a Spark
    server reads the inputs (docs/engines.md).
    """
    from grading.monthly import results
    from grading.outputs import publish
    from grading.serve import duesource

    _check_engine_options(month_text, engine_name, remote or stage, all_months=all_months)
    month = None if month_text is None else month_arg(month_text)
    path = database.resolve_path(db)
    if engine_name is not None:
        fill_monthly(path, scheme_name, engine_name, None if all_months else month, remote=remote, stage=stage)
    if month is None:
        return
    month_text = f"{month:%Y-%m}"
    con = database.connect_readonly(path)
    try:
        scheme = store_scheme(con, scheme_name)
        rows = results.graded(con, scheme, by, month, live=recompute)
        published = publish.standing(con, month, scheme.name)
        bounds = month_reads.month_bounds(con)
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
            note(text_table(changes))


def _check_engine_options(
    month_text: str | None, engine_name: str | None, spark_option: str | None, *, all_months: bool
) -> None:
    """``grade``'s options that go together (a usage error in one sentence otherwise)."""
    if month_text is None and not all_months:
        raise click.UsageError("give --month YYYY-MM, or --all-months with --engine")
    if (all_months or spark_option) and engine_name is None:
        raise click.UsageError("--all-months, --remote and --stage go with --engine")


def _why_nothing(month: date, bounds: tuple[date, date] | None) -> str:
    """Why a month has nothing graded, in a few words."""
    if bounds is None:
        return "the store holds no events"
    if month < bounds[0]:
        return f"the store's events start in {bounds[0]:%Y-%m}"
    return f"the store's events end in {bounds[1]:%Y-%m}"


def fill_monthly(
    path: Path,
    scheme_name: str | None,
    engine_name: str,
    month: date | None,
    *,
    remote: str | None = None,
    stage: str | None = None,
) -> None:
    """Compute the monthly metrics of ``month`` (None: every month of the store) on an engine
    (:mod:`grading.monthly.engines`: a Spark server at ``remote`` reads its inputs from ``stage``) and
    write them to the store's monthly tables; one line to stderr says what was done. One month keeps
    the settings the table was computed with; all months take the scheme's
    (:meth:`grading.scoring.schemes.Scheme`'s ``metric_settings``)."""
    import time

    from grading.monthly import engines, refresh

    with closing(database.connect_readonly(path)) as con:
        scheme = store_scheme(con, scheme_name)
        bounds = month_reads.month_bounds(con)
        stored = refresh.stored_settings(con)
    if bounds is None:
        raise NivaranError("the store holds no events: nothing to grade")
    started = time.perf_counter()
    with (
        progress_bars() as progress,
        engines.opened(engine_name, remote, stage) as engine,
        database.writing(path) as con,
    ):
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

    month = month_arg(month_text)
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


@main.command("national")
@click.option(
    "--lake",
    "lake_dir",
    required=True,
    help="The lake: a folder, or with --engine spark a URL the Spark server reads (s3://, gs://, file://, ...).",
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
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["polars", "duckdb", "spark"]),
    default="polars",
    show_default=True,
    help="Where the states' metrics are computed (docs/engines.md). Spark reads the lake's files on its "
    "server, which must see the lake at the same path or URL: no stage is needed.",
)
@click.option("--remote", default=None, help="With --engine spark: a Spark Connect server, sc://HOST:PORT.")
def national_command(  # noqa: PLR0917 - one parameter per click option
    lake_dir: str,
    month_text: str,
    scheme_name: str,
    state: str | None,
    by: str,
    fmt: str,
    engine_name: str,
    remote: str | None,
) -> None:
    """Rank the states of a lake for one month (each first graded under its own scheme)."""
    from grading.monthly import engines, national

    with engines.opened(engine_name, remote) as engine:
        view = national.national_view(lake_dir, month_arg(month_text), scheme_name, engine)
    if state is None:
        click.echo(render_national(view, fmt))
        return
    drill = view.departments if by == "department" else view.districts
    if state not in drill:
        msg = f"--state {state!r}: not in {lake_dir} for {month_text} (states: {', '.join(sorted(drill)) or 'none'})"
        raise NivaranError(msg)
    own = view.helplines[state]
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
    return f"{view.scheme.title_en}, {view.month:%Y-%m}\n" + text_table(short)


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
    return text_table(short)


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

    month = month_arg(month_text)
    con = database.connect_readonly(database.resolve_path(db))
    try:
        scheme = store_scheme(con, scheme_name)
        bounds = month_reads.month_bounds(con)
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
        click.echo(text_table(out, text_width=200))
