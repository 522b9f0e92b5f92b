"""The national view: a demo nation's lake, each state graded under its own scheme, the states ranked."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import narwhals as nw
import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from grading.cli import main
from grading.demo import nation
from grading.demo.spec import DemoSpec
from grading.model.registry import NATIONAL_METRICS
from grading.monthly import engines, national, results
from grading.rules import asof
from grading.scoring import counts, edge, schemes
from grading.store import database, helpline
from tests.test_engines import ENGINE_ZONE, Requests
from tests.test_faults import nivaran

AUGUST = date(2024, 8, 1)
SPEC = DemoSpec(months=3, end="2024-08", scale=0.002, seed=7)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, national.NationalView]:
    """``nivaran demo --states 5``, small: five state stores, their lake, and the printed ranking."""
    out = tmp_path_factory.mktemp("nation")
    args = ["demo", "--states", "5", "--out", str(out), "--months", str(SPEC.months), "--end", SPEC.end]
    result = CliRunner().invoke(main, [*args, "--scale", str(SPEC.scale), "--seed", str(SPEC.seed)])
    assert result.exit_code == 0, result.output
    view = national.national_view(out / "lake", AUGUST)
    # The command printed the ranking of its last month: the five states, in the order ranked.
    printed = [line.split("┆")[1].strip() for line in result.output.splitlines() if "┆ state-" in line]
    assert printed == view.ranking["helpline"].to_list()
    return out, view


def test_every_state_is_graded_under_its_own_scheme_and_ranked_once(
    built: tuple[Path, national.NationalView],
) -> None:
    out, view = built
    ranking = view.ranking
    assert sorted(ranking["helpline"]) == ["state-a", "state-b", "state-c", "state-d", "state-e"]
    assert dict(ranking.select("helpline", "timezone").iter_rows()) == {
        "state-a": "Asia/Kolkata",
        "state-b": "Asia/Kolkata",
        "state-c": "Asia/Kathmandu",
        "state-d": "Asia/Kolkata",
        "state-e": "Asia/Kolkata",
    }
    assert dict(ranking.select("helpline", "own_scheme").iter_rows()) == {
        "state-a": "mp-cm-helpline",
        "state-b": "cpgrams-gri",
        "state-c": "mp-cm-helpline",
        "state-d": "cpgrams-gri",
        "state-e": "mp-cm-helpline",
    }
    assert (out / "stores" / "state-e.duckdb").exists()
    # Competition ranking by score: the best score ranks 1, each rank is the count of better scores + 1.
    ranked = ranking.filter("is_ranked")
    better = [int((ranked["score"] > s).sum()) + 1 for s in ranked["score"]]
    assert ranked["rank"].to_list() == better
    # Each state's drill-down holds its departments under its own scheme's components.
    for slug, scheme_name in (("state-a", "mp-cm-helpline"), ("state-b", "cpgrams-gri")):
        keys = {f"points_{c.key}" for c in schemes.load(scheme_name).components}
        assert keys <= set(view.departments[slug].columns)
    assert "points_disposed_in_time" not in view.departments["state-a"].columns


def test_the_national_score_is_the_national_scheme_applied_to_the_state_figures(
    built: tuple[Path, national.NationalView],
) -> None:
    _, view = built
    for row in view.ranking.iter_rows(named=True):
        # 30 × disposal + 20 × min(1, 21 / median days) + 10 × (1 − share pending over 30, 60, 90 days)
        # + 20 × satisfied share (every demo state collects feedback): the weights of darpg-states.toml.
        by_hand = (
            30 * row["disposal_pct"] / 100
            + 20 * min(1.0, 21 / row["resolution_days_median"])
            + sum(10 * (1 - row[f"pending_over_{n}_pct"] / 100) for n in (30, 60, 90))
            + 20 * row["satisfaction_pct"] / 100
        )
        assert row["score"] == pytest.approx(round(by_hand, 2), abs=0.005)
        assert row["disposal_pct"] == pytest.approx(100 * row["disposed"] / (row["disposed"] + row["pending"]))


def test_a_states_national_figures_equal_the_state_graded_alone(built: tuple[Path, national.NationalView]) -> None:
    out, view = built
    slug = "state-c"  # the state on Nepal's time
    con = database.connect_readonly(out / "stores" / f"{slug}.duckdb")
    try:
        own = helpline.read(con)
        scheme = schemes.load(own.scheme)
        alone = results.graded(con, scheme, "department", AUGUST, live=True)
        rows = results.metrics_for(con, scheme, "department", AUGUST)
        cutoff = datetime(2024, 8, 31, 23, 59, 59, 999999)
        # Straight from the store's complaints, without the grading code: complaints closed in August
        # (habitual complainants left out) and those open at the cut-off, by completed days of age.
        median_days, pending_over = con.execute(
            """
            with graded as (select * from complaints where complainant_month_count <= 10)
            select
                (select median(epoch(closed_at - registered_at) / 86400) from graded
                 where closed_at >= $start and closed_at <= $cutoff),
                (select list(floor(epoch($cutoff - registered_at) / 86400)::int) from graded
                 where registered_at <= $cutoff and (closed_at is null or closed_at > $cutoff))
            """,
            {"start": datetime(2024, 8, 1), "cutoff": cutoff},
        ).fetchall()[0]
    finally:
        con.close()
    assert own.timezone == "Asia/Kathmandu"
    # Drill-down: the state's departments exactly as its own store grades them.
    columns = ["department", "received", "score", "grade", "rank", "rank_text", "rank_change", "streak_rank_1"]
    columns += [f"points_{c.key}" for c in scheme.components]
    assert_frame_equal(
        view.departments[slug].select(columns).sort("department"),
        alone.select(columns).sort("department"),
    )
    # The state's figures: its own department rows added up, and the ages and days read straight off.
    figures = view.ranking.filter(pl.col("helpline") == slug).row(0, named=True)
    statewide = counts.totals(rows.filter(pl.col("month") == AUGUST), ["month"]).row(0, named=True)
    assert figures["received"] == statewide["received"]
    assert figures["disposed"] == statewide["closed"]
    assert figures["pending"] == statewide["pending"] == len(pending_over)
    assert figures["satisfaction_pct"] == pytest.approx(statewide["satisfaction_pct"])
    assert (
        figures["pending_over_30"]
        == statewide["pending_31_50"] + statewide["pending_51_100"] + statewide["pending_over_100"]
    )
    for n in (30, 60, 90):
        assert figures[f"pending_over_{n}"] == sum(age > n for age in pending_over)
    assert figures["resolution_days_median"] == pytest.approx(median_days)


def test_the_command_line_ranks_and_drills_down(built: tuple[Path, national.NationalView]) -> None:
    out, view = built
    runner = CliRunner()
    ranked = runner.invoke(main, ["national", "--lake", str(out / "lake"), "--month", "2024-08", "--format", "json"])
    assert ranked.exit_code == 0, ranked.output
    rows = json.loads(ranked.output)
    assert [r["helpline"] for r in rows] == view.ranking["helpline"].to_list()
    assert [r["rank_text"] for r in rows] == view.ranking["rank_text"].to_list()
    drill = runner.invoke(
        main, ["national", "--lake", str(out / "lake"), "--month", "2024-08", "--state", "state-b", "--format", "csv"]
    )
    assert drill.exit_code == 0, drill.output
    assert drill.output.splitlines()[0].startswith("code,name,name_hi,rank_text,score,grade,points_disposed_in_time")
    unknown = runner.invoke(
        main,
        ["national", "--lake", str(out / "lake"), "--month", "2024-08", "--state", "state-z"],
        standalone_mode=False,
    )
    assert "state-z" in str(unknown.exception)
    assert "state-a, state-b, state-c, state-d, state-e" in str(unknown.exception)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_the_national_view_is_the_same_on_every_engine(built: tuple[Path, national.NationalView], engine: str) -> None:
    out, view = built
    with engines.opened(engine) as running:  # spark: a local Sail, its inputs as Parquet in a stage
        other = national.national_view(out / "lake", AUGUST, engine=running)
    assert_frame_equal(other.ranking, view.ranking, rel_tol=0, abs_tol=1e-9)
    assert other.departments.keys() == view.departments.keys() == {f"state-{c}" for c in "abcde"}
    for slug, rows in view.departments.items():
        assert_frame_equal(other.departments[slug].sort("department"), rows.sort("department"), rel_tol=0, abs_tol=1e-9)
        assert_frame_equal(
            other.districts[slug].sort("district"), view.districts[slug].sort("district"), rel_tol=0, abs_tol=1e-9
        )
    args = ["national", "--lake", str(out / "lake"), "--month", "2024-08", "--format", "json", "--engine", engine]
    ranked = CliRunner().invoke(main, args)
    assert ranked.exit_code == 0, ranked.output
    assert [r["rank_text"] for r in json.loads(ranked.output)] == view.ranking["rank_text"].to_list()


def test_a_month_without_data_and_a_folder_without_a_lake_are_one_sentence(
    built: tuple[Path, national.NationalView], tmp_path: Path
) -> None:
    out, _ = built
    with pytest.raises(national.NationalError, match="no helpline holds data for 2024-01"):
        national.national_view(out / "lake", date(2024, 1, 1))
    result = CliRunner().invoke(
        main, ["national", "--lake", str(tmp_path), "--month", "2024-08"], standalone_mode=False
    )
    assert f"{tmp_path}: no manifest.json (not a lake" in str(result.exception)


def test_every_national_figure_is_defined_in_the_docs_and_the_scheme_weighs_only_those() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scale.md").read_text(encoding="utf-8")
    assert [name for name in NATIONAL_METRICS if f"`{name}`" not in doc] == []
    scheme = schemes.load(national.DEFAULT_NATIONAL, directory=schemes.NATIONAL_DIR, metrics=NATIONAL_METRICS)
    assert sum(c.weight for c in scheme.components) == scheme.max_score == 100
    assert national.DEFAULT_NATIONAL not in schemes.available()  # not a helpline's scheme
    with pytest.raises(schemes.SchemeError, match="disposal_pct"):
        schemes.load(scheme.path)  # a helpline's metrics do not include the national figures


def test_a_rebuilt_nation_replaces_only_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="holds other files"):
        nation.build_nation(tmp_path, 1, SPEC)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.fixture(scope="module")
def sail() -> Iterator[str]:
    """One local Sail server for the module, used as a remote one: its ``sc://`` address."""
    with engines.sail_server() as remote:
        yield remote


@contextlib.contextmanager
def remote_spark(sail: str) -> Iterator[engines.SparkEngine]:
    """Spark at ``sail`` without a stage, its session zone neither a state's nor UTC."""
    with engines.opened("spark", sail) as engine:
        assert isinstance(engine, engines.SparkEngine)
        assert engine.stage is None  # nothing to write the inputs to: the server must read the lake
        engine.session.conf.set("spark.sql.session.timeZone", ENGINE_ZONE)
        yield engine


@pytest.mark.parametrize(("given", "month"), [("folder", AUGUST), ("url", date(2024, 7, 1))], ids=["folder", "url"])
def test_spark_reads_the_lake_itself_and_ranks_as_polars_does(
    built: tuple[Path, national.NationalView], sail: str, monkeypatch: pytest.MonkeyPatch, given: str, month: date
) -> None:
    out, august = built
    lake = out / "lake"
    view = august if month == AUGUST else national.national_view(lake, month)  # Polars, read here

    def not_here(*_: object) -> None:
        raise AssertionError("this process read a state's partitions")

    monkeypatch.setattr(national, "month_inputs", not_here)
    with remote_spark(sail) as running:
        requests = Requests(running.session.client, monkeypatch)
        other = national.national_view(lake if given == "folder" else lake.as_uri(), month, engine=running)
    # the same ranking, figures and drill-downs, to the last bit
    assert_frame_equal(other.ranking, view.ranking, check_exact=True)
    for slug, rows in view.departments.items():
        assert_frame_equal(other.departments[slug], rows, check_exact=True)
        assert_frame_equal(other.districts[slug], view.districts[slug], check_exact=True)
    # every plan names the lake's own folders, up to the month asked for, and none carries rows
    plans = [str(request) for request in requests.built]
    assert requests.holding_rows() == 0
    for slug in view.departments:
        for table in ("complaints", "transfers", "stints", "feedback_events"):
            where = f"{lake if given == 'folder' else lake.as_uri()}/{table}/helpline={slug}"
            assert any(where in plan for plan in plans), where
    assert any(f'string: "{month:%Y-%m}"' in plan for plan in plans)  # month <= it: later partitions unread
    assert not any('string: "2024-08"' in plan for plan in plans) or month == AUGUST


def test_the_encoded_inputs_are_the_same_integers_on_every_engine(
    built: tuple[Path, national.NationalView], sail: str
) -> None:
    """state-c keeps Nepal's time (UTC+5:45); the engines' sessions keep Kiritimati's (UTC+14)."""
    out, _ = built
    lake = out / "lake"
    state = next(h for h in national.helplines(lake) if h.slug == "state-c")
    read = national.month_inputs(lake, state, AUGUST)
    got = {}
    with contextlib.ExitStack() as stack:
        duck = stack.enter_context(engines.opened("duckdb"))
        assert isinstance(duck, engines.DuckDBEngine)
        duck.con.execute(f"set TimeZone = '{ENGINE_ZONE}'")
        spark = stack.enter_context(remote_spark(sail))
        for name, engine in (("polars", edge.POLARS), ("duckdb", duck), ("spark", spark)):
            with national.placed(lake, engine) as place:
                frames = national.lake_inputs(place, state, AUGUST, engine)
                encoded = edge.encode_frames(frames, national.LAKE_ORDER, engine)
            frames = {t: nw.from_native(f).lazy().collect("polars").to_native() for t, f in encoded.frames.items()}
            got[name] = (encoded.names, {t: f.sort(f.columns, nulls_last=True) for t, f in frames.items()})
    names, frames = got["polars"]
    # the rules of the edge, by hand: names sorted, instants as microseconds of the wall clock
    assert names == sorted({*read["complaints"]["department"], *read["complaints"]["district"]} - {None})
    complaints = read["complaints"].sort("complaint_key")
    by_key = frames["complaints"].sort("complaint_key")
    for column in edge.INSTANTS["complaints"]:
        assert by_key[column].to_list() == [None if t is None else asof.micros(t) for t in complaints[column]]
    assert by_key["department"].to_list() == [names.index(d) for d in complaints["department"]]
    assert frames["transfers"].height == read["transfers"].height > 0
    for other in ("duckdb", "spark"):
        assert got[other][0] == names
        for table, frame in frames.items():
            theirs = got[other][1][table].cast(frame.schema)
            assert_frame_equal(theirs, frame, check_exact=True)


@pytest.mark.parametrize(
    "case",
    [
        ("file://{tmp}/absent", "the Spark server cannot read the lake file://{tmp}/absent (manifest.json: "),
        ("s3://nivaran-absent-bucket/lake", "the Spark server cannot read the lake s3://nivaran-absent-bucket/lake"),
    ],
    ids=["file-url", "s3-url"],
)
def test_a_lake_the_server_cannot_read_is_one_sentence(
    sail: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str],
) -> None:
    lake, sentence = case
    given = lake.format(tmp=tmp_path)
    monkeypatch.setattr(national, "helplines", lambda *_: pytest.fail("work began"))
    args = ("national", "--lake", given, "--month", "2024-08", "--engine", "spark", "--remote", sail)
    code, said = nivaran(monkeypatch, capsys, *args)  # the console script
    assert code == 2
    assert sentence.format(tmp=tmp_path) in said
    assert "Traceback" not in said
    assert len(said.strip().splitlines()) == 1


def test_a_url_lake_on_an_engine_in_this_process_is_one_sentence(built: tuple[Path, national.NationalView]) -> None:
    out, view = built
    with pytest.raises(national.NationalError, match="a URL is read by a Spark server"):
        national.national_view("s3://bucket/lake", AUGUST)
    by_url = national.national_view((out / "lake").as_uri(), AUGUST)  # a file:// URL is its folder here
    assert_frame_equal(by_url.ranking, view.ranking, check_exact=True)
