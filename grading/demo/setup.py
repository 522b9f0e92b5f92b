"""What the demo's simulation starts from: reference codes indexed, department quality, new complaints.

Part of the demo generator (:mod:`grading.demo.simulate` plays each complaint's history from here). Grain:
:class:`Complaints` holds one month's new complaints, one array element per complaint in
registration order; :class:`Profiles` one quality value per (month, department) and one offset per
district. Units: instants are ``int64`` microseconds since 1970-01-01 00:00 *wall-clock* Asia/Kolkata
(so ``t % DAY`` is the time of day); time limits are calendar days; ``scale`` 1.0 means
:data:`MONTHLY_VOLUME` new complaints a month statewide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from grading.model.schema import CHANNELS, LEVELS
from grading.rules.asof import next_month

MINUTE: Final = 60_000_000
HOUR: Final = 60 * MINUTE
DAY: Final = 24 * HOUR

MONTHLY_VOLUME: Final = 400_000
CHANNEL_SHARE: Final = (0.70, 0.08, 0.08, 0.06, 0.03, 0.04, 0.01)  # in CHANNELS order
CALL_HOURS: Final = (8 * HOUR, 22 * HOUR)
HABITUAL_RATE: Final = 3e-5


@dataclass(frozen=True)
class Reference:
    """Reference codes as arrays indexed by integer codes (department d, district k, category c)."""

    dept_names: pl.Series
    dept_weight: np.ndarray  # (D,) volume share, sums to 1
    dist_names: pl.Series
    dist_share: np.ndarray  # (K,) population share, sums to 1
    cat_names: pl.Series
    cat_offset: np.ndarray  # (D,) first category code of each department
    cat_count: np.ndarray  # (D,) categories of each department (>= 1)
    limit: np.ndarray  # (C, 5) limit in microseconds at L1..L4, column = level number
    leader: int


@dataclass(frozen=True)
class Profiles:
    """Quality per (month m, department d) on logit or log scales, plus fixed district effects."""

    resolve: np.ndarray  # (M, D) logit P(resolved within the limit) in a stint
    satisfied: np.ndarray  # (M, D) logit P(satisfied | reached at call-back)
    force: np.ndarray  # (M, D) logit P(force-closed) in a stint
    attend_hours: np.ndarray  # (M, D) median hours from stint start to `attended`
    pace: np.ndarray  # (M, D) beta parameter: larger resolves earlier within the limit
    wait_days: np.ndarray  # (M, D) median days an unresolved L4 stint waits
    district: np.ndarray  # (K,) logit offset added to resolve and satisfied
    dept_cum: np.ndarray  # (K*D,) per-district cumulative department share, row k shifted by +k
    pool: int  # size of the statewide complainant population
    pseudonym: tuple[int, int]  # bijection pool index -> 9-digit number: (a * i + b) mod 10**9


@dataclass
class Complaints:
    """One month's complaints, in registration order (code i = serial i + 1)."""

    registered: np.ndarray  # int64 µs
    district: np.ndarray
    dept: np.ndarray  # current department: changed by a transfer
    category: np.ndarray
    channel: np.ndarray
    person: np.ndarray  # complainant pool index


def instant(day: date) -> int:
    """The first microsecond of ``day`` as the demo counts instants (since 1970-01-01 wall clock). Month
    arithmetic is :mod:`grading.rules.asof`'s."""
    return (day - date(1970, 1, 1)).days * DAY


def index_reference(
    departments: pl.DataFrame, districts: pl.DataFrame, categories: pl.DataFrame, default_limit_days: int
) -> Reference:
    """Index the reference frames; a department without a category gets ``<DEPT>_GENERAL``, and a category
    without a limit the scheme's ``default_limit_days`` (as the store's derivation gives it)."""
    dept_codes = departments["code"].to_list()
    weight = departments["volume_weight"].fill_null(0.0).clip(lower_bound=0.0).to_numpy().astype(float)
    if not dept_codes or weight.sum() <= 0 or districts.is_empty():
        msg = "demo needs at least one department with a positive volume_weight and one district"
        raise ValueError(msg)
    pop = districts["population"].fill_null(0).cast(pl.Float64).to_numpy()
    pop = pop if pop.sum() > 0 else np.ones_like(pop)
    limit_cols = [f"limit_{lv.lower()}_days" for lv in LEVELS]
    rows = categories.select("code", "department", *limit_cols)
    rows = rows.with_columns(pl.col(limit_cols).fill_null(default_limit_days))
    names: list[str] = []
    limits: list[tuple[int, ...]] = []
    offset, count = [], []
    for code in dept_codes:
        own = rows.filter(pl.col("department") == code)
        offset.append(len(names))
        if own.is_empty():
            names.append(f"{code}_GENERAL")
            limits.append((default_limit_days,) * len(LEVELS))
        else:
            names.extend(own["code"].to_list())
            limits.extend(own.select(limit_cols).rows())
        count.append(len(names) - offset[-1])
    limit = np.zeros((len(names), len(LEVELS) + 1), dtype=np.int64)
    limit[:, 1:] = np.maximum(np.array(limits, dtype=np.int64), 1) * DAY
    leader = dept_codes.index("ENERGY") if "ENERGY" in dept_codes else int(np.argmax(weight))
    return Reference(
        dept_names=pl.Series(dept_codes, dtype=pl.String),
        dept_weight=weight / weight.sum(),
        dist_names=districts["code"],
        dist_share=pop / pop.sum(),
        cat_names=pl.Series(names, dtype=pl.String),
        cat_offset=np.array(offset),
        cat_count=np.array(count),
        limit=limit,
        leader=leader,
    )


def draw_profiles(ref: Reference, months: int, scale: float, rng: np.random.Generator) -> Profiles:
    """Draw each department's monthly quality walk and the fixed district and mix effects."""
    n_dept, n_dist = len(ref.dept_weight), len(ref.dist_share)
    base = rng.normal(0.0, 0.5, n_dept)
    trend = rng.normal(0.0, 0.03, n_dept)  # some departments slowly rise, others slide
    step = rng.normal(0.0, 0.3, (months, n_dept))
    # The leader stays well ahead most months, as MP's energy department did (15 months at rank 1).
    base[ref.leader], trend[ref.leader] = 3.0, 0.0
    step[:, ref.leader] *= 0.5
    walk = np.zeros((months, n_dept))
    for m in range(months):  # AR(1): quality wanders but returns towards each department's base
        walk[m] = (0.8 * walk[m - 1] if m else 0.0) + step[m]
    z = base + trend * np.arange(months)[:, None] + walk
    mix = ref.dept_weight * np.exp(rng.normal(0.0, 0.25, (n_dist, n_dept)))
    cum = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    pool = max(100, round(MONTHLY_VOLUME * scale * months * 0.8))
    a = int(rng.integers(1, 10**8)) * 10 + 3  # odd and not a multiple of 5, so coprime with 10**9
    return Profiles(
        resolve=0.8 + 0.7 * z,
        satisfied=1.4 + 0.6 * z + rng.normal(0.0, 0.2, (months, n_dept)),
        force=-3.9 - 0.5 * z,
        attend_hours=np.clip(20.0 * np.exp(-0.5 * z), 1.0, 96.0),
        pace=2.6 * np.exp(0.3 * z),
        wait_days=20.0 * np.exp(-0.6 * z),
        district=rng.normal(0.0, 0.25, n_dist),
        dept_cum=(cum + np.arange(n_dist)[:, None]).ravel(),
        pool=pool,
        pseudonym=(a, int(rng.integers(0, 10**9))),
    )


def draw_complaints(ref: Reference, prof: Profiles, rng: np.random.Generator, month: date, scale: float) -> Complaints:
    """Draw the new complaints of ``month`` (its first day), sorted by registration time."""
    start, stop = instant(month), instant(next_month(month))
    days = (stop - start) // DAY
    season = 1.0 + 0.06 * np.cos(2 * np.pi * (month.month - 1 - 5) / 12)  # power and water peak in June
    n = int(rng.poisson(MONTHLY_VOLUME * scale * season * days / 30.4375))
    district = rng.choice(len(ref.dist_share), n, p=ref.dist_share).astype(np.int16)
    person = rng.integers(0, prof.pool, n)
    _habituals(district, person, ref, prof, rng)
    # Department conditional on district in one search: row k of dept_cum lies in (k, k + 1].
    n_dept = len(ref.dept_weight)
    pos = np.searchsorted(prof.dept_cum, rng.random(n) + district, side="right")
    dept = np.minimum(pos - district.astype(np.int64) * n_dept, n_dept - 1).astype(np.int16)
    category = (ref.cat_offset[dept] + (rng.random(n) * ref.cat_count[dept]).astype(np.int64)).astype(np.int16)
    channel = np.searchsorted(np.cumsum(CHANNEL_SHARE), rng.random(n) * sum(CHANNEL_SHARE), side="right")
    channel = np.minimum(channel, len(CHANNELS) - 1).astype(np.int8)
    # The call centre works 8:00-22:00; online channels also take some night-time complaints.
    night = (channel != CHANNELS.index("call")) & (rng.random(n) < 0.3)
    lo = np.where(night, 0, CALL_HOURS[0])
    hi = np.where(night, DAY, CALL_HOURS[1])
    registered = start + rng.integers(0, days, n) * DAY + rng.integers(lo, hi)
    order = np.argsort(registered, kind="stable")
    return Complaints(registered[order], district[order], dept[order], category[order], channel[order], person[order])


def _habituals(
    district: np.ndarray, person: np.ndarray, ref: Reference, prof: Profiles, rng: np.random.Generator
) -> None:
    """Give a handful of complainants 11-25 complaints each this month, all in their home district."""
    n = len(person)
    count = round(HABITUAL_RATE * n)
    count = max(count, 2) if n >= 1000 else count
    count = min(count, prof.pool)
    if not count:
        return
    filed = rng.integers(11, 26, count)
    filed = filed[np.cumsum(filed) <= n]
    who = rng.choice(prof.pool, len(filed), replace=False)
    home = rng.choice(len(ref.dist_share), len(filed), p=ref.dist_share)
    slots = rng.choice(n, int(filed.sum()), replace=False)
    person[slots] = np.repeat(who, filed)
    district[slots] = np.repeat(home, filed)
