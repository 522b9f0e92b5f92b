"""A store's own settings: which helpline it holds, its time zone, its default scheme, its reference data.

Set once by ``nivaran init`` and kept in the store's ``meta`` table, so every command and page reads
the same answers. A store made before these settings existed (or by ``ingest`` into a missing file)
gets today's defaults: Madhya Pradesh's reference data, Asia/Kolkata, the MP CM Helpline scheme.

The zone matters most: event times are stored as wall clock **in the store's zone**
(:mod:`grading.rules.timeparse` converts every time once, at import), so a month is a calendar month there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from grading.model.schema import HOLIDAY_SCHEMA, NivaranError
from grading.rules import timeparse
from grading.scoring import schemes
from grading.store import database, reference, writes

if TYPE_CHECKING:
    import duckdb

DEFAULT_ZONE: Final = "Asia/Kolkata"
DEFAULT_NAME: Final = "Nivaran"
REFERENCE_CHOICES: Final = ("mp", "none")
_KEYS: Final = ("helpline_name", "timezone", "default_scheme", "reference", "plausible_from")


class HelplineError(NivaranError):
    """A store setting given to ``nivaran init`` is wrong, or conflicts with the data already stored."""


@dataclass(frozen=True)
class Helpline:
    """One store's settings (see the module docstring)."""

    name: str = DEFAULT_NAME
    timezone: str = DEFAULT_ZONE
    scheme: str = schemes.DEFAULT_SCHEME
    reference: str = "mp"
    plausible_from: date = timeparse.PLAUSIBLE_FROM

    def window(self) -> tuple[datetime, datetime]:
        """The plausible window for event times (store wall clock): ``plausible_from`` to tomorrow."""
        return timeparse.window(self.timezone, self.plausible_from)


def read(con: duckdb.DuckDBPyConnection) -> Helpline:
    """The store's settings; today's defaults for anything a store does not set."""
    values = {k: database.get_meta(con, k) for k in _KEYS}
    base = Helpline()
    first = values["plausible_from"]
    return Helpline(
        name=values["helpline_name"] or base.name,
        timezone=values["timezone"] or base.timezone,
        scheme=values["default_scheme"] or base.scheme,
        reference=values["reference"] or base.reference,
        plausible_from=date.fromisoformat(first) if first else base.plausible_from,
    )


def is_set(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``init`` (or a first load) has written the settings."""
    return database.get_meta(con, "timezone") is not None


def write(con: duckdb.DuckDBPyConnection, settings: Helpline) -> None:
    """Store ``settings`` in the ``meta`` table."""
    database.set_meta(con, "helpline_name", settings.name)
    database.set_meta(con, "timezone", settings.timezone)
    database.set_meta(con, "default_scheme", settings.scheme)
    database.set_meta(con, "reference", settings.reference)
    database.set_meta(con, "plausible_from", settings.plausible_from.isoformat())


def load_reference(con: duckdb.DuckDBPyConnection, choice: str) -> None:
    """Load reference data: ``mp`` (the shipped Madhya Pradesh tables), ``none``, or a folder holding
    ``departments.csv``, ``districts.csv``, ``categories.csv`` (and optionally ``holidays.csv``) in the
    shipped files' columns."""
    if choice == "none":
        return
    folder = None if choice == "mp" else Path(choice)
    if folder is not None:
        if not folder.is_dir():
            msg = f"--reference: {choice!r} is neither 'mp', 'none' nor a folder"
            raise HelplineError(msg)
        missing = [n for n in ("departments.csv", "districts.csv", "categories.csv") if not (folder / n).exists()]
        if missing:
            msg = f"--reference {choice}: the folder has no {', '.join(missing)}"
            raise HelplineError(msg)
    has_holidays = folder is None or (folder / "holidays.csv").exists()
    writes.load_reference(
        con,
        departments=reference.departments(folder),
        districts=reference.districts(folder),
        categories=reference.categories(folder),
        holidays=reference.holidays(folder) if has_holidays else pl.DataFrame(schema=HOLIDAY_SCHEMA),
    )


def init(
    db: Path,
    *,
    timezone: str,
    name: str | None = None,
    scheme: str | None = None,
    reference_choice: str = "none",
    plausible_from: date | None = None,
) -> Helpline:
    """Create the store at ``db`` for one helpline, or change the settings of an existing one.

    The zone of a store that already holds events cannot change (its times are that zone's wall
    clock); everything else can. Returns the settings written.
    """
    timeparse.check_zone(timezone, "--timezone")
    chosen = scheme or schemes.DEFAULT_SCHEME
    schemes.load(chosen)  # a misspelled scheme is one sentence, before anything is written
    with database.writing(db) as con:
        old = read(con) if is_set(con) else None
        has_events = database.counts(con).get("events", 0) > 0
        if has_events and old is not None and old.timezone != timezone:
            msg = (
                f"{db}: holds events stored in {old.timezone}; its zone cannot change to {timezone} "
                "(create a new store and load the files again)"
            )
            raise HelplineError(msg)
        settings = Helpline(
            name=name or (old.name if old else DEFAULT_NAME),
            timezone=timezone,
            scheme=chosen,
            reference=reference_choice,
            plausible_from=plausible_from or timeparse.PLAUSIBLE_FROM,
        )
        load_reference(con, reference_choice)
        write(con, settings)
    return settings


def ensure(con: duckdb.DuckDBPyConnection) -> Helpline:
    """The settings of the store being written; a store without any (new, or made before ``init``
    existed) gets today's defaults, with the Madhya Pradesh reference data when it has none."""
    if is_set(con):
        return read(con)
    settings = Helpline()
    if database.read_table(con, "departments").is_empty():
        load_reference(con, "mp")
    write(con, settings)
    return settings
