"""``nivaran users``: the dashboard's accounts, their scopes, contacts and watchlists."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grading.access import accounts, identity
from grading.cli.base import db_option, main, store_path, text_table
from grading.store import database


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
    store = accounts.Accounts(store_path(db))
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
    store = accounts.Accounts(store_path(db))
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
    store = accounts.Accounts(store_path(db))
    if idle_days is None:
        click.echo(text_table(store.list()))
        return
    idle = store.idle(idle_days)
    click.echo(f"{idle.height} accounts not signed in for {idle_days} days or more")
    if idle.height:
        click.echo(text_table(idle))


@users.command("remove")
@db_option
@click.argument("username")
def users_remove(db: Path | None, username: str) -> None:
    """Remove an account; its signed-in sessions end at once."""
    if not accounts.Accounts(store_path(db)).remove(username):
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
