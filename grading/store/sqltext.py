"""SQL text for the store: the one home of the helpers that build it (part of the DuckDB layer).

Every module of :mod:`grading.store` writes SQL in two ways only:

- constant text, where the **values** are always bound parameters (``$name`` or ``?``), never text;
- text with **table or column names** put in by :func:`sql`, which takes them only from names the
  caller declares and checks each against ``[a-z_][a-z0-9_]*`` first.

Python frames reach a query under a name given with :func:`registered` (explicitly, for the length of
a block), never through DuckDB's replacement scans, which look a name up among the Python variables of
the calling function *and of every function that encloses it* and so can read a frame nobody meant.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Final

import duckdb
import polars as pl

#: What a table or column name put into SQL text may look like.
_NAME: Final = re.compile(r"^[a-z_][a-z0-9_]*$")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        msg = f"unexpected table or column name {name!r}"
        raise duckdb.CatalogException(msg)
    return name


def sql(template: str, **names: str | tuple[str, ...]) -> str:
    """SQL text with table or column names put in: the only way the store builds SQL text.

    Parameters
    ----------
    template : the SQL text, with a ``{key}`` for each name to put in (:meth:`str.format` fields).
    names : the identifiers, by key: a name, or a tuple of names (put in as a comma-separated list).

    Each name is checked against ``[a-z_][a-z0-9_]*`` first; any other raises
    :class:`duckdb.CatalogException`. Only identifiers are put in: values are always bound parameters.

    >>> sql("select {c} from {t}", c=("complaint_key", "closed_at"), t="complaints")
    'select complaint_key, closed_at from complaints'
    """
    filled = {}
    for key, value in names.items():
        parts = (value,) if isinstance(value, str) else value
        filled[key] = ", ".join(_checked(name) for name in parts)
    return template.format(**filled)


@contextlib.contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, **frames: pl.DataFrame | duckdb.DuckDBPyRelation
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Let the queries of a block read Python frames under the given names; yield ``con``.

    Parameters
    ----------
    con : the connection (or cursor: a registration is private to it).
    frames : the frames, by the name queries read them by. A Polars frame is handed to DuckDB as is
        (its Arrow buffers, no copy); a relation of ``con`` is read as a view of its query.

    Each name is checked like :func:`sql`'s and must not be the name of a table of the store: a
    registered name hides a table of the same name for as long as it is registered. Every name is
    unregistered when the block ends, also when it raises (when the block's error aborted the
    transaction, the rollback that follows drops the registrations made in it).
    """
    done: list[str] = []
    try:
        for name, frame in frames.items():
            con.register(_checked(name), frame)
            done.append(name)
        yield con
    except BaseException:
        for name in done:
            with contextlib.suppress(duckdb.Error):  # an aborted transaction: keep the block's own error
                con.unregister(name)
        raise
    for name in done:
        con.unregister(name)
