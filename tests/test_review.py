"""The collector's review as of any day (grading.serve.review) on a small hand-made district.

The story (Bhopal unless said; BILLING_EXCESS has a 7-day limit at every level; times Asia/Kolkata):

- A  ENERGY  registered 05-03 10:00, attended 08-03 09:00 -> due 12-03 10:00: pending but not overdue on
  the 10th (2 days to due, due within 2 days), overdue on the 20th (12 - 20 = -8 days).
- B  REVENUE registered 01-03 09:00, escalated to L2 08-03 09:00 (due 15-03), to L3 16-03 10:00 (due 23-03):
  L2 on the 10th, L3 on the 20th (escalated since the 10th), never overdue.
- C  ENERGY  registered 02-03, resolved 06-03, satisfied 07-03, closed 14-03: pending (awaiting the
  call-back, no due date) on the 10th, cleared by the 20th.
- D  ENERGY  registered 15-03 11:00 (due 22-03): new since the 10th, 2 days to due on the 20th.
- F  ENERGY  registered 01-03 08:00, nothing since (due 08-03): overdue on both days (-2 and -12).
- E  ENERGY  in Indore: never in Bhopal's review.
- G  ENERGY  in Indore: dissatisfied call-back and reopened on 05-03, force-closed 18-03; H (REVENUE,
  Indore) force-closed 06-03: the month's outcome lists of ENERGY hold G three times, never H.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pypdf
import pytest

from grading.access.identity import AccessDeniedError, Identity
from grading.intake import ingest
from grading.model.schema import NivaranError
from grading.outputs import pdf
from grading.serve import review
from grading.store import database
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

BHOPAL = Identity("c.bhopal", "collector", districts=("BHOPAL",))
INDORE = Identity("c.indore", "collector", districts=("INDORE",))
ADMIN = Identity("admin", "admin")
TENTH, TWENTIETH = date(2024, 3, 10), date(2024, 3, 20)


def _reg(cid: str, when: str, department: str = "ENERGY", district: str = "BHOPAL") -> dict[str, object]:
    return reg(cid, when, department=department, district=district, category="BILLING_EXCESS")


STORY = [
    _reg("A", "2024-03-05 10:00"),
    ev("A", "2024-03-08 09:00", "attended", level="L1"),
    _reg("B", "2024-03-01 09:00", department="REVENUE"),
    ev("B", "2024-03-08 09:00", "escalated", level="L2"),
    ev("B", "2024-03-16 10:00", "escalated", level="L3"),
    _reg("C", "2024-03-02 10:00"),
    ev("C", "2024-03-06 10:00", "resolved", level="L1"),
    ev("C", "2024-03-07 10:00", "feedback", outcome="satisfied"),
    ev("C", "2024-03-14 10:00", "closed", outcome="satisfied"),
    _reg("D", "2024-03-15 11:00"),
    _reg("F", "2024-03-01 08:00"),
    _reg("E", "2024-03-01 08:00", district="INDORE"),
    # For the department's outcome lists (Indore, closed before the 20th: not in any review list above).
    _reg("G", "2024-03-02 10:00", district="INDORE"),
    ev("G", "2024-03-04 10:00", "resolved", level="L1"),
    ev("G", "2024-03-05 10:00", "feedback", outcome="dissatisfied"),
    ev("G", "2024-03-05 11:00", "reopened", level="L1"),
    ev("G", "2024-03-18 10:00", "closed", outcome="force"),
    _reg("H", "2024-03-02 10:00", department="REVENUE", district="INDORE"),
    ev("H", "2024-03-06 10:00", "closed", outcome="force"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("review")
    db = tmp / "r.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp / "story.csv")])
    c = database.connect_readonly(db)
    yield c
    c.close()


def test_a_case_overdue_on_the_20th_is_not_overdue_on_the_10th(con) -> None:  # type: ignore[no-untyped-def]
    tenth = review.cases(con, TENTH, BHOPAL)
    # Overdue first (F), then soonest due (A: 2 days, B: 5 days), then C awaiting its call-back (no due date).
    assert tenth.select("complaint_id", "level", "is_overdue", "days_to_due", "due_soon").rows() == [
        ("F", "L1", True, -2, False),
        ("A", "L1", False, 2, True),
        ("B", "L2", False, 5, False),
        ("C", "L1", False, None, False),
    ]
    twentieth = review.cases(con, TWENTIETH, BHOPAL)
    # F overdue by 12 days, A by 8 (due 12-03), then D (due 22-03) and B (L3 since 16-03, due 23-03).
    assert twentieth.select("complaint_id", "level", "is_overdue", "days_to_due", "due_date").rows() == [
        ("F", "L1", True, -12, date(2024, 3, 8)),
        ("A", "L1", True, -8, date(2024, 3, 12)),
        ("D", "L1", False, 2, date(2024, 3, 22)),
        ("B", "L3", False, 3, date(2024, 3, 23)),
    ]
    row = twentieth.row(3, named=True)
    # B: L3 since 16-03 10:00 -> 4 completed days at the end of the 20th; last action that escalation.
    assert (row["days_at_level"], row["last_action"], row["last_action_at"]) == (
        4,
        "escalated",
        datetime(2024, 3, 16, 10, 0),
    )
    assert row["category_name"] == "Excess electricity bill"
    assert twentieth.schema["days_to_due"] == pl.Int32
    assert twentieth.schema["due_date"] == pl.Date


def test_summary_by_department_and_level_sorted_by_overdue_with_totals(con) -> None:  # type: ignore[no-untyped-def]
    got = review.summary(review.cases(con, TWENTIETH, BHOPAL))
    # ENERGY: A, D, F at L1; A and F overdue; D due 22-03 11:00, within 2 days of the 20th's end.
    # REVENUE: B at L3. Total row: the sums (4 pending, 2 overdue, 1 due soon).
    assert got.select("department", "L1", "L3", "pending", "overdue", "due_soon", "over_50").rows() == [
        ("ENERGY", 3, 0, 3, 2, 1, 0),
        ("REVENUE", 0, 1, 1, 0, 0, 0),
        (None, 3, 1, 4, 2, 1, 0),
    ]


def test_changes_since_the_last_review(con) -> None:  # type: ignore[no-untyped-def]
    found = review.changes(con, TWENTIETH, TENTH, BHOPAL)
    assert found.select(pl.col("change").cast(pl.String), "complaint_id", "level_then", "level_now").rows() == [
        ("new", "D", None, "L1"),
        ("newly_overdue", "A", "L1", "L1"),
        ("escalated", "B", "L2", "L3"),
        ("cleared", "C", "L1", None),
    ]
    cleared = found.filter(pl.col("change") == "cleared").row(0, named=True)
    assert (cleared["last_action"], cleared["last_outcome"], cleared["department"]) == ("closed", "satisfied", "ENERGY")
    counts = review.change_counts(found)
    # Pending on the 10th (4) - cleared (1) + new (1) = pending on the 20th (4).
    assert counts == {"new": 1, "newly_overdue": 1, "escalated": 1, "cleared": 1, "moved_out": 0}
    assert review.cases(con, TENTH, BHOPAL).height - counts["cleared"] + counts["new"] == 4
    with pytest.raises(ValueError, match="must be before the review day"):
        review.changes(con, TENTH, TENTH, BHOPAL)


def test_the_review_stays_inside_the_scope(con) -> None:  # type: ignore[no-untyped-def]
    assert set(review.cases(con, TWENTIETH, INDORE)["complaint_id"]) == {"E"}
    assert review.cases(con, TWENTIETH, ADMIN, district="BHOPAL").equals(review.cases(con, TWENTIETH, BHOPAL))
    with pytest.raises(AccessDeniedError, match="may not see district BHOPAL"):
        review.cases(con, TWENTIETH, INDORE, district="BHOPAL")
    with pytest.raises(AccessDeniedError):
        review.changes(con, TWENTIETH, TENTH, INDORE, district="BHOPAL")


# --- the meeting pack: workbook read back with zipfile + XML (no spreadsheet library needed) ----------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _sheet_cells(book: zipfile.ZipFile, number: int) -> tuple[ET.Element, dict[str, ET.Element]]:
    root = ET.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
    return root, {c.attrib["r"]: c for c in root.iter(f"{{{NS['m']}}}c")}


def _text(book: zipfile.ZipFile, cell: ET.Element) -> str:
    shared = [si.findtext("m:t", default="", namespaces=NS) for si in ET.fromstring(book.read("xl/sharedStrings.xml"))]
    value = cell.findtext("m:v", namespaces=NS)
    assert value is not None
    return shared[int(value)] if cell.attrib.get("t") == "s" else value


def test_the_review_command_writes_the_meeting_workbook(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from grading.access import accounts
    from grading.cli import main

    db = tmp_path / "r.duckdb"
    mp_store(db)
    ingest.ingest(db, [write_csv(STORY, tmp_path / "story.csv")])
    out = tmp_path / "bhopal.xlsx"
    args = ["review", "--db", str(db), "--district", "BHOPAL", "--as-of", "2024-03-20", "--since", "2024-03-10"]
    done = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as book:
        names = [s.attrib["name"] for s in ET.fromstring(book.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet")]
        # the review command's pack carries the district's meeting decisions (none here: an empty sheet)
        assert names == ["Summary", "Changes", "Cases", "Since last review", "Decisions"]
        root, cells = _sheet_cells(book, 3)  # Cases
        assert _text(book, cells["A1"]).startswith("Bhopal district review, 20-03-2024 (changes since 10-03-2024)")
        pane = root.find(".//m:pane", NS)
        assert pane is not None
        assert pane.attrib["ySplit"] == "3"
        assert pane.attrib["state"] == "frozen"
        assert root.find(".//m:cols", NS) is not None  # column widths set
        table = ET.fromstring(book.read("xl/tables/table3.xml"))
        assert table.find("m:autoFilter", NS) is not None  # a filter button on each header
        headers = [_text(book, cells[f"{col}3"]) for col in "ABCDEFGH"]
        assert headers[:4] == ["Complaint", "Department", "Category", "Level"]
        assert headers[7] == "Due date"
        # District scope only (no E from Indore), overdue first: F, A, then D, B.
        assert [_text(book, cells[f"A{r}"]) for r in range(4, 8)] == ["F", "A", "D", "B"]
        assert "A8" not in cells
        # Due date of F (08-03-2024) is a real date cell: a serial number with a date style, not text.
        due = cells["H4"]
        assert due.attrib.get("t") is None
        assert int(due.findtext("m:v", namespaces=NS) or "0") == 45359
        assert int(due.attrib["s"]) > 0
        # Whole days: days to due -12 is an integer cell.
        assert cells["I4"].findtext("m:v", namespaces=NS) == "-12"
    audit = accounts.Accounts(db).audit()
    pack = '{"day": "2024-03-20", "district": "BHOPAL", "fmt": "xlsx"}'
    assert audit.filter(event="meeting_pack", args=pack).height == 1
    bad = CliRunner().invoke(main, [*args[:4], "NOWHERE", "--out", str(out)])
    # One clear sentence (``nivaran`` prints it and exits 2; see grading.cli.run).
    assert isinstance(bad.exception, NivaranError)
    assert "--district 'NOWHERE': no such district code" in str(bad.exception)


def test_the_months_outcome_lists_of_a_department(con) -> None:  # type: ignore[no-untyped-def]
    from grading.serve import views

    energy = Identity("h.energy", "department_head", departments=("ENERGY",))
    got = views.outcome_complaints(con, date(2024, 3, 1), energy, "ENERGY")
    assert got.select(pl.col("kind").cast(pl.String), "complaint_id", "event_time").rows() == [
        ("dissatisfied", "G", datetime(2024, 3, 5, 10, 0)),
        ("reopened", "G", datetime(2024, 3, 5, 11, 0)),
        ("force_closed", "G", datetime(2024, 3, 18, 10, 0)),
    ]
    assert views.outcome_complaints(con, date(2024, 2, 1), energy, "ENERGY").is_empty()
    with pytest.raises(AccessDeniedError):
        views.outcome_complaints(con, date(2024, 3, 1), energy, "REVENUE")


def test_the_agenda_holds_the_same_tables(con) -> None:  # type: ignore[no-untyped-def]
    from grading.outputs import meeting

    pack = meeting.build(con, BHOPAL, "BHOPAL", TWENTIETH, TENTH)
    page = meeting.agenda_html(pack)
    # (Changed on purpose: a short agenda, then the full tables as annexes, tests/test_agenda.py; the
    # complaint ids are cells of class "id", kept on one line.)
    annex = page.index("Annex A.")
    assert "<h1>Bhopal district review, 20-03-2024 (changes since 10-03-2024)</h1>" in page
    full_list = page[annex:]
    assert full_list.index('<td class="id">F</td>') < full_list.index('<td class="id">A</td>')  # overdue first
    assert full_list.index('<td class="id">A</td>') < full_list.index('<td class="id">D</td>')
    assert '<td class="id">E</td>' not in page
    if not Path(pdf.DEFAULT_CHROMIUM).exists():
        pytest.skip("the PDF needs Debian's chromium")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(meeting.render(pack, "pdf"))).pages)
    assert "Bhopal district review" in text
    assert "Newly overdue" in text


def test_last_actions_read_ahead_for_the_state_give_each_district_its_own(con) -> None:  # type: ignore[no-untyped-def]
    """A run of digests reads every case's last action in one pass (review.LastActions); each district's
    review and changes are then what they are when read alone, worked out by hand from STORY."""
    ahead = review.LastActions(con)
    ahead.read(pl.Series(["A", "B", "C", "D", "E", "F", "G", "H"]), review.end_of(TWENTIETH))
    for who in (BHOPAL, INDORE):
        assert review.cases(con, TWENTIETH, who, last_actions=ahead).equals(review.cases(con, TWENTIETH, who))
        shared = review.changes(con, TWENTIETH, TENTH, who, last_actions=ahead)
        assert shared.equals(review.changes(con, TWENTIETH, TENTH, who))
        listed = review.cases(con, TWENTIETH, who)  # the caller's own read of the day's cases, passed in
        assert review.changes(con, TWENTIETH, TENTH, who, now=listed).equals(shared)
    last = ahead.of(pl.Series(["A", "B", "C", "Z"]), review.end_of(TWENTIETH)).sort("complaint_id")
    assert last.select("complaint_id", "last_action").rows() == [("A", "attended"), ("B", "escalated"), ("C", "closed")]
    # As of the 10th, B had been escalated once (8 March) and C resolved (6 March) with feedback (7 March).
    then = ahead.of(pl.Series(["B", "C"]), review.end_of(TENTH)).sort("complaint_id")
    assert then.select("complaint_id", "last_action", "last_action_at").rows() == [
        ("B", "escalated", datetime(2024, 3, 8, 9, 0)),
        ("C", "feedback", datetime(2024, 3, 7, 10, 0)),
    ]
