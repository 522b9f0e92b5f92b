"""The edge of the metric rules (:mod:`grading.scoring.metrics`): where they run and the form their inputs
take there.

An :class:`Engine` holds the inputs as its own lazy frames (Polars in this process by default; DuckDB and
Spark in :mod:`grading.monthly.engines`). :func:`encode_frames`, narwhals like the rules and run where the
inputs are (in this process for a store's read, :func:`encode`; on the engine for a lake it reads), turns
instants into integers (microseconds of the store's wall-clock time, :func:`micros`) and department and
district names into integer codes, so that no engine's time zone or text handling can touch a rule;
:func:`decode_names` turns the codes of a result back into names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import narwhals as nw
import polars as pl

#: Instants of the inputs (:func:`grading.store.month_reads.read_month_inputs`) the rules read, by frame.
INSTANTS: Final[dict[str, tuple[str, ...]]] = {
    "complaints": (
        "registered_at",
        "closed_at",
        "first_feedback_at",
        "reached_l2_at",
        "reached_l3_at",
        "reached_l4_at",
        "first_breach_at",
        "last_event_at",
    ),
    "transfers": ("event_time",),
    "stints": ("started_at", "nonattended_at"),
    "feedback_events": ("event_time",),
}


COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "complaints": (
        "complaint_key",
        "department",
        "district",
        "close_outcome",
        "complainant_month_count",
        *INSTANTS["complaints"],
    ),
    "transfers": ("complaint_key", "department", "event_time"),
    "stints": ("complaint_key", "started_at", "nonattended_at"),
    "feedback_events": ("complaint_key", "kind", "event_time"),
}


class Engine(Protocol):
    """Where the rules run: turns a Polars frame of the encoded inputs into the engine's own lazy frame
    (a ``pl.LazyFrame``, a DuckDB relation, a Spark DataFrame: anything ``narwhals.from_native`` takes)."""

    def frame(self, data: pl.DataFrame) -> Any:
        """The engine's lazy frame holding ``data``."""
        ...

    def keep(self, frame: Any) -> Any:
        """``frame`` (one of the engine's lazy frames) computed once for the several uses that follow,
        or as it is where the engine cannot keep it (it is then computed by each use)."""
        ...


class PolarsEngine:
    """The embedded default: Polars lazy frames in this process."""

    def frame(self, data: pl.DataFrame) -> pl.LazyFrame:
        """``data`` as a lazy frame."""
        return data.lazy()

    def keep(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """``frame`` collected in memory."""
        return frame.collect().lazy()


POLARS: Final = PolarsEngine()


@dataclass(frozen=True)
class Encoded:
    """The inputs at the edge (:func:`encode_frames`): instants as microseconds, names as codes.

    ``frames`` are the engine's own lazy frames (anything ``narwhals.from_native`` takes) with the columns
    of :data:`COLUMNS` (transfers also ``_seq``, their order in time), every instant of :data:`INSTANTS`
    an ``Int64`` of microseconds (:func:`micros`) and ``department`` and ``district`` the ``Int32``
    position of the name in ``names``.
    """

    frames: dict[str, Any]
    names: list[str]


#: The order of a store's read (:func:`encode`): a transfer's row number in it, for ties in time.
READ_ORDER: Final = ("_row",)


def encode(inputs: dict[str, pl.DataFrame], engine: Engine = POLARS) -> Encoded:
    """The inputs of the rules from :func:`grading.store.month_reads.read_month_inputs` (or
    :func:`grading.rules.derive.derive`), encoded where they are, in this process
    (:func:`encode_frames` on Polars), then handed to ``engine``: integers travel, not names and
    timestamps. Two transfers of one instant keep the order of the read (``_row``: the later row wins)."""
    frames = {}
    for name, columns in COLUMNS.items():
        data = inputs[name].select(columns)
        if name == "transfers":
            data = data.with_row_index(READ_ORDER[0]).cast({READ_ORDER[0]: pl.Int64})
        frames[name] = data.lazy()
    here = encode_frames(frames, READ_ORDER)
    if isinstance(engine, PolarsEngine):
        return here
    return Encoded({name: engine.frame(frame.collect()) for name, frame in here.frames.items()}, here.names)


def encode_frames(frames: dict[str, Any], order: Sequence[str], engine: Engine = POLARS) -> Encoded:
    """The inputs of the rules, as ``engine``'s lazy frames (a store's read handed to it, or the
    engine's own read of a lake), encoded on the engine: see :class:`Encoded`. Only their
    representation changes; the same narwhals code for every engine, so the integers are the same.

    ``order``: the columns after ``event_time`` that order the transfers in time (the later row of a
    tie wins: :func:`grading.rules.asof.department_at`), since an engine keeps no row order.
    ``names``: every department and district name of complaints and transfers, in the order of their
    UTF-8 bytes (every engine's order of strings), computed on the engine and collected (a few hundred).
    """
    lazy = {name: nw.from_native(frame).lazy() for name, frame in frames.items()}
    found = [lazy[name].select(name=nw.col(column)) for name, column in _NAMED]
    coded = (
        nw.concat(found, how="vertical")
        .filter(~nw.col("name").is_null())
        .unique()
        .with_columns(code=(nw.col("name").rank("dense") - 1).cast(nw.Int32))
    )
    table = coded.sort("code").collect("polars").to_native()
    encoded = {}
    for name, columns in COLUMNS.items():
        frame = lazy[name]
        if name == "transfers":
            frame = frame.with_row_index("_seq", order_by=["event_time", *order]).with_columns(
                nw.col("_seq").cast(nw.Int64)
            )
        for column in ("department", "district"):
            if column in columns:
                frame = _codes(frame, column, table, coded)
        extra = ["_seq"] if name == "transfers" else []
        encoded[name] = engine.keep(_instants(frame.select(*columns, *extra), INSTANTS[name]).to_native())
    return Encoded(encoded, table["name"].to_list())


def _codes(frame: nw.LazyFrame[Any], column: str, table: pl.DataFrame, coded: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The names of ``column`` as their codes in ``table`` (``name``, ``code``: collected from ``coded``,
    the engine's own table of names). Where narwhals offers ``replace_strict`` (Polars, DuckDB), the
    collected table's names are replaced in place; on Spark Connect, which has none, ``coded`` is joined
    on the server (no rows sent). The same codes either way."""
    try:
        old, new = table["name"].to_list(), table["code"].to_list()
        return frame.with_columns(nw.col(column).replace_strict(old, new, default=None, return_dtype=nw.Int32))
    except NotImplementedError:
        code = coded.select(nw.col("name").alias(column), _code=nw.col("code"))
        return frame.join(code, on=column, how="left").with_columns(nw.col("_code").alias(column)).drop("_code")


#: The columns that hold names, by frame.
_NAMED: Final = (("complaints", "department"), ("complaints", "district"), ("transfers", "department"))


def _instants(frame: nw.LazyFrame[Any], columns: Sequence[str]) -> nw.LazyFrame[Any]:
    """``columns`` of ``frame`` as :func:`micros` gives them: where the engine has an integer view of a
    timestamp (Polars: its own microseconds, no zone), that view, the same number at a fraction of the
    cost; elsewhere (DuckDB, Spark) :func:`micros` from the calendar fields."""
    try:
        return frame.with_columns(nw.col(c).dt.timestamp("us") for c in columns)
    except NotImplementedError:
        return frame.with_columns(micros(c) for c in columns)


def micros(column: str) -> nw.Expr:
    """A naive (wall-clock) timestamp column as microseconds since 1970-01-01 (:func:`grading.rules.asof.micros`),
    from its calendar fields: no engine's session time zone enters (Spark reads a lake's times as
    ``timestamp_ntz``, whose fields are the wall clock), and no engine needs a cast of its own."""
    t = nw.col(column)
    year = t.dt.year().cast(nw.Int64)
    before = year - 1  # leap days of the years before, less those before 1970
    leap = before // 4 - before // 100 + before // 400 - (1969 // 4 - 1969 // 100 + 1969 // 400)
    days = (year - 1970) * 365 + leap + t.dt.ordinal_day().cast(nw.Int64) - 1
    fields = [t.dt.hour(), t.dt.minute(), t.dt.second()]
    seconds = ((days * 24 + fields[0].cast(nw.Int64)) * 60 + fields[1].cast(nw.Int64)) * 60 + fields[2].cast(nw.Int64)
    return (seconds * 1_000_000 + t.dt.microsecond().cast(nw.Int64)).alias(column)


def decode_names(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """``department`` and ``district`` codes of ``frame`` back to their names (:func:`encode`)."""
    codes = list(range(len(names)))
    return frame.with_columns(
        pl.col(c).replace_strict(codes, names, return_dtype=pl.String)
        for c in ("department", "district")
        if c in frame.columns
    )
