"""``nivaran review`` and ``nivaran decisions``: a district's weekly review (the meeting pack) and the decisions
recorded at it."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click
import polars as pl

from grading.access import accounts, identity, logbook
from grading.access.audit import Entry
from grading.cli.base import day_arg, db_option, existing_store, main, text_table
from grading.model.schema import NivaranError
from grading.store import database


def meant_districts(asked: str, districts: pl.DataFrame) -> list[str]:
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
            meant = meant_districts(district, districts)
            hint = f"; did you mean {' or '.join(meant)}?" if meant else ""
            msg = f"--district {district!r}: no such district code in {path}{hint}"
            raise NivaranError(msg)
        day = day_arg(as_of_text, "--as-of") if as_of_text else review.latest_day(con)
        if day is None:
            msg = f"{path} holds no events yet"
            raise NivaranError(msg)
        since = day_arg(since_text, "--since") if since_text else None
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


@main.group()
def decisions() -> None:
    """Meeting decisions of the district reviews: record, list, mark done (docs/meetings.md)."""


def _acting(path: Path, user: str | None) -> identity.Identity:
    """Who a decisions command acts as: the account ``--as`` names (its scope applies), else the
    operator (``cli:<user>``, an administrator)."""
    if user is None:
        return logbook.operator()
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
            due=day_arg(due_text, "--due"),
            review_day=day_arg(at_text, "--at"),
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
            day_arg(as_of_text, "--as-of"),
            district=district.upper() if district else None,
            department=department.upper() if department else None,
            since=day_arg(since_text, "--since") if since_text else None,
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
        click.echo(text_table(shown))


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
    Decisions(accounts.Accounts(path)).done(who, decision_id, on=day_arg(on_text, "--on") if on_text else None)
    click.echo(f"decision {decision_id} done")
