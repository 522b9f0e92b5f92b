"""Grading schemes: versioned TOML settings files in ``data/schemes/`` (the methodology page explains them).

A scheme is a weighted sum of percentage metrics. Each component scores
``weight × value / 100`` (``direction = "higher"``) or ``weight × (1 − value / 100)`` (``"lower"``),
with the value clipped to 0-100. A component may instead read a days metric (median days to close)
against its ``target_days``: ``weight × min(1, target_days / days)`` (``direction = "lower"``).
A component whose metric is empty (null: no denominator) counts as the scheme's ``missing`` setting
says, overridable per component: ``"reweight"`` (the default: left out, the components with data are
scaled up to the maximum, but only when they carry at least ``min_data_pct`` % of the maximum;
otherwise the entity gets no score), ``"zero"`` (no points) or
``"full"`` (its whole weight; never a good idea, kept for comparison). Grade bands, the minimum
received to be ranked, the habitual-complainant threshold, the long-pending age, volume groups, the
reliability rule and the integrity-flag thresholds are settings too, so a state can change them
without touching code: copy a file, edit it, pass its path to ``nivaran grade --scheme``.

**Versions by effective month.** A file may end with ``[[versions]]`` tables, each with
``effective_from = "YYYY-MM"`` and ``version``, and any of ``[versions.scheme]`` (settings that change),
``[[versions.components]]``, ``[[versions.grades]]``, ``[[versions.volume_groups]]`` and
``[versions.flags]`` (each replaces the base file's whole table). :meth:`Scheme.in_force` gives the
version that grades a month: the latest one whose ``effective_from`` is not after it, else the base.
The metric settings (habitual threshold, long-pending days) apply to the whole file and may not
change in a version: the monthly metrics are computed once for all months.

Every setting is checked on load; a bad file raises :class:`SchemeError` naming the file and the key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import polars as pl

from grading.model.paths import DATA_DIR
from grading.model.registry import METRICS, Metric
from grading.model.schema import NivaranError
from grading.model.tomlfiles import read_toml
from grading.scoring.counts import ENTITY_TYPES
from grading.scoring.metrics import MetricSettings
from grading.words import say

SCHEME_DIR: Final = DATA_DIR / "schemes"
#: The national schemes: how states are ranked against each other (:mod:`grading.monthly.national`).
NATIONAL_DIR: Final = DATA_DIR / "national"
DEFAULT_SCHEME: Final = "mp-cm-helpline"
MISSING_MODES: Final = ("reweight", "zero", "full")


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
    missing: str | None = None  # overrides the scheme's ``missing`` for this component
    target_days: float | None = None  # a days metric (median days to close): full points at or under it

    def share(self) -> pl.Expr:
        """The fraction of the component's points earned, 0-1 (null when the metric is empty).

        A percentage earns ``%/100`` (``higher``) or ``1 − %/100`` (``lower``). A days metric earns
        ``min(1, target_days ÷ days)``: full points at or under the target, half at twice the target
        (Boston's CityScore reads each measure against its target the same way).
        """
        value = pl.col(self.metric).cast(pl.Float64)
        if self.target_days is not None:
            return pl.when(value <= self.target_days).then(1.0).otherwise(self.target_days / value)
        share = value.clip(0.0, 100.0) / 100.0
        return share if self.direction == "higher" else 1.0 - share

    def formula(self, lang: str = "en") -> str:
        """The component's points in words-and-symbols, for the methodology page (``lang``: ``en`` or ``hi``)."""
        if self.target_days is not None:
            return say("formula_target", lang, weight=f"{self.weight:g}", days=f"{self.target_days:g}")
        return f"{self.weight:g} × %/100" if self.direction == "higher" else f"{self.weight:g} × (1 − %/100)"


@dataclass(frozen=True)
class GradeBand:
    """A grade and the lowest score that earns it."""

    grade: str
    min_score: float
    reading: bool


@dataclass(frozen=True)
class VolumeGroups:
    """How entities are split into volume groups before a second, in-group ranking.

    ``top_n``: the ``top_n`` entities with most received form group 1, the rest group 2.
    ``min_received``: thresholds in complaints received, highest first; an entity with at least the
    first threshold is in group 1, at least the second in group 2, ..., fewer than the last in the
    last group (one threshold: two groups, as GRAI's ≥ 1,500 / fewer).
    """

    entity_types: tuple[str, ...]
    method: str
    top_n: int | None
    min_received: tuple[int, ...]
    reading: bool

    @property
    def count(self) -> int:
        """How many groups this rule forms."""
        return 2 if self.method == "top_n" else len(self.min_received) + 1


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds of the integrity flags (see :mod:`grading.scoring.flags` for what each one means)."""

    min_count: int = 20  # fewest events (closures, stints...) behind a flag: below it, no flag
    ratio: float = 2.0  # "far above": at least this many times the reference share
    min_z: float = 3.0  # ... and beyond chance: this many binomial standard deviations above it
    spike_days: int = 3  # the last days before the cut-off watched for a closure spike
    spike_min_pct: float = 20.0  # share of the month's closures in those days that can raise it
    repeat_days: int = 30  # a complaint by the same complainant and category within this many days
    repeat_min_pct: float = 10.0  # share of satisfied closures that came back
    forced_min_pct: float = 15.0  # force + special closures as a share of closures
    forced_history_months: int = 6  # the entity's own history: this many previous months
    forced_peer_ratio: float = 3.0  # ... or at least this many times the state's share
    no_callback_min_pct: float = 20.0  # closures without any call-back
    brink_hours: int = 24  # "just before the limit": in the last hours of a level's time limit
    brink_min_pct: float = 25.0  # share of resolutions at a level that came in those hours


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
    suppress_below: int
    habitual_threshold: int
    long_pending_days: int
    default_limit_days: int
    missing: str
    min_data_pct: float
    reliability_z: float
    reading: bool
    components: tuple[Component, ...]
    grades: tuple[GradeBand, ...]
    volume_groups: tuple[VolumeGroups, ...]
    flags: FlagSettings
    path: Path
    effective_from: date | None = None
    source_hi: str = ""  # the source line in Hindi; a file without one shows its English source in Hindi too
    versions: tuple[Scheme, ...] = field(default=(), repr=False)

    def source_in(self, lang: str) -> str:
        """The scheme's source line in ``lang`` (``hi``: Hindi when the file gives one)."""
        return self.source_hi if lang == "hi" and self.source_hi else self.source

    def title_in(self, lang: str) -> str:
        """The scheme's title in ``lang``."""
        return self.title_hi if lang == "hi" else self.title_en

    @property
    def metric_settings(self) -> MetricSettings:
        """The settings that change metric values themselves."""
        return MetricSettings(self.habitual_threshold, self.long_pending_days)

    def groups_for(self, entity_type: str) -> VolumeGroups | None:
        """The volume-group rule for ``entity_type``, or None when it is ranked in one list."""
        return next((g for g in self.volume_groups if entity_type in g.entity_types), None)

    def missing_for(self, component: Component) -> str:
        """How ``component`` counts when its metric is empty: its own setting, else the scheme's."""
        return component.missing or self.missing

    def in_force(self, month: date) -> Scheme:
        """The version of this scheme that grades ``month`` (the base when no later version applies).

        Examples
        --------
        >>> s = load("mp-cm-helpline")
        >>> s.in_force(date(2024, 3, 1)).version == s.version
        True
        """
        chosen = self
        for v in self.versions:
            if v.effective_from is not None and v.effective_from <= month:
                chosen = v
        return chosen

    def all_versions(self) -> tuple[Scheme, ...]:
        """The base scheme and every later version, oldest first."""
        return (self, *self.versions)


def available() -> list[str]:
    """Names of the schemes shipped in ``data/schemes``."""
    return sorted(p.stem for p in SCHEME_DIR.glob("*.toml"))


def load(
    name_or_path: str | Path = DEFAULT_SCHEME,
    *,
    directory: Path = SCHEME_DIR,
    metrics: Mapping[str, Metric] = METRICS,
) -> Scheme:
    """Load a shipped scheme by name, or any scheme file by path.

    ``directory`` and ``metrics``: where shipped names are looked up and which metrics a component may
    weigh (the national scheme: :data:`NATIONAL_DIR` and :data:`grading.model.registry.NATIONAL_METRICS`).

    Examples
    --------
    >>> load("mp-cm-helpline").components[0].weight
    60.0
    """
    raw, path = read_toml(name_or_path, directory, "grading scheme", SchemeError)
    raw_versions = raw.pop("versions", [])
    base = _parse(raw, path, metrics)
    if not isinstance(raw_versions, list):
        _Reader._fail(path, "[[versions]]", "expected an array of [[versions]] tables")
    versions: list[Scheme] = []
    for i, item in enumerate(raw_versions, start=1):
        versions.append(
            _version(raw, item, path, i, (versions[-1] if versions else base).effective_from, metrics=metrics)
        )
    return Scheme(**{**base.__dict__, "versions": tuple(versions)})


_VERSION_TABLES: Final = ("components", "grades", "volume_groups", "flags")


def _version(
    raw: dict[str, Any], item: Any, path: Path, i: int, floor: date | None, *, metrics: Mapping[str, Metric]
) -> Scheme:
    """Parse one ``[[versions]]`` entry: the base file with that entry's tables laid over it."""
    where = f"[[versions]] #{i}"
    v = _Reader(item, path, where)
    text = v.get("effective_from", str, check=_is_month, expect="a month as 'YYYY-MM'")
    effective = date(int(text[:4]), int(text[5:7]), 1)
    merged = copy.deepcopy(raw)
    overrides = v.get("scheme", dict, {})
    for key in (
        "name",
        "habitual_threshold",
        "long_pending_days",
        "default_limit_days",
        "suppress_below",
        "effective_from",
    ):
        if key in overrides:
            _Reader._fail(path, f"{where}.scheme.{key}", "cannot change in a version (it applies to the whole file)")
    merged["scheme"].update(overrides)
    merged["scheme"]["version"] = v.get("version", str)
    for table in _VERSION_TABLES:
        if table in item:
            merged[table] = v.get(table, (list, dict))
    v.done()
    parsed = _parse(merged, path, metrics)
    if floor is not None and effective <= floor:
        _Reader._fail(path, f"{where}.effective_from", f"must come after {floor:%Y-%m}, got {text!r}")
    return Scheme(**{**parsed.__dict__, "effective_from": effective})


def _is_month(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12


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


def _parse(raw: dict[str, Any], path: Path, registry: Mapping[str, Metric]) -> Scheme:
    top = _Reader(raw, path, "file")
    head = _Reader(top.get("scheme", dict), path, "[scheme]")
    number = (int, float)
    scheme_kwargs: dict[str, Any] = {
        "name": head.get("name", str),
        "version": head.get("version", str),
        "title_en": head.get("title_en", str),
        "title_hi": head.get("title_hi", str),
        "source": head.get("source", str),
        "source_hi": head.get("source_hi", str, ""),
        "max_score": float(head.get("max_score", number, check=lambda v: v > 0, expect="a positive number")),
        "score_decimals": head.get("score_decimals", int, 2, lambda v: 0 <= v <= 6, "an integer 0-6"),
        "min_received": head.get("min_received", int, 5, lambda v: v >= 0, "an integer ≥ 0"),
        "suppress_below": head.get("suppress_below", int, 5, lambda v: v >= 0, "an integer ≥ 0"),
        "habitual_threshold": head.get("habitual_threshold", int, 10, lambda v: v >= 1, "an integer ≥ 1"),
        "long_pending_days": head.get("long_pending_days", int, 50, lambda v: v >= 1, "an integer ≥ 1"),
        "default_limit_days": head.get("default_limit_days", int, 7, lambda v: v >= 1, "an integer ≥ 1"),
        "missing": head.get("missing", str, "reweight", lambda v: v in MISSING_MODES, f"one of {MISSING_MODES}"),
        "min_data_pct": float(head.get("min_data_pct", number, 50, lambda v: 0 < v <= 100, "a number in (0, 100]")),
        "reliability_z": float(head.get("reliability_z", number, 1.96, lambda v: v >= 0, "a number ≥ 0")),
        "reading": head.get("reading", bool, False),
    }
    if "effective_from" in head.table:
        text = head.get("effective_from", str, check=_is_month, expect="a month as 'YYYY-MM'")
        scheme_kwargs["effective_from"] = date(int(text[:4]), int(text[5:7]), 1)
    head.done()
    if scheme_kwargs["min_received"] < scheme_kwargs["suppress_below"]:
        # A ranked entity must never be one whose figures the public side hides as too small.
        _Reader._fail(
            path,
            "[scheme].min_received",
            f"must be at least suppress_below ({scheme_kwargs['suppress_below']}), got {scheme_kwargs['min_received']}",
        )

    raw_components = top.get("components", list, check=bool, expect="a non-empty array of [[components]]")
    components = []
    for i, item in enumerate(raw_components, start=1):
        c = _Reader(item, path, f"[[components]] #{i}")
        metric = c.get(
            "metric",
            str,
            check=lambda v: v in registry and registry[v].unit in ("pct", "days"),
            expect="a percentage or days metric from grading.model.registry",
        )
        is_days = registry[metric].unit == "days"
        target = c.get("target_days", number, None, lambda v: v > 0, "a positive number of days")
        if is_days and (target is None or c.table.get("direction") != "lower"):
            what = f"{metric} is in days: give target_days and direction = 'lower'"
            _Reader._fail(path, f"[[components]] #{i}", what)
        if not is_days and target is not None:
            _Reader._fail(path, f"[[components]] #{i}.target_days", f"only a days metric has a target, not {metric}")
        components.append(
            Component(
                key=c.get("key", str, check=str.isidentifier, expect="an identifier"),
                metric=metric,
                weight=float(c.get("weight", number, check=lambda v: v > 0, expect="a positive number")),
                direction=c.get(
                    "direction", str, check=lambda v: v in ("higher", "lower"), expect="'higher' or 'lower'"
                ),
                label_en=c.get("label_en", str),
                label_hi=c.get("label_hi", str),
                reading=c.get("reading", bool, False),
                missing=c.get("missing", str, None, lambda v: v in MISSING_MODES, f"one of {MISSING_MODES}"),
                target_days=float(target) if target is not None else None,
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

    raw_groups = top.get("volume_groups", (dict, list), [])
    if isinstance(raw_groups, dict):
        groups: tuple[VolumeGroups, ...] = (_groups(raw_groups, path, "[volume_groups]"),)
    else:
        groups = tuple(_groups(item, path, f"[[volume_groups]] #{i}") for i, item in enumerate(raw_groups, start=1))
    covered = [t for g in groups for t in g.entity_types]
    if len(set(covered)) != len(covered):
        _Reader._fail(path, "[[volume_groups]]", f"an entity type has two rules: {covered}")
    flags = _flags(top.get("flags", dict, {}), path)
    top.done()
    return Scheme(
        **scheme_kwargs,
        components=tuple(components),
        grades=tuple(grades),
        volume_groups=groups,
        flags=flags,
        path=path,
    )


def _groups(table: Any, path: Path, where: str) -> VolumeGroups:
    v = _Reader(table, path, where)
    method = v.get("method", str, check=lambda m: m in ("top_n", "min_received"), expect="'top_n' or 'min_received'")
    thresholds = v.get(
        "min_received",
        (int, list),
        [] if method != "min_received" else ...,
        _descending_counts,
        "an integer ≥ 1 or a list of them, highest first",
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
        min_received=tuple([thresholds] if isinstance(thresholds, int) else thresholds),
        reading=v.get("reading", bool, False),
    )
    v.done()
    return groups


def _descending_counts(value: int | list[Any]) -> bool:
    items = [value] if isinstance(value, int) else value
    whole = all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in items)
    return bool(items) and whole and items == sorted(set(items), reverse=True)


def _flags(table: Any, path: Path) -> FlagSettings:
    f = _Reader(table, path, "[flags]")
    defaults = FlagSettings()
    values: dict[str, Any] = {}
    for name, default in defaults.__dict__.items():
        if isinstance(default, int):
            values[name] = f.get(name, int, default, lambda n: n >= 1, "an integer ≥ 1")
        else:
            values[name] = float(f.get(name, (int, float), default, lambda x: x > 0, "a positive number"))
    f.done()
    return FlagSettings(**values)
