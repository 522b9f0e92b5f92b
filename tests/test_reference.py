"""The reference data shipped in data/: departments, districts, categories, holidays."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from grading.store import reference
from grading.store.reference import ReferenceDataError


def is_devanagari(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def test_52_departments_with_unique_codes_and_hindi_names() -> None:
    d = reference.departments()
    assert d.height == 52
    assert d["code"].n_unique() == 52
    assert all(is_devanagari(n) for n in d["name_hi"])
    assert (d["volume_weight"] > 0).all()
    for code, hi in [("ENERGY", "ऊर्जा"), ("REVENUE", "राजस्व"), ("HOME", "गृह (पुलिस)")]:
        assert d.filter(pl.col("code") == code)["name_hi"].item() == hi


def test_every_madhya_pradesh_district() -> None:
    d = reference.districts()
    assert d.height == 55  # including Niwari (2018), Mauganj, Maihar and Pandhurna (2023)
    assert {"NIWARI", "MAUGANJ", "MAIHAR", "PANDHURNA", "MORENA", "BHOPAL"} <= set(d["code"])
    assert all(is_devanagari(n) for n in d["name_hi"])
    assert d["division"].n_unique() == 10
    assert d["population"].sum() == 72_626_809  # Census 2011, MP


def test_categories_cover_every_department_with_sane_limits() -> None:
    c = reference.categories()
    assert set(c["department"]) == set(reference.departments()["code"])
    limits = c.select(pl.col("^limit_l\\d_days$"))
    assert limits.min_horizontal().min() >= 1
    assert limits.max_horizontal().max() <= 30
    assert all(is_devanagari(n) for n in c["name_hi"])


def test_holidays_are_dated_and_unique() -> None:
    h = reference.holidays()
    assert h["date"].n_unique() == h.height
    assert h["date"].dt.year().unique().sort().to_list() == [2023, 2024, 2025, 2026]


def test_bad_reference_file_names_file_row_and_field(tmp_path: Path) -> None:
    (tmp_path / "departments.csv").write_text(
        "code,name_en,name_hi,volume_weight\nA,Alpha,अल्फा,1\nB,Beta,,1\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"departments.csv, row 3: field 'name_hi' is empty"):
        reference.departments(tmp_path)
    (tmp_path / "departments.csv").write_text(
        "code,name_en,name_hi,volume_weight\nA,Alpha,अल्फा,1\nA,Again,फिर,1\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"field 'code' repeats \['A'\]"):
        reference.departments(tmp_path)
