"""Number formatting for people in India: 12,34,567 and lakh/crore in words (pure, no UI imports).

Examples
--------
>>> indian(1234567)
'12,34,567'
>>> in_words(420000, "en"), in_words(15_000_000, "hi")
('4.2 lakh', '1.5 करोड़')
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

MONTHS_HI: Final = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर")
_WORDS = {"en": ("lakh", "crore"), "hi": ("लाख", "करोड़")}


def indian(value: float | None, decimals: int = 0) -> str:
    """Group digits the Indian way (last three, then twos): 1234567.5 → '12,34,567.5'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    head, tail = whole[:-3], whole[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    grouped = ",".join([*groups, tail]) if groups else tail
    return sign + grouped + (f".{frac}" if frac else "")


def in_words(value: float | None, lang: str = "en") -> str:
    """Large counts in lakh/crore words, one decimal: 420000 → '4.2 lakh'; below 1 lakh, digits."""
    if value is None:
        return "—"
    lakh, crore = _WORDS["hi" if lang == "hi" else "en"]
    for size, word in ((10_000_000, crore), (100_000, lakh)):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + f" {word}"
    return indian(value)


def pct(value: float | None, decimals: int = 1) -> str:
    """A percentage for display: 93.4333 → '93.4%'; empty → '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{decimals}f}%"


def month_name(month: date, lang: str = "en") -> str:
    """'August 2024' / 'अगस्त 2024'."""
    return f"{MONTHS_HI[month.month - 1]} {month.year}" if lang == "hi" else f"{month:%B %Y}"
