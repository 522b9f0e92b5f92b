"""Personal data in complaint data: keyed pseudonyms for complainants, masking of free text.

Both are pure Polars (no I/O). The pseudonym key lives in the access file (:mod:`grading.access.accounts`);
masking has no key: what it removes cannot be read back.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

import polars as pl


def pseudonymise(values: pl.Series, key: bytes) -> pl.Series:
    """Complainant identifiers (phone numbers, names, source ids) → ``P`` + 16 hex digits of their
    HMAC-SHA256 under ``key``. The same input gives the same pseudonym, so counting a complainant's
    complaints (the habitual-complainant rule) still works; the input cannot be read back without the
    key. Nulls stay null."""
    uniques = values.drop_nulls().unique()
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # the key's pads hashed once, copied for each value
    pseudonyms = []
    for value in uniques.to_list():
        mac = keyed.copy()
        mac.update(value.encode("utf-8"))
        pseudonyms.append("P" + mac.hexdigest()[:16])
    return values.replace_strict(uniques, pl.Series(pseudonyms, dtype=pl.String), default=None, return_dtype=pl.String)


# Personal data in free text. Rust-regex syntax (Polars), where ``\d`` and ``\b`` are Unicode-aware, so
# Devanagari digits (०-९) count as digits. Masking errs towards masking too much.
_SEP: Final = r"[\s.-]"  # what people put between digit groups: spaces, dots, hyphens
#: 10-digit Indian mobile numbers, with +91 / 91 / 0 in front or not, digit groups split by _SEP.
_MOBILE: Final = rf"(?:\+91|\b91|\b0){_SEP}?[6-9६-९](?:{_SEP}?\d){{9}}\b|\b[6-9६-९](?:{_SEP}?\d){{9}}\b"
#: Landlines: a 0-prefixed STD code and a 6-8 digit number.
_LANDLINE: Final = rf"\b0\d{{2,4}}{_SEP}?\d{{6,8}}\b"
#: 12-digit ids (Aadhaar): three groups of four, split by up to two separators each.
_ID_NUMBER: Final = rf"\b\d{{4}}{_SEP}{{0,2}}\d{{4}}{_SEP}{{0,2}}\d{{4}}\b"
_EMAIL: Final = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A titled name: the title (any case), its first word (any case), one more word (any case, as in
# "sunita devi"), then any further capitalised words ("Shri Ramesh Kumar Verma"): the whole name.
# A word may be an initial with its dot ("Dr. A. K. Verma").
_NAME_WORDS: Final = r"\p{L}+\.?(?:\s*\p{L}+\.?)?(?:\s*\p{Lu}\p{L}*\.?){0,3}"
#: A relation marker (S/O, D/O, W/O, C/O): set apart before titled names are masked, so that the name
#: before it stops there ("Smt. Abc Xyz S/O Pqr Lmn": the S is not the titled name's last word).
_RELATION_MARK: Final = r"\b((?i:[sdwc])\s?/\s?(?i:o))\b"
_APART: Final = "\ue000"  # a private-use character: never in a name, removed again after masking
_TITLED_NAME: Final = r"\b((?i:shri|shrimati|smt|sri|kumari|mr|mrs|ms|miss|dr|name))\b\.?\s*:?\s*" + _NAME_WORDS
#: Relation prefixes of Indian records: son/daughter/wife/care of.
_RELATION_NAME: Final = r"\b((?i:[sdwc])\s?/\s?(?i:o))\b\.?\s*:?\s*" + _NAME_WORDS
_HINDI_NAME: Final = r"(श्रीमती|सुश्री|कुमारी|श्री|नाम)\s*:?\s*[\p{L}\p{M}]+(?:\s+[\p{L}\p{M}]+)?"


def mask_personal(text: pl.Expr) -> pl.Expr:
    """Free text with phone numbers, 12-digit id numbers, e-mail addresses and titled names masked.

    ``Shri Ramesh Kumar Verma`` → ``Shri [name]``, ``S/O Mohan Lal`` → ``S/O [name]``,
    ``Smt. Abc Xyz S/O Pqr Lmn`` → ``Smt [name] S/O [name]``, ``DR. A. K. Xyz`` → ``DR [name]``,
    ``+91.98123.45674`` and ``९८१२३४५६७८`` → ``[phone]``, ``1234.5678.9012`` → ``[id number]``.
    Dates, amounts and complaint numbers stay as they are (tests/test_privacy.py lists the cases).
    """
    return (
        text.str.replace_all(_EMAIL, "[email]")
        .str.replace_all(_ID_NUMBER, "[id number]")
        .str.replace_all(_MOBILE, "[phone]")
        .str.replace_all(_LANDLINE, "[phone]")
        .str.replace_all(_RELATION_MARK, f"{_APART}$1")
        .str.replace_all(_TITLED_NAME, "$1 [name]")
        .str.replace_all(_APART, "", literal=True)
        .str.replace_all(_RELATION_NAME, "$1 [name]")
        .str.replace_all(_HINDI_NAME, "$1 [name]")
    )


def mask_each(values: pl.Series) -> pl.Series:
    """:func:`mask_personal` of a column of free text, each distinct value masked once.

    The same value masks the same way, so this equals masking every row; it costs what the distinct
    values cost (a log's notes are mostly empty and repeat the same phrases: masking 1.5 million rows
    row by row took 0.6 CPU s, nearly all of it on empty cells). Nulls stay null."""
    distinct = values.drop_nulls().unique()
    masked = distinct.to_frame("text").select(mask_personal(pl.col("text"))).to_series()
    return values.replace_strict(distinct, masked, default=None, return_dtype=pl.String)


#: The quarantine reason of a code that looks like personal data.
PERSONAL_CODE: Final = (
    "looks like personal data (a phone number, e-mail address or id number), not a code: never registered "
    "as a public name"
)


def _contact_data(text: pl.Expr) -> pl.Expr:
    """Whether ``text`` holds a phone number, an e-mail address or a 12-digit id number."""
    return pl.any_horizontal(text.str.contains(pattern) for pattern in (_EMAIL, _ID_NUMBER, _MOBILE, _LANDLINE))


def personal_codes(values: pl.Series) -> pl.Series:
    """The distinct values of a code column (department, district, category) holding a phone number,
    an e-mail address or an id number: a phone typed into the district column, an e-mail into the
    department column. Such a value is a fault to quarantine, never a new public name.

    Titled names are not looked for here, unlike in notes: places and schemes carry titles ("Dr.
    Ambedkar Nagar", a tehsil; "Dr. Ambedkar ... Yojana"), and a load must not set them aside. Checked
    once per distinct value."""
    distinct = values.drop_nulls().unique()
    return distinct.filter(pl.select(_contact_data(pl.lit(distinct))).to_series())
