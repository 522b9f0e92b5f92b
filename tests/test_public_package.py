"""The published package of a month: files, headers, month columns, data dictionary, bilingual PDFs."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from grading.model.registry import FIELDS, METRICS
from grading.outputs import geo, publish, report
from grading.scoring import schemes
from grading.store import database

MP = schemes.load()
AUG = date(2024, 8, 1)
FILES = {"ranking-department.csv", "ranking-district.csv", "history.csv", "cells.csv", "dictionary.csv"}
FILES |= {"report-en.pdf", "report-hi.pdf"}


@pytest.fixture(scope="module")
def package(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's August 2024 published into a copy of the demo database (publishing writes to it)."""
    where = tmp_path_factory.mktemp("package")
    db = where / "demo.duckdb"
    shutil.copy(demo_db, db)
    publish.publish(db, AUG, MP, where / "out")
    return db, where / "out"


def test_the_package_has_every_file(package: tuple[Path, Path]) -> None:
    _, out = package
    assert {p.name for p in out.iterdir()} == FILES
    assert set(publish.PACKAGE) == FILES


def test_rankings_and_cells_carry_the_month_and_hide_small_figures(package: tuple[Path, Path]) -> None:
    _, out = package
    for name, kind in (("ranking-department.csv", "department"), ("ranking-district.csv", "district")):
        rows = pl.read_csv(out / name, try_parse_dates=True)
        assert rows.columns[:4] == ["month", kind, f"{kind}_name", f"{kind}_name_hi"]
        assert set(rows["month"]) == {AUG}
        assert (rows.filter(~pl.col("suppressed"))["received"] >= MP.suppress_below).all()
        assert rows.filter("suppressed")["score"].null_count() == rows["suppressed"].sum()
    cells = pl.read_csv(out / "cells.csv", try_parse_dates=True)
    assert set(cells["month"]) == {AUG}
    assert cells.filter("suppressed")["received"].null_count() == cells["suppressed"].sum() > 0
    assert (cells.filter(~pl.col("suppressed"))["received"] >= MP.suppress_below).all()
    for c in MP.components:
        assert c.metric in cells.columns


def test_history_has_every_month_every_department_and_district(package: tuple[Path, Path]) -> None:
    db, out = package
    history = pl.read_csv(out / "history.csv", try_parse_dates=True)
    con = database.connect_readonly(db)
    try:
        months = database.read_monthly_metrics(con, "department")["month"].unique().sort().to_list()
        departments = database.read_table(con, "departments").height
    finally:
        con.close()
    assert history["month"].unique().sort().to_list() == months
    per_month = history.group_by("entity_type", "month").len()
    assert set(per_month.filter(pl.col("entity_type") == "district")["len"]) == {55}
    assert per_month.filter(pl.col("entity_type") == "department")["len"].max() <= departments
    for column in ("rank_text", "rank_position", "grade", "score", "received", "streak_rank_1", "streak_top_grade"):
        assert column in history.columns
    assert [c for c in history.columns if c.startswith("points_")] == [f"points_{c.key}" for c in MP.components]
    assert (history.filter(~pl.col("suppressed"))["received"] >= MP.suppress_below).all()


def test_the_dictionary_documents_every_column_of_every_csv_in_both_languages(package: tuple[Path, Path]) -> None:
    _, out = package
    dictionary = pl.read_csv(out / "dictionary.csv")
    for name in FILES - {"dictionary.csv", "report-en.pdf", "report-hi.pdf"}:
        columns = pl.read_csv(out / name, n_rows=0).columns
        assert dictionary.filter(pl.col("file") == name)["column"].to_list() == columns, name
    assert dictionary.select("label_en", "label_hi", "unit", "definition").null_count().sum_horizontal().item() == 0
    received = dictionary.filter(pl.col("column") == "received").row(0, named=True)
    assert (received["label_hi"], received["unit"]) == (METRICS["received"].label_hi, "count")


def test_an_undocumented_column_stops_the_dictionary() -> None:
    with pytest.raises(publish.PublishError, match=r"cells\.csv: column 'mystery' has no entry"):
        publish.dictionary({"cells.csv": ["month", "mystery"]}, MP)
    assert "suppressed_reason" in FIELDS


def _text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_reports_name_the_leading_department_and_the_hindi_one_is_in_hindi(package: tuple[Path, Path]) -> None:
    _, out = package
    ranking = pl.read_csv(out / "ranking-department.csv")
    first = report.leader(ranking)
    assert first is not None
    english = _text(out / "report-en.pdf")
    assert str(first["department_name"]) in english[0]
    # The ranking's heading now starts a page of its own when its chart does not fit under the headlines
    # (a heading is kept with what follows it), so it is on the first or the second page.
    assert "Department ranking" in english[0] + english[1]
    # Source and data window on every page (a repeated footer).
    assert all("Source:" in page and "Data window March 2024 to August 2024" in page for page in english)
    hindi = "".join(_text(out / "report-hi.pdf"))
    devanagari = sum("\u0900" <= ch <= "\u097f" for ch in hindi)
    assert devanagari > 500
    assert "Department ranking" not in hindi
    assert "2024" in hindi


def test_the_public_page_offers_the_published_files_as_written(package: tuple[Path, Path]) -> None:
    db, out = package
    con = database.connect_readonly(db)
    try:
        files = publish.published_package(con, MP, AUG)
        not_published = publish.published_package(con, MP, date(2024, 7, 1))
    finally:
        con.close()
    assert not_published is None
    assert files is not None
    assert set(files) == FILES
    for name in sorted(FILES):
        if name.endswith(".csv"):  # the same bytes as the files `nivaran publish` wrote
            assert files[name] == (out / name).read_bytes(), name
    assert files["report-hi.pdf"].startswith(b"%PDF")


def test_cividis_runs_from_dark_blue_to_yellow_between_the_stops() -> None:
    assert geo.cividis(0, 0, 100) == "#00224e"  # the first stop
    assert geo.cividis(100, 0, 100) == "#fee838"  # the last stop
    assert geo.cividis(250, 0, 100) == "#fee838"  # clipped
    # 50 of 0-100 sits at 4.5 of the 9 gaps: halfway from #707173 to #8a8678:
    # red (112 + 138) / 2 = 125 → 7d, green (113 + 134) / 2 = 123.5 → 124 → 7c, blue (115 + 120) / 2 = 117.5 → 118 → 76.
    assert geo.cividis(50, 0, 100) == "#7d7c76"


def test_the_svg_map_colours_shown_districts_and_greys_hidden_ones() -> None:
    shown = {
        "INDORE": geo.Shown("Indore", 90.0, hidden=False),
        "DHAR": geo.Shown("Dhar <b>", 10.0, hidden=False),
        "BHOPAL": geo.Shown("Bhopal", None, hidden=True),
    }
    svg = geo.district_svg(shown, ("hidden", "no data"), unit="%")
    assert svg.count("<path") == 55  # every district drawn, those not listed in white
    by_code = {code: fill for fill, code in re.findall(r'fill="(#[0-9a-f]{6})" [^>]*data-district="([A-Z_]+)"', svg)}
    assert len(by_code) == 55
    assert by_code["INDORE"] == "#fee838"  # the highest shown value: the top of the scale
    assert by_code["DHAR"] == "#00224e"  # the lowest: the bottom
    assert by_code["BHOPAL"] == geo.HIDDEN_GREY
    assert by_code["SAGAR"] == geo.NO_DATA
    assert "<title>Indore: 90.0 %</title>" in svg
    assert "<title>Bhopal: hidden</title>" in svg
    assert "<title>Dhar &lt;b&gt;: 10.0 %</title>" in svg  # an imported name stays text


def test_the_reports_carry_the_district_map(package: tuple[Path, Path]) -> None:
    _, out = package
    english = "".join(_text(out / "report-en.pdf"))
    assert "District scores on the map" in english
    assert "adarvmaps" in english  # the boundaries' attribution
    # the same attribution in Devanagari (issue 25: no Latin words in Hindi)
    assert "एडीएआरवी" in "".join(_text(out / "report-hi.pdf"))
