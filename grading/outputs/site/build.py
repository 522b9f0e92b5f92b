"""Writing the site: a published month's pages, charts, package and API documents, then the index.

:func:`write_site` runs after :func:`grading.outputs.publish.publish` has frozen the month. It writes

- the month's own files (:func:`grading.outputs.site.layout.month_owned`): both languages' pages, the
  charts and preview images, the package with its descriptors, the API documents; files of an earlier
  build of the same month that this one no longer writes are removed;
- the pages of every other month whose publication stands but which the site does not hold yet (a site
  started after some months were published gets them too), each from its own frozen publication;
- the index: ``index.html``, ``en/index.html``, ``hi/index.html``, ``api/v1/months.json`` and the API's
  schemas.

It never touches another month's files once they exist: publishing October again leaves September's
pages, charts, package and documents as they were, byte for byte and with their times. Every file is
written whole to a temporary name and renamed (a reader never sees half a page), and only when its
bytes change.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from grading.model.schema import NivaranError
from grading.outputs import publish
from grading.outputs.site import api, charts, layout
from grading.outputs.site.datapackage import PackageInfo, datapackage, dcat
from grading.outputs.site.pages.downloads import downloads_page
from grading.outputs.site.pages.entity import entity_page, entity_rows
from grading.outputs.site.pages.frame import document
from grading.outputs.site.pages.methodology import methodology_page
from grading.outputs.site.pages.overview import overview_charts, overview_page
from grading.outputs.site.pages.root import root_page
from grading.outputs.site.read import KINDS, MonthData, published_months, read_month
from grading.scoring import schemes
from grading.scoring.schemes import Scheme
from grading.serve import public
from grading.store import database, helpline, month_reads

#: The descriptors written beside the package's files (in the site and in ``--out``).
DESCRIPTORS = ("datapackage.json", "dcat.json")


class SiteError(NivaranError):
    """The site cannot be written (the month is not published, or the folder is not a site's)."""


@dataclass
class SiteReport:
    """What one build did: the months whose pages it wrote, how many files it wrote or changed, removed
    or left as they were, the site's size on disk and how long the build took."""

    months: list[date] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    total_bytes: int = 0
    total_files: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        """One line for the command line."""
        months = ", ".join(layout.month_key(m) for m in self.months)
        return (
            f"site: pages of {months} written in {self.seconds:.1f} s ({self.written} files written, "
            f"{self.unchanged} unchanged, {self.removed} removed); the site holds {self.total_files} files, "
            f"{self.total_bytes / 1_048_576:.1f} MB"
        )


def _write(root: Path, path: str, content: bytes, report: SiteReport) -> None:
    """Write ``content`` to ``root / path`` unless it already holds exactly that (atomic: a temporary file
    in the same folder, then a rename)."""
    target = root / path
    if target.is_file() and target.stat().st_size == len(content) and target.read_bytes() == content:
        report.unchanged += 1
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)  # a site is for everyone to read
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    report.written += 1


def package_info(helpline_name: str, scheme: Scheme, publication: publish.Publication) -> PackageInfo:
    """What the descriptors say about a publication's package."""
    v = scheme.in_force(publication.month)
    return PackageInfo(
        helpline_name,
        scheme.name,
        v.title_en,
        v.title_hi,
        v.version,
        publication.month,
        publication.published_at,
        publication.version,
    )


def _month_info(data: MonthData) -> PackageInfo:
    if data.publication is None:
        msg = f"{data.month:%Y-%m} is not published: a site holds published months only"
        raise SiteError(msg)
    return package_info(data.helpline, data.scheme, data.publication)


def descriptors(info: PackageInfo, files: dict[str, bytes], base: str | None = None) -> dict[str, bytes]:
    """``datapackage.json`` and ``dcat.json`` for a package's ``files`` (``base``: the package folder's
    address, when known)."""
    dictionary = (
        pl.read_csv(io.BytesIO(files["dictionary.csv"]), infer_schema=False)
        if "dictionary.csv" in files
        else pl.DataFrame()
    )
    return {
        "datapackage.json": api.dumps(datapackage(info, files, dictionary), indent=1).encode(),
        "dcat.json": api.dumps(dcat(info, files, base), indent=1).encode(),
    }


def write_package_descriptors(db: Path, scheme: Scheme, month: date, out: Path) -> list[Path]:
    """Write ``datapackage.json`` and ``dcat.json`` beside the package of ``month``'s standing publication
    in ``out`` (its files as :func:`grading.outputs.publish.publish` wrote them); return their paths."""
    con = database.connect_readonly(db)
    try:
        publication = publish.standing(con, month, scheme.name)
        name = helpline.read(con).name
    finally:
        con.close()
    if publication is None:
        msg = f"{month:%Y-%m} is not published under {scheme.name}"
        raise SiteError(msg)
    files = {n: (out / n).read_bytes() for n in publish.PACKAGE if (out / n).exists()}
    written = []
    for n, content in descriptors(package_info(name, scheme, publication), files).items():
        (out / n).write_bytes(content)
        written.append(out / n)
    return written


def month_files(data: MonthData, package: dict[str, bytes], base_url: str | None) -> Iterator[tuple[str, bytes]]:
    """Every file of one month (site path, bytes): pages and charts in both languages, preview images,
    the package with its descriptors, the API documents."""
    folder = layout.data_dir(data.month)
    base = f"{base_url.rstrip('/')}/{folder}" if base_url else None
    files = {name: package[name] for name in publish.PACKAGE if name in package}
    files |= descriptors(_month_info(data), files, base)
    for name, content in files.items():
        yield f"{folder}/{name}", content
    dictionary = pl.read_csv(io.BytesIO(files["dictionary.csv"]), infer_schema=False)
    sizes = {name: len(content) for name, content in files.items()}
    entities = {kind: entity_rows(data, kind) for kind in KINDS}
    flags = data.flags
    for lang in layout.LANGS:
        page = overview_page(data, lang, layout.overview(lang, data.month))
        yield page.path, document(page, data, data.helpline, base_url).encode()
        chart = overview_charts(data, lang)
        if chart is not None:
            yield layout.chart_svg(lang, data.month, "ranking"), charts.standalone(chart).encode()
            if lang == "en":
                yield layout.chart_png(data.month, "ranking"), charts.png(chart)
        for kind, rows in entities.items():
            for row, history in rows:
                code = str(row.get(kind))
                own = flags.filter((pl.col("entity_type") == kind) & (pl.col(kind) == code)) if flags.height else flags
                entity, drawn = entity_page(row, history, kind, data, lang, flags=own)
                yield entity.path, document(entity, data, data.helpline, base_url).encode()
                name = layout.entity_chart(kind, code)
                yield layout.chart_svg(lang, data.month, name), charts.standalone(drawn).encode()
                if lang == "en":
                    yield layout.chart_png(data.month, name), charts.png(drawn)
        for extra in (methodology_page(data, lang), downloads_page(data, lang, sizes, dictionary)):
            yield extra.path, document(extra, data, data.helpline, base_url).encode()
    for endpoint in layout.ENDPOINTS:
        yield layout.api_month(data.month, endpoint), api.dumps(api.document(data, endpoint)).encode()


def _sync_month(
    root: Path, data: MonthData, package: dict[str, bytes], base_url: str | None, report: SiteReport
) -> None:
    """Write one month's files and remove what an earlier build of it left that this one does not write."""
    kept = set()
    for path, content in month_files(data, package, base_url):
        _write(root, path, content, report)
        kept.add(path)
    for folder in layout.month_owned(data.month):
        for found in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if found.is_file() and found.relative_to(root).as_posix() not in kept:
                found.unlink()
                report.removed += 1
    report.months.append(data.month)


def _index(root: Path, latest: MonthData, months: Sequence[date], base_url: str | None, report: SiteReport) -> None:
    """The language start pages (the latest month, with every month listed) and the site's front door."""
    for lang in layout.LANGS:
        page = overview_page(latest, lang, layout.overview(lang), months)
        _write(root, page.path, document(page, latest, latest.helpline, base_url).encode(), report)
    _write(root, "index.html", root_page(latest.helpline, months).encode(), report)


def _held_version(root: Path, month: date) -> int | None:
    """The publication version the site's pages of ``month`` were written from (None: none written)."""
    found = root / layout.api_month(month, "departments")
    if not found.is_file() or not (root / layout.overview("en", month)).is_file():
        return None
    try:
        version = json.loads(found.read_text(encoding="utf-8")).get("publication_version")
    except (ValueError, OSError):
        return None
    return version if isinstance(version, int) else None


def write_site(
    db: Path, scheme: Scheme, root: Path, month: date, package: dict[str, bytes], *, base_url: str | None = None
) -> SiteReport:
    """Write the site for the published ``month`` under ``scheme`` into ``root`` (see the module
    docstring). ``package``: the month's package files as :func:`grading.outputs.publish.publish` wrote them
    (name → bytes); ``base_url``: the address the site will be served at (absolute preview and download
    links), None for relative ones."""
    started = time.perf_counter()
    report = SiteReport()
    con = database.connect_readonly(db)
    try:
        found = public.suppression(con, scheme)
        months = published_months(con, scheme)
        if month not in months:
            msg = f"{month:%Y-%m} is not published under {scheme.name}: publish it first"
            raise SiteError(msg)
        standing = {m: publish.standing(con, m, scheme.name) for m in months}
        done: dict[date, MonthData] = {}
        # The month published now, then any other whose pages the site lacks or holds from an earlier version.
        todo = [month] + [
            m for m in months if m != month and (p := standing[m]) and _held_version(root, m) != p.version
        ]
        for m in todo:
            data = read_month(con, scheme, m, found=found)
            files = package if m == month else publish.published_package(con, scheme, m)
            if files is None:
                continue
            _sync_month(root, data, files, base_url, report)
            done[m] = data
        latest_month = max(months)
        latest = done.get(latest_month) or read_month(con, scheme, latest_month, found=found)
        _index(root, latest, months, base_url, report)
        listed = [(m, p.published_at, p.version, scheme.in_force(m).version) for m, p in standing.items() if p]
        months_json = api.dumps(api.months_document(latest.helpline, scheme.name, listed), indent=1)
        _write(root, f"{layout.API}/months.json", months_json.encode(), report)
        for name in api.SCHEMAS:
            _write(root, layout.api_schema(name), api.dumps(api.schema(name), indent=1).encode(), report)
    finally:
        con.close()
    every = [p for p in root.rglob("*") if p.is_file()]
    report.total_files = len(every)
    report.total_bytes = sum(p.stat().st_size for p in every)
    report.seconds = time.perf_counter() - started
    return report


def is_site(root: Path) -> bool:
    """Whether ``root`` may hold a site: missing, empty, or holding one (its ``api/v1/months.json``)."""
    return not root.exists() or not any(root.iterdir()) or (root / layout.API / "months.json").is_file()


def live_document(db: Path, month: date, endpoint: str) -> dict[str, Any] | None:
    """The read API's document of ``endpoint`` for ``month`` as the store at ``db`` reads it now, under
    its default scheme (the live API of the dashboard's server: provisional months too, ``status`` says
    which). None when the store holds no data for the month."""
    con = database.connect_readonly(db)
    try:
        bounds = month_reads.month_bounds(con)
        if bounds is None or not bounds[0] <= month <= bounds[1]:
            return None
        scheme = schemes.load(helpline.read(con).scheme)
        return api.document(read_month(con, scheme, month), endpoint)
    finally:
        con.close()
