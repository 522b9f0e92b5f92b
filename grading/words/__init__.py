"""हिन्दी / English: the one catalogue of every label the pages and the press report write.

Plain data, no Streamlit: key → (English, हिन्दी), kept in modules by where the words are shown
(:mod:`~grading.words.common`, :mod:`~grading.words.access`, :mod:`~grading.words.meetings`,
:mod:`~grading.words.method`, :mod:`~grading.words.public`, :mod:`~grading.words.report`,
:mod:`~grading.words.site`, :mod:`~grading.words.digest`) and merged
here into :data:`CATALOGUE`; a key defined in two of them stops the import. :func:`say` formats one
entry in a language; the pages call it through :func:`ui.i18n.t` (current language, values filled in
as plain text), the report directly.

A number that is a setting of the grading scheme (``suppress_below``, ``min_received``…) is never written
in the text: the entry takes a placeholder the caller fills from the scheme in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from grading.words.access import ACCESS
from grading.words.common import COMMON
from grading.words.digest import DIGEST
from grading.words.meetings import MEETINGS
from grading.words.method import METHOD
from grading.words.public import PUBLIC
from grading.words.report import REPORT
from grading.words.site import SITE

Entry = tuple[str, str]


def merge(*parts: Mapping[str, Entry]) -> dict[str, Entry]:
    """The parts as one catalogue; a key found in two parts raises ``ValueError`` naming it."""
    merged: dict[str, Entry] = {}
    for part in parts:
        twice = sorted(set(part) & set(merged))
        if twice:
            raise ValueError(f"catalogue keys defined twice: {', '.join(twice)}")
        merged.update(part)
    return merged


CATALOGUE: Final[dict[str, Entry]] = merge(COMMON, ACCESS, MEETINGS, METHOD, PUBLIC, REPORT, SITE, DIGEST)


def say(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (``hi``: Hindi, anything else English) with ``values`` filled in
    (``str.format``; without values the text is returned as written)."""
    en, hi = CATALOGUE[key]
    text = hi if lang == "hi" else en
    return text.format(**values) if values else text
