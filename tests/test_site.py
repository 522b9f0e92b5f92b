"""The published site (`nivaran publish --site`): pages in both languages, the read API, the data package.

The store: Madhya Pradesh's reference data, two months (March and April 2024), three departments in two
districts. Each month ENERGY receives 14 (8 in Bhopal, 6 in Indore), REVENUE 12 (5 in Bhopal, 7 in
Indore) and AYUSH 1 (Bhopal). AYUSH is hidden (1 < 5: "small"); REVENUE is hidden with it as the
smallest other department ("complementary": the state total 27 − 14 would give AYUSH's 1 otherwise);
ENERGY is shown. Bhopal (14) and Indore (13) are shown. March is published with --out only, then April
with --site and --out (which writes March's pages too).
"""

from __future__ import annotations

import html
import io
import json
import re
import struct
import zlib
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest
from click.testing import CliRunner

from grading.cli import main
from grading.intake import ingest
from grading.model.registry import METRICS
from grading.outputs import publish
from grading.outputs.site import api, charts, layout
from grading.outputs.site.datapackage import field_type
from grading.scoring import schemes
from grading.serve import public
from grading.store import database
from tests.conftest import ev, reg
from tests.stores import mp_store
from tests.test_store_ingest import write_csv

MP = schemes.load("mp-cm-helpline")
MARCH, APRIL = date(2024, 3, 1), date(2024, 4, 1)
HELPLINE = "Site test helpline"


def complaints(
    prefix: str, month: str, department: str, district: str, *, n: int, satisfied: int
) -> list[dict[str, object]]:
    """``n`` complaints registered on days 2, 3, … of ``month``, each attended and resolved the next day;
    the first ``satisfied`` closed satisfied after a call-back, the others closed as resolved."""
    rows = []
    for i in range(n):
        cid, day = f"{prefix}{i}", 2 + i
        rows.append(reg(cid, f"{month}-{day:02d} 10:00", department=department, district=district))
        rows.append(ev(cid, f"{month}-{day:02d} 12:00", "attended", level="L1"))
        rows.append(ev(cid, f"{month}-{day + 1:02d} 10:00", "resolved", level="L1"))
        if i < satisfied:
            rows.append(ev(cid, f"{month}-{day + 1:02d} 12:00", "feedback", outcome="satisfied"))
            rows.append(ev(cid, f"{month}-{day + 1:02d} 12:05", "closed", outcome="satisfied"))
        else:
            rows.append(ev(cid, f"{month}-{day + 1:02d} 12:05", "closed", outcome="resolved"))
    return rows


def events() -> list[dict[str, object]]:
    rows = []
    for month, tag, better in (("2024-03", "M", 0), ("2024-04", "A", 2)):
        rows += complaints(f"{tag}EB", month, "ENERGY", "BHOPAL", n=8, satisfied=5 + better)
        rows += complaints(f"{tag}EI", month, "ENERGY", "INDORE", n=6, satisfied=3)
        rows += complaints(f"{tag}RB", month, "REVENUE", "BHOPAL", n=5, satisfied=2)
        rows += complaints(f"{tag}RI", month, "REVENUE", "INDORE", n=7, satisfied=4 - better)
        rows += complaints(f"{tag}YB", month, "AYUSH", "BHOPAL", n=1, satisfied=1)
    return rows


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The store, the site (March, then April) and April's package (--out)."""
    where = tmp_path_factory.mktemp("site")
    db = mp_store(where / "s.duckdb", name=HELPLINE)
    ingest.ingest(db, [write_csv(events(), where / "events.csv")])
    site, out = where / "site", where / "package"
    cli("publish", "--db", str(db), "--month", "2024-03", "--out", str(where / "march"))
    said = cli("publish", "--db", str(db), "--month", "2024-04", "--site", str(site), "--out", str(out))
    # March was published before the site existed: its pages are written from its own publication.
    assert "site: pages of 2024-04, 2024-03 written" in said
    return db, site, out


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Links(HTMLParser):
    """Every href and src of a page, and its meta tags (property or name → content)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        for key in ("href", "src"):
            if found.get(key):
                self.links.append(str(found[key]))
        if tag == "meta" and found.get("content") is not None:
            self.meta[str(found.get("property") or found.get("name"))] = str(found["content"])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(read(path))
    return links


def test_index_and_department_pages_exist_in_both_languages_link_each_other_and_carry_cards(
    built: tuple[Path, Path, Path],
) -> None:
    _, site, _ = built
    for en_path in ("en/index.html", "en/2024-04/index.html", "en/2024-04/department/ENERGY.html"):
        hi_path = layout.other_language(en_path)
        for path, other, lang in ((en_path, hi_path, "en"), (hi_path, en_path, "hi")):
            page = parse(site / path)
            text = read(site / path)
            assert f'<html lang="{lang}">' in text
            assert "script" not in page.tags
            assert "<script" not in text.lower()
            targets = {(site / path).parent.joinpath(unquote(h)).resolve() for h in page.links}
            assert (site / other).resolve() in targets, (path, other)
            for tag in ("og:title", "og:description", "og:image"):
                assert page.meta.get(tag), (path, tag)
    card = parse(site / "en/2024-04/department/ENERGY.html").meta
    assert card["og:title"] == "Energy, April 2024"
    assert "rank" in card["og:description"]
    image = (site / "en/2024-04/department").joinpath(card["og:image"]).resolve()
    assert image == (site / "2024-04/charts/department-ENERGY.png").resolve()
    assert png_size(image.read_bytes()) == charts.CARD
    assert "ऊर्जा" in read(site / "hi/2024-04/department/ENERGY.html")


def png_size(content: bytes) -> tuple[int, int]:
    """A PNG's width and height, after checking its signature and every chunk's CRC."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    at, size = 8, (0, 0)
    while at < len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind, data = content[at + 4 : at + 8], content[at + 8 : at + 8 + length]
        assert struct.unpack(">I", content[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + data)
        if kind == b"IHDR":
            size = struct.unpack(">II", data[:8])
        at += 12 + length
    return size


def test_every_link_of_every_page_reaches_a_file_of_the_site(built: tuple[Path, Path, Path]) -> None:
    _, site, _ = built
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        for link in parse(page).links:
            assert not link.startswith(("http:", "https:", "//")), (page, link)  # nothing fetched from elsewhere
            target = page.parent.joinpath(unquote(link.split("#")[0])).resolve()
            assert target.is_file(), (page.relative_to(site), link)
            assert site.resolve() in target.parents


def public_rows(db: Path, month: date, kind: str) -> pl.DataFrame:
    con = database.connect_readonly(db)
    try:
        return public.ranking(con, MP, kind, month)
    finally:
        con.close()


def api_doc(site: Path, month: date, endpoint: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(read(site / layout.api_month(month, endpoint)))
    return loaded


def rows_of(document: dict[str, object]) -> list[dict[str, object]]:
    rows = document["rows"]
    assert isinstance(rows, list)
    return rows


HIDDEN = {"—", "< 5", "hidden", "छिपाया गया"}
FIGURES = [m for m in METRICS if m != "received"] + ["score", "grade", "score_uncertainty", "data_weight"]


@pytest.mark.parametrize(("code", "reason"), [("AYUSH", "small"), ("REVENUE", "complementary")])
def test_a_hidden_department_shows_no_figure_on_its_page_or_in_the_json(
    built: tuple[Path, Path, Path], code: str, reason: str
) -> None:
    db, site, _ = built
    expected = public_rows(db, APRIL, "department").filter(pl.col("department") == code).row(0, named=True)
    assert expected["suppressed"]
    assert expected["suppressed_reason"] == reason
    row = next(r for r in rows_of(api_doc(site, APRIL, "departments")) if r["department"] == code)
    assert row["suppressed"] is True
    assert row["suppressed_reason"] == reason
    assert row["rank_text"] == expected["rank_text"]  # a position, shown
    figures = [c for c in row if c in METRICS or c.startswith("points_") or c in FIGURES]
    assert figures
    assert {c: row[c] for c in figures if row[c] is not None} == {}
    assert {c: expected[c] for c in figures if expected[c] is not None} == {}
    for lang in layout.LANGS:
        text = read(site / layout.entity_page(lang, APRIL, "department", code))
        body = text.split("<main>", 1)[1].split("</main>", 1)[0]
        parts = body.split("<h2>")
        components, month_figures = parts[2], parts[3]
        # Components: value and points hidden (the weight beside them is the scheme's, not a figure).
        values = re.findall(
            r'<td class="n">([^<]*)</td><td class="n">([^<]*)</td><td class="n">[0-9.]+</td></tr>', components
        )
        assert values
        assert {html.unescape(v) for pair in values for v in pair} <= HIDDEN
        cells = {html.unescape(c) for c in re.findall(r'<td class="n">([^<]*)</td>', month_figures)}
        assert cells
        assert cells <= HIDDEN, cells  # this month and last month
        card = parse(site / layout.entity_page(lang, APRIL, "department", code)).meta["og:description"]
        assert not re.search(r"\d", card.replace("2024", "")), card


def csv_rows(path: Path) -> list[dict[str, str]]:
    return pl.read_csv(path, infer_schema=False).fill_null("").to_dicts()


def as_csv_text(value: object) -> str:
    """A JSON value as the package's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def same_value(csv_value: str, json_value: object) -> bool:
    if isinstance(json_value, float | int) and not isinstance(json_value, bool) and csv_value:
        return float(csv_value) == float(json_value)
    if isinstance(json_value, str) and "T" in json_value and csv_value.startswith(json_value[:19]):
        return True  # a time: the CSV prints microseconds
    return csv_value == as_csv_text(json_value)


@pytest.mark.parametrize(("kind", "endpoint"), [("department", "departments"), ("district", "districts")])
def test_site_figures_equal_the_package_csv_and_the_dashboards_public_ranking(
    built: tuple[Path, Path, Path], kind: str, endpoint: str
) -> None:
    db, site, out = built
    document = api_doc(site, APRIL, endpoint)
    assert document["status"] == "published"
    json_rows = {str(r[kind]): r for r in rows_of(document)}
    csv_file = f"ranking-{kind}.csv"
    assert (site / layout.data_dir(APRIL) / csv_file).read_bytes() == (out / csv_file).read_bytes()
    package = {r[kind]: r for r in csv_rows(out / csv_file)}
    assert set(package) == set(json_rows)
    for code, row in json_rows.items():
        for column, value in row.items():
            assert column in package[code], column
            assert same_value(package[code][column], value), (code, column, package[code][column], value)
    dashboard = public_rows(db, APRIL, kind)
    assert set(dashboard[kind]) == set(json_rows)
    overview = read(site / layout.overview("en", APRIL))
    for expected in dashboard.iter_rows(named=True):
        row = json_rows[expected[kind]]
        assert (row["rank_text"], row["grade"], row["score"]) == (
            expected["rank_text"],
            expected["grade"],
            expected["score"],
        )
        page = read(site / layout.entity_page("en", APRIL, kind, expected[kind]))
        if expected["score"] is not None:
            score = f"{expected['score']:.2f}"
            assert f"{score} points" in page
            assert f"grade {expected['grade']}" in page
            assert re.search(
                rf">{re.escape(expected[f'{kind}_name'])}</a></td><td>{expected['grade']}</td><td class=\"n\">{score}<",
                overview,
            )
        if expected["rank_text"]:
            assert f"Rank {expected['rank_text']}" in page


def test_the_live_document_of_a_published_month_equals_its_static_file(
    built: tuple[Path, Path, Path],
) -> None:
    from grading.outputs.site import build

    db, site, _ = built
    for endpoint in layout.ENDPOINTS:
        assert build.live_document(db, APRIL, endpoint) == api_doc(site, APRIL, endpoint)
    assert build.live_document(db, date(2023, 1, 1), "departments") is None


def test_every_api_document_validates_against_its_schema(built: tuple[Path, Path, Path]) -> None:
    import jsonschema  # installed with Streamlit's dependencies (altair)

    _, site, _ = built
    checked = 0
    for name in api.SCHEMAS:
        schema = json.loads(read(site / layout.api_schema(name)))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        documents = [site / layout.API / "months.json"] if name == "months" else []
        documents += [site / layout.api_month(m, name) for m in (MARCH, APRIL)] if name != "months" else []
        for path in documents:
            errors = [e.message for e in validator.iter_errors(json.loads(read(path)))]
            assert errors == [], (path, errors[:3])
            checked += 1
    assert checked == 1 + 2 * len(layout.ENDPOINTS)
    months = json.loads(read(site / layout.API / "months.json"))
    assert [m["month"] for m in months["months"]] == ["2024-04", "2024-03"]
    assert months["helpline"] == HELPLINE


def test_the_schema_refuses_an_undocumented_column_and_a_figure_of_the_wrong_type(
    built: tuple[Path, Path, Path],
) -> None:
    import jsonschema

    _, site, _ = built
    validator = jsonschema.Draft202012Validator(api.schema("departments"))
    document = api_doc(site, APRIL, "departments")
    row = rows_of(document)[0]
    for change in ({"undocumented": 1}, {"received": "many"}, {"small_figures": "received"}):
        bad = {**document, "rows": [{**row, **change}]}
        assert list(validator.iter_errors(bad)), change


TYPE_CHECKS = {
    "integer": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "number": lambda v: re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None,
    "boolean": lambda v: v in ("true", "false"),
    "date": lambda v: date.fromisoformat(v) is not None,
    "datetime": lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%f") is not None,
    "string": lambda v: True,
}


@pytest.mark.parametrize("where", ["site", "out"])
def test_the_data_package_describes_every_csv_column_with_a_type_its_values_have(
    built: tuple[Path, Path, Path], where: str
) -> None:
    _, site, out = built
    folder = site / layout.data_dir(APRIL) if where == "site" else out
    descriptor = json.loads(read(folder / "datapackage.json"))
    for key in ("profile", "name", "title", "resources", "created", "version"):
        assert descriptor.get(key), key
    assert re.fullmatch(r"[a-z0-9._-]+", descriptor["name"])
    resources = {r["path"]: r for r in descriptor["resources"]}
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    assert csvs == sorted(n for n in publish.PACKAGE if n.endswith(".csv"))
    assert set(resources) == set(publish.PACKAGE)  # every file of the package, the PDFs as plain resources
    for name in csvs:
        resource = resources[name]
        content = (folder / name).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + __import__("hashlib").sha256(content).hexdigest()
        assert resource["profile"] == "tabular-data-resource"
        schema = resource["schema"]
        assert schema["missingValues"] == [""]
        fields = schema["fields"]
        frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
        assert [f["name"] for f in fields] == frame.columns, name
        for f in fields:
            assert f["type"] in TYPE_CHECKS
            assert f.get("description"), (name, f["name"])
            for value in frame[f["name"]].drop_nulls().to_list():
                assert TYPE_CHECKS[f["type"]](value), (name, f["name"], f["type"], value)
                if f["type"] == "boolean":
                    assert value in f["trueValues"] + f["falseValues"]
        if "primaryKey" in schema:
            assert frame.select(schema["primaryKey"]).is_unique().all(), name
    ranking = {f["name"]: f for f in resources["ranking-department.csv"]["schema"]["fields"]}
    assert ranking["received"]["type"] == "integer"
    assert ranking["received"]["unit"] == "count"
    assert ranking["satisfied_closure_pct"]["type"] == "number"
    assert (
        "small_figures" in ranking["small_figures"]["description"] or "1 to" in ranking["small_figures"]["description"]
    )
    assert "small_figures" in resources["ranking-department.csv"]["description"]


def test_dcat_metadata_names_the_helpline_the_month_and_every_file(built: tuple[Path, Path, Path]) -> None:
    _, site, out = built
    for folder in (site / layout.data_dir(APRIL), out):
        dataset = json.loads(read(folder / "dcat.json"))
        assert dataset["@type"] == "dcat:Dataset"
        assert {"dcat", "dct", "foaf"} <= set(dataset["@context"])
        assert dataset["dct:publisher"]["foaf:name"] == HELPLINE
        assert dataset["dct:temporal"]["dcat:startDate"]["@value"] == "2024-04-01"
        assert dataset["dct:temporal"]["dcat:endDate"]["@value"] == "2024-04-30"
        assert dataset["dct:issued"]["@value"]
        assert {t["@language"] for t in dataset["dct:title"]} == {"en", "hi"}
        titles = {d["dct:title"] for d in dataset["dcat:distribution"]}
        assert titles == set(publish.PACKAGE)
        for d in dataset["dcat:distribution"]:
            assert int(d["dcat:byteSize"]["@value"]) == (folder / d["dct:title"]).stat().st_size


def test_types_of_the_registry_units() -> None:
    assert [field_type(c) for c in ("received", "satisfied_closure_pct", "month", "suppressed", "points_x")] == [
        "integer",
        "number",
        "date",
        "boolean",
        "number",
    ]
    assert field_type("not_graded") == field_type("small_figures") == "string"


def snapshot(root: Path, folders: tuple[str, ...]) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for folder in folders
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def test_publishing_a_month_again_rewrites_only_its_files_and_the_index(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, site, _ = built
    march = snapshot(site, layout.month_owned(MARCH))
    april = snapshot(site, layout.month_owned(APRIL))
    assert len(march) > 30
    stray = site / layout.month_dir("en", APRIL) / "department" / "GONE.html"
    stray.write_text("an entity the month no longer has", encoding="utf-8")
    index = (site / "en/index.html").stat().st_mtime_ns
    said = cli("publish", "--db", str(db), "--month", "2024-04", "--site", str(site), "--force")
    assert "site: pages of 2024-04 written" in said
    assert snapshot(site, layout.month_owned(MARCH)) == march  # same bytes, same times
    again = snapshot(site, layout.month_owned(APRIL))
    assert set(again) == set(april)  # the stray page is gone, nothing else
    assert not stray.exists()
    assert again != april  # the new publication's time and version
    assert json.loads(read(site / layout.api_month(APRIL, "departments")))["publication_version"] == 2
    assert (site / "en/index.html").stat().st_mtime_ns >= index


def test_publish_needs_a_place_to_write_and_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    db = mp_store(tmp_path / "n.duckdb")
    said = CliRunner().invoke(main, ["publish", "--db", str(db), "--month", "2024-03"])
    assert said.exit_code == 2
    assert "--out" in said.output
    assert "--site" in said.output
    other = tmp_path / "documents"
    other.mkdir()
    (other / "letter.txt").write_text("mine", encoding="utf-8")
    said = CliRunner().invoke(main, ["publish", "--db", str(db), "--month", "2024-03", "--site", str(other)])
    assert said.exit_code == 2
    assert "no Nivaran site" in said.output
    assert (other / "letter.txt").read_text(encoding="utf-8") == "mine"


def test_png_is_a_valid_image_of_the_charts_boxes() -> None:
    chart = charts.Chart("t", "d", (charts.Box(0, 0, 320, 168, "#ff0000"),), (charts.Label(1, 1, "words"),))
    content = charts.png(chart, (4, 2))
    assert png_size(content) == (4, 2)
    palette = content[content.index(b"PLTE") + 4 : content.index(b"PLTE") + 10]
    assert palette == b"\xff\xff\xff\xff\x00\x00"  # paper first, then the box's red
    data = zlib.decompress(content[content.index(b"IDAT") + 4 : content.index(b"IEND") - 8])
    # Two rows of filter byte + 4 pixel indexes: the box covers the left half of the top row.
    assert data == b"\x00\x01\x01\x00\x00" + b"\x00\x00\x00\x00\x00"
    svg = charts.svg(chart)
    assert "<script" not in svg
    assert "<text" in svg


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ENERGY", "ENERGY"), ("Council District 4", None), ("../etc", None), ("Ward/7", None), ("नगर", None)],
)
def test_an_entity_code_gives_one_safe_file_name(code: str, expected: str | None) -> None:
    name = layout.file_name(code)
    if expected:
        assert name == expected
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name)
    assert layout.file_name(code) == name
    assert layout.file_name(code + "x") != name


def test_reasons_to_look_name_the_flag_and_its_rule_without_figures(built: tuple[Path, Path, Path]) -> None:
    import dataclasses

    import jsonschema

    from grading.outputs.site.pages.overview import overview_page
    from grading.outputs.site.read import read_month
    from grading.scoring.flags import FLAGS, describe

    db, _, _ = built
    con = database.connect_readonly(db)
    try:
        data = read_month(con, MP, APRIL)
    finally:
        con.close()
    raised = pl.DataFrame(
        {
            "entity_type": ["department"],
            "department": ["ENERGY"],
            "district": [None],
            "month": [APRIL],
            "flag": ["closure_spike"],
            "department_name": ["Energy"],
            "department_name_hi": ["ऊर्जा"],
            "district_name": [None],
            "district_name_hi": [None],
        },
        schema_overrides={"district": pl.String, "district_name": pl.String, "district_name_hi": pl.String},
    )
    data = dataclasses.replace(data, flags=raised)
    page = overview_page(data, "en", layout.overview("en", APRIL))
    rule = describe("closure_spike", MP.in_force(APRIL).flags)
    assert f"<strong>{FLAGS['closure_spike'][0]}</strong>. {html.escape(rule)}" in page.body
    assert 'href="department/ENERGY.html">Energy</a>: <strong>' in page.body
    document = api.document(data, "flags")
    assert rows_of(document) == [
        {
            "entity_type": "department",
            "department": "ENERGY",
            "district": None,
            "month": "2024-04-01",
            "flag": "closure_spike",
            "department_name": "Energy",
            "department_name_hi": "ऊर्जा",
            "district_name": None,
            "district_name_hi": None,
            "title_en": FLAGS["closure_spike"][0],
            "title_hi": FLAGS["closure_spike"][1],
            "rule": rule,
        }
    ]
    assert not list(jsonschema.Draft202012Validator(api.schema("flags")).iter_errors(document))
    counted = {**document, "rows": [{**rows_of(document)[0], "count": 31}]}
    assert list(jsonschema.Draft202012Validator(api.schema("flags")).iter_errors(counted))  # no figure fits


SITE_CODE = Path(__file__).resolve().parent.parent / "grading" / "outputs" / "site"
#: Reads that bypass the public boundary (the suppression rule): never imported by the site.
UNSAFE = {"grading.serve.views", "grading.serve.integrity", "grading.monthly.results", "grading.scoring.metrics"}
UNSAFE |= {"grading.scoring.grade", "grading.store.case_reads"}


def imported(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_the_site_reads_the_store_only_through_the_public_boundary() -> None:
    modules = {".".join(p.relative_to(SITE_CODE).with_suffix("").parts): imported(p) for p in SITE_CODE.rglob("*.py")}
    assert {"read", "build", "pages.overview", "api", "datapackage", "charts", "figures", "layout"} <= set(modules)
    for name, names in modules.items():
        assert not names & UNSAFE, name
    assert "grading.serve.public" in modules["read"]
    # Rendering is pure: no store, no database, frames and words in, text out.
    pages = [name for name in modules if name.startswith("pages.")]  # one module per page kind
    for name in ("api", "datapackage", "charts", "figures", "layout", *pages):
        assert not {n for n in modules[name] if n.startswith(("grading.store", "duckdb", "grading.serve"))}, name
