"""Project promises that are easy to break by accident."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from grading.model.registry import METRICS
from grading.scoring import schemes
from grading.scoring.metrics import month_metrics

ROOT = Path(__file__).resolve().parent.parent


def test_core_never_imports_streamlit() -> None:
    offenders = []
    for path in sorted((ROOT / "grading").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_every_metric_column_is_documented_in_the_registry() -> None:
    from tests.test_metrics import STORY, grade_month

    out = grade_month(STORY)
    metric_columns = [c for c in out.columns if c not in ("entity_type", "department", "district", "month")]
    assert set(metric_columns) <= set(METRICS), set(metric_columns) - set(METRICS)
    assert metric_columns == list(METRICS)  # the registry's order is the output order


def test_registry_entries_are_complete() -> None:
    for name, metric in METRICS.items():
        assert metric.label_en, name
        assert metric.description, name
        assert any("\u0900" <= ch <= "\u097f" for ch in metric.label_hi), name
        assert metric.unit in ("count", "pct", "days"), name
        if name.endswith("_pct"):
            assert metric.unit == "pct", name


def test_every_registry_entry_has_a_hindi_definition_in_hindi_words() -> None:
    # Issue 25: the methodology page and the site read these in Hindi; only the scan's allowed words may
    # stay in Latin letters (the levels L1-L5, grade letters).
    from grading.model.registry import FIELDS, definition
    from tests.test_hindi_scan import latin_words

    for name in [*METRICS, *FIELDS]:
        hindi = definition(name, "hi")
        assert sum("\u0900" <= ch <= "\u097f" for ch in hindi) > len(hindi) / 3, name
        assert not latin_words(hindi), (name, latin_words(hindi))
        assert definition(name, "en") == (METRICS.get(name) or FIELDS[name]).description, name


def test_domain_metric_names_are_all_implemented() -> None:
    domain = [
        "received",
        "excluded_habitual",
        "closed_satisfied",
        "satisfied_closure_pct",
        "closed",
        "closed_force",
        "closed_special",
        "closed_other",
        "force_close_pct",
        "satisfaction_pct",
        "callback_coverage_pct",
        "reopen_pct",
        "resolution_days_median",
        "resolution_days_mean",
        "resolution_days_p90",
        "sla_compliance_pct",
        "non_attended_pct",
        "pending_over_50",
        "long_pending_disposal_pct",
        "reached_l2_pct",
        "reached_l3_pct",
        "reached_l4_pct",
        "on_time",
        "late",
        "open_overdue",
    ]
    assert [n for n in domain if n not in METRICS] == []


def test_scheme_components_use_registered_metrics() -> None:
    for name in schemes.available():
        for c in schemes.load(name).components:
            assert c.metric in METRICS


def test_empty_month_gives_an_empty_frame_with_every_column() -> None:
    from grading.rules.derive import derive
    from tests.conftest import CATEGORIES, frame

    empty = derive(frame([]), CATEGORIES, default_limit_days=7)
    out = month_metrics(empty, date(2024, 3, 1))
    assert out.height == 0
    assert out.columns[4:] == list(METRICS)


def test_every_metric_has_its_formula_in_the_reference() -> None:
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert [name for name in METRICS if f"`{name}`" not in reference] == []


def test_code_and_docs_cite_only_files_in_the_repository() -> None:
    outside = ("domain.md", "shared/")
    offenders = []
    for folder in ("grading", "ui", "pages", "bench", "docs", "data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".md", ".toml"):
                text = path.read_text(encoding="utf-8")
                offenders += [f"{path.relative_to(ROOT)}: {o}" for o in outside if o in text]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    offenders += [f"README.md: {o}" for o in outside if o in readme]
    assert offenders == []
