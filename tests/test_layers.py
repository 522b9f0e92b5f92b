"""The layers contract: each part of the code imports only the parts below it.

The layers, lowest first, are :data:`LAYERS`; parts named in one tuple stand side by side and import
neither each other nor anything above. A module may import its own subpackage freely. The check reads
imports with ``ast`` (also the ones inside functions and under ``TYPE_CHECKING``), so an upward import
anywhere fails it; a second test plants one and sees it caught.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first. docs/reference.md (section "Where the code lives") says what each part is for.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("grading.model",),
    ("grading.words",),
    ("grading.rules",),
    ("grading.scoring",),
    ("grading.store",),
    ("grading.access",),
    ("grading.monthly",),
    ("grading.intake", "grading.serve"),
    ("grading.demo",),
    ("grading.outputs",),
    ("grading.cli",),
    ("ui",),
    ("pages", "navigation", "dashboard"),
)
#: Parts that are pure: frames in, frames out, never a database.
PURE = ("grading.model", "grading.rules", "grading.scoring")
DATABASES = ("duckdb", "sqlite3")


def part_of(module: str) -> str | None:
    """The layer part a dotted module name belongs to (None: outside the project, e.g. polars)."""
    for tier in LAYERS:
        for part in tier:
            if module == part or module.startswith(part + "."):
                return part
    return None


def tier_of(part: str) -> int:
    return next(i for i, tier in enumerate(LAYERS) if part in tier)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def project_sources() -> dict[str, str]:
    """Dotted module name → source, for every module of the layered code (``grading/__init__.py``, a
    docstring only, stands outside the layers)."""
    paths = [p for p in ROOT.glob("grading/**/*.py") if p != ROOT / "grading" / "__init__.py"]
    paths += [*ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]
    paths += [ROOT / "navigation.py", ROOT / "dashboard.py"]
    return {module_name(p): p.read_text(encoding="utf-8") for p in sorted(paths)}


def imports(source: str) -> list[str]:
    """Every module an ``import`` or ``from … import`` names (``from a import b`` gives ``a.b``: b may be
    a module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def upward_imports(sources: dict[str, str]) -> list[str]:
    """``importer -> imported`` for each import of a part from a higher tier or a sibling part."""
    wrong = []
    for name, source in sources.items():
        mine = part_of(name)
        assert mine is not None, f"{name} is in no layer: add its part to LAYERS"
        for target in imports(source):
            theirs = part_of(target)
            if theirs is None or theirs == mine:
                continue
            if tier_of(theirs) >= tier_of(mine):
                wrong.append(f"{name} -> {target}")
    return wrong


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward_imports(project_sources()) == []


def test_a_planted_upward_import_is_caught() -> None:
    sources = project_sources()
    sources["grading.model.schema"] += "\nfrom grading.serve import views\n"
    sources["grading.intake.ingest"] += "\nif False:\n    from grading.serve.views import ranking\n"
    assert sorted(upward_imports(sources)) == [
        "grading.intake.ingest -> grading.serve.views.ranking",  # a sibling part
        "grading.model.schema -> grading.serve.views",  # a higher tier
    ]


def test_the_pure_parts_never_open_a_database() -> None:
    offenders = [
        f"{name} -> {target}"
        for name, source in project_sources().items()
        if part_of(name) in PURE
        for target in imports(source)
        if target.split(".")[0] in DATABASES
    ]
    assert offenders == []


def test_grading_holds_only_its_entry_points_at_the_top() -> None:
    top = sorted(p.name for p in (ROOT / "grading").glob("*.py"))
    assert top == ["__init__.py"]  # every part a folder, the command line too (grading/cli/)
    assert imports((ROOT / "grading" / "__init__.py").read_text(encoding="utf-8")) == []  # a docstring only
