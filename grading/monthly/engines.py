"""Where the metric rules run: Polars (the embedded default), DuckDB, or Spark through Spark Connect.

The rules are written once (:mod:`grading.scoring.metrics`, narwhals lazy frames); an engine only
holds the encoded inputs as its own lazy frames (:class:`grading.scoring.edge.Engine`) and runs the
plan narwhals builds on them. Whatever the engine, the store is read and written by
:mod:`grading.store.database` and the small result (entities × months) is graded by the same Polars
code (:mod:`grading.scoring.grade`).

- ``polars``: Polars lazy frames in this process.
- ``duckdb``: an in-memory DuckDB database of the run's own (never the store's connection).
- ``spark``: a Spark Connect server at ``remote`` (``sc://HOST:PORT``); without one, a local Sail server
  (``pysail``, a Spark Connect server written in Rust, no Java) is started for the run and stopped
  after it. Frames reach the server as Parquet files in a **stage** (:class:`Stage`): a folder of the
  run's own under ``stage``, a folder or object store URL that this process writes and the server reads
  (a temporary folder for a local Sail), removed after the run. A remote server without a stage gets
  them as Arrow inside each query, which Spark Connect caps at 128 MiB: a larger query fails in one
  sentence before it is sent (:func:`opened`). The national view needs no stage: the server reads the
  lake's files itself (:meth:`SparkEngine.read_parquet`, :func:`grading.monthly.national.lake_inputs`).
  What many queries use is kept on the server (:meth:`SparkEngine.keep`). Needs ``pysail`` and
  ``pyspark-client`` (the extra ``spark``: ``uv sync --extra spark``; the development group has them).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl

from grading.model.schema import NivaranError
from grading.scoring.edge import POLARS, Engine

ENGINES: Final = ("polars", "duckdb", "spark")
#: How long a Spark Connect address may take to accept a connection.
CONNECT_SECONDS: Final = 5.0


class DuckDBEngine:
    """Frames as relations of an in-memory DuckDB database."""

    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")

    def frame(self, data: pl.DataFrame) -> duckdb.DuckDBPyRelation:
        """``data`` as a DuckDB relation (which holds the Arrow table it reads for as long as it lives)."""
        return self.con.from_arrow(data.to_arrow())

    def keep(self, frame: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
        """``frame`` computed once into an Arrow table the relation then reads."""
        return self.con.from_arrow(frame.to_arrow_table())


class Stage:
    """A folder of the run's own where frames are written as Parquet for a Spark server to read.

    ``location`` is a folder (an absolute or relative path: a mount this process and the server both
    see at the same path) or an object store URL (``s3://``, ``gs://``, ``abfs://``, ``file://``) that
    pyarrow writes with the environment's credentials and the server reads. The run's files go to a
    new folder under it (``nivaran-<random>``); :meth:`remove` deletes that folder, never ``location``.
    """

    def __init__(self, location: str) -> None:
        from pyarrow import fs

        self.location = location
        is_url = "://" in location
        if not is_url and not Path(location).is_dir():
            msg = f"--stage {location}: no such folder (give a folder the Spark server reads too, or a URL)"
            raise NivaranError(msg)
        root = location.rstrip("/") if is_url else str(Path(location).resolve())
        try:
            self._fs, base = fs.FileSystem.from_uri(root if is_url else Path(root).as_uri())
        except (OSError, ValueError) as error:  # an unknown scheme, an unreachable store, no credentials
            msg = f"--stage {location}: cannot be opened ({str(error).splitlines()[0]})"
            raise NivaranError(msg) from None
        run = f"nivaran-{uuid.uuid4().hex[:12]}"
        self._folder = f"{base.rstrip('/')}/{run}"
        self.url = f"{root}/{run}"  # what the server reads
        self._written = 0
        try:
            self._fs.create_dir(self._folder)
        except OSError as error:
            msg = f"--stage {location}: cannot write there ({str(error).splitlines()[0]})"
            raise NivaranError(msg) from None

    def write(self, data: pl.DataFrame) -> str:
        """Write ``data`` as the stage's next Parquet file; its address as the server reads it."""
        self._written += 1
        name = f"frame-{self._written}.parquet"
        with self._fs.open_output_stream(f"{self._folder}/{name}") as out:
            data.write_parquet(out)
        return f"{self.url}/{name}"

    def files(self) -> list[str]:
        """The names of the files written so far."""
        from pyarrow import fs

        found = self._fs.get_file_info(fs.FileSelector(self._folder))
        return sorted(info.base_name for info in found)

    def remove(self) -> None:
        """Delete the run's folder and everything in it."""
        self._fs.delete_dir(self._folder)


class SparkEngine:
    """Frames as DataFrames of a Spark Connect session.

    With a ``stage`` each frame is written there as Parquet and the query only names the file: any size.
    Without (a remote server, no ``--stage``) it travels inside the query as Arrow, and Spark Connect
    caps a message at 128 MiB (Sail does not take the client's cached, chunked relations)."""

    def __init__(self, session: Any, stage: Stage | None = None) -> None:
        self.session = session
        self.stage = stage
        self._checkpoints = True  # until the server says it keeps none

    def keep(self, frame: Any) -> Any:
        """``frame`` computed once on the server and kept there (``localCheckpoint``: a Spark 4 server
        keeps it on its executors, Sail as Parquet under its ``execution.checkpoint.path``, which
        :func:`sail_server` sets); only an id comes back. A server that keeps no checkpoints (a Sail
        without that path) gets ``frame`` as it is: each use then computes it again there."""
        if not self._checkpoints:
            return frame
        try:
            return frame.localCheckpoint()
        except Exception as error:  # the server's refusal, whatever its class: Sail says why in words
            if "checkpoint" not in str(error):
                raise
            self._checkpoints = False
            return frame

    def frame(self, data: pl.DataFrame) -> Any:
        """``data`` as a Spark DataFrame (Parquet or Arrow: never pandas)."""
        if self.stage is not None:
            return self.session.read.parquet(self.stage.write(data))
        table = data.to_arrow()
        if len(table) == 0:  # no rows: a typed empty frame made on the server, nothing sent
            from pyspark.sql import functions as F  # noqa: N812 - Spark's own name
            from pyspark.sql.pandas.types import from_arrow_schema

            fields = from_arrow_schema(table.schema).fields
            return self.session.range(0).select(*[F.lit(None).cast(f.dataType).alias(f.name) for f in fields])
        return self.session.createDataFrame(table)

    def read_parquet(self, url: str) -> Any:
        """The Parquet files under ``url`` (a folder of Hive-style partitions, its columns found in the
        paths) as the server reads them: only the address travels."""
        return self.session.read.parquet(url)


@contextlib.contextmanager
def opened(name: str = "polars", remote: str | None = None, stage: str | None = None) -> Iterator[Engine]:
    """The engine ``name`` for the duration of the block (a Sail server started and stopped with it
    for ``spark`` without ``remote``); with ``stage`` (Spark only), frames go to the server as Parquet
    files there (:class:`Stage`; a local Sail uses a temporary folder without it).

    Raises :class:`grading.model.problems.NivaranError` (one sentence) for an unknown engine, a
    ``remote`` or ``stage`` given to an engine other than Spark, a missing Spark client, a server that
    cannot be reached, a stage that cannot be written or that the server cannot read, and a query
    above Spark Connect's message cap (the frames inside it: a remote server without a stage)."""
    if name not in ENGINES:
        msg = f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}"
        raise NivaranError(msg)
    for option, given in (("--remote", remote), ("--stage", stage)):
        if given is not None and name != "spark":
            msg = f"{option} is for a Spark Connect server; the {name} engine runs in this process"
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
        with contextlib.ExitStack() as stack:
            staged = None if stage is None else _stage(stack, stage)  # a wrong one fails before a server starts
            session = stack.enter_context(_spark_session(remote))
            if staged is not None:
                _readable(session, staged, remote)
            elif remote is None:
                staged = _stage(stack, stack.enter_context(tempfile.TemporaryDirectory()))
            try:
                yield SparkEngine(session, staged)
            except Exception as error:
                sizes = _MESSAGE_CAP.search(str(error))
                if sizes is None:
                    raise
                sent, cap = (int(n) / 2**20 for n in sizes.groups())
                msg = (
                    f"a query of {sent:.0f} MiB is above the {cap:.0f} MiB a Spark Connect message may carry "
                    f"(without --stage the inputs travel inside each query to {remote}): give --stage, a folder "
                    "or object store URL that this machine writes and the server reads"
                )
                raise NivaranError(msg) from None


#: The Spark Connect client's refusal of a message above its cap (gRPC RESOURCE_EXHAUSTED, before sending).
_MESSAGE_CAP: Final = re.compile(r"Sent message larger than max \((\d+) vs\. (\d+)\)")


def _stage(stack: contextlib.ExitStack, location: str) -> Stage:
    """A :class:`Stage` under ``location``, removed when ``stack`` closes."""
    staged = Stage(location)
    stack.callback(staged.remove)
    return staged


def _readable(session: Any, staged: Stage, remote: str | None) -> None:
    """Fail in one sentence, before any work, when the server cannot read what is written to the stage
    (a local folder given to a server on another machine, a bucket it has no rights to)."""
    probe = staged.write(pl.DataFrame({"probe": [1]}))
    try:
        seen = session.read.parquet(probe).count()
    except Exception as error:  # whatever the server's read raises, the answer is the same
        seen, why = None, type(error).__name__
    else:
        why = f"{seen} rows"
    if seen != 1:
        msg = (
            f"the Spark server at {remote or 'the local Sail'} cannot read the stage {staged.location} ({why}): "
            "give a folder it sees at the same path (a shared mount) or an object store URL it reads"
        )
        raise NivaranError(msg)


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
    with tempfile.TemporaryDirectory(prefix="nivaran-sail-") as kept:
        # where the server keeps the frames it is asked to compute once (SparkEngine.keep); read at start
        os.environ[_CHECKPOINTS] = Path(kept).as_uri()
        try:
            server = SparkConnectServer(ip="127.0.0.1", port=0)
            server.start(background=True)
        finally:
            os.environ.pop(_CHECKPOINTS)
        try:
            host, port = server.listening_address
            yield f"sc://{host}:{port}"
        finally:
            server.stop()


#: Sail's setting of the folder (or object store URL) where it keeps checkpoints.
_CHECKPOINTS: Final = "SAIL_EXECUTION__CHECKPOINT__PATH"
