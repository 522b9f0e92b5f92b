"""The ``nivaran`` command line's shared parts: the command group, its options, progress bars and the
one-sentence errors (see :mod:`grading.cli`)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
import polars as pl

from grading.model.schema import NivaranError
from grading.rules import asof
from grading.scoring import schemes
from grading.store import database, helpline

if TYPE_CHECKING:
    import duckdb


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
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    bars = _Bars()
    try:
        yield bars
    finally:
        bars.close()


def month_arg(value: str) -> date:
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
Command = TypeVar("Command", bound=Callable[..., Any])


def db_option(command: Command) -> Command:
    """The ``--db`` option. A store fault the command meets anywhere (a damaged block read by any query,
    a store file or folder it cannot write) ends in its one sentence (:func:`grading.store.database.faults`)."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with database.faults(database.resolve_path(kwargs.get("db"))):
            return command(*args, **kwargs)

    return _db(cast("Command", guarded))


def store_path(db: Path | None, *, replacing: bool = False) -> Path:
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


def text_table(frame: pl.DataFrame, text_width: int = 60) -> str:
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


def existing_store(db: Path | None) -> Path:
    """The store ``--db`` names (or the default), refused with a sentence when there is none."""
    path = database.resolve_path(db)
    if not path.exists():
        msg = database.missing_version(path) or f"No database at {path}."
        raise NivaranError(msg)
    return path


def day_arg(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{option}: expected a day as YYYY-MM-DD, got {value!r}"
        raise click.BadParameter(msg) from None


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
