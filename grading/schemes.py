"""Grading schemes: versioned TOML settings files in ``data/schemes/`` (the methodology page explains them).

A scheme is a weighted sum of percentage metrics. Each component scores
``weight × value / 100`` (``direction = "higher"``) or ``weight × (1 − value / 100)`` (``"lower"``),
with the value clipped to 0-100; a component whose metric is empty (null) scores its full weight or
zero (``missing_component``). Grade bands, the minimum received to be ranked, the habitual-complainant
threshold, the long-pending age and volume groups are settings too, so a state can change them
without touching code: copy a file, edit it, pass its path to ``nivaran grade --scheme``.

Every setting is checked on load; a bad file raises :class:`SchemeError` naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from grading.metrics import ENTITY_TYPES, MetricSettings
from grading.registry import METRICS
from grading.schema import NivaranError
from grading.settings import read_toml

SCHEME_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "schemes"
DEFAULT_SCHEME: Final = "mp-cm-helpline"


class SchemeError(NivaranError):
    """A grading scheme file is missing or malformed."""


@dataclass(frozen=True)
class Component:
    """One weighted component of a score."""

    key: str
    metric: str
    weight: float
    direction: str
    label_en: str
    label_hi: str
    reading: bool


@dataclass(frozen=True)
class GradeBand:
    """A grade and the lowest score that earns it."""

    grade: str
    min_score: float
    reading: bool


@dataclass(frozen=True)
class VolumeGroups:
    """How entities are split into volume groups before a second, in-group ranking."""

    entity_types: tuple[str, ...]
    method: str
    top_n: int | None
    min_received: int | None
    reading: bool


@dataclass(frozen=True)
class Scheme:
    """A loaded, validated grading scheme."""

    name: str
    version: str
    title_en: str
    title_hi: str
    source: str
    max_score: float
    score_decimals: int
    min_received: int
    habitual_threshold: int
    long_pending_days: int
    missing_component: str
    reading: bool
    components: tuple[Component, ...]
    grades: tuple[GradeBand, ...]
    volume_groups: VolumeGroups | None
    path: Path

    @property
    def metric_settings(self) -> MetricSettings:
        """The settings that change metric values themselves."""
        return MetricSettings(self.habitual_threshold, self.long_pending_days)


def available() -> list[str]:
    """Names of the schemes shipped in ``data/schemes``."""
    return sorted(p.stem for p in SCHEME_DIR.glob("*.toml"))


def load(name_or_path: str | Path = DEFAULT_SCHEME) -> Scheme:
    """Load a shipped scheme by name, or any scheme file by path.

    Examples
    --------
    >>> load("mp-cm-helpline").components[0].weight
    60.0
    """
    raw, path = read_toml(name_or_path, SCHEME_DIR, "grading scheme", SchemeError)
    return _parse(raw, path)


class _Reader:
    """Typed access to one TOML table, with errors that name the file and the key."""

    def __init__(self, table: Any, path: Path, where: str) -> None:
        if not isinstance(table, dict):
            self._fail(path, where, "expected a table")
        self.table, self.path, self.where = table, path, where
        self.used: set[str] = set()

    @staticmethod
    def _fail(path: Path, where: str, what: str) -> None:
        msg = f"{path}: {where}: {what}"
        raise SchemeError(msg)

    def get(
        self, key: str, kind: type | tuple[type, ...], default: Any = ..., check: Any = None, expect: str = ""
    ) -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                self._fail(self.path, f"{self.where}.{key}", "missing")
            return default
        value = self.table[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self._fail(self.path, f"{self.where}.{key}", f"expected a number, got {value!r}")
        if not isinstance(value, kind) or (check is not None and not check(value)):
            self._fail(self.path, f"{self.where}.{key}", f"expected {expect or kind}, got {value!r}")
        return value

    def done(self) -> None:
        extra = sorted(set(self.table) - self.used)
        if extra:
            self._fail(self.path, self.where, f"unknown key(s) {extra}")


def _parse(raw: dict[str, Any], path: Path) -> Scheme:
    top = _Reader(raw, path, "file")
    head = _Reader(top.get("scheme", dict), path, "[scheme]")
    number = (int, float)
    scheme_kwargs: dict[str, Any] = {
        "name": head.get("name", str),
        "version": head.get("version", str),
        "title_en": head.get("title_en", str),
        "title_hi": head.get("title_hi", str),
        "source": head.get("source", str),
        "max_score": float(head.get("max_score", number, check=lambda v: v > 0, expect="a positive number")),
        "score_decimals": head.get("score_decimals", int, 2, lambda v: 0 <= v <= 6, "an integer 0-6"),
        "min_received": head.get("min_received", int, 5, lambda v: v >= 0, "an integer ≥ 0"),
        "habitual_threshold": head.get("habitual_threshold", int, 10, lambda v: v >= 1, "an integer ≥ 1"),
        "long_pending_days": head.get("long_pending_days", int, 50, lambda v: v >= 1, "an integer ≥ 1"),
        "missing_component": head.get(
            "missing_component", str, "full", lambda v: v in ("full", "zero"), "'full' or 'zero'"
        ),
        "reading": head.get("reading", bool, False),
    }
    head.done()

    raw_components = top.get("components", list, check=bool, expect="a non-empty array of [[components]]")
    components = []
    for i, item in enumerate(raw_components, start=1):
        c = _Reader(item, path, f"[[components]] #{i}")
        components.append(
            Component(
                key=c.get("key", str, check=str.isidentifier, expect="an identifier"),
                metric=c.get(
                    "metric",
                    str,
                    check=lambda v: v in METRICS and METRICS[v].unit == "pct",
                    expect="a percentage metric from grading.registry",
                ),
                weight=float(c.get("weight", number, check=lambda v: v > 0, expect="a positive number")),
                direction=c.get(
                    "direction", str, check=lambda v: v in ("higher", "lower"), expect="'higher' or 'lower'"
                ),
                label_en=c.get("label_en", str),
                label_hi=c.get("label_hi", str),
                reading=c.get("reading", bool, False),
            )
        )
        c.done()
    keys = [c.key for c in components]
    if len(set(keys)) != len(keys):
        _Reader._fail(path, "[[components]]", f"keys must be unique, got {keys}")
    total = sum(c.weight for c in components)
    if abs(total - scheme_kwargs["max_score"]) > 1e-9:
        _Reader._fail(
            path, "[[components]]", f"weights add up to {total:g}, but max_score is {scheme_kwargs['max_score']:g}"
        )

    raw_grades = top.get("grades", list, check=bool, expect="a non-empty array of [[grades]]")
    grades = []
    for i, item in enumerate(raw_grades, start=1):
        g = _Reader(item, path, f"[[grades]] #{i}")
        grades.append(
            GradeBand(
                grade=g.get("grade", str, check=bool, expect="a grade name"),
                min_score=float(g.get("min_score", number, check=lambda v: v >= 0, expect="a number ≥ 0")),
                reading=g.get("reading", bool, False),
            )
        )
        g.done()
    floors = [g.min_score for g in grades]
    if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors) or floors[-1] != 0:
        _Reader._fail(path, "[[grades]]", f"min_score must fall strictly from best to worst and end at 0, got {floors}")

    groups = None
    if "volume_groups" in raw:
        v = _Reader(top.get("volume_groups", dict), path, "[volume_groups]")
        method = v.get(
            "method", str, check=lambda m: m in ("top_n", "min_received"), expect="'top_n' or 'min_received'"
        )
        groups = VolumeGroups(
            entity_types=tuple(
                v.get(
                    "entity_types",
                    list,
                    check=lambda ts: bool(ts) and all(t in ENTITY_TYPES[:2] for t in ts),
                    expect="a list of 'department' and/or 'district'",
                )
            ),
            method=method,
            top_n=v.get("top_n", int, None if method != "top_n" else ..., lambda n: n >= 1, "an integer ≥ 1"),
            min_received=v.get(
                "min_received", int, None if method != "min_received" else ..., lambda n: n >= 1, "an integer ≥ 1"
            ),
            reading=v.get("reading", bool, False),
        )
        v.done()
    top.done()
    return Scheme(**scheme_kwargs, components=tuple(components), grades=tuple(grades), volume_groups=groups, path=path)
