"""The meeting pack's PDF agenda (grading.outputs.meeting) on the hand-made Bhopal story of
tests/test_review.py, reviewed on the 20th with the last review on the 10th:

- overdue: F (due 08-03, 12 days overdue), then A (due 12-03, 8 days);
- due within 2 days: D (due 22-03, 2 days to due); B (due 23-03, 3 days) is not;
- since the 10th: D new, A newly overdue, B escalated to L3, C cleared.

A short agenda first (those items, then pending by department), the full list and every change as
annexes from a new page; each page carries the title and "Page n of N"; numbers right-aligned, complaint
ids and days on one line.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from grading.outputs import meeting, pdf
from tests.test_review import BHOPAL, TENTH, TWENTIETH, con  # noqa: F401 - the story's store (a fixture)

TITLE = "Bhopal district review, 20-03-2024 (changes since 10-03-2024)"


@pytest.fixture(scope="module")
def pack(con) -> meeting.Pack:  # type: ignore[no-untyped-def]  # noqa: F811 - the fixture above
    return meeting.build(con, BHOPAL, "BHOPAL", TWENTIETH, TENTH)


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end)]


def ids(html: str) -> list[str]:
    return re.findall(r'<td class="id">([A-Z])</td>', html)


def test_the_agenda_leads_with_overdue_then_due_soon_then_changes(pack: meeting.Pack) -> None:
    page = meeting.agenda_html(pack)
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", page)
    assert headings == [
        "1. Overdue cases (most days overdue first)",
        "2. Due within 2 days",
        "3. Since the last review",
        "Newly overdue or escalated since the last review",
        "4. Pending by department and level",
        "Annex A. All pending cases, overdue first",
        "Annex B. Each change since the last review",
    ]
    assert ids(section(page, "1. Overdue", "2. Due")) == ["F", "A"]
    assert ids(section(page, "2. Due", "3. Since")) == ["D"]
    assert ids(section(page, "Newly overdue or escalated", "4. Pending")) == ["A", "B"]
    assert ids(page[page.index("Annex A.") : page.index("Annex B.")]) == ["F", "A", "D", "B"]
    assert pack.overdue["Days overdue"].to_list() == [12, 8]
    assert '<td class="num">12</td>' in section(page, "1. Overdue", "2. Due")  # right-aligned
    assert '<td class="id">22 Mar 2024</td>' in section(page, "2. Due", "3. Since")  # a day, on one line
    # At a glance: A, B, D and F pending; F and A overdue; D due within 2 days.
    assert "Pending: 4 · Overdue: 2 · Due within 2 days: 1 · Over 50 days old: 0" in page
    assert "<td>closed</td>" not in page  # events by name: C's last action reads "Closed"
    assert "<td>Closed</td>" in page[page.index("Annex B.") :]


def test_an_empty_item_says_so_in_a_sentence(con) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = meeting.agenda_html(meeting.build(con, BHOPAL, "BHOPAL", TENTH, TENTH.replace(day=1)))
    assert "<h2>2. Due within 2 days</h2><table>" in page  # A is due within 2 days on the 10th
    quiet = meeting.agenda_html(meeting.build(con, BHOPAL, "BHOPAL", TENTH.replace(day=2), TENTH.replace(day=1)))
    assert "No case is overdue." in quiet


@pytest.mark.skipif(not Path(pdf.DEFAULT_CHROMIUM).exists(), reason="the PDF needs Debian's chromium")
def test_every_page_has_the_title_and_its_number_and_the_annex_starts_a_page(pack: meeting.Pack) -> None:
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(meeting.render(pack, "pdf"))).pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert TITLE in text
        assert f"Page {number} of {len(pages)}" in text
    annex = next(i for i, text in enumerate(pages) if "Annex A." in text)
    assert annex > 0
    assert "1. Overdue cases" not in pages[annex]  # the annex begins its own page
    body = pages[annex].split(f"Page {annex + 1} of {len(pages)}", 1)[1]
    assert body.strip().startswith("Annex A.")
