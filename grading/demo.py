"""Deterministic synthetic complaint history in the canonical event form (``docs/reference.md`` section 1).

Grain: one row per event of the canonical event log (:data:`grading.schema.EVENT_SCHEMA`); one frame
per registration month holds every event (up to the cut-off) of the complaints registered in it.

Units: event times are naive ``Datetime("us")`` meaning Asia/Kolkata wall-clock time. Internally every
instant is an ``int64`` count of microseconds since 1970-01-01 00:00 *wall-clock* (so ``t % DAY`` is
the time of day); time limits are calendar days; ``scale`` 1.0 means ~400,000 new complaints a month.

How it works: a month's complaints are drawn at once (registration time, district, department,
category, channel, complainant), then their lifecycle is simulated in vectorised *rounds*: each round
plays one stint (a stay at a level) for every complaint still moving, then the call-back for those
resolved in it. A complaint leaves the rounds when it is closed or its next stint would start after the
cut-off, so a month needs at most ~12 rounds and no per-complaint Python code. Department quality
drifts month to month (a seeded AR(1) walk on a logit scale) so rankings move; the persistent leader
(ENERGY) tops most months.

One department games the last month so that the demo shows integrity flags
(:func:`grading.demo_gaming.plant_gaming`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from grading.demo_gaming import plant_gaming
from grading.schema import (
    CHANNELS,
    DEFAULT_LIMIT_DAYS,
    EVENT_SCHEMA,
    EVENTS,
    LEVELS,
    OUTCOMES,
    ChannelEnum,
    EventEnum,
    LevelEnum,
    OutcomeEnum,
    check_frame,
)

MINUTE: Final = 60_000_000
HOUR: Final = 60 * MINUTE
DAY: Final = 24 * HOUR

MONTHLY_VOLUME: Final = 400_000
CHANNEL_SHARE: Final = (0.70, 0.08, 0.08, 0.06, 0.03, 0.04, 0.01)  # in CHANNELS order
CALL_HOURS: Final = (8 * HOUR, 22 * HOUR)
TOP_AUTO_LEVEL: Final = 4  # MP escalates automatically up to L4 only
P_DUPLICATE: Final = 0.01
P_WITHDRAWN: Final = 0.01
P_TRANSFER: Final = 0.02
P_ATTEND: Final = 0.92
P_UNREACHABLE: Final = 0.15
CALL_TRIES: Final = 3
P_NOTE: Final = 0.05
HABITUAL_RATE: Final = 3e-5
# Senior officers resolve more readily; index = level number (0 unused).
LEVEL_BONUS: Final = np.array([0.0, 0.0, 0.3, 0.6, -0.3])
# Only L3/L4 officers may special-close (out of scope, policy matter, sub-judice).
SPECIAL_SHARE: Final = np.array([0.0, 0.0, 0.0, 0.30, 0.35])

EV: Final = {name: i for i, name in enumerate(EVENTS)}
OUT: Final = {name: i for i, name in enumerate(OUTCOMES)}

NOTES: Final[dict[str, tuple[str, ...]]] = {
    "registered": ("आवेदन पर कार्यवाही नहीं हुई", "शीघ्र निराकरण का अनुरोध", "Problem pending for a long time"),
    "transferred": ("गलत विभाग में दर्ज, स्थानांतरित", "Wrong department, transferred"),
    "attended": ("Field visit done", "मौके पर निरीक्षण किया गया", "Complainant contacted by officer"),
    "resolved": ("Action taken report uploaded", "समस्या का निराकरण किया गया", "Work completed"),
    "feedback": ("Call-back by CM Helpline", "कॉल-बैक किया गया"),
    "reopened": ("शिकायतकर्ता असंतुष्ट, पुनः खोली गई", "Reopened after call-back"),
    "escalated": ("Time limit exceeded", "समय-सीमा समाप्त, अगले स्तर पर"),
    "closed": ("शिकायत बंद", "Closed as per rules"),
}
_NOTE_TEXT: Final = pl.Series("note", [text for name in EVENTS for text in NOTES[name]])
_NOTE_COUNT: Final = np.array([len(NOTES[name]) for name in EVENTS])
_NOTE_OFFSET: Final = np.concatenate([[0], np.cumsum(_NOTE_COUNT)[:-1]])


@dataclass(frozen=True)
class _Reference:
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
class _Profiles:
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
class _Complaints:
    """One month's complaints, in registration order (code i = serial i + 1)."""

    registered: np.ndarray  # int64 µs
    district: np.ndarray
    dept: np.ndarray  # current department: changed by a transfer
    category: np.ndarray
    channel: np.ndarray
    person: np.ndarray  # complainant pool index


@dataclass
class _Moving:
    """Complaints entering a stint: ``ready`` is when officers can act (after a transfer, if any)."""

    idx: np.ndarray
    start: np.ndarray
    ready: np.ndarray
    level: np.ndarray
    dissatisfied: np.ndarray

    def take(self, mask: np.ndarray) -> _Moving:
        return _Moving(self.idx[mask], self.start[mask], self.ready[mask], self.level[mask], self.dissatisfied[mask])

    @staticmethod
    def concat(parts: list[_Moving]) -> _Moving:
        return _Moving(*(np.concatenate([getattr(p, f) for p in parts]) for f in _Moving.__dataclass_fields__))


@dataclass
class _Log:
    """Event rows as parallel integer arrays (codes; -1 = null), appended per round."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(
        self,
        event: str,
        cid: np.ndarray,
        t: np.ndarray,
        *,
        level: object = None,
        outcome: object = -1,
        dept: object = -1,
    ) -> None:
        """Append rows; ``level`` holds level numbers 1..5 (or None), ``outcome`` codes in OUTCOMES."""
        k = len(cid)
        if not k:
            return
        lvl = -1 if level is None else np.asarray(level, dtype=np.int8) - 1
        self.parts.append(
            (
                cid.astype(np.int32),
                t,
                np.full(k, EV[event], np.int8),
                np.broadcast_to(np.asarray(lvl, np.int8), (k,)),
                np.broadcast_to(np.asarray(outcome, np.int8), (k,)),
                np.broadcast_to(np.asarray(dept, np.int16), (k,)),
            )
        )

    def drain(self) -> list[np.ndarray]:
        """The rows as six concatenated columns; the parts are released to keep the peak low."""
        columns = [np.concatenate([p[j] for p in self.parts]) for j in range(6)]
        self.parts.clear()
        return columns


@dataclass
class _Sim:
    """What one month's simulation shares: reference, profiles, random stream, complaints, event log."""

    ref: _Reference
    prof: _Profiles
    rng: np.random.Generator
    bounds: np.ndarray  # (M + 1,) first microsecond of each generated month, then the month after
    c: _Complaints
    log: _Log = field(default_factory=_Log)


def generate(
    departments: pl.DataFrame,
    districts: pl.DataFrame,
    categories: pl.DataFrame,
    *,
    months: int,
    end: str,
    scale: float,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield a synthetic event log, one frame per registration month, oldest first.

    Parameters
    ----------
    departments, districts, categories : reference frames as loaded by :mod:`grading.reference`
        (department share ∝ ``volume_weight``, district share ∝ ``population``; a category's
        ``limit_lN_days`` are its time limits in calendar days).
    months : number of calendar months of registrations, ending with ``end``.
    end : last month, ``"YYYY-MM"``. The cut-off is its last microsecond: no event after it is emitted,
        so complaints registered late are still open.
    scale : volume; 1.0 ≈ Madhya Pradesh's ~400,000 new complaints a month statewide.
    seed : the same arguments always give identical frames.
    progress : called as ``progress(done_months, months)`` after each month has been consumed.

    Yields
    ------
    pl.DataFrame
        Exactly :data:`grading.schema.EVENT_SCHEMA`; one row per event of the complaints registered in
        that month, sorted by (complaint_id, event_time, lifecycle order). Memory is bounded by one month.
    """
    if months < 1 or scale <= 0:
        msg = f"months must be >= 1 and scale > 0 (got months={months}, scale={scale})"
        raise ValueError(msg)
    first = _month_number(end) - months + 1
    bounds = np.array([_month_start(first + i) for i in range(months + 1)], dtype=np.int64)
    cutoff = int(bounds[-1]) - 1
    ref = _reference(departments, districts, categories)
    root = np.random.SeedSequence(seed)
    profile_seed, *month_seeds = root.spawn(months + 1)
    profiles = _profiles(ref, months, scale, np.random.default_rng(profile_seed))
    for i in range(months):
        rng = np.random.default_rng(month_seeds[i])
        events = _month(ref, profiles, rng, first + i, bounds=bounds, cutoff=cutoff, scale=scale)
        yield plant_gaming(events, cutoff, seed)
        if progress:
            progress(i + 1, months)


def _month_number(text: str) -> int:
    """``"YYYY-MM"`` as a count of months since year 0 (year * 12 + month - 1)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        msg = f"end must be a month as YYYY-MM, got {text!r}"
        raise ValueError(msg)
    return int(match[1]) * 12 + int(match[2]) - 1


def _month_start(number: int) -> int:
    """First microsecond of month ``number`` (see :func:`_month_number`) since 1970-01-01."""
    return (date(number // 12, number % 12 + 1, 1) - date(1970, 1, 1)).days * DAY


def _reference(departments: pl.DataFrame, districts: pl.DataFrame, categories: pl.DataFrame) -> _Reference:
    """Index the reference frames; a department without a category gets ``<DEPT>_GENERAL``."""
    dept_codes = departments["code"].to_list()
    weight = departments["volume_weight"].fill_null(0.0).clip(lower_bound=0.0).to_numpy().astype(float)
    if not dept_codes or weight.sum() <= 0 or districts.is_empty():
        msg = "demo needs at least one department with a positive volume_weight and one district"
        raise ValueError(msg)
    pop = districts["population"].fill_null(0).cast(pl.Float64).to_numpy()
    pop = pop if pop.sum() > 0 else np.ones_like(pop)
    limit_cols = [f"limit_{lv.lower()}_days" for lv in LEVELS]
    rows = categories.select("code", "department", *limit_cols)
    rows = rows.with_columns(pl.col(limit_cols).fill_null(DEFAULT_LIMIT_DAYS))
    names: list[str] = []
    limits: list[tuple[int, ...]] = []
    offset, count = [], []
    for code in dept_codes:
        own = rows.filter(pl.col("department") == code)
        offset.append(len(names))
        if own.is_empty():
            names.append(f"{code}_GENERAL")
            limits.append((DEFAULT_LIMIT_DAYS,) * len(LEVELS))
        else:
            names.extend(own["code"].to_list())
            limits.extend(own.select(limit_cols).rows())
        count.append(len(names) - offset[-1])
    limit = np.zeros((len(names), len(LEVELS) + 1), dtype=np.int64)
    limit[:, 1:] = np.maximum(np.array(limits, dtype=np.int64), 1) * DAY
    leader = dept_codes.index("ENERGY") if "ENERGY" in dept_codes else int(np.argmax(weight))
    return _Reference(
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


def _profiles(ref: _Reference, months: int, scale: float, rng: np.random.Generator) -> _Profiles:
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
    return _Profiles(
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


def _month(
    ref: _Reference,
    prof: _Profiles,
    rng: np.random.Generator,
    number: int,
    *,
    bounds: np.ndarray,
    cutoff: int,
    scale: float,
) -> pl.DataFrame:
    """Every event (up to the cut-off) of the complaints registered in month ``number``."""
    sim = _Sim(ref, prof, rng, bounds, _register(ref, prof, rng, number, scale))
    c = sim.c
    sim.log.add("registered", np.arange(len(c.registered)), c.registered, level=1, dept=c.dept.copy())
    moving = _intake(sim)
    while len(moving.idx):
        resolved, escalated = _stint(sim, moving)
        moving = _Moving.concat([escalated, _callback(sim, resolved)])
        moving = moving.take(moving.start <= cutoff)
    year, month = divmod(number, 12)
    return check_frame(_frame(sim, cutoff, f"MP{year % 100:02d}{month + 1:02d}-"), EVENT_SCHEMA, "demo events")


def _register(ref: _Reference, prof: _Profiles, rng: np.random.Generator, number: int, scale: float) -> _Complaints:
    """Draw a month's new complaints, sorted by registration time."""
    start, stop = _month_start(number), _month_start(number + 1)
    days = (stop - start) // DAY
    season = 1.0 + 0.06 * np.cos(2 * np.pi * (number % 12 - 5) / 12)  # power and water peak in June
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
    return _Complaints(registered[order], district[order], dept[order], category[order], channel[order], person[order])


def _habituals(
    district: np.ndarray, person: np.ndarray, ref: _Reference, prof: _Profiles, rng: np.random.Generator
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


def _intake(sim: _Sim) -> _Moving:
    """Duplicates, withdrawals and transfers at L1; return the complaints that start their first stint."""
    c, ref, rng, log = sim.c, sim.ref, sim.rng, sim.log
    n = len(c.registered)
    cid = np.arange(n)
    u = rng.random(n)
    duplicate = u < P_DUPLICATE
    withdrawn = (u >= P_DUPLICATE) & (u < P_DUPLICATE + P_WITHDRAWN)
    transfer = ~duplicate & (rng.random(n) < P_TRANSFER) & (len(ref.dept_weight) > 1)
    moved = cid[transfer]
    when = c.registered[moved] + rng.integers(30 * MINUTE, 22 * HOUR, len(moved))
    new = rng.choice(len(ref.dept_weight), len(moved), p=ref.dept_weight).astype(np.int16)
    new = np.where(new == c.dept[moved], (new + 1) % len(ref.dept_weight), new).astype(np.int16)
    log.add("transferred", moved, when, dept=new)
    c.dept[moved] = new
    ready = c.registered.copy()
    ready[moved] = when
    dup = cid[duplicate]
    log.add("closed", dup, c.registered[dup] + rng.integers(10 * MINUTE, 12 * HOUR, len(dup)), outcome=OUT["duplicate"])
    gone = cid[withdrawn]
    log.add("closed", gone, ready[gone] + rng.integers(2 * HOUR, 5 * DAY, len(gone)), outcome=OUT["withdrawn"])
    stay = ~(duplicate | withdrawn)
    level = np.ones(stay.sum(), np.int8)
    return _Moving(cid[stay], c.registered[stay], ready[stay], level, np.zeros_like(level))


def _month_of(t: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Index (0..M-1) of the generated month holding each instant; later instants map to the last."""
    month: np.ndarray = np.clip(np.searchsorted(bounds, t, side="right") - 1, 0, len(bounds) - 2)
    return month


def _sigmoid(x: np.ndarray) -> np.ndarray:
    p: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return p


def _stint(sim: _Sim, s: _Moving) -> tuple[_Moving, _Moving]:
    """Play one stint for every moving complaint; return (resolved, escalated), each timed at its event.

    A stint ends in one of: resolved within the limit; escalated just after the limit (or, at L4, resolved
    after a long wait); force-closed; special-closed (L3/L4 only).
    """
    c, ref, prof, rng, log = sim.c, sim.ref, sim.prof, sim.rng, sim.log
    k = len(s.idx)
    m = _month_of(s.start, sim.bounds)
    d = c.dept[s.idx]
    deadline = s.start + ref.limit[c.category[s.idx], s.level]
    p_res = _sigmoid(prof.resolve[m, d] + prof.district[c.district[s.idx]] + LEVEL_BONUS[s.level])
    top = s.level >= TOP_AUTO_LEVEL
    p_special = SPECIAL_SHARE[s.level]
    p_force = _sigmoid(prof.force[m, d]) * np.where(top, 3.0, 1.0)
    u = rng.random(k)
    special = u < p_special
    force = ~special & (u < p_special + p_force)
    resolve = ~(special | force) & ((u - p_special - p_force) / (1.0 - p_special - p_force) < p_res)
    late = ~(special | force | resolve)

    room = np.maximum(deadline - s.ready, HOUR)
    end = s.ready + (room * (0.05 + 0.93 * rng.beta(1.6, prof.pace[m, d]))).astype(np.int64)
    closing = s.ready + (room * rng.uniform(0.3, 1.0, k)).astype(np.int64)
    end = np.where(special | force, closing, end)
    end = np.where(late, deadline + rng.integers(5 * MINUTE, 4 * HOUR, k), end)
    # At L4 nothing escalates further: the complaint waits, in weak departments often for months.
    wait = (prof.wait_days[m, d] * rng.lognormal(0.0, 0.8, k) * DAY).astype(np.int64)
    end = np.where(top & late, deadline + wait, np.where(top & (special | force), s.ready + wait, end))

    attend = s.ready + MINUTE + (prof.attend_hours[m, d] * rng.lognormal(0.0, 0.7, k) * HOUR).astype(np.int64)
    solved = resolve | (top & late)
    squeeze = solved & (attend >= end - MINUTE)
    attend = np.where(squeeze, s.ready + ((end - s.ready) * rng.uniform(0.2, 0.8, k)).astype(np.int64), attend)
    attended = (rng.random(k) < P_ATTEND) & (attend < end - MINUTE)
    log.add("attended", s.idx[attended], attend[attended], level=s.level[attended])
    log.add("resolved", s.idx[solved], end[solved], level=s.level[solved])
    up = late & ~top
    log.add("escalated", s.idx[up], end[up], level=s.level[up] + 1)
    log.add("closed", s.idx[force], end[force], outcome=OUT["force"])
    log.add("closed", s.idx[special], end[special], outcome=OUT["special"])

    resolved = s.take(solved)
    resolved.start = end[solved]
    escalated = s.take(up)
    escalated.start = escalated.ready = end[up]
    escalated.level = (escalated.level + 1).astype(np.int8)
    return resolved, escalated


def _call_hours(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move instants outside 8:00-22:00 to the next morning (the call centre phones in the day)."""
    tod = t % DAY
    shift = np.where(tod < CALL_HOURS[0], CALL_HOURS[0] - tod, 0)
    shift = np.where(tod >= CALL_HOURS[1], DAY - tod + CALL_HOURS[0], shift)
    return t + shift + np.where(shift > 0, rng.integers(0, 2 * HOUR, len(t)), 0)


def _callback(sim: _Sim, r: _Moving) -> _Moving:
    """Phone complainants after ``resolved`` (at ``r.start``); close them or return those reopened.

    Up to three tries a day or two apart; three unreachable tries close the complaint as ``resolved``.
    Dissatisfied the first time reopens at L1, the second time at L2, the third time force-closes.
    """
    c, prof, rng, log = sim.c, sim.prof, sim.rng, sim.log
    k = len(r.idx)
    d = c.dept[r.idx]
    p_sat = _sigmoid(prof.satisfied[_month_of(r.start, sim.bounds), d] + 0.5 * prof.district[c.district[r.idx]])
    t = r.start.copy()
    waiting = np.ones(k, dtype=bool)
    reached = np.zeros(k, dtype=bool)
    satisfied = np.zeros(k, dtype=bool)
    for attempt in range(CALL_TRIES):
        lo, hi = (12 * HOUR, 72 * HOUR) if attempt == 0 else (24 * HOUR, 48 * HOUR)
        w = np.flatnonzero(waiting)
        t[w] = _call_hours(t[w] + rng.integers(lo, hi, len(w)), rng)
        unreachable = rng.random(len(w)) < P_UNREACHABLE
        happy = rng.random(len(w)) < p_sat[w]
        heard = np.where(happy, OUT["satisfied"], OUT["dissatisfied"])
        log.add("feedback", r.idx[w], t[w], outcome=np.where(unreachable, OUT["unreachable"], heard))
        reached[w[~unreachable]] = True
        satisfied[w[~unreachable & happy]] = True
        waiting[w[~unreachable]] = False

    happy = reached & satisfied
    unhappy = reached & ~satisfied
    strikes = r.dissatisfied + unhappy.astype(np.int8)
    fed_up = unhappy & (strikes >= 3)
    for done, (lo, hi), why in (
        (waiting, (HOUR, 2 * DAY), "resolved"),  # never reached: closed on the officer's resolution
        (happy, (2 * MINUTE, 3 * HOUR), "satisfied"),
        (fed_up, (HOUR, 3 * DAY), "force"),  # dissatisfied a third time
    ):
        log.add("closed", r.idx[done], t[done] + rng.integers(lo, hi, done.sum()), outcome=OUT[why])
    again = unhappy & ~fed_up
    when = t[again] + rng.integers(10 * MINUTE, 12 * HOUR, again.sum())
    reopened = _Moving(r.idx[again], when, when, strikes[again], strikes[again])
    log.add("reopened", reopened.idx, reopened.start, level=reopened.level)
    return reopened


def _codes(values: np.ndarray) -> pl.Series:
    """Integer codes as a nullable UInt32 series (-1 becomes null)."""
    s = pl.Series(values)
    return pl.select(pl.when(s >= 0).then(s).cast(pl.UInt32)).to_series()


def _frame(sim: _Sim, cutoff: int, prefix: str) -> pl.DataFrame:
    """Sort the integer log, drop what falls after the cut-off, and map codes to names."""
    c, ref, rng = sim.c, sim.ref, sim.rng
    cid, t, ev, level, outcome, dept = sim.log.drain()
    keep = t <= cutoff
    ints = pl.DataFrame(
        {
            "cid": cid[keep],
            "t": t[keep],
            "ev": ev[keep],
            "level": level[keep],
            "outcome": outcome[keep],
            "dept": dept[keep],
        }
    ).sort("cid", "t", "ev")
    cid, t, ev, level, outcome, dept = (ints[col].to_numpy() for col in ints.columns)
    n_rows = len(cid)
    is_reg = ev == EV["registered"]
    reg_cid = np.where(is_reg, cid, -1)
    serial = pl.Series(np.arange(1, len(c.registered) + 1, dtype=np.int64))
    ids = pl.select(pl.concat_str(pl.lit(prefix), serial.cast(pl.String).str.zfill(7))).to_series()
    a, b = sim.prof.pseudonym
    number = (c.person.astype(np.int64) * a + b) % 10**9
    people = pl.select(pl.concat_str(pl.lit("CP"), pl.Series(number).cast(pl.String).str.zfill(9))).to_series()
    wants_note = rng.random(n_rows) < P_NOTE
    note = np.where(wants_note, _NOTE_OFFSET[ev] + (rng.random(n_rows) * _NOTE_COUNT[ev]).astype(np.int64), -1)
    return pl.DataFrame(
        {
            "complaint_id": ids.gather(pl.Series(cid.astype(np.uint32))),
            "event_time": pl.Series(t).cast(pl.Datetime("us")),
            "event": pl.Series(ev).cat.to(EventEnum),
            "level": _codes(level).cat.to(LevelEnum),
            "department": ref.dept_names.gather(_codes(dept)),
            "district": ref.dist_names.gather(_codes(np.where(is_reg, c.district[cid], -1))),
            "category": ref.cat_names.gather(_codes(np.where(is_reg, c.category[cid], -1))),
            "complainant": people.gather(_codes(reg_cid)),
            "channel": _codes(np.where(is_reg, c.channel[cid], -1)).cat.to(ChannelEnum),
            "outcome": _codes(outcome).cat.to(OutcomeEnum),
            "note": _NOTE_TEXT.gather(_codes(note)),
            "limit_days": pl.Series([None] * n_rows, dtype=pl.Int32),  # the category sets the limits
        }
    )
