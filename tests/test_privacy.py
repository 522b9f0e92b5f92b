"""Personal data: keyed pseudonyms, masking of free text, masked quarantine (grading.rules.privacy)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import polars as pl
import pytest

from grading.intake import ingest
from grading.rules import privacy
from grading.store import database
from tests.stores import mp_store


def test_pseudonyms_are_stable_keyed_and_unreadable() -> None:
    ids = pl.Series(["9876543210", "9876543210", None, "Ramesh"])
    once = privacy.pseudonymise(ids, b"k1")
    assert once[0] == once[1]
    assert once[2] is None
    assert once[0] != once[3]
    assert once[0].startswith("P")
    assert len(once[0]) == 17
    assert "9876543210" not in once[0]
    assert privacy.pseudonymise(ids, b"k2")[0] != once[0]  # another deployment, another pseudonym


@pytest.mark.parametrize("key", [b"k1", b"x" * 100])  # a key longer than SHA-256's block is hashed first
def test_a_pseudonym_is_the_values_hmac_sha256(key: bytes) -> None:
    ids = pl.Series(["9876543210", None, "रमेश", "9876543210"])
    expected = [None if v is None else "P" + hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16] for v in ids]
    assert privacy.pseudonymise(ids, key).to_list() == expected


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call me on 9876543210 please", "call me on [phone] please"),
        ("mobile +91 98765 43210.", "mobile [phone]."),
        ("call 098123-45671 now", "call [phone] now"),
        ("ph +91.98123.45674", "ph [phone]"),
        ("मोबाइल ९८१२३४५६७८ पर बात करें", "मोबाइल [phone] पर बात करें"),  # Devanagari digits
        ("landline 0755-2556677", "landline [phone]"),
        ("aadhaar 1234 5678 9012", "aadhaar [id number]"),
        ("aadhaar 1234.5678.9012 given", "aadhaar [id number] given"),
        ("aadhaar 1234  5678  9012 given", "aadhaar [id number] given"),
        ("write to ramesh.k@gmail.com", "write to [email]"),
        ("Shri Ramesh Kumar complained", "Shri [name] complained"),
        ("Shri Ramesh Kumar Verma complained", "Shri [name] complained"),  # the whole titled name
        ("name: sunita devi, village X", "name [name], village X"),
        ("Ramesh S/O Mohan Lal, village X", "Ramesh S/O [name], village X"),
        ("applicant D/O Sita Devi", "applicant D/O [name]"),
        ("applicant w/o ramesh", "applicant w/o [name]"),
        ("letter C/O Shyam Sunder, ward 4", "letter C/O [name], ward 4"),
        ("श्री रमेश कुमार ने शिकायत की", "श्री [name] ने शिकायत की"),
        ("Smt. Abc Xyz S/O Pqr Lmn", "Smt [name] S/O [name]"),  # a titled name ending at a relation
        ("DR. A. K. Xyz visited", "DR [name] visited"),  # initials with dots: the surname too
        ("Mr A K Sharma said", "Mr [name] said"),  # initials without dots
    ],
)
def test_personal_data_in_free_text_is_masked(text: str, masked: str) -> None:
    assert pl.select(privacy.mask_personal(pl.lit(text))).item() == masked


@pytest.mark.parametrize(
    "text",
    [
        "visited on 2024-08-01, complaint MP2511-0000001, Rs 25000 at L2",
        "amount Rs. 1,25,000 paid on 01.08.2024, ref 2024/08/123 at 10:30",
        "complaint 181-2024-0001234 escalated to L3 after 15 days",
        "दिनांक 01-08-2024 को 2 ट्रांसफार्मर बदले",
    ],
)
def test_dates_amounts_and_complaint_numbers_are_left_alone(text: str) -> None:
    assert pl.select(privacy.mask_personal(pl.lit(text))).item() == text


def test_a_column_masked_value_by_value_is_masked_as_row_by_row() -> None:
    notes = pl.Series(["call 9876543210", None, "Work completed", "call 9876543210", "", "Shri Ramesh Kumar came"])
    each = privacy.mask_each(notes)
    assert each.to_list() == ["call [phone]", None, "Work completed", "call [phone]", "", "Shri [name] came"]
    assert each.equals(notes.to_frame().select(privacy.mask_personal(pl.col(notes.name))).to_series())


def test_quarantine_keeps_rejected_values_masked(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "complaint_id,event_time,event,level,department,district,category,complainant\n"
        "K,2024-03-01T10:00:00,registered,L1,D1,X,CAT,P1\n"
        "K,9876543210,attended,L1,,,,\n"  # a phone number where the time should be
        "K,2024-03-02T10:00:00,ramesh.k@gmail.com,L1,,,,\n"  # an e-mail address as the event
        "K,2024-03-02T11:00:00,attended,1234 5678 9012,,,,\n",  # an Aadhaar number as the level
        encoding="utf-8",
    )
    db = tmp_path / "n.duckdb"
    mp_store(db)
    report = ingest.ingest(db, [path])
    assert report.files[0].rows_quarantined == 3
    con = database.connect_readonly(db)
    try:
        kept = database.read_table(con, "quarantine").sort("row_number")
    finally:
        con.close()
    assert kept["value"].to_list() == ["[phone]", "[email]", "[id number]"]
    raw = db.read_bytes()
    for value in (b"9876543210", b"ramesh.k@gmail.com", b"1234 5678 9012"):
        assert value not in raw
