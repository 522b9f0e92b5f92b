"""`nivaran review --district X` with a district written the way people write it: the answer names the
code meant (matched in any case, by its code or its English or Hindi name, else by the closest
spelling), and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.model.schema import NivaranError
from tests.stores import mp_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mp_store(tmp_path_factory.mktemp("district") / "r.duckdb")


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("Bhopal", "BHOPAL"),  # a name, as written in a letter
        ("bhopal", "BHOPAL"),  # the code in small letters
        ("भोपाल", "BHOPAL"),  # the Hindi name
        ("Bhopl", "BHOPAL"),  # a typing slip
        ("  indore ", "INDORE"),
    ],
)
def test_a_district_written_another_way_gets_the_code_it_means(
    db: Path, tmp_path: Path, asked: str, meant: str
) -> None:
    out = tmp_path / "pack.xlsx"
    done = CliRunner().invoke(main, ["review", "--db", str(db), "--district", asked, "--out", str(out)])
    assert isinstance(done.exception, NivaranError)
    assert str(done.exception) == f"--district {asked!r}: no such district code in {db}; did you mean {meant}?"
    assert not out.exists()


def test_a_district_like_nothing_gets_no_guess(db: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["review", "--db", str(db), "--district", "Atlantis", "--out", str(tmp_path / "p.pdf")]
    )
    assert isinstance(done.exception, NivaranError)
    assert str(done.exception) == f"--district 'Atlantis': no such district code in {db}"
