"""The public boundary: one suppression rule, complementary cells, and an attack by differencing."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from grading.scoring import schemes
from grading.scoring.schemes import SchemeError
from grading.serve import public
from grading.serve.public import ALL
from grading.store import database

MP = schemes.load()
T = MP.suppress_below
M = date(2024, 8, 1)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def con(demo_db: Path):  # type: ignore[no-untyped-def]
    c = database.connect_readonly(demo_db)
    yield c
    c.close()


def _table(cells: dict[tuple[str, str], int]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Cells, department totals and district totals of one month from {(department, district): received}."""
    rows = pl.DataFrame(
        {
            "month": [M] * len(cells),
            "department": [d for d, _ in cells],
            "district": [x for _, x in cells],
            "received": list(cells.values()),
        }
    )
    departments = rows.group_by("month", "department").agg(pl.col("received").sum())
    districts = rows.group_by("month", "district").agg(pl.col("received").sum())
    return rows, departments, districts


def _hidden(found: pl.DataFrame) -> dict[tuple[str, str], str]:
    return {(r["department"], r["district"]): r["reason"] for r in found.filter("hidden").iter_rows(named=True)}


def test_one_small_cell_in_a_large_table_hides_the_next_smallest_in_its_row_and_column() -> None:
    # Departments A, B, C × districts X, Y, Z; only A-X (2) is small.
    #        X    Y    Z  | total
    #   A    2   10   30  |  42
    #   B   20   40   50  | 110
    #   C   25   60   70  | 155
    #   --------------------------
    #       47  110  150  | 307
    # Pass 1: row A has one hidden cell → its smallest shown member, A-Y (10); column X has one →
    # B-X (20). Pass 2: row B has one (B-X) → B-Y (40); column Y has one (A-Y) → B-Y (40) as well.
    # Pass 3: rows A, B and columns X, Y each have 2 hidden; nothing changes. Every total stays shown.
    cells = {("A", "X"): 2, ("A", "Y"): 10, ("A", "Z"): 30, ("B", "X"): 20, ("B", "Y"): 40, ("B", "Z"): 50}
    cells |= {("C", "X"): 25, ("C", "Y"): 60, ("C", "Z"): 70}
    found = public.pattern(*_table(cells), threshold=5)
    assert _hidden(found) == {
        ("A", "X"): "small",
        ("A", "Y"): "complementary",
        ("B", "X"): "complementary",
        ("B", "Y"): "complementary",
    }
    assert found.filter(pl.col("department") == ALL, pl.col("district") == ALL)["received"].item() == 307


def test_a_small_department_total_hides_a_second_department_so_the_state_total_cannot_give_it_away() -> None:
    # Department A has 3 complaints in all (A-X 3): its cell and its total are small (primary).
    #        X    Y  | total
    #   A    3    -  |   3   (small)
    #   B   20   30  |  50
    #   C   40   60  | 100
    #   ----------------------
    #       63   90  | 153
    # Column X: A-X hidden alone → B-X (20) hidden. Department totals + state: A hidden alone → B (50).
    # Row B: B-X and the total B hidden (2). Column X: A-X, B-X (2). Row A: A-X, A (2).
    # The state line: A, B (2). Column Y and row C: none hidden.
    cells = {("A", "X"): 3, ("B", "X"): 20, ("B", "Y"): 30, ("C", "X"): 40, ("C", "Y"): 60}
    found = public.pattern(*_table(cells), threshold=5)
    assert _hidden(found) == {
        ("A", "X"): "small",
        ("A", ALL): "small",
        ("B", "X"): "complementary",
        ("B", ALL): "complementary",
    }


def test_two_departments_cascade_until_only_the_state_total_shows() -> None:
    # A-X 3 (small), A-Y 40, B-X 50. Totals: A 43, B 50; X 53, Y 40; state 93.
    # Row A → A-Y; column X → B-X; then row B → total B; column Y → total Y; then the department
    # totals (A 43 visible, B hidden) → A; the district totals (X visible, Y hidden) → X.
    # With two departments nothing but the state total is safe: B = state − A.
    found = public.pattern(*_table({("A", "X"): 3, ("A", "Y"): 40, ("B", "X"): 50}), threshold=5)
    shown = found.filter(~pl.col("hidden"))
    assert shown.select("department", "district", "received").rows() == [(ALL, ALL, 93)]


def test_a_scheme_that_ranks_below_the_suppression_threshold_is_refused(tmp_path: Path) -> None:
    text = MP.path.read_text(encoding="utf-8").replace("min_received = 5", "min_received = 3", 1)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        SchemeError, match=r"bad\.toml: \[scheme\]\.min_received: must be at least suppress_below \(5\), got 3"
    ):
        schemes.load(path)
    for name in schemes.available():
        loaded = schemes.load(name)
        assert loaded.min_received >= loaded.suppress_below, name


def _attack(members: pl.DataFrame, totals: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Every published sum (grouped by ``by``) whose total is shown: how many of its members are
    hidden (``unknowns``) and what subtracting the shown members from the total gives (``recovered``).
    A line with exactly one unknown gives that member away."""
    return (
        members.group_by(by)
        .agg(unknowns=pl.col("value").is_null().sum(), seen=pl.col("value").sum())
        .join(totals, on=by)
        .filter(pl.col("total").is_not_null())
        .with_columns(recovered=pl.col("total") - pl.col("seen"))
    )


def test_differencing_the_public_figures_recovers_no_hidden_cell(con) -> None:  # type: ignore[no-untyped-def]
    found = public.suppression(con, MP)
    months = found["month"].unique().sort().to_list()
    cells = pl.concat([public.cells(con, MP, m, "received", found=found).with_columns(month=pl.lit(m)) for m in months])
    cells = cells.select("month", "department", "district", value="received")
    departments = public.history(con, MP, "department", found=found).select("month", "department", value="received")
    districts = public.history(con, MP, "district", found=found).select("month", "district", value="received")
    state = public.state_trend(con, MP).select("month", total="received")
    assert cells["value"].null_count() > 0  # something to attack
    assert departments["value"].null_count() > 0
    lines = pl.concat(
        [
            _attack(cells, departments.rename({"value": "total"}), ["month", "department"]).drop("department"),
            _attack(cells, districts.rename({"value": "total"}), ["month", "district"]).drop("district"),
            _attack(departments, state, ["month"]),
            _attack(districts, state, ["month"]),
        ]
    )
    assert lines.height >= len(months) * 2  # every month's state lines at least
    assert lines.filter(pl.col("unknowns") == 1).is_empty()


def test_the_attack_recovers_a_cell_from_primary_suppression_alone_but_not_through_the_pattern() -> None:
    # The attack has teeth. Table of the first test: hiding only A-X (2, the old rule) gives it away:
    # total A 42 − A-Y 10 − A-Z 30 = 2, and column X: 47 − 20 − 25 = 2.
    cells = {("A", "X"): 2, ("A", "Y"): 10, ("A", "Z"): 30, ("B", "X"): 20, ("B", "Y"): 40, ("B", "Z"): 50}
    cells |= {("C", "X"): 25, ("C", "Y"): 60, ("C", "Z"): 70}
    rows, departments, districts = _table(cells)
    naive = rows.select("month", "department", "district", value=pl.when(pl.col("received") >= T).then("received"))
    totals = departments.rename({"received": "total"})
    lone = _attack(naive, totals, ["month", "department"]).filter(pl.col("unknowns") == 1)
    assert lone.select("department", "recovered").rows() == [("A", 2)]
    found = public.pattern(rows, departments, districts, threshold=T)
    safe = public.hide(rows, found, "department_district").select("month", "department", "district", value="received")
    by_department = _attack(safe, totals, ["month", "department"])
    by_district = _attack(safe, districts.rename({"received": "total"}), ["month", "district"])
    assert by_department["unknowns"].to_list().count(1) == 0
    assert by_district["unknowns"].to_list().count(1) == 0


def test_department_totals_are_the_sums_of_their_cells(con) -> None:  # type: ignore[no-untyped-def]
    # The lines the rule protects are real sums: otherwise differencing would be noisy, not blocked.
    found = public.suppression(con, MP)
    members = found.filter(pl.col("department") != ALL, pl.col("district") != ALL)
    sums = members.group_by("month", "department").agg(pl.col("received").sum())
    totals = found.filter(pl.col("district") == ALL, pl.col("department") != ALL).drop("district")
    joined = totals.join(sums, on=["month", "department"], suffix="_cells")
    assert joined.height == totals.height
    assert (joined["received"] == joined["received_cells"]).all()


def test_public_history_and_ranking_show_no_small_figure(con) -> None:  # type: ignore[no-untyped-def]
    for kind in ("department", "district"):
        rows = public.history(con, MP, kind)
        shown = rows.filter(~pl.col("suppressed"))
        assert (shown["received"] >= T).all()
        hidden = rows.filter("suppressed")
        for column in ("received", "closed_satisfied", "satisfied_closure_pct", "score", "grade"):
            assert hidden[column].null_count() == hidden.height, column
        assert hidden[f"{kind}_name"].null_count() == 0  # still listed by name
    ranking = public.ranking(con, MP, "department", M)
    assert set(ranking["month"]) == {M}
    trend_of_hidden = ranking.filter("suppressed")["trend"].list.last()
    assert trend_of_hidden.null_count() == trend_of_hidden.len()  # this month's hidden score is not in its trend


PUBLIC_PAGES = ("public_summary.py", "trends.py", "methodology.py")
UNSAFE_MODULES = {
    "grading.serve.views",
    "grading.monthly.results",
    "grading.store.database",
    "grading.scoring.metrics",
    "grading.scoring.grade",
    "duckdb",
}
#: ui.data functions a public page may call: the public_* ones and what is not a figure (the
#: store's settings are its name, time zone and scheme; shared/derived only keep what the page built).
SAFE_DATA = {"months", "scheme", "settings", "publication", "status", "cursor", "reference", "shared", "derived"}


def _imports_and_data_calls(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    calls = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "data"
    }
    return imported, calls


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_read_only_the_public_boundary(page: str) -> None:
    imported, calls = _imports_and_data_calls(ROOT / "pages" / page)
    assert not imported & UNSAFE_MODULES
    assert {c for c in calls if not c.startswith("public_")} <= SAFE_DATA


def _helpers_used_by_public_pages() -> dict[str, set[str]]:
    """ui module file → the names the public pages import from it (``from ui.X import a, b``)."""
    used: dict[str, set[str]] = {}
    for page in PUBLIC_PAGES:
        for node in ast.walk(ast.parse((ROOT / "pages" / page).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ui."):
                used.setdefault(node.module.removeprefix("ui.") + ".py", set()).update(a.name for a in node.names)
    return used


def test_the_ui_helpers_of_the_public_pages_and_the_package_read_only_the_public_boundary() -> None:
    checked = set()
    for file, names in _helpers_used_by_public_pages().items():
        tree = ast.parse((ROOT / "ui" / file).read_text(encoding="utf-8"))
        for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names):
            calls = {
                n.attr
                for n in ast.walk(fn)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "data"
            }
            assert {c for c in calls if not c.startswith("public_")} <= SAFE_DATA, f"ui/{file}: {fn.name}"
            checked.add(fn.name)
    assert {"streaks_section", "district_map_section"} <= checked  # the scan reaches the public sections
    package_imports, _ = _imports_and_data_calls(ROOT / "grading" / "outputs" / "publish.py")
    assert not package_imports & {"grading.serve.views", "grading.monthly.results.graded", "grading.scoring.metrics"}
    assert "grading.serve.public" in package_imports
