"""One suppression rule for every figure the public sees (docs/public.md, "The suppression rule").

Not only complaints received: any count of 1 to 4 (``suppress_below`` - 1) on a shown row, and every
percentage, day statistic or points computed from one, is banded or hidden, with complements, on every
public surface: the public summary's tables, map and grid, the trends page, the pages' downloads, the
published package's CSV files and the press report's text. A published month's figures, its district ×
department cells included, are the publication's.

Two stores: a hand-made one (a department with 28 complaints received, 3 of them force-closed and 3
pending, 2 of those overdue; a cell with 3 complaints) and the session demo's August 2024, published. The
oracle of what must not be seen is computed here from the unsuppressed figures
(:func:`grading.serve.views.history`, :func:`grading.monthly.results.metrics_for`) and the registry's
``RATIOS``; a surface is read back as a reader gets it (CSV text, PDF text, AppTest tables, the frames a
download button writes).
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from grading.intake import ingest
from grading.model.registry import METRICS, RATIOS
from grading.monthly import results
from grading.outputs import export, publish
from grading.scoring import schemes
from grading.scoring.counts import percentages
from grading.serve import public, views
from grading.store import database
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

ROOT = Path(__file__).resolve().parent.parent
MP = schemes.load("mp-cm-helpline")
T = MP.suppress_below
MARCH, AUG = date(2024, 3, 1), date(2024, 8, 1)
COUNTS = [name for name, m in METRICS.items() if m.unit == "count"]
POINTS = {f"points_{c.key}": c.metric for c in MP.components}
LABELS = {m.label_en: name for name, m in METRICS.items()}  # a download's English heading → its column
KINDS = ("department", "district")
#: The sums a reader can check inside one row (total, parts); true of the demo's figures (checked below).
SUMS = (
    ("closed", ("closed_satisfied_in_month", "closed_force", "closed_special", "closed_other")),
    ("closed", ("on_time", "late")),
    ("feedback_rated", ("feedback_satisfied", "feedback_dissatisfied")),
    (
        "pending",
        ("pending_0_7", "pending_8_15", "pending_16_30", "pending_31_50", "pending_51_100", "pending_over_100"),
    ),
    ("pending_over_50", ("pending_51_100", "pending_over_100")),
    ("long_pending_open", ("pending_51_100", "pending_over_100")),  # the default long-pending age, 50 days
)


def _small(value: object) -> bool:
    """A count a reader must never see: 1 to T - 1 (as a number or as the text a file holds)."""
    if value is None or value == "":
        return False
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return False
    return not np.isnan(number) and number == int(number) and 1 <= number < T


def _parts(column: str) -> tuple[str, ...]:
    metric = POINTS.get(column, column)
    if metric in RATIOS:
        numerator, denominator = RATIOS[metric]
        return (*numerator, *denominator)
    return (metric,)


def exposed(raw: dict[str, Any]) -> set[str]:
    """The columns of one unsuppressed row that must not be shown: its counts of 1 to T - 1 and every
    percentage, day statistic and points computed from one (the registry's RATIOS)."""
    small = {c for c in COUNTS if c in raw and _small(raw[c])}
    derived = [*RATIOS, *POINTS]
    return small | {d for d in derived if set(_parts(d)) & small}


def _oracle(frame: pl.DataFrame, key: list[str]) -> dict[tuple[Any, ...], set[str]]:
    return {tuple(r[k] for k in key): exposed(r) for r in frame.iter_rows(named=True)}


def _csv(data: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)  # every cell as the file prints it


def _pdf_text(path: Path) -> str:
    """The report's text on one line: ligatures undone, every run of white space one space."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def _after(text: str, prefix: str, n: int) -> list[str]:
    """The ``n`` space-separated tokens after ``prefix`` in ``text`` (``prefix`` must be there)."""
    at = text.find(prefix)
    assert at >= 0, prefix
    return text[at + len(prefix) :].split(" ")[:n]


def check_file(rows: pl.DataFrame, key: list[str], oracle: dict[tuple[Any, ...], set[str]], where: str) -> int:
    """Every row of a public file (codes in ``key``, headings as written): no count of 1 to T - 1
    anywhere, and every column the oracle names for the row left empty. Returns the cells checked."""
    checked = 0
    for row in rows.iter_rows(named=True):
        must = oracle.get(tuple(row[k] for k in key), set())
        for heading, value in row.items():
            column = LABELS.get(heading, heading)
            if column in METRICS and METRICS[column].unit == "count":
                assert not _small(value), (where, row, heading)
            if column in must:
                assert value in (None, ""), (where, [row[k] for k in key], heading, value)
                checked += 1
    return checked


# --- the registry: what each percentage is computed from -------------------------------------------


def test_the_registry_names_what_every_percentage_and_day_figure_is_computed_from() -> None:
    for name, metric in METRICS.items():
        assert (name in RATIOS) == (metric.unit in ("pct", "days")), name
    # RATIOS against the formulas that compute the percentages, on random counts.
    rng = np.random.default_rng(7)
    counts = pl.DataFrame(
        {c: rng.integers(0, 40, 200) for c in COUNTS if c not in ("feedback_rated", "pending_over_50")}
    )
    computed = percentages(counts)
    for name, (numerator, denominator) in RATIOS.items():
        if METRICS[name].unit != "pct":
            continue
        top = computed.select(pl.sum_horizontal(numerator)).to_series()
        bottom = computed.select(pl.sum_horizontal(denominator)).to_series()
        expected = (top / bottom * 100).to_numpy()
        got = computed[name].to_numpy().astype(float)
        mask = bottom.to_numpy() > 0
        assert np.allclose(got[mask], expected[mask]), name


# --- a hand-made store --------------------------------------------------------------------------------


def _closed(cid: str, department: str, district: str, day: int, outcome: str = "satisfied") -> list[dict[str, object]]:
    when = f"2024-03-{day:02d}"
    events = [reg(cid, f"{when} 10:00", department, district), ev(cid, f"{when} 11:00", "attended", level="L1")]
    if outcome == "satisfied":
        events += [
            ev(cid, f"{when} 12:00", "resolved", level="L1"),
            ev(cid, f"{when} 13:00", "feedback", outcome="satisfied"),
            ev(cid, f"{when} 13:05", "closed", outcome="satisfied"),
        ]
    else:
        events.append(ev(cid, f"{when} 12:00", "closed", outcome=outcome))
    return events


def _story() -> list[dict[str, object]]:
    """March 2024. D1: 12 closed satisfied and 3 force-closed in X, 10 closed satisfied and 3 pending in
    Y (two registered on the 1st, overdue at the month's end; one on the 29th): 28 received. D2: 10 in X,
    10 in Y and 3 in Z (the small cell). D3: 8 in X, 8 in Y, 6 in Z. All closed satisfied."""
    rows: list[dict[str, object]] = []
    plan = [("D1", "X", 12), ("D1", "Y", 10), ("D2", "X", 10), ("D2", "Y", 10), ("D2", "Z", 3)]
    plan += [("D3", "X", 8), ("D3", "Y", 8), ("D3", "Z", 6)]
    for department, district, n in plan:
        for i in range(n):
            rows += _closed(f"{department}{district}{i}", department, district, 2 + i % 20)
    for i in range(3):
        rows += _closed(f"F{i}", "D1", "X", 5 + i, outcome="force")
    rows += [reg("P0", "2024-03-01 09:00", "D1", "Y"), reg("P1", "2024-03-01 09:30", "D1", "Y")]
    rows.append(reg("P2", "2024-03-29 09:00", "D1", "Y"))
    return rows


def _late() -> list[dict[str, object]]:
    """Events of March that arrive after publication: 2 more closed in D3-Z, 1 more force-closed in D2-X."""
    return [*_closed("L0", "D3", "Z", 20), *_closed("L1", "D3", "Z", 21), *_closed("L2", "D2", "X", 22, "force")]


def _published_store(where: Path) -> tuple[Path, Path]:
    db = mp_store(where / "n.duckdb")
    ingest.ingest(db, [write_csv(_story(), where / "story.csv")])
    publish.publish(db, MARCH, MP, where / "package")
    return db, where / "package"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hand-made store with March 2024 published: (store, package directory)."""
    return _published_store(tmp_path_factory.mktemp("small"))


def _raw(db: Path, kind: str, month: date) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        if kind == "cells":
            return results.metrics_for(con, MP, "department_district", until=month).filter(pl.col("month") == month)
        return views.history(con, MP, kind).filter(pl.col("month") == month)
    finally:
        con.close()


def test_a_small_count_and_its_percentage_are_hidden_in_the_package(small: tuple[Path, Path]) -> None:
    # The unsuppressed figures (what a signed-in page shows) hold what the rule is about.
    raw = _raw(small[0], "department", MARCH).filter(pl.col("department") == "D1").row(0, named=True)
    assert (raw["received"], raw["closed_force"], raw["pending"], raw["open_overdue"]) == (28, 3, 3, 2)
    assert raw["overdue_pending_pct"] == pytest.approx(200 / 3)
    assert raw["points_no_force_close"] is not None
    ranking = _csv((small[1] / "ranking-department.csv").read_bytes())
    d1 = ranking.filter(pl.col("department") == "D1").row(0, named=True)
    assert d1["suppressed"] == "false"
    assert d1["received"] == "28"  # the row itself is shown ...
    for column in ("closed_force", "force_close_pct", "points_no_force_close", "pending", "open_overdue"):
        assert d1[column] is None, column  # ... its small counts and what comes from them are not
    assert d1["overdue_pending_pct"] is None
    assert {"closed_force", "pending", "open_overdue"} <= set(d1["small_figures"].split())
    assert {"force_close_pct", "overdue_pending_pct", "points_no_force_close"} <= set(d1["hidden_figures"].split())
    assert d1["score"] is not None  # two components hidden: the score stays (no single unknown)
    oracle = _oracle(_raw(small[0], "department", MARCH), ["department"])
    assert check_file(ranking, ["department"], oracle, "ranking-department.csv") >= 8


def test_a_cell_of_three_complaints_is_hidden_with_a_complement_in_its_row_and_column(small: tuple[Path, Path]) -> None:
    raw = _raw(small[0], "cells", MARCH).filter(pl.col("department") == "D2", pl.col("district") == "Z")
    assert raw["received"].item() == 3
    cells = _csv((small[1] / "cells.csv").read_bytes())
    d2z = cells.filter(pl.col("department") == "D2", pl.col("district") == "Z").row(0, named=True)
    assert (d2z["received"], d2z["suppressed"], d2z["suppressed_reason"]) == (None, "true", "small")
    departments = _csv((small[1] / "ranking-department.csv").read_bytes())
    districts = _csv((small[1] / "ranking-district.csv").read_bytes())
    # D2's line (its cells and its total) and Z's line (its cells and its total): never one unknown.
    d2 = cells.filter(pl.col("department") == "D2")["received"].null_count()
    d2 += departments.filter(pl.col("department") == "D2")["received"].null_count()
    z = cells.filter(pl.col("district") == "Z")["received"].null_count()
    z += districts.filter(pl.col("district") == "Z")["received"].null_count()
    assert d2 >= 2
    assert z >= 2
    assert "3" not in cells["received"].to_list()
    # A shown cell's own small count hides its percentage: D1 in X received 15, 3 of them force-closed.
    d1x = cells.filter(pl.col("department") == "D1", pl.col("district") == "X").row(0, named=True)
    assert (d1x["suppressed"], d1x["received"], d1x["force_close_pct"]) == ("false", "15", None)
    assert "force_close_pct" in d1x["hidden_figures"].split()
    # ... and no line of a count the file shows has one hidden member (the department totals close them).
    for column in ("received", "closed_satisfied"):
        for kind, totals in (("department", departments), ("district", districts)):
            unknown = cells.group_by(kind).agg(n=pl.col(column).is_null().sum())
            unknown = unknown.join(totals.select(kind, t=pl.col(column).is_null()), on=kind)
            assert unknown.filter(pl.col("n") + pl.col("t").cast(pl.UInt32) == 1).is_empty(), (column, kind)


def _lines_of(text: str, prefix: str, components: int) -> tuple[list[str], str]:
    tokens = _after(text, prefix, components + 1)
    return tokens[:components], tokens[components]


def test_the_press_report_hides_the_points_of_the_small_count(small: tuple[Path, Path]) -> None:
    text = _pdf_text(small[1] / "report-en.pdf")
    ranking = _csv((small[1] / "ranking-department.csv").read_bytes())
    d1 = ranking.filter(pl.col("department") == "D1").row(0, named=True)
    prefix = f"{d1['rank_text']} {d1['department_name']} {d1['grade']} {float(d1['score']):.2f} "
    points, received = _lines_of(text, prefix, len(MP.components))
    keys = [c.key for c in MP.components]
    assert points[keys.index("no_force_close")] == "hidden"
    assert points[keys.index("attended_in_time")] == "hidden"  # 2 pending overdue, never attended: small too
    assert received == "28"
    assert "reads “1–4”" in text  # the method in brief states the rule for small counts


class Downloads:
    """What the pages' download buttons would write, captured from ``ui.widgets.download``: file name →
    the CSV bytes (:func:`grading.outputs.export.write`, as the button makes them)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __call__(self, frame: pl.DataFrame, name: str, key: str, excel: bool = False) -> None:
        self.files[name] = export.write(frame, "csv")

    def frame(self, start: str) -> pl.DataFrame:
        name = next(n for n in self.files if n.startswith(start))
        return _csv(self.files[name].removeprefix(b"\xef\xbb\xbf"))


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    import ui.widgets

    recorder = Downloads()
    monkeypatch.setattr(ui.widgets, "download", recorder)
    return recorder


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, **state: object) -> AppTest:
    monkeypatch.setenv("NIVARAN_DB", str(db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    for key, value in state.items():
        at.session_state[key] = value
    return at


def _tables(at: AppTest) -> list[Any]:
    return [d.value for d in at.dataframe]


def _table_with(at: AppTest, *headings: str) -> Any:
    return next(t for t in _tables(at) if all(h in t.columns for h in headings))


def _day(value: Any) -> date:
    """A month as AppTest's table gives it (a date, a pandas timestamp) as a date."""
    return value.date() if isinstance(value, datetime) else value  # type: ignore[no-any-return]


def _names(db: Path, kind: str) -> dict[str, str]:
    con = database.connect_readonly(db)
    try:
        return dict(database.read_table(con, f"{kind}s").select("name_en", "code").iter_rows())
    finally:
        con.close()


def _code(names: dict[str, str], shown: str) -> str:
    return names.get(shown, shown)  # a store whose names came from its data shows the code


def test_the_public_page_bands_and_hides_them_in_its_tables_and_downloads(
    small: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, downloads: Downloads
) -> None:
    at = _app(small[0], monkeypatch, show_cells=True, ranking_tab_department="All departments").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    ranking = _table_with(at, "Rank", "Department", "No force closure")
    d1 = ranking[ranking["Department"] == "D1"].iloc[0]
    assert d1["No force closure"] == "hidden"
    assert d1["Attended within time"] == "hidden"
    assert d1["Received"] == "28"
    # The ranking's download: the percentage empty, the markers naming it. Every public CSV now has the
    # package's snake_case codes as headers (docs/public.md), so the markers name codes too.
    file = downloads.frame("department-ranking")
    row = file.filter(pl.col("department") == "D1").row(0, named=True)
    assert row["force_close_pct"] is None
    assert row["points_no_force_close"] is None
    assert "force_close_pct" in row["hidden_figures"].split()
    oracle = _oracle(_raw(small[0], "department", MARCH), ["department"])
    assert check_file(file, ["department"], oracle, "ranking download") >= 2
    # The grid: the cell of 3 complaints is empty on the page and in its download.
    grid = _table_with(at, "District", "Department", "Received", "hidden (too few complaints)")
    d2z = grid[(grid["Department"] == "D2") & (grid["District"] == "Z")].iloc[0]
    assert d2z["hidden (too few complaints)"]
    assert d2z["Received"] is None or np.isnan(d2z["Received"])
    cells = downloads.frame("district-department")  # codes as headers, as every public CSV
    assert cells.filter(pl.col("department") == "D2", pl.col("district") == "Z")["received"].item() is None
    assert not [v for v in cells["received"].to_list() if _small(v)]
    # Statewide totals are shown whole: the headline is the sum of every complaint, small ones included.
    con = database.connect_readonly(small[0])
    try:
        whole = views.state_headline(con, MP, MARCH).filter(pl.col("month") == MARCH).row(0, named=True)
    finally:
        con.close()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Received"] == str(whole["received"]) == "73"
    assert shown["Closed"] == str(whole["closed"])


def test_the_trends_page_bands_a_small_count_and_hides_its_percentage(
    small: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, downloads: Downloads
) -> None:
    seen = {}
    for metric in ("closed_force", "overdue_pending_pct"):
        at = _app(small[0], monkeypatch, trend_metric=metric, trend_pick_department=["D1", "D2"]).run()
        at.switch_page("pages/trends.py").run()
        assert not at.exception, [e.message for e in at.exception]
        table = _table_with(at, "Month", "D1")
        months = [_day(m) for m in table["Month"]]
        seen[metric] = table["D1"].to_list()[months.index(MARCH)]
        file = downloads.frame(f"trend-{metric}")  # codes as headers, as every public CSV
        d1 = file.filter(pl.col("department") == "D1", pl.col("month") == "2024-03-01").row(0, named=True)
        assert d1[metric] is None
        assert d1["hidden"] == seen[metric]
    assert seen == {"closed_force": "1–4", "overdue_pending_pct": "hidden"}


def test_the_methodology_page_says_which_figures_are_banded_and_which_hidden(
    small: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(small[0], monkeypatch).run()
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "is *banded*: it reads *1–4*" in text
    assert "are *hidden* (read *hidden*; named in *hidden_figures*)" in text
    assert "Statewide totals are shown whole" in text
    assert "A published month stands" in text


def test_a_published_month_shows_the_figures_it_was_published_with_after_a_late_load(tmp_path: Path) -> None:
    db, out = _published_store(tmp_path)
    metrics = [c for c in METRICS if c in COUNTS or METRICS[c].unit == "pct"]

    def public_figures() -> dict[str, pl.DataFrame]:
        con = database.connect_readonly(db)
        try:
            found = public.suppression(con, MP)
            files = publish.published_package(con, MP, MARCH) or {}
            csvs = sorted(name for name in files if name.endswith(".csv"))
            return {
                "cells": public.cell_table(con, MP, MARCH, metrics, found=found),
                **{kind: public.ranking(con, MP, kind, MARCH, found=found).drop("trend") for kind in KINDS},
                "headline": public.state_headline(con, MP, MARCH).filter(pl.col("month") == MARCH),
                "package": pl.DataFrame({"file": csvs, "bytes": [files[name] for name in csvs]}),
            }
        finally:
            con.close()

    before = public_figures()
    for name in ("cells.csv", "ranking-department.csv", "history.csv"):  # the package as written
        assert before["package"].filter(pl.col("file") == name)["bytes"].item() == (out / name).read_bytes()
    ingest.ingest(db, [write_csv(_late(), tmp_path / "late.csv")])
    live = _raw(db, "cells", MARCH)
    assert live.filter(pl.col("department") == "D3", pl.col("district") == "Z")["received"].item() == 8  # it moved
    after = public_figures()
    for name, frame in before.items():
        assert after[name].equals(frame), name


# --- the demo month: no public surface shows a small count ----------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """August 2024 of the session demo published into a copy of its store: (store, package)."""
    where = tmp_path_factory.mktemp("everywhere")
    db = where / "demo.duckdb"
    shutil.copy(demo_db, db)
    publish.publish(db, AUG, MP, where / "out")
    return db, where / "out"


def test_no_package_csv_shows_a_small_count_or_a_figure_computed_from_one(demo: tuple[Path, Path]) -> None:
    db, out = demo
    checked = 0
    for kind in KINDS:
        oracle = _oracle(_raw(db, kind, AUG), [kind])
        checked += check_file(_csv((out / f"ranking-{kind}.csv").read_bytes()), [kind], oracle, f"ranking-{kind}")
        history = _csv((out / "history.csv").read_bytes()).filter(
            pl.col("entity_type") == kind, pl.col("month") == AUG.isoformat()
        )
        checked += check_file(history, [kind], oracle, "history")
    cells = _oracle(_raw(db, "cells", AUG), ["department", "district"])
    checked += check_file(_csv((out / "cells.csv").read_bytes()), ["department", "district"], cells, "cells.csv")
    assert checked > 200  # the demo month is full of small counts: 47 of 48 department rows had one


def test_no_package_sum_leaves_one_hidden_count(demo: tuple[Path, Path]) -> None:
    # The differencing attack on the package, for every count column the files share.
    db, out = demo
    read = {name: pl.read_csv(out / name) for name in ("cells.csv", "ranking-department.csv", "ranking-district.csv")}
    con = database.connect_readonly(db)
    try:
        state = public.state_trend(con, MP).filter(pl.col("month") == AUG)
    finally:
        con.close()
    cells, departments, districts = read["cells.csv"], read["ranking-department.csv"], read["ranking-district.csv"]
    shown = departments.filter(~pl.col("suppressed"))
    hidden_counts = shown.select(pl.sum_horizontal(pl.col(c).is_null() for c in COUNTS)).to_series()
    assert (hidden_counts > 0).sum() > 30  # something to attack: counts hidden one by one on shown rows
    lines = 0
    for column in [c for c in COUNTS if c in cells.columns]:
        for kind, totals in (("department", departments), ("district", districts)):
            unknown = cells.group_by(kind).agg(n=pl.col(column).is_null().sum())
            unknown = unknown.join(totals.select(kind, t=pl.col(column).is_null()), on=kind)
            assert unknown.filter(pl.col("n") + pl.col("t").cast(pl.UInt32) == 1).is_empty(), (column, kind)
            lines += unknown.height
    for column in [c for c in COUNTS if c in departments.columns]:
        for totals in (departments, districts):
            if state[column].item() is not None:
                assert totals[column].null_count() != 1, column
                lines += 1
    for kind in KINDS:
        raw = _raw(db, kind, AUG)
        for total, parts in SUMS:
            assert (raw[total] == raw.select(pl.sum_horizontal(parts)).to_series()).all(), (total, parts)
    for totals in (departments, districts):
        shown = totals.filter(~pl.col("suppressed"))
        for total, parts in SUMS:
            unknowns = shown.select(sum(pl.col(c).is_null().cast(pl.Int32) for c in (total, *parts)).alias("n"))
            assert (unknowns["n"] != 1).all(), (total, parts)
            lines += shown.height
        points = [f"points_{c.key}" for c in MP.components]
        scored = shown.filter(pl.col("score").is_not_null())
        hidden = scored.select(sum(pl.col(p).is_null().cast(pl.Int32) for p in points).alias("n"))
        assert (hidden["n"] != 1).all()  # no component can be worked out as the score minus the others
    assert lines > 500


def test_the_press_report_shows_no_figure_computed_from_a_small_count(demo: tuple[Path, Path]) -> None:
    db, out = demo
    text = _pdf_text(out / "report-en.pdf")
    keys = [f"points_{c.key}" for c in MP.components]
    hidden_seen = 0
    for kind in KINDS:
        oracle = _oracle(_raw(db, kind, AUG), [kind])
        rows = _csv((out / f"ranking-{kind}.csv").read_bytes()).filter(
            pl.col("is_ranked") == "true", pl.col("suppressed") == "false"
        )
        assert rows.height > 10
        for row in rows.iter_rows(named=True):
            name = unicodedata.normalize("NFKC", row[f"{kind}_name"])
            prefix = f"{row['rank_text']} {name} {row['grade']} {float(row['score']):.2f} "
            points, received = _lines_of(text, prefix, len(keys))
            for key, shown in zip(keys, points, strict=True):
                if key in oracle[(row[kind],)]:
                    assert shown == "hidden", (row[kind], key, shown)
                    hidden_seen += 1
            assert not _small(received), (row[kind], received)
    assert hidden_seen > 20


def test_no_page_table_or_download_shows_a_small_count_or_a_figure_computed_from_one(
    demo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, downloads: Downloads
) -> None:
    db, _ = demo
    names = {kind: _names(db, kind) for kind in KINDS}
    oracle = {kind: _oracle(_raw(db, kind, AUG), [kind]) for kind in KINDS}
    cells_oracle = _oracle(_raw(db, "cells", AUG), ["department", "district"])
    state = {
        "show_cells": True,
        "map_metric": "force_close_pct",
        "ranking_tab_department": "All departments",
        "ranking_tab_district": "All districts",
    }
    at = _app(db, monkeypatch, **state).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    checked = 0
    labels = {c.label_en: f"points_{c.key}" for c in MP.components}
    for kind, heading in (("department", "Department"), ("district", "District")):
        # The ranking's points per component (its table under the ranking at a glance).
        table = _table_with(at, "Rank", heading, "Received", *labels)
        assert len(table) == len(oracle[kind])
        for _, row in table.iterrows():
            must = oracle[kind][(_code(names[kind], row[heading]),)]
            assert not _small(row["Received"]), row[heading]
            for label, column in labels.items():
                if column in must and label in table.columns:
                    assert row[label] in ("hidden", "—"), (row[heading], label, row[label])
                    checked += 1
    # The map's table: force close % by district.
    shown_map = _table_with(at, "District", "Force close %")
    for _, row in shown_map.iterrows():
        if "force_close_pct" in oracle["district"][(_code(names["district"], row["District"]),)]:
            assert row["Force close %"] is None or np.isnan(row["Force close %"]), row["District"]
            checked += 1
    # The grid's table: received and the lead measure (satisfied closure %) by district and department.
    grid = _table_with(at, "District", "Department", "Received", "Satisfied closure %")
    for _, row in grid.iterrows():
        assert not _small(row["Received"])
        key = (_code(names["department"], row["Department"]), _code(names["district"], row["District"]))
        if "satisfied_closure_pct" in cells_oracle.get(key, set()):
            assert row["Satisfied closure %"] is None or np.isnan(row["Satisfied closure %"]), key
            checked += 1
    # The downloads: both rankings and the grid.
    for kind in KINDS:  # codes as headers, as every public CSV
        file = downloads.frame(f"{kind}-ranking")
        checked += check_file(file, [kind], oracle[kind], f"{kind} ranking download")
    cells = downloads.frame("district-department")
    checked += check_file(cells, ["department", "district"], cells_oracle, "grid download")
    assert checked > 100


def _raw_all(db: Path, kind: str) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return views.history(con, MP, kind).with_columns(pl.col("month").cast(pl.Date))
    finally:
        con.close()


def test_the_trends_page_of_the_demo_shows_no_small_count(
    demo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, downloads: Downloads
) -> None:
    # Force-closed counts of the departments with a small one in August, every month.
    db, _ = demo
    names = {kind: _names(db, kind) for kind in KINDS}
    every = {kind: _oracle(_raw_all(db, kind), ["month", kind]) for kind in KINDS}
    picks = sorted(
        code for (month, code), must in every["department"].items() if month == AUG and "closed_force" in must
    )
    assert len(picks) >= 3
    at = _app(db, monkeypatch, trend_metric="closed_force", trend_pick_department=picks[:8]).run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, [e.message for e in at.exception]
    table = _table_with(at, "Month")
    seen = 0
    for column in table.columns[1:]:
        if column == "All":
            continue  # the state line: shown whole
        for shown_month, value in zip(table["Month"], table[column], strict=True):
            month = _day(shown_month)
            assert not _small(value), (column, month, value)
            if "closed_force" in every["department"].get((month, _code(names["department"], column)), set()):
                assert value == "1–4", (column, month, value)
                seen += 1
    file = downloads.frame("trend-closed_force")
    assert not [v for v in file["closed_force"].to_list() if _small(v)]
    assert seen >= len(picks[:8])
