"""The journalist's press report and public CSV files: figures against last month, one chart per section,
reasons to look, page numbers, headings kept with what follows, moves only where they mean something,
and one shape for every public CSV (codes as headers, rounded figures, group and rank order)."""

from __future__ import annotations

import re
import shutil
import unicodedata
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from grading.model.registry import FIELDS, METRICS
from grading.outputs import drawings, publish, report
from grading.outputs.fmt import printed_change
from grading.scoring import schemes
from grading.serve import public
from grading.store import database

MP = schemes.load()
AUG = date(2024, 8, 1)


@pytest.fixture(scope="module")
def package(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's August 2024 published into a copy of the demo store: (store, package directory)."""
    where = tmp_path_factory.mktemp("press")
    db = where / "demo.duckdb"
    shutil.copy(demo_db, db)
    publish.publish(db, AUG, MP, where / "out")
    return db, where / "out"


def _pages(path: Path) -> list[str]:
    """Each page's text with ligatures undone ("ﬁ" → "fi")."""
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(path).pages]


# --- moves that mean something ----------------------------------------------------------------------------


def _ranking(rows: list[tuple[str, int | None, int | None, int]]) -> pl.DataFrame:
    """Departments (code, volume group, rank change, received), ranked, shown, with names."""
    return pl.DataFrame(
        {
            "department": [r[0] for r in rows],
            "department_name": [r[0].title() for r in rows],
            "volume_group": [r[1] for r in rows],
            "rank_change": [r[2] for r in rows],
            "received": [r[3] for r in rows],
            "is_ranked": [True] * len(rows),
            "suppressed": [False] * len(rows),
            "score": [80.0] * len(rows),
            "grade": ["A"] * len(rows),
            "rank_text": ["1"] * len(rows),
            "rank_position": list(range(1, len(rows) + 1)),
        },
        schema_overrides={"volume_group": pl.Int8, "rank_change": pl.Int32},
    )


def test_the_biggest_rise_is_named_only_in_the_busiest_group() -> None:
    # SMALL climbed 19 places among the 26 least busy on 23 complaints; BIG climbed 3 in group 1 on 900.
    rows = _ranking([("BIG", 1, 3, 900), ("SMALL", 2, 19, 23), ("DOWN", 1, -2, 700), ("FLAT", 1, None, 800)])
    assert rows.select(printed_change())["rank_change"].to_list() == [3, None, -2, None]
    data = report.ReportData(
        month=AUG,
        scheme=MP,
        departments=rows,
        districts=rows.head(0).rename({"department": "district", "department_name": "district_name"}),
        streaks=pl.DataFrame(schema={"streak_rank_1": pl.Int32, "department_name": pl.String}),
        first_month=date(2024, 3, 1),
        published_at=datetime(2024, 9, 5),
    )
    lines = report.headlines(data, "en")
    assert "Biggest rise: Big, up 3 places." in lines
    assert "Biggest fall: Down, down 2 places." in lines
    assert not [line for line in lines if "Small" in line]


def test_an_entity_type_without_groups_keeps_every_change_of_the_record() -> None:
    rows = pl.DataFrame(
        {"rank_change": [5, None], "volume_group": [None, None]}, schema_overrides={"volume_group": pl.Int8}
    )
    assert rows.select(printed_change())["rank_change"].to_list() == [5, None]


# --- the report -------------------------------------------------------------------------------------------


def test_every_page_is_numbered_and_the_first_holds_the_figures_against_last_month(package: tuple[Path, Path]) -> None:
    db, out = package
    pages = _pages(out / "report-en.pdf")
    for i, text in enumerate(pages, start=1):
        assert re.search(rf"Page {i} of\s+{len(pages)}", text), (i, text[:80])
    con = database.connect_readonly(db)
    try:
        figures = public.state_headline(con, MP, AUG)
    finally:
        con.close()
    now = figures.filter(pl.col("month") == AUG).row(0, named=True)
    before = figures.filter(pl.col("month") == date(2024, 7, 1)).row(0, named=True)
    first = pages[0]
    assert "The month in figures" in first
    assert "August 2024" in first
    assert "July 2024" in first
    # Received: both months in Indian digits and the change, signed.
    change = now["received"] - before["received"]
    assert f"{now['received']:,} {before['received']:,} {change:+,}".replace("+", "+" if change > 0 else "") in first
    # A percentage: one decimal, the change in percentage points.
    points = now["satisfied_closure_pct"] - before["satisfied_closure_pct"]
    assert f"{now['satisfied_closure_pct']:.1f}% {before['satisfied_closure_pct']:.1f}% {points:+.1f} pp" in first


def test_one_chart_per_section_and_the_rankings_chart_the_scores_with_their_intervals(
    package: tuple[Path, Path],
) -> None:
    db, _ = package
    con = database.connect_readonly(db)
    try:
        pub = publish.standing(con, AUG)
        assert pub is not None
        data = publish.report_data(publish.PackageSource(pub, con, MP))
    finally:
        con.close()
    page = report.report_html(data, "en")
    sections = re.split(r"<h2>", page)[1:]
    titles = [s.split("</h2>")[0] for s in sections]
    assert titles == [
        "The month in figures",
        "Headlines",
        "Department ranking",
        "District ranking",
        "District scores on the map",
        "Reasons to look",
        "Method in brief",
    ]
    charted = {t: s.count("<svg") for t, s in zip(titles, sections, strict=True)}
    assert charted["The month in figures"] == 1
    assert charted["Department ranking"] == 1
    assert charted["District ranking"] == 1
    assert charted["District scores on the map"] == 2  # the map and its ticked key
    # The department chart: a line per ranked and shown department, in rank order within its group; a
    # whisker only where the suppression rule shows the score's uncertainty.
    groups = report.chart_rows(data.departments, "department", "en")
    shown = data.departments.filter(pl.col("is_ranked"), ~pl.col("suppressed"))
    assert sum(len(rows) for _, rows in groups) == shown.height
    assert [g for g, _ in groups] == [1, 2]
    for group, rows in groups:
        # Rank order: the printed rank (a range by its best, then its worst rank), then the position.
        expected = shown.filter(pl.col("volume_group") == group).sort(
            "rank_best", "rank_worst", "rank_position", "department"
        )
        assert [r.rank for r in rows] == expected["rank_text"].to_list()
        assert [r.uncertainty is None for r in rows] == expected["score_uncertainty"].is_null().to_list()
    whiskers = sum(r.uncertainty is not None for _, rows in groups for r in rows)
    assert 0 < whiskers < shown.height  # the demo month has both


def test_the_reasons_to_look_name_the_flags_without_their_figures(package: tuple[Path, Path]) -> None:
    db, out = package
    con = database.connect_readonly(db)
    try:
        found = public.flags(con, MP, AUG, "department")
        ranking = public.ranking(con, MP, "department", AUG)
    finally:
        con.close()
    # The public reads who and which flag, nothing counted; only for rows the public side shows.
    assert [c for c in found.columns if c not in public.FLAG_COLUMNS] == [
        "department_name", "department_name_hi", "district_name", "district_name_hi"
    ]  # fmt: skip
    hidden = set(ranking.filter("suppressed")["department"].to_list())
    assert not set(found["department"].to_list()) & hidden
    assert "REVENUE" in found["department"].to_list()  # the demo's gaming department
    text = " ".join(_pages(out / "report-en.pdf"))
    assert "Reasons to look" in text
    assert "Revenue: Closure spike before the cut-off." in re.sub(r"\s+", " ", text)
    section = re.sub(r"\s+", " ", text.split("Reasons to look", 1)[1].split("Method in brief", 1)[0])
    assert "closures (" not in section  # no "12 of 40 closures (30.0%)": the evidence stays on its page
    # Shaped Devanagari comes back from the PDF with its vowel signs out of order: the flag's Hindi title
    # is looked for letter by letter.
    hindi = " ".join(_pages(out / "report-hi.pdf"))
    assert "Revenue" not in hindi
    assert "कट" in hindi


def test_no_page_ends_with_a_heading(package: tuple[Path, Path]) -> None:
    _, out = package
    headings = {"The month in figures", "Headlines", "Department ranking", "District ranking", "Group 1", "Group 2"}
    headings |= {"District scores on the map", "Reasons to look", "Method in brief", "Not ranked"}
    for i, text in enumerate(_pages(out / "report-en.pdf"), start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert last not in headings, (i, last)


# --- one shape for every public CSV ------------------------------------------------------------------------


def _decimals(values: list[str | None]) -> int:
    return max((len(v.split(".")[1]) for v in values if v and "." in v), default=0)


def test_every_package_csv_has_code_headers_rounded_figures_and_rank_order(package: tuple[Path, Path]) -> None:
    _, out = package
    for name in ("ranking-department.csv", "ranking-district.csv", "history.csv", "cells.csv"):
        text = pl.read_csv(out / name, infer_schema_length=0)
        for column in text.columns:  # every header a documented snake_case code
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column), (name, column)
            entry = METRICS.get(column) or FIELDS.get(column)
            if entry is not None and entry.unit in ("pct", "days"):
                assert _decimals(text[column].to_list()) <= 1, (name, column)
            elif column.startswith("points_") or column in ("score", "score_uncertainty"):
                assert _decimals(text[column].to_list()) <= 2, (name, column)
    for kind in ("department", "district"):
        rows = pl.read_csv(out / f"ranking-{kind}.csv")
        ranked = rows.filter(pl.col("rank_position").is_not_null())
        keys = list(zip(ranked["volume_group"], ranked["rank_best"], ranked["rank_worst"], strict=True))
        assert keys == sorted(keys), kind  # group 1 first, in the order of the printed rank
        assert rows.tail(rows.height - ranked.height)["rank_position"].null_count() == rows.height - ranked.height


def test_the_rounding_rule_by_unit() -> None:
    # 66.666 % → 66.7; 3.25 days → 3.3 (half away from zero); a score of 70.125 → 70.13; a count stays whole.
    rows = pl.DataFrame(
        {"satisfied_closure_pct": [66.666], "resolution_days_median": [3.25], "score": [70.125], "received": [12]}
    )
    assert publish.public_csv(rows).row(0) == (66.7, 3.3, 70.13, 12)


def test_a_ranking_row_draws_its_score_with_the_whisker_on_the_grade_bands() -> None:
    scale = drawings.Scale(100, (("A", 80), ("B", 70), ("C", 60), ("D", 0)))
    svg = drawings.interval_svg(75.0, 5.0, scale, width=108, height=20)
    # 100 points over 100 px (108 less 4 px either side): the dot at 4 + 75 = 79, the whisker 74 to 84.
    assert '<circle cx="79.0"' in svg
    assert 'd="M74.0,10.0 H84.0' in svg
    assert svg.count("<rect") == 4  # the four grade bands
    hollow = drawings.interval_svg(75.0, None, scale)
    assert "<path" not in hollow  # no whisker where the range is hidden
    assert 'fill="#ffffff"' in hollow
    assert drawings.data_url(svg).startswith("data:image/svg+xml;base64,")
