"""The site's data package, validated by Frictionless (the Frictionless Data project's own validator),
and the read API held to the package's CSV files value for value.

Why ``frictionless``: ``datapackage.json`` claims the Data Package and Table Schema specifications, so it
is checked by the reference implementation of those specifications (maintained by the Open Knowledge
Foundation's Frictionless Data project, released regularly), not by our reading of them. It checks the
descriptor against the Data Package profile it ships, reads every CSV file with its Table Schema (every
value parsed as its field's type, constraints such as a percentage's 0–100, the primary key unique) and
each file's size and sha256 against the descriptor. It runs offline: the ``data-package`` profile is
bundled, and the test blocks every network connection while it validates, so a validator that reached
for a remote schema would fail here.

The demo's August 2024 (tests/conftest.py ``demo_db``, copied) is published with ``--site``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from grading.outputs.site import layout
from tests.site_demo import MONTH, public_cells, publish_demo

#: The API document → (the package's CSV file, the row's key columns).
DOCUMENTS = {
    "departments": ("ranking-department.csv", ("department",)),
    "districts": ("ranking-district.csv", ("district",)),
    "cells": ("cells.csv", ("district", "department")),
}
#: The columns a ranking file carries for the other kind of entity (one file layout for both rankings:
#: always empty there), which its API document leaves out.
OTHER_KIND = {
    "departments": {"district", "district_name", "district_name_hi"},
    "districts": {"department", "department_name", "department_name_hi"},
    "cells": set(),
}


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return publish_demo(demo_db, tmp_path_factory.mktemp("site-package"))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network: any connection attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"the validator tried to reach the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def data(site: Path) -> Path:
    return site / layout.data_dir(MONTH)


def test_frictionless_validates_the_package_and_every_csv_against_its_table_schema(
    site: tuple[Path, Path], offline: None
) -> None:
    from frictionless import Package, validate

    folder = data(site[1])
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, [(t.name, t.flatten(["rowNumber", "fieldName", "type", "note"])) for t in report.tasks]
    package = Package(str(folder / "datapackage.json"))
    csvs = {p.name for p in folder.glob("*.csv")}
    assert {r.path for r in package.resources if r.path and r.path.endswith(".csv")} == csvs
    checked = {task.name: task for task in report.tasks}
    for resource in package.resources:
        if resource.path in csvs:
            assert resource.name in checked
            assert checked[resource.name].valid
            assert checked[resource.name].stats["rows"] > 0  # the rows were read, not only the descriptor


def test_frictionless_catches_a_wrong_value_and_a_changed_file(
    site: tuple[Path, Path], tmp_path: Path, offline: None
) -> None:
    """The validation is not vacuous: a count that is not a number fails its type and the file's hash."""
    from frictionless import validate

    folder = tmp_path / "data"
    folder.mkdir()
    for path in data(site[1]).iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    ranking = folder / "ranking-department.csv"
    lines = ranking.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    at = header.index("received")
    cells = lines[1].rstrip("\n").split(",")
    cells[at] = "many"
    lines[1] = ",".join(cells) + "\n"
    ranking.write_text("".join(lines), encoding="utf-8")
    report = validate(str(folder / "datapackage.json"))
    assert not report.valid
    task = next(t for t in report.tasks if t.name == "ranking-department")
    found = task.flatten(["rowNumber", "fieldName", "type"])
    assert [2, "received", "type-error"] in found
    assert [None, None, "hash-count"] in found
    assert all(t.valid for t in report.tasks if t is not task)


def typed_csv_rows(folder: Path, name: str) -> tuple[list[str], dict[str, str], list[dict[str, Any]]]:
    """A CSV file's columns, their Table Schema types and its rows as Frictionless reads them (each value
    parsed as its field's type, an empty cell None)."""
    from frictionless import Package

    package = Package(str(folder / "datapackage.json"))
    resource = next(r for r in package.resources if r.path == name)
    types = {f.name: f.type for f in resource.schema.fields}
    with resource:
        rows = [row.to_dict() for row in resource.row_stream]
    return list(types), types, rows


#: How the API writes a CSV value of each Table Schema type (the CSV value typed by Frictionless).
AS_JSON: dict[str, Callable[[Any], Any]] = {
    "integer": lambda v: v,
    "number": lambda v: v,
    "boolean": lambda v: v,
    "date": lambda v: v.isoformat(),
    "datetime": lambda v: v,
    "string": lambda v: v,
}


def same(kind: str, csv_value: Any, json_value: Any) -> bool:
    """A CSV value (typed by its Table Schema field) and the API's value for the same cell are the same."""
    if csv_value is None:
        return json_value is None or json_value == []  # an empty marker list is an empty cell
    if kind == "integer" and type(json_value) is not int:
        return False
    if kind == "number":
        is_number = isinstance(json_value, int | float) and not isinstance(json_value, bool)
        return is_number and Decimal(str(json_value)) == csv_value
    if kind == "datetime":
        return isinstance(csv_value, datetime) and datetime.fromisoformat(str(json_value)) == csv_value
    if isinstance(json_value, list):  # the markers: names separated by spaces in the CSV file
        return bool(csv_value.split(" ") == json_value)
    return bool(AS_JSON[kind](csv_value) == json_value) and (kind != "boolean" or json_value is csv_value)


@pytest.mark.parametrize("endpoint", list(DOCUMENTS))
def test_the_api_equals_the_package_csv_value_for_value(site: tuple[Path, Path], endpoint: str) -> None:
    db, root = site
    name, key = DOCUMENTS[endpoint]
    columns, types, csv_rows = typed_csv_rows(data(root), name)
    document = json.loads((root / layout.api_month(MONTH, endpoint)).read_text(encoding="utf-8"))
    assert document["month"] == f"{MONTH:%Y-%m}"
    assert document["status"] == "published"
    json_rows = document["rows"]
    assert len(json_rows) == len(csv_rows) > 0
    by_key = {tuple(r[k] for k in key): r for r in json_rows}
    assert len(by_key) == len(json_rows)
    # Every column of the file is a field of every row of the document, in the same order, except the
    # other kind's columns a ranking file carries empty.
    left_out = OTHER_KIND[endpoint]
    assert all(list(r) == [c for c in columns if c not in left_out] for r in json_rows)
    compared = 0
    for row in csv_rows:
        assert all(row[c] is None for c in left_out)
        found = by_key.pop(tuple(row[k] for k in key))
        for column in columns:
            if column in left_out:
                continue
            assert same(types[column], row[column], found[column]), (
                endpoint,
                [row[k] for k in key],
                column,
                types[column],
                row[column],
                found[column],
            )
            compared += 1
    assert by_key == {}  # no row of the document without its row in the file
    assert compared >= len(csv_rows) * 10
    if endpoint == "cells":  # and both hide what the public boundary hides, cell by cell
        metrics = [c for c in columns if types[c] in ("integer", "number") and c != "received"]
        expected = public_cells(db, metrics)
        assert expected.height == len(csv_rows)
        hidden = 0
        for cell in expected.iter_rows(named=True):
            match = next(
                r for r in csv_rows if (r["district"], r["department"]) == (cell["district"], cell["department"])
            )
            assert match["suppressed"] is cell["suppressed"]
            for column in ["received", *metrics]:
                assert (match[column] is None) == (cell[column] is None), (cell["district"], cell["department"])
            hidden += bool(cell["suppressed"])
        assert hidden > 0  # the demo has hidden cells: the check saw some
