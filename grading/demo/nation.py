"""A synthetic nation (``nivaran demo --states N --out DIR``): N state helplines and their lake.

Each state is a demo store of its own (:func:`grading.demo.build.build_demo`) with its own name, zone,
scheme, size, seed and districts (a disjoint share of the shipped reference districts), exported into
one lake (:mod:`grading.store.lake`), so that ``nivaran national`` grades each under its own scheme and
ranks them. One state keeps Nepal's time (UTC+5:45): a zone that is not India's and not a whole hour
off it tests that every state's months are its own zone's calendar months.

Layout of ``DIR``: ``stores/<slug>.duckdb`` (each state's store), ``lake/`` (the national lake) and
``nation-demo.json`` (what was built, so a rebuild may replace the folder and nothing else).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from grading.demo.build import build_demo
from grading.demo.spec import DemoSpec
from grading.model.schema import NivaranError
from grading.monthly.refresh import Progress
from grading.store import helpline, lake, reference

MARKER: Final = "nation-demo.json"
#: The largest nation the demo builds (each state needs a few districts of the 55 shipped).
MAX_STATES: Final = 12


@dataclass(frozen=True)
class State:
    """One synthetic state: its lake name, display name, zone, scheme and size (× the demo's scale)."""

    slug: str
    name: str
    timezone: str
    scheme: str
    size: float


#: The first five states; more repeat the pattern with other sizes.
_PATTERN: Final = (
    ("Asia/Kolkata", "mp-cm-helpline", 1.0),
    ("Asia/Kolkata", "cpgrams-gri", 0.6),
    ("Asia/Kathmandu", "mp-cm-helpline", 0.4),
    ("Asia/Kolkata", "cpgrams-gri", 1.5),
    ("Asia/Kolkata", "mp-cm-helpline", 0.8),
)


def states(n: int) -> list[State]:
    """The ``n`` states of a demo nation (``state-a``, ``state-b``, ...), zones and schemes by
    :data:`_PATTERN`."""
    if not 1 <= n <= MAX_STATES:
        msg = f"--states: give 1 to {MAX_STATES} states, got {n}"
        raise NivaranError(msg)
    out = []
    for i in range(n):
        zone, scheme, size = _PATTERN[i % len(_PATTERN)]
        letter = chr(ord("a") + i)
        out.append(State(f"state-{letter}", f"Demo state {letter.upper()}", zone, scheme, size * (1 + i // 5 * 0.3)))
    return out


def build_nation(out: Path, n: int, spec: DemoSpec, progress: Progress | None = None) -> list[dict[str, object]]:
    """Build ``n`` state stores under ``out/stores`` and export them into ``out/lake``; returns one
    summary per state (slug, name, zone, scheme, complaints, events). ``out`` must be missing, empty, or
    a nation demo built before (replaced whole); anything else is refused before it is touched."""
    chosen = states(n)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        msg = f"--out {out}: holds other files; give an empty folder or an earlier `nivaran demo --states` folder"
        raise NivaranError(msg)
    for part in ("stores", "lake"):
        shutil.rmtree(out / part, ignore_errors=True)
    (out / "stores").mkdir(parents=True, exist_ok=True)
    districts = reference.districts().sort("code")
    summaries: list[dict[str, object]] = []
    for i, state in enumerate(chosen):
        store = out / "stores" / f"{state.slug}.duckdb"
        settings = helpline.Helpline(name=state.name, timezone=state.timezone, scheme=state.scheme, reference="demo")
        own = DemoSpec(months=spec.months, end=spec.end, scale=spec.scale * state.size, seed=spec.seed + i)
        counts = build_demo(store, own, progress, settings=settings, districts=districts.gather_every(n, offset=i))
        lake.export(store, out / "lake", state.slug)
        summaries.append({"helpline": state.slug, "name": state.name, "timezone": state.timezone, **counts})
    (out / MARKER).write_text(json.dumps({"states": n, "spec": spec.__dict__}, indent=2) + "\n", encoding="utf-8")
    return summaries
