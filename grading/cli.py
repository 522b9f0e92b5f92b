"""The ``nivaran`` command line: ``demo``, ``ingest``, ``grade``, ``flags``, ``publish``, ``migrate``, ``users``.

Every command takes ``--db PATH`` (default: ``$NIVARAN_DB``, else ``data/nivaran.duckdb``). Errors a
user can fix are printed as one clear message (no traceback) with exit code 2.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
import polars as pl

from grading import access, asof, pipeline, schemes, store
from grading.grade import GRADE_COLUMNS
from grading.registry import METRICS
from grading.schema import NivaranError

DEFAULT_DEMO = {"months": 12, "end": "2026-10", "scale": 0.05, "seed": 181}


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


db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file (default: $NIVARAN_DB, else data/nivaran.duckdb).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Nivaran: grade public-grievance helplines month by month."""


@main.command()
@db_option
@click.option("--months", type=click.IntRange(1, 120), default=DEFAULT_DEMO["months"], show_default=True)
@click.option("--end", "end", default=DEFAULT_DEMO["end"], show_default=True, help="Last month, YYYY-MM.")
@click.option(
    "--scale",
    type=click.FloatRange(0.0001, 2.0),
    default=DEFAULT_DEMO["scale"],
    show_default=True,
    help="1.0 ≈ Madhya Pradesh's real volume (~400,000 complaints a month).",
)
@click.option("--seed", type=int, default=DEFAULT_DEMO["seed"], show_default=True)
def demo(db: Path | None, months: int, end: str, scale: float, seed: int) -> None:
    """Build a realistic synthetic complaint history (replaces the database)."""
    _month(end)
    path = store.resolve_path(db)
    with _progress() as progress:
        result = pipeline.build_demo(path, months=months, end=end, scale=scale, seed=seed, progress=progress)
    click.echo(
        f"{path}: {result['complaints']:,} complaints, {result['events']:,} events, "
        f"{months} months to {end}, in {result['seconds']} s"
    )
    click.echo(access.describe_accounts(access.create_demo_accounts(path)))


def _table(frame: pl.DataFrame, text_width: int = 60) -> str:
    with pl.Config(
        tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, fmt_str_lengths=text_width, tbl_hide_dataframe_shape=True
    ):
        return str(frame)


scheme_option = click.option(
    "--scheme",
    "scheme_name",
    default=schemes.DEFAULT_SCHEME,
    show_default=True,
    help=f"A shipped scheme ({', '.join(schemes.available())}) or a scheme file.",
)


@main.command("grade")
@db_option
@click.option("--month", "month_text", required=True, help="Month to grade, YYYY-MM.")
@click.option("--by", "by", type=click.Choice(["department", "district"]), default="department", show_default=True)
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--recompute",
    is_flag=True,
    help="For a published month: show the current reading and what differs from the published grading.",
)
def grade_command(  # noqa: PLR0917 - one parameter per click option
    db: Path | None, month_text: str, by: str, scheme_name: str, fmt: str, recompute: bool
) -> None:
    """Grade and rank departments or districts for one month (a published month shows its publication)."""
    from grading import publish

    month = _month(month_text)
    scheme = schemes.load(scheme_name)
    con = store.connect_readonly(store.resolve_path(db))
    try:
        rows = pipeline.graded(con, scheme, by, month, live=recompute)
        published = publish.standing(con, month, scheme.name)
    finally:
        con.close()
    if rows.is_empty():
        msg = f"no graded {by}s for {month_text}: the database has no events in or before that month"
        raise NivaranError(msg)
    # The table carries its notes; CSV and JSON stay machine-readable and the notes go to stderr.
    note = functools.partial(click.echo, err=fmt != "table")
    if published is not None and not recompute:
        note(f"{published.describe()}; later events show only with --recompute")
    if recompute:
        note(f"current reading of {month_text}" + ("" if published else " (not published)"))
    click.echo(render(rows, scheme, by, fmt))
    if recompute and published is not None:
        changes = publish.revisions(published.graded[by], rows, by)
        if changes.is_empty():
            note(f"revision: none, the current reading equals the grading {published.describe()}")
        else:
            note(f"revision against the grading {published.describe()}: {changes.height} value(s) differ")
            note(_table(changes))


@main.command("publish")
@db_option
@click.option("--month", "month_text", required=True, help="Month to publish, YYYY-MM.")
@scheme_option
@click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Package directory."
)
@click.option("--force", is_flag=True, help="Publish an already published month again (the old one is kept).")
def publish_command(db: Path | None, month_text: str, scheme_name: str, out: Path, force: bool) -> None:
    """Freeze a month's grading in the store and write its package (rankings as CSV) to --out."""
    from grading import publish

    month = _month(month_text)
    done = publish.publish(store.resolve_path(db), month, schemes.load(scheme_name), out, force=force)
    click.echo(done.describe())
    for name in publish.PACKAGE:
        click.echo(f"  wrote {out / name}")


@main.command("migrate")
@db_option
def migrate_command(db: Path | None) -> None:
    """Bring a store of an older schema version to this one (explicit steps; refused when impossible)."""
    path = store.resolve_path(db)
    if not path.exists():
        msg = f"No database at {path}."
        raise NivaranError(msg)
    with store.writing(path):
        pass
    click.echo(f"{path}: schema version {store.SCHEMA_VERSION}")


def render(rows: pl.DataFrame, scheme: schemes.Scheme, by: str, fmt: str) -> str:
    """Format graded rows as a table, CSV or JSON (numbers unrounded in CSV and JSON)."""
    points = [f"points_{c.key}" for c in scheme.components]
    ident = [pl.col(by).alias("code"), pl.col(f"{by}_name").alias("name"), pl.col(f"{by}_name_hi").alias("name_hi")]
    if fmt == "json":
        out = []
        for r in rows.select(
            *ident,
            "rank",
            "score",
            "grade",
            *points,
            *METRICS,
            *[c for c in GRADE_COLUMNS if c not in ("rank", "score", "grade", "is_ranked")],
        ).iter_rows(named=True):
            components = {c.key: r.pop(f"points_{c.key}") for c in scheme.components}
            head = {k: r.pop(k) for k in ("code", "name", "name_hi", "rank", "score", "grade")}
            out.append({**head, "components": components, **r})
        return json.dumps(out, ensure_ascii=False, indent=1)
    if fmt == "csv":
        columns = [
            *ident,
            "rank",
            "score",
            "grade",
            *points,
            "rank_change",
            "volume_group",
            "group_rank",
            "rank_best",
            "rank_worst",
            "rank_is_reliable",
            "not_graded",
            "scheme_version",
            *METRICS,
        ]
        return rows.select(columns).write_csv().rstrip("\n")  # click.echo ends the line
    # The table leads with volume group 1, as the public ranking does; "range" is the plausible ranks
    # inside the group (grading.reliability), "rank" the overall rank.
    short = rows.sort(["volume_group", "group_rank", "rank"], nulls_last=True).select(
        pl.col("volume_group").alias("group"),
        "group_rank",
        pl.format("{}-{}", "rank_best", "rank_worst").alias("range"),
        pl.col("rank"),
        *ident[:1],
        *ident[2:],
        pl.col("score"),
        "grade",
        *[pl.col(p).round(2) for p in points],
        "rank_change",
        "received",
        pl.col("satisfied_closure_pct").round(1),
        "pending_over_50",
    )
    return _table(short)


@main.command("flags")
@db_option
@click.option("--month", "month_text", required=True, help="Month to check, YYYY-MM.")
@click.option("--by", "by", type=click.Choice(["department", "district"]), default="department", show_default=True)
@click.option(
    "--scheme",
    "scheme_name",
    default=schemes.DEFAULT_SCHEME,
    show_default=True,
    help="The scheme whose [flags] thresholds apply (a shipped name or a file).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def flags_command(db: Path | None, month_text: str, by: str, scheme_name: str, fmt: str) -> None:
    """List the integrity flags raised for one month: one row per (entity, flag) with its evidence."""
    from grading import flags

    month = _month(month_text)
    scheme = schemes.load(scheme_name)
    con = store.connect_readonly(store.resolve_path(db))
    try:
        bounds = store.month_bounds(con)
        if bounds is None or month < bounds[0] or month > bounds[1]:
            msg = (
                f"no data for {month_text}: the database holds no months"
                if bounds is None
                else (f"no data for {month_text}: the database holds {bounds[0]:%Y-%m} to {bounds[1]:%Y-%m}")
            )
            raise NivaranError(msg)
        rows = pipeline.attach_names(con, flags.compute(con, scheme, month, by))
    finally:
        con.close()
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
        click.echo(out.write_csv().rstrip("\n"))
    elif out.is_empty():
        click.echo(f"No integrity flag raised for {by}s in {month_text}.")
    else:
        click.echo(_table(out, text_width=200))


@main.command("ingest")
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Refuse the whole load when any row is bad (default: quarantine bad rows)."
)
@click.option(
    "--mapping",
    "mapping_name",
    default=None,
    help="Per-complaint snapshot files: a mapping file, or a shipped one (la311, cfpb).",
)
def ingest_command(db: Path | None, files: tuple[Path, ...], strict: bool, mapping_name: str | None) -> None:
    """Load event-log files (CSV, JSON Lines or Parquet) or, with --mapping, snapshot exports."""
    from grading import ingest, mapping

    chosen = mapping.load(mapping_name) if mapping_name else None
    with _progress() as progress:
        report = ingest.ingest(store.resolve_path(db), list(files), strict=strict, mapping=chosen, progress=progress)
    click.echo(report.summary())
    for f in report.files:
        if f.problems.height:
            click.echo(ingest.describe(f.problems, f.source), err=True)


@main.group()
def users() -> None:
    """Accounts of the dashboard: who signs in, with which role and scope."""


@users.command("add")
@db_option
@click.argument("username")
@click.option("--role", type=click.Choice(access.ROLES[1:]), required=True)
@click.option("--district", "districts", multiple=True, help="A collector's district code (repeatable).")
@click.option("--department", "departments", multiple=True, help="A department head's department code (repeatable).")
@click.option(
    "--oidc",
    is_flag=True,
    help="No password: the user signs in through the identity provider; USERNAME is their e-mail.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.option("--replace", is_flag=True, help="Redefine an existing account.")
def users_add(  # noqa: PLR0917 - one parameter per click option
    db: Path | None,
    username: str,
    role: str,
    districts: tuple[str, ...],
    departments: tuple[str, ...],
    oidc: bool,
    password_stdin: bool,
    replace: bool,
) -> None:
    """Add an account (the password is asked for twice and stored only as an Argon2 hash)."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not oidc:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not oidc and not password:
        raise click.BadParameter("a password is required (or --oidc)")
    accounts = access.Accounts(store.resolve_path(db))
    accounts.add(
        username,
        role,
        password=password,
        districts=tuple(d.upper() for d in districts),
        departments=tuple(d.upper() for d in departments),
        replace=replace,
    )
    click.echo(f"{username.strip().lower()}: {role} added to {accounts.path}")


@users.command("list")
@db_option
def users_list(db: Path | None) -> None:
    """List the accounts (never their passwords)."""
    click.echo(_table(access.Accounts(store.resolve_path(db)).list()))


@users.command("remove")
@db_option
@click.argument("username")
def users_remove(db: Path | None, username: str) -> None:
    """Remove an account."""
    if not access.Accounts(store.resolve_path(db)).remove(username):
        msg = f"no user {username!r}"
        raise click.ClickException(msg)
    click.echo(f"{username.strip().lower()}: removed")


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
