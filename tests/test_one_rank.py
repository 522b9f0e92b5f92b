"""One department, one rank: every surface prints the ranking record's rank, grade and score.

The record is :func:`grading.monthly.results.graded` (``rank_text``, ``grade``, ``score``), computed once
in :mod:`grading.scoring.grade`. For every department and district of the session demo's August 2024
(published into a copy of the demo store), each surface is rendered and read back as a reader gets it:
the command line (``nivaran grade --format json``), the published ranking CSVs and ``history.csv``, the
English press report's PDF text, the department page's title for every department and the public
summary's ranking tables, tab "All" (AppTest). At this demo's volume most ranks are ranges ("1–4"), so a surface
that printed a rank of its own (the overall rank, the group rank) would differ and fail here.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from grading.access.accounts import Accounts
from grading.cli import main
from grading.monthly import results
from grading.outputs import publish
from grading.rules.asof import next_month
from grading.scoring import schemes
from grading.store import database
from tests.test_app import sign_in

ROOT = Path(__file__).resolve().parent.parent
AUG = date(2024, 8, 1)
KINDS = ("department", "district")
ADMIN = ("one.rank.admin", "one-rank-pass-1")

Record = dict[str, tuple[str, str | None, str | None]]  # code → (rank text, grade, score as "12.34")


def _score(value: object) -> str | None:
    return None if value is None or value == "" else f"{float(value):.2f}"  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def published(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """August 2024 published into a copy of the demo store (publishing writes), with an administrator."""
    where = tmp_path_factory.mktemp("one-rank")
    db = where / "demo.duckdb"
    shutil.copy(demo_db, db)
    publish.publish(db, AUG, schemes.load(), where / "out")
    Accounts(db).add(ADMIN[0], "admin", password=ADMIN[1], replace=True)
    return db, where / "out"


@pytest.fixture(scope="module")
def record(published: tuple[Path, Path]) -> dict[str, Record]:
    """The ranking record of the month, per entity type: code → (rank_text or "", grade, score)."""
    con = database.connect_readonly(published[0])
    try:
        rows = {kind: results.graded(con, schemes.load(), kind, AUG) for kind in KINDS}
    finally:
        con.close()
    return {
        kind: {r[kind]: (r["rank_text"] or "", r["grade"], _score(r["score"])) for r in frame.iter_rows(named=True)}
        for kind, frame in rows.items()
    }


def test_the_record_prints_ranges_at_this_volume(record: dict[str, Record]) -> None:
    # Otherwise a surface printing the group rank would agree by chance and this file would prove little.
    texts = [rank for rank, _, _ in record["department"].values() if rank]
    assert sum("–" in t for t in texts) > len(texts) // 2
    assert len(record["department"]) == 52
    assert len(record["district"]) == 55


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_line_prints_the_record(published: tuple[Path, Path], record: dict[str, Record], kind: str) -> None:
    args = ["grade", "--db", str(published[0]), "--month", "2024-08", "--by", kind, "--format", "json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = {r["code"]: (r["rank_text"] or "", r["grade"], _score(r["score"])) for r in json.loads(result.stdout)}
    assert got == record[kind]


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0)  # every cell as the file prints it


@pytest.mark.parametrize("kind", KINDS)
def test_the_published_csvs_print_the_record(
    published: tuple[Path, Path], record: dict[str, Record], kind: str
) -> None:
    ranking = _csv(published[1] / f"ranking-{kind}.csv")
    history = _csv(published[1] / "history.csv").filter(
        pl.col("entity_type") == kind, pl.col("month") == AUG.isoformat()
    )
    assert "rank" not in ranking.columns  # one rank per row: the printed one
    for frame in (ranking, history):
        assert frame.height == len(record[kind])
        for row in frame.iter_rows(named=True):
            rank, grade, score = record[kind][row[kind]]
            assert (row["rank_text"] or "") == rank, row[kind]
            if row["suppressed"] == "false":  # the public boundary hides the figures of small rows
                assert (row["grade"], _score(row["score"])) == (grade, score), row[kind]
            else:
                assert (row["grade"], row["score"]) == (None, None), row[kind]


def _pdf_text(path: Path) -> str:
    """The report's text on one line: ligatures undone, every run of white space one space (a long name
    wraps inside its table cell)."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("kind", KINDS)
def test_the_press_report_prints_the_record(published: tuple[Path, Path], record: dict[str, Record], kind: str) -> None:
    text = _pdf_text(published[1] / "report-en.pdf")
    shown = _csv(published[1] / f"ranking-{kind}.csv").filter(pl.col("is_ranked") == "true")
    assert shown.height > 10
    for row in shown.iter_rows(named=True):
        rank, grade, score = record[kind][row[kind]]
        name = unicodedata.normalize("NFKC", row[f"{kind}_name"])
        line = f"{rank} {name} {grade} {score}" if row["suppressed"] == "false" else f"{rank} {name} —"
        assert line in text, line


def _department_title(at: AppTest, code: str) -> str:
    at.selectbox(key="department").set_value(code).run()
    assert not at.exception, [e.message for e in at.exception]
    return str(at.title[0].value).replace("\\", "")  # as the page shows the Markdown: "100\\.00" reads 100.00


def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("NIVARAN_DB", str(db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return sign_in(at.run(), *ADMIN)


def test_the_department_page_titles_print_the_record(
    published: tuple[Path, Path], record: dict[str, Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(published[0], monkeypatch)
    at.switch_page("pages/department.py").run()
    for code, (rank, grade, score) in record["department"].items():
        title = _department_title(at, code)
        if rank:
            assert f": rank {rank} of " in title, title
            assert f"grade {grade}, {score} points" in title, title
        else:
            assert " rank " not in title, title
        # No template reaches the page: no placeholder left in any sentence or table cell.
        shown = [str(e.value) for e in (*at.markdown, *at.caption, *at.subheader)]
        shown += [str(cell) for frame in (*at.dataframe, *at.table) for cell in frame.value.to_numpy().ravel()]
        assert not [s for s in shown if "{" in s or "}" in s], code


def test_the_public_ranking_tables_print_the_record(
    published: tuple[Path, Path], record: dict[str, Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(published[0], monkeypatch)
    # The tab of everyone, in both rankings (only the open tab's table is sent to the page).
    at.session_state["ranking_tab_department"] = "All departments"
    at.session_state["ranking_tab_district"] = "All districts"
    at.switch_page("pages/public_summary.py").run()
    assert not at.exception, [e.message for e in at.exception]
    con = database.connect_readonly(published[0])
    try:
        names = {
            kind: dict(database.read_table(con, f"{kind}s").select("name_en", "code").iter_rows()) for kind in KINDS
        }
    finally:
        con.close()
    checked: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for table in at.dataframe:
        frame = table.value
        for kind, heading in (("department", "Department"), ("district", "District")):
            if heading in frame.columns and "Rank" in frame.columns:
                for shown_rank, name in zip(frame["Rank"], frame[heading], strict=True):
                    rank, _, _ = record[kind][names[kind][name]]
                    assert shown_rank == (rank or "—"), name
                checked[kind].append(len(set(frame[heading])))
    # Each ranking is two tables now (at a glance, and its points per component): every department and
    # district once in each.
    assert checked == {"department": [52, 52], "district": [55, 55]}


@pytest.mark.parametrize("kind", KINDS)
def test_every_streak_agrees_with_the_rank_over_time(published: tuple[Path, Path], kind: str) -> None:
    # The department page's chart reads the history's rank_text month by month; "rank 1 for N months"
    # must count exactly the months before it, back to the first that did not print "1" (or changed group).
    con = database.connect_readonly(published[0])
    try:
        history = results.graded(con, schemes.load(), kind).sort(kind, "month")
    finally:
        con.close()
    streaks = 0
    for code, rows in history.group_by(kind, maintain_order=True):
        run, group, month = 0, None, None
        for row in rows.iter_rows(named=True):
            follows = month is not None and row["month"] == next_month(month)
            continues = follows and row["volume_group"] == group
            run = (run + 1 if continues else 1) if row["rank_text"] == "1" else 0
            assert row["streak_rank_1"] == run, (code, row["month"])
            streaks += run > 0
            group, month = row["volume_group"], row["month"]
    assert history["month"].n_unique() == 6
    assert streaks > 0 or kind == "district"  # the demo's certain leaders hold a streak somewhere
