"""Where the metric rules run: Polars (the embedded default), DuckDB, or Spark through Spark Connect.

The rules are written once (:mod:`grading.scoring.metrics`, narwhals lazy frames); an engine only
holds the encoded inputs as its own lazy frames (:class:`grading.scoring.metrics.Engine`) and runs the
plan narwhals builds on them. Whatever the engine, the store is read and written by
:mod:`grading.store.database` and the small result (entities × months) is graded by the same Polars
code (:mod:`grading.scoring.grade`).

- ``polars``: Polars lazy frames in this process.
- ``duckdb``: an in-memory DuckDB database of the run's own (never the store's connection).
- ``spark``: a Spark Connect server at ``remote`` (``sc://HOST:PORT``); without one, a local Sail server
  (``pysail``, a Spark Connect server written in Rust, no Java) is started for the run and stopped
  after it; frames go to that server as Parquet files in a temporary folder of the run, to a remote
  one as Arrow inside the query (at most 128 MiB a pass: :class:`SparkEngine`). Needs ``pysail`` and
  ``pyspark-client`` (the extra ``spark``: ``uv sync --extra spark``; the development group has them).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl

from grading.model.schema import NivaranError
from grading.scoring.metrics import POLARS, Engine

ENGINES: Final = ("polars", "duckdb", "spark")
#: How long a Spark Connect address may take to accept a connection.
CONNECT_SECONDS: Final = 5.0


class DuckDBEngine:
    """Frames as relations of an in-memory DuckDB database."""

    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")
        self._held: list[object] = []  # the Arrow tables the relations read

    def frame(self, data: pl.DataFrame) -> duckdb.DuckDBPyRelation:
        """``data`` as a DuckDB relation."""
        table = data.to_arrow()
        self._held.append(table)
        return self.con.from_arrow(table)


class SparkEngine:
    """Frames as DataFrames of a Spark Connect session.

    With ``folder`` (a local server, on this machine's disk) a frame is written there as Parquet and
    read by the server: any size. Without (a remote server) it travels inside the query as Arrow, and
    Spark Connect caps a message at 128 MiB: a pass whose inputs are larger fails (Sail does not take
    the client's cached, chunked relations)."""

    def __init__(self, session: Any, folder: Path | None = None) -> None:
        self.session = session
        self.folder = folder
        self._written = 0

    def frame(self, data: pl.DataFrame) -> Any:
        """``data`` as a Spark DataFrame (Parquet or Arrow: never pandas)."""
        if self.folder is not None:
            self._written += 1
            path = self.folder / f"frame-{self._written}.parquet"
            data.write_parquet(path)
            return self.session.read.parquet(str(path))
        table = data.to_arrow()
        if len(table) == 0:  # Spark cannot infer a schema from no rows: it is given
            from pyspark.sql.pandas.types import from_arrow_schema

            return self.session.createDataFrame([], schema=from_arrow_schema(table.schema))
        return self.session.createDataFrame(table)


@contextlib.contextmanager
def opened(name: str = "polars", remote: str | None = None) -> Iterator[Engine]:
    """The engine ``name`` for the duration of the block (a Sail server started and stopped with it
    for ``spark`` without ``remote``).

    Raises :class:`grading.model.problems.NivaranError` (one sentence) for an unknown engine, a
    ``remote`` given to an engine other than Spark, a missing Spark client or a server that cannot be
    reached."""
    if name not in ENGINES:
        msg = f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}"
        raise NivaranError(msg)
    if remote is not None and name != "spark":
        msg = f"--remote is a Spark Connect address; the {name} engine runs in this process"
        raise NivaranError(msg)
    if name == "polars":
        yield POLARS
    elif name == "duckdb":
        engine = DuckDBEngine()
        try:
            yield engine
        finally:
            engine.con.close()
    else:
        with _spark_session(remote) as session, contextlib.ExitStack() as stack:
            folder = None if remote is not None else Path(stack.enter_context(tempfile.TemporaryDirectory()))
            yield SparkEngine(session, folder)


@contextlib.contextmanager
def _spark_session(remote: str | None) -> Iterator[Any]:
    """A Spark Connect session at ``remote``, or at a Sail server of its own on 127.0.0.1."""
    try:
        with warnings.catch_warnings():  # frames go to Spark as Arrow, never through pandas
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
            from pyspark.sql import SparkSession
            from pyspark.sql.connect import session as _connect  # noqa: F401 - imported under the filter
    except ImportError:
        msg = "the spark engine needs pyspark-client (and pysail for a local server): uv sync --extra spark"
        raise NivaranError(msg) from None
    with contextlib.ExitStack() as stack:
        if remote is None:
            remote = stack.enter_context(sail_server())
        _reachable(remote)
        try:
            session = SparkSession.builder.remote(remote).getOrCreate()
            session.sql("select 1").collect()  # fail here, in one sentence, when nothing answers
        except Exception as error:
            msg = f"no Spark Connect server answers at {remote}: {type(error).__name__}"
            raise NivaranError(msg) from None
        stack.callback(session.stop)
        yield session


def _reachable(remote: str) -> None:
    """Fail at once, in one sentence, when nothing listens at ``remote`` (the Spark client itself
    retries for minutes)."""
    found = re.fullmatch(r"sc://([^:/;]+):(\d+)/?(;.*)?", remote)
    if found is None:
        msg = f"--remote {remote!r} is not a Spark Connect address (sc://HOST:PORT)"
        raise NivaranError(msg)
    try:
        socket.create_connection((found[1], int(found[2])), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        msg = f"no Spark Connect server answers at {remote}: {error.strerror or type(error).__name__}"
        raise NivaranError(msg) from None


@contextlib.contextmanager
def sail_server() -> Iterator[str]:
    """A local Sail server (Spark Connect, ``pysail``) on 127.0.0.1 and a free port, stopped on exit;
    yields its ``sc://`` address."""
    try:
        from pysail.spark import SparkConnectServer
    except ImportError:
        msg = "the spark engine without --remote starts a local Sail server: it needs pysail (uv sync --extra spark)"
        raise NivaranError(msg) from None
    os.environ.setdefault("RUST_LOG", "error")  # Sail logs each session and its shutdown to stderr otherwise
    server = SparkConnectServer(ip="127.0.0.1", port=0)
    server.start(background=True)
    try:
        host, port = server.listening_address
        yield f"sc://{host}:{port}"
    finally:
        server.stop()
