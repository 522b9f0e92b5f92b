"""``nivaran digest`` and ``nivaran alerts``: messages built from the store and sent through the outbox."""

from __future__ import annotations

from pathlib import Path

import click

from grading.access import accounts, logbook
from grading.access.audit import Entry
from grading.cli.base import Command, day_arg, db_option, existing_store, main
from grading.model.schema import NivaranError
from grading.store import helpline


def delivery_options(command: Command) -> Command:
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
    from grading.outputs.digest import compose

    day = day_arg(as_of_text, "--as-of")
    since = day_arg(since_text, "--since") if since_text else None
    if since is not None and since >= day:
        msg = f"--since {since_text}: the last review must be before the digest's day {day:%Y-%m-%d}"
        raise NivaranError(msg)
    path = existing_store(db)
    chosen = tuple(compose.ROLES[r] for r in roles) or tuple(compose.ROLES.values())
    done = compose.queue_digests(path, day, roles=chosen, since=since, base_url=base_url, sender=sender)
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

    day = day_arg(as_of_text, "--as-of")
    path = existing_store(db)
    if rules_file is not None:
        text = rules_file.read_text(encoding="utf-8")
        rules = alerts.parse_rules(text, str(rules_file))
        helpline.set_alerts(path, text)
        what = Entry("alert_rules", {"file": str(rules_file), "rules": len(rules.rules)})
        accounts.Accounts(path).log(logbook.operator(), "scheme", what)
        click.echo(f"{path}: {len(rules.rules)} alert rules kept (cool-down {rules.cool_down.days} days)")
    done = alerts.check(path, day, base_url=base_url, sender=sender, gateway=webhook is not None)
    for line in done.lines():
        click.echo(line)
    deliver_queued(path, outbox_dir, smtp, webhook)
