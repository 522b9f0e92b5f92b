"""The metric rules give the same answers on every engine (:mod:`grading.monthly.engines`): Polars, DuckDB
and Spark (a local Sail server through Spark Connect).

For every month of a store, every metric, and every score, grade and rank graded from them, agree:
counts and ranks identical, decimals within 1e-9. Stores: the session demo (at the store's settings and
at a low habitual threshold, so that complaints are left out), and a small hand-made store in
America/New_York (not Asia/Kolkata) read by engines whose own session zone is a third one, with a
snapshot's export time (its month judged as of it), months without any complaint between busy ones,
transfers across month ends, departments that tie, and the Wilson intervals (rank ranges) of the
reliability rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import narwhals as nw
import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest
from grading.model.registry import METRICS
from grading.model.schema import NivaranError
from grading.monthly import engines, refresh
from grading.rules import asof
from grading.scoring import schemes
from grading.scoring.grade import grade
from grading.scoring.metrics import MetricSettings
from grading.store import database, helpline, month_reads
from tests import zoned
from tests.conftest import frame
from tests.test_faults import nivaran

KEYS = ["entity_type", "department", "district", "month"]
#: What grading adds that must be identical (not merely close) on every engine.
EXACT = ("grade", "is_ranked", "not_graded", "rank", "volume_group", "group_rank", "rank_best", "rank_worst")
EXACT += ("rank_is_reliable", "rank_text", "rank_position", "rank_change", "streak_rank_1", "streak_top_grade")
CLOSE = ("score", "data_weight", "score_uncertainty")
#: The zone the engines' own sessions are set to: neither the store's nor Asia/Kolkata.
ENGINE_ZONE = "Pacific/Kiritimati"


@pytest.fixture(scope="module")
def sail() -> Iterator[str]:
    """One local Sail server for the module: its ``sc://`` address."""
    with engines.sail_server() as remote:
        yield remote


@contextlib.contextmanager
def opened(name: str, remote: str | None) -> Iterator[engines.Engine]:
    """An engine whose session time zone is :data:`ENGINE_ZONE` (Polars has none); Spark at ``remote``,
    or on a Sail server of its own (frames then go as Parquet files)."""
    with engines.opened(name, remote if name == "spark" else None) as engine:
        if isinstance(engine, engines.SparkEngine):
            engine.session.conf.set("spark.sql.session.timeZone", ENGINE_ZONE)
        elif isinstance(engine, engines.DuckDBEngine):
            engine.con.execute(f"set TimeZone = '{ENGINE_ZONE}'")
        yield engine


def on_every_engine(
    db: Path, sail: str | None, settings: MetricSettings, months: list[date]
) -> dict[str, pl.DataFrame]:
    """``compute_months`` of ``months`` on each engine."""
    out = {}
    con = database.connect_readonly(db)
    try:
        for name in engines.ENGINES:
            with opened(name, sail) as engine:
                out[name] = refresh.compute_months(con, months, settings, engine=engine)
    finally:
        con.close()
    return out


def disagreements(a: pl.DataFrame, b: pl.DataFrame, exact: list[str], close: list[str]) -> pl.DataFrame:
    """Rows of ``a`` and ``b`` (same keys, any order) where an ``exact`` column differs at all or a
    ``close`` column by more than 1e-9 (a null against a value differs): keys, column, both values."""
    assert a.height == b.height
    joined = a.join(b, on=KEYS, how="full", nulls_equal=True, suffix="_b")
    assert joined.height == a.height, "the same entities and months on both"
    found = []
    for column in (*exact, *close):
        x, y = pl.col(column), pl.col(f"{column}_b")
        if column in exact:
            differs = ~x.eq_missing(y)
        else:
            differs = (x.is_null() != y.is_null()) | ((x - y).abs() > 1e-9).fill_null(value=False)
        found.append(
            joined.filter(differs).select(*KEYS, column=pl.lit(column), a=x.cast(pl.String), b=y.cast(pl.String))
        )
    return pl.concat(found)


def metric_columns(metrics: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The metric columns: integers compared exactly, decimals within 1e-9."""
    exact = [m for m in METRICS if metrics.schema[m].is_integer()]
    return exact, [m for m in METRICS if m not in exact]


def assert_engines_agree(results: dict[str, pl.DataFrame], scheme: schemes.Scheme) -> dict[str, pl.DataFrame]:
    """Every engine's metrics and grading against Polars'; returns the graded frames."""
    base = results["polars"]
    exact, close = metric_columns(base)
    graded = {name: grade(frame, scheme) for name, frame in results.items()}
    for name in ("duckdb", "spark"):
        assert disagreements(base, results[name], exact, close).is_empty(), name
        assert disagreements(graded["polars"], graded[name], list(EXACT), list(CLOSE)).is_empty(), name
    return graded


def test_the_demo_agrees_on_every_engine_for_every_month(demo_db: Path, sail: str) -> None:
    con = database.connect_readonly(demo_db)
    try:
        bounds = month_reads.month_bounds(con)
        stored = refresh.stored_settings(con)
        scheme = schemes.load(helpline.read(con).scheme)
    finally:
        con.close()
    assert bounds is not None
    assert stored is not None
    months = asof.calendar_months(*bounds)
    for settings in (stored, MetricSettings(habitual_threshold=3, long_pending_days=20)):
        results = on_every_engine(demo_db, sail, settings, months)
        assert set(results["spark"]["month"].unique()) == set(months)
        graded = assert_engines_agree(results, scheme)["spark"]
        assert graded["is_ranked"].sum() > 100  # many entities graded and ranked on Spark too
        assert (graded["rank_best"] != graded["rank_worst"]).sum() > 0  # ranges from the Wilson intervals
    assert results["spark"]["excluded_habitual"].sum() > 0


@pytest.fixture(scope="module")
def zoned_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made history of :mod:`tests.zoned` in a store kept in America/New_York."""
    return zoned.build(tmp_path_factory.mktemp("zoned"))


def test_a_store_in_another_zone_with_empty_months_and_ties_agrees_on_every_engine(zoned_store: Path) -> None:
    con = database.connect_readonly(zoned_store)
    try:
        scheme = schemes.load(helpline.read(con).scheme)
        until = database.data_until(con)
    finally:
        con.close()
    assert until is not None
    assert until.month == 4  # April is judged as of the export time
    months = asof.calendar_months(date(2023, 10, 1), date(2024, 5, 1))  # a month before and after
    results = on_every_engine(zoned_store, None, MetricSettings(), months)  # Spark: a Sail of its own
    graded = assert_engines_agree(results, scheme)
    for name, metrics in results.items():
        seen = set(metrics["month"].unique())
        assert date(2023, 10, 1) not in seen, name  # before the first complaint: no rows at all
        # the quiet months: LATE-OPEN pending in D4, and NOV-1's closure in December (in D3)
        quiet = metrics.filter(
            pl.col("month").is_in(asof.calendar_months(date(2023, 12, 1), date(2024, 2, 1)))
            & (pl.col("entity_type") == "department")
        )
        assert quiet.select("department", "pending").rows() == [("D3", 0), ("D4", 1), ("D4", 1), ("D4", 1)], name
        assert quiet["received"].sum() == 0, name
        nov = metrics.filter((pl.col("month") == date(2023, 11, 1)) & (pl.col("entity_type") == "department"))
        assert nov.select("department", "received", "pending").rows() == [("D1", 1, 0), ("D3", 1, 1), ("D4", 1, 1)], (
            name
        )
        dec = metrics.filter((pl.col("month") == date(2023, 12, 1)) & (pl.col("entity_type") == "department"))
        assert dec.select("department", "closed_force").rows() == [("D3", 1), ("D4", 0)], name
    march = graded["spark"].filter((pl.col("month") == date(2024, 3, 1)) & (pl.col("entity_type") == "department"))
    # D1 and D2 tell the same story: the same score, rank 1 both, and D3 comes third (competition ranking)
    ranks = dict(march.select("department", "rank").rows())
    assert ranks == {"D1": 1, "D2": 1, "D3": 3, "D4": None}  # D4 received nothing in March: not ranked
    assert march.filter(pl.col("department").is_in(["D1", "D2"]))["score"].n_unique() == 1
    # six complaints each: the Wilson intervals overlap, so ranges are printed, not ranks
    assert march.filter(pl.col("is_ranked"))["rank_text"].to_list() == ["1–3", "1–3", "1–3"]


def stored_rows(db: Path) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return database.read_monthly_metrics(con).sort(KEYS, nulls_last=False)
    finally:
        con.close()


@pytest.mark.parametrize(
    ("engine", "stage"),
    [("duckdb", None), ("spark", None), ("spark", "folder"), ("spark", "url")],
    ids=["duckdb", "spark-arrow", "spark-stage-folder", "spark-stage-url"],
)
def test_grade_on_an_engine_fills_the_store_tables_the_dashboard_reads(
    tmp_path: Path, sail: str, engine: str, stage: str | None
) -> None:
    db = tmp_path / "ny.duckdb"
    helpline.init(db, timezone="America/New_York", name="Zoned", reference_choice="mp")
    path = tmp_path / "events.csv"
    frame(zoned.HISTORY).with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(path)
    ingest.ingest(db, [path])
    before = stored_rows(db)  # the load's own refresh, on Polars
    with database.writing(db) as con:  # the table emptied, so that only the engine can fill it again
        con.execute("delete from monthly_metrics")
    assert stored_rows(db).is_empty()
    folder = tmp_path / "stage"
    folder.mkdir()
    remote = ["--remote", sail] if engine == "spark" else []  # the module's Sail server, as a remote one
    staged = {None: [], "folder": ["--stage", str(folder)], "url": ["--stage", folder.as_uri()]}[stage]
    args = ["grade", "--db", str(db), "--engine", engine, *remote, *staged, "--all-months", "--month", "2024-03"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"monthly metrics of 6 months, 2023-11 to 2024-04 computed on {engine}" in result.stderr
    assert "D1" in result.stdout  # the March ranking
    after = stored_rows(db)
    exact, close = metric_columns(before)
    assert after.height == before.height > 0
    assert disagreements(before, after, exact, close).is_empty()
    assert list(folder.iterdir()) == []  # the run's own folder in the stage is gone, the stage kept


class Requests:
    """The requests a Spark Connect client builds (plans to execute and to analyse), kept to be read
    after they were sent."""

    def __init__(self, client: object, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built: list[object] = []
        for name in ("_execute_plan_request_with_metadata", "_analyze_plan_request_with_metadata"):
            monkeypatch.setattr(client, name, self._keeping(getattr(client, name)))

    def _keeping(self, make: Callable[..., object]) -> Callable[..., object]:
        def keep(*args: object, **kwargs: object) -> object:
            request = make(*args, **kwargs)
            self.built.append(request)
            return request

        return keep

    def holding_rows(self) -> int:
        """How many of them carry rows inside (a local relation: Arrow data in the plan)."""
        return sum("local_relation" in str(request) for request in self.built)


@pytest.mark.parametrize("staged", [True, False], ids=["stage", "arrow"])
def test_with_a_stage_no_frame_travels_inside_a_query(
    zoned_store: Path, sail: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staged: bool
) -> None:
    months = asof.calendar_months(date(2023, 11, 1), date(2024, 4, 1))
    con = database.connect_readonly(zoned_store)
    try:
        expected = refresh.compute_months(con, months, MetricSettings())  # Polars
        with engines.opened("spark", sail, str(tmp_path) if staged else None) as engine:
            assert isinstance(engine, engines.SparkEngine)
            requests = Requests(engine.session.client, monkeypatch)
            computed = refresh.compute_months(con, months, MetricSettings(), engine=engine)
            written = engine.stage.files() if engine.stage else []
    finally:
        con.close()
    exact, close = metric_columns(expected)
    assert disagreements(expected, computed, exact, close).is_empty()
    assert len(requests.built) > 2  # the results were asked for, and schemas
    if staged:
        assert requests.holding_rows() == 0  # every query names files of the stage
        assert len(written) > 4  # the probe and each input of the pass (complaints, transfers, stints, ...)
        assert list(tmp_path.iterdir()) == []  # removed after the run
    else:
        assert requests.holding_rows() > 0  # the same work without a stage: the rows inside the queries


def test_a_remote_query_above_the_message_cap_fails_in_one_sentence(sail: str) -> None:
    big = pl.DataFrame({"n": pl.int_range(140 * 2**17, eager=True)})  # 140 MiB of Int64
    sentence = r"a query of 140 MiB is above the 128 MiB .* give --stage"
    with pytest.raises(NivaranError, match=sentence), engines.opened("spark", sail) as engine:
        nw.from_native(engine.frame(big)).select(nw.len()).collect("polars")


@pytest.mark.parametrize(
    "case",
    [
        (["--engine", "spark", "--stage", "{tmp}/absent"], "--stage {tmp}/absent: no such folder"),
        (["--engine", "duckdb", "--stage", "{tmp}"], "--stage is for a Spark Connect server; the duckdb engine"),
        (["--stage", "{tmp}"], "--all-months, --remote and --stage go with --engine"),
    ],
)
def test_a_wrong_stage_is_one_sentence(
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], str],
) -> None:
    args, sentence = case
    given = [a.format(tmp=tmp_path) for a in args]
    code, said = nivaran(monkeypatch, capsys, "grade", "--db", str(demo_db), "--month", "2026-10", *given)
    assert code == 2
    assert sentence.format(tmp=tmp_path) in said
    assert "Traceback" not in said


def test_a_frame_reaches_spark_whole_as_parquet_or_as_arrow(sail: str, tmp_path: Path) -> None:
    data = pl.DataFrame({"k": [1, 2, 3, 4, 5], "t": [10, None, 30, 40, 50], "s": ["a", "b", None, "d", "e"]})
    with engines.opened("spark", sail) as remote:  # an address given: Arrow inside the query
        assert isinstance(remote, engines.SparkEngine)
        assert remote.stage is None
        staged = engines.SparkEngine(remote.session, engines.Stage(str(tmp_path)))
        for how in (remote, staged):  # and through Parquet files in a stage
            whole = nw.from_native(how.frame(data)).sort("k").collect("polars").to_native()
            empty = nw.from_native(how.frame(data.clear())).collect("polars").to_native()
            assert whole.to_dicts() == data.to_dicts()
            assert empty.is_empty()
            assert empty.columns == data.columns
    assert staged.stage is not None
    assert staged.stage.files() == ["frame-1.parquet", "frame-2.parquet"]


def test_spark_keeps_a_frame_on_the_server_or_else_computes_it_again(sail: str) -> None:
    from pysail.spark import SparkConnectServer

    data = pl.DataFrame({"k": [3, 1, 2], "s": ["c", "a", None]})
    with engines.opened("spark", sail) as keeping:  # engines.sail_server gives Sail a checkpoint folder
        assert isinstance(keeping, engines.SparkEngine)
        frame = keeping.frame(data)
        kept = keeping.keep(frame)
        assert kept is not frame
        assert "cached_remote_relation" in str(kept._plan.to_proto(keeping.session.client))  # only an id
        assert kept.sort("k").toArrow().to_pylist() == data.sort("k").to_dicts()
    bare = SparkConnectServer(ip="127.0.0.1", port=0)  # a Sail that keeps no checkpoints
    bare.start(background=True)
    try:
        host, port = bare.listening_address
        with engines.opened("spark", f"sc://{host}:{port}") as plain:
            assert isinstance(plain, engines.SparkEngine)
            frame = plain.frame(data)
            assert plain.keep(frame) is frame  # computed again by each use, as before
            assert plain.keep(frame) is frame  # and not asked twice
    finally:
        bare.stop()
