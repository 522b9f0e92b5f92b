"""Deterministic synthetic complaint history in the canonical event form (``docs/reference.md`` section 1).

Grain: one row per event of the canonical event log (:data:`grading.model.schema.EVENT_SCHEMA`); one frame
per registration month holds every event (up to the cut-off) of the complaints registered in it.

Units: event times are naive ``Datetime("us")`` meaning Asia/Kolkata wall-clock time. Internally every
instant is an ``int64`` count of microseconds since 1970-01-01 00:00 *wall-clock* (so ``t % DAY`` is
the time of day); time limits are calendar days; ``scale`` 1.0 means ~400,000 new complaints a month.

How it works: a month's complaints are drawn at once (registration time, district, department,
category, channel, complainant; :mod:`grading.demo.setup`, with the reference codes and each
department's quality), then their lifecycle is simulated in vectorised *rounds*: each round
plays one stint (a stay at a level) for every complaint still moving, then the call-back for those
resolved in it. A complaint leaves the rounds when it is closed or its next stint would start after the
cut-off, so a month needs at most ~12 rounds and no per-complaint Python code. Department quality
drifts month to month (a seeded AR(1) walk on a logit scale) so rankings move; the persistent leader
(ENERGY) tops most months.

One department games the last month so that the demo shows integrity flags
(:func:`grading.demo.gaming.plant_gaming`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from grading.demo.gaming import plant_gaming
from grading.demo.setup import (
    CALL_HOURS,
    DAY,
    HOUR,
    MINUTE,
    Complaints,
    Profiles,
    Reference,
    draw_complaints,
    draw_profiles,
    index_reference,
    instant,
)
from grading.model.schema import (
    EVENT_SCHEMA,
    EVENTS,
    OUTCOMES,
    ChannelEnum,
    EventEnum,
    LevelEnum,
    OutcomeEnum,
    check_frame,
)
from grading.rules.asof import add_months, parse_month

TOP_AUTO_LEVEL: Final = 4  # MP escalates automatically up to L4 only
P_DUPLICATE: Final = 0.01
P_WITHDRAWN: Final = 0.01
P_TRANSFER: Final = 0.02
P_ATTEND: Final = 0.92
P_UNREACHABLE: Final = 0.15
CALL_TRIES: Final = 3
P_NOTE: Final = 0.05
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

    ref: Reference
    prof: Profiles
    rng: np.random.Generator
    bounds: np.ndarray  # (M + 1,) first microsecond of each generated month, then the month after
    c: Complaints
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
    default_limit_days: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield a synthetic event log, one frame per registration month, oldest first.

    Parameters
    ----------
    departments, districts, categories : reference frames as loaded by :mod:`grading.store.reference`
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
        Exactly :data:`grading.model.schema.EVENT_SCHEMA`; one row per event of the complaints registered in
        that month, sorted by (complaint_id, event_time, lifecycle order). Memory is bounded by one month.
    """
    if months < 1 or scale <= 0:
        msg = f"months must be >= 1 and scale > 0 (got months={months}, scale={scale})"
        raise ValueError(msg)
    last = parse_month(end)
    if last is None:
        msg = f"end must be a month as YYYY-MM, got {end!r}"
        raise ValueError(msg)
    calendar = [add_months(last, i - months + 1) for i in range(months + 1)]
    bounds = np.array([instant(month) for month in calendar], dtype=np.int64)
    cutoff = int(bounds[-1]) - 1
    ref = index_reference(departments, districts, categories, default_limit_days)
    root = np.random.SeedSequence(seed)
    profile_seed, *month_seeds = root.spawn(months + 1)
    profiles = draw_profiles(ref, months, scale, np.random.default_rng(profile_seed))
    for i in range(months):
        rng = np.random.default_rng(month_seeds[i])
        events = _month(ref, profiles, rng, calendar[i], bounds=bounds, cutoff=cutoff, scale=scale)
        yield plant_gaming(events, cutoff, seed)
        if progress:
            progress(i + 1, months)


def _month(
    ref: Reference,
    prof: Profiles,
    rng: np.random.Generator,
    month: date,
    *,
    bounds: np.ndarray,
    cutoff: int,
    scale: float,
) -> pl.DataFrame:
    """Every event (up to the cut-off) of the complaints registered in ``month``."""
    sim = _Sim(ref, prof, rng, bounds, draw_complaints(ref, prof, rng, month, scale))
    c = sim.c
    sim.log.add("registered", np.arange(len(c.registered)), c.registered, level=1, dept=c.dept.copy())
    moving = _intake(sim)
    while len(moving.idx):
        resolved, escalated = _stint(sim, moving)
        moving = _Moving.concat([escalated, _callback(sim, resolved)])
        moving = moving.take(moving.start <= cutoff)
    prefix = f"MP{month.year % 100:02d}{month.month:02d}-"
    return check_frame(_frame(sim, cutoff, prefix), EVENT_SCHEMA, "demo events")


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
            "limit_days": pl.Series([None] * n_rows, dtype=pl.Float64),  # the category sets the limits
        }
    )
