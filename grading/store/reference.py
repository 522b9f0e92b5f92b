"""Reference data shipped with the app in ``data/``: departments, districts, categories, holidays.

Each loader returns a typed frame (one row per code; see the schemas in :mod:`grading.model.schema`) and
checks that codes are unique and names present, so a bad edit of a CSV fails loudly at start-up.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.schema import CATEGORY_SCHEMA, DEPARTMENT_SCHEMA, DISTRICT_SCHEMA, HOLIDAY_SCHEMA, NivaranError


class ReferenceDataError(NivaranError):
    """A reference CSV in ``data/`` is malformed."""


def _read(name: str, schema: pl.Schema, key: str, data_dir: Path | None) -> pl.DataFrame:
    path = (data_dir or DATA_DIR) / name
    try:
        frame = pl.read_csv(path, schema=schema, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as exc:
        msg = f"{path}: cannot read reference data ({exc})"
        raise ReferenceDataError(msg) from exc
    for column in schema.names():
        if column != "division" and frame[column].null_count():
            row = frame.with_row_index("row", offset=2).filter(pl.col(column).is_null())["row"][0]
            msg = f"{path}, row {row}: field '{column}' is empty"
            raise ReferenceDataError(msg)
    dupes = frame.filter(pl.col(key).is_duplicated())[key].unique().sort().to_list()
    if dupes:
        msg = f"{path}: field '{key}' repeats {dupes}"
        raise ReferenceDataError(msg)
    return frame


def departments(data_dir: Path | None = None) -> pl.DataFrame:
    """One row per department: ``code``, ``name_en``, ``name_hi``, ``volume_weight`` (demo share)."""
    return _read("departments.csv", DEPARTMENT_SCHEMA, "code", data_dir)


def districts(data_dir: Path | None = None) -> pl.DataFrame:
    """One row per district: ``code``, ``name_en``, ``name_hi``, ``division``, ``population`` (2011)."""
    return _read("districts.csv", DISTRICT_SCHEMA, "code", data_dir)


def categories(data_dir: Path | None = None) -> pl.DataFrame:
    """One row per complaint category with its time limit in calendar days at each level L1..L5."""
    return _read("categories.csv", CATEGORY_SCHEMA, "code", data_dir)


def holidays(data_dir: Path | None = None) -> pl.DataFrame:
    """One row per public holiday (``date``); shipped for working-day reporting, not used by the SLA."""
    return _read("holidays.csv", HOLIDAY_SCHEMA, "date", data_dir)
