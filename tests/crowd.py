"""Many browser sessions at once against one ``streamlit run``: the driver shared by the crowd test
(tests/test_crowd.py) and the crowd benchmark (bench/bench_crowd.py).

Each session is a Playwright browser context (its own cookies and websocket, so its own Streamlit
session) that opens the dashboard and then goes round the public pages through the sidebar, as a
reader would. A visit's **time** runs from the click (or the first navigation) until the page's own
title is shown, the script state is ``notRunning`` and the page's last piece of content is there
(the ranking table, the metric table, the chart): what a reader waits for, server work included. A
visit **fails** on an exception box, a missing piece of content or a timeout. A watcher asks
``/_stcore/health`` twice a second throughout; an answer that takes over 15 s counts as a failure.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from grading.words import CATALOGUE
from tests.browser import CHROMIUM, CHROMIUM_ARGS


@dataclass(frozen=True)
class PublicPage:
    nav: str  # the sidebar link's text
    title: str  # the page's own title
    content: str  # a selector for the page's last piece of content
    count: int = 1  # how many of them at least


PUBLIC_PAGES = (
    # The public summary's first paint has no Plotly chart (they come on request): its four table
    # downloads (department and district rankings, state trend, district × department cells) end it.
    PublicPage(CATALOGUE["page_public"][0], CATALOGUE["public_title"][0], '[data-testid="stDownloadButton"]', 4),
    PublicPage(CATALOGUE["page_methodology"][0], CATALOGUE["method_title"][0], '[data-testid="stDataFrame"]'),
    PublicPage(CATALOGUE["page_trends"][0], CATALOGUE["trends_title"][0], '[data-testid="stPlotlyChart"]'),
)


@dataclass
class CrowdResult:
    """Visit times per page title (seconds), failures and health-check failures."""

    times: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    health_checks: int = 0
    health_failures: list[str] = field(default_factory=list)

    def visits(self) -> int:
        return sum(len(v) for v in self.times.values())


class HealthWatch:
    """Ask ``/_stcore/health`` every ``every`` seconds in a thread until stopped; count what fails."""

    def __init__(self, url: str, result: CrowdResult, every: float = 0.5, timeout: float = 15.0) -> None:
        self.url, self.result, self.every, self.timeout = url, result, every, timeout
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=self.timeout) as r:
                    body = r.read()
                if body != b"ok":
                    self.result.health_failures.append(f"health answered {body!r}")
            except OSError as exc:
                self.result.health_failures.append(f"health: {exc}")
            self.result.health_checks += 1
            self._stop.wait(self.every)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def _settle(page, target: PublicPage, timeout_ms: int) -> None:  # type: ignore[no-untyped-def]
    await page.get_by_role("heading", name=target.title).first.wait_for(timeout=timeout_ms)
    await page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout_ms)
    content = page.locator(f'[data-testid="stMain"] {target.content}')
    await content.nth(target.count - 1).wait_for(timeout=timeout_ms)
    errors = page.locator('[data-testid="stException"]')
    if await errors.count():
        raise AssertionError(f"exception box: {(await errors.first.inner_text())[:300]}")


async def _session(  # type: ignore[no-untyped-def]
    browser, url: str, name: str, result: CrowdResult, *, rounds: int | None, until: float, timeout_ms: int
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-IN")
    page = await context.new_page()
    visit, fresh = 0, True  # a fresh visit loads the address; the others click the sidebar
    try:
        while (rounds is None or visit < rounds * len(PUBLIC_PAGES)) and time.monotonic() < until:
            target = PUBLIC_PAGES[0] if fresh else PUBLIC_PAGES[visit % len(PUBLIC_PAGES)]
            start = time.monotonic()
            try:
                if fresh:
                    await page.goto(url, wait_until="commit", timeout=timeout_ms)
                else:
                    await (
                        page.locator('[data-testid="stSidebarNav"] a')
                        .filter(has_text=target.nav)
                        .first.click(timeout=timeout_ms)
                    )
                await _settle(page, target, timeout_ms)
                result.times.setdefault(target.title, []).append(time.monotonic() - start)
                fresh = False
            except Exception as exc:
                result.failures.append(f"{name}, visit {visit + 1} ({target.nav}): {str(exc).splitlines()[0]}")
                fresh = True  # start again from the address
            visit += 1
    finally:
        await context.close()


def session_leaders(comm: str) -> set[int]:
    """The processes named ``comm`` that lead their own session (Linux ``/proc``)."""
    leaders = set()
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or (entry / "comm").read_text().strip() != comm:
                continue
            if int(stat_fields(int(entry.name))[3]) == int(entry.name):  # its session id
                leaders.add(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return leaders


async def _crowd(
    url: str,
    *,
    sessions: int,
    browsers: int,
    rounds: int | None,
    seconds: float,
    timeout_ms: int,
    browser_nice: int,
) -> CrowdResult:
    from playwright.async_api import async_playwright

    result = CrowdResult()
    async with async_playwright() as p:
        before = session_leaders("chromium")
        launched = [await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS) for _ in range(browsers)]
        if browser_nice:
            # Each chromium runs in a session of its own (Playwright starts it detached), which Linux
            # schedules as one group: a process's own niceness does not reach across groups, the group's
            # does. The groups end with the browsers; this driver's own group is left as it was.
            for pid in session_leaders("chromium") - before:
                Path(f"/proc/{pid}/autogroup").write_text(str(browser_nice))
        until = time.monotonic() + seconds
        with HealthWatch(url, result):
            await asyncio.gather(
                *(
                    _session(
                        launched[i % browsers],
                        url,
                        f"session {i + 1}",
                        result,
                        rounds=rounds,
                        until=until,
                        timeout_ms=timeout_ms,
                    )
                    for i in range(sessions)
                )
            )
        for b in launched:
            await b.close()
    return result


def run_crowd(
    url: str,
    *,
    sessions: int,
    browsers: int = 1,
    rounds: int | None = None,
    seconds: float = float("inf"),
    timeout_ms: int = 60_000,
    browser_nice: int = 0,
) -> CrowdResult:
    """Drive ``sessions`` sessions (spread over ``browsers`` chromium processes) through the public
    pages, for ``rounds`` rounds each or until ``seconds`` have passed. A ``browser_nice`` above 0
    lowers the CPU priority of the browsers' scheduling groups (Linux autogroup)."""
    return asyncio.run(
        _crowd(
            url,
            sessions=sessions,
            browsers=browsers,
            rounds=rounds,
            seconds=seconds,
            timeout_ms=timeout_ms,
            browser_nice=browser_nice,
        )
    )


def stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name (which may hold spaces and ``)``):
    index 0 is the state, 3 the session id, 11 and 12 user and system CPU in clock ticks."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of a process so far (Linux ``VmHWM``), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
