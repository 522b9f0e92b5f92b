"""Integrity flags: signs that a department or district games the grading (pure Polars).

Grain of the result (:data:`FLAG_SCHEMA`): one row per raised flag, i.e. per (entity, flag code) for
one month. ``count`` out of ``base`` is the entity's own figure (``share_pct`` = count / base × 100);
``own_pct`` is what the entity's own history or pace would give, ``state_pct`` the same share for the
whole state (all entities of the type) in the month. Percentages are 0-100.

Every flag reads the month as of its cut-off, like the grading, so a month's flags never change.
Complaints of habitual complainants are left out, as in the grading. Thresholds are scheme settings
(``[flags]``, :class:`grading.scoring.schemes.FlagSettings`): ``min_count`` (fewest closures or stints behind
a flag), ``ratio`` ("far above": at least this many times the reference share), ``min_z`` (and the
excess beyond chance: at least ``min_z`` binomial standard deviations above what the reference share
would give, so a department with 20 closures is not flagged for 2 extra) and one floor per flag.

A flag is a reason to look, not a verdict: each sentence says what was seen and against what.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

import polars as pl

from grading.rules.asof import limit_duration, month_window
from grading.scoring.counts import ENTITY_KEYS
from grading.scoring.schemes import FlagSettings
from grading.words import filled, say

if TYPE_CHECKING:
    pass

#: Flag code → (English title, Hindi title, what it means, what it means in Hindi). Read by the methodology and
#: department pages; the thresholds are the scheme's (:func:`describe`).
FLAGS: Final[dict[str, tuple[str, str, str, str]]] = {
    "closure_spike": (
        "Closure spike before the cut-off",
        "कट-ऑफ से ठीक पहले बंद करने में उछाल",
        "A large share of the month's closures came in the last days before the month's cut-off: at least "
        "{spike_min_pct:g} % in the last {spike_days} days, and at least {ratio:g} times both the share the "
        "entity's own pace on the other days of the month would give and the state's share.",
        "माह के बंद मामलों का बड़ा हिस्सा माह के कट-ऑफ से ठीक पहले के अंतिम दिनों में आया: अंतिम {spike_days} दिनों में "
        "कम से कम {spike_min_pct:g} %, और यह माह के बाकी दिनों की इकाई की अपनी रफ़्तार से बनने वाले हिस्से तथा राज्य के "
        "हिस्से, दोनों का कम से कम {ratio:g} गुना हो।",
    ),
    "repeat_after_satisfied": (
        "Satisfied closures that came back",
        "संतुष्टि से बंद शिकायतें जो फिर आईं",
        "Complaints closed 'satisfied' in the month after which the same complainant filed a complaint of the "
        "same category within {repeat_days} days (by the cut-off): at least {repeat_min_pct:g} % of the "
        "satisfied closures and {ratio:g} times the state's share.",
        "माह में 'संतुष्ट' रूप से बंद वे शिकायतें जिनके बाद उसी शिकायतकर्ता ने {repeat_days} दिनों के भीतर (कट-ऑफ तक) उसी "
        "श्रेणी की नई शिकायत की: संतुष्टि से बंद शिकायतों का कम से कम {repeat_min_pct:g} % और राज्य के हिस्से का "
        "{ratio:g} गुना।",
    ),
    "forced_closures": (
        "Force and special closures far above normal",
        "असामान्य रूप से अधिक बलपूर्वक/विशेष बंद",
        "Force-closed plus special-closed complaints were at least {forced_min_pct:g} % of the month's "
        "closures and at least {ratio:g} times the entity's own share over the previous "
        "{forced_history_months} months, or {forced_peer_ratio:g} times the state's share.",
        "बलपूर्वक और विशेष रूप से बंद शिकायतें माह के बंद मामलों का कम से कम {forced_min_pct:g} % रहीं, और पिछले "
        "{forced_history_months} माह में इकाई के अपने हिस्से का कम से कम {ratio:g} गुना, या राज्य के हिस्से का "
        "{forced_peer_ratio:g} गुना।",
    ),
    "no_callback": (
        "Closures without a call-back",
        "बिना कॉल-बैक के बंद",
        "At least {no_callback_min_pct:g} % of the month's closures had no call-back to the complainant at "
        "all, and at least {ratio:g} times the state's share.",
        "माह के कम से कम {no_callback_min_pct:g} % बंद मामलों में शिकायतकर्ता को एक भी कॉल-बैक नहीं हुआ, और यह राज्य "
        "के हिस्से का कम से कम {ratio:g} गुना है।",
    ),
    "closure_at_limit": (
        "Resolutions just before the time limit",
        "समय-सीमा से ठीक पहले निराकरण",
        "Of the stays at a level that ended before their time limit in the month, at least "
        "{brink_min_pct:g} % ended in the last {brink_hours} hours before the limit (escalation avoidance), "
        "and at least {ratio:g} times the state's share.",
        "माह में किसी स्तर पर जो ठहराव अपनी समय-सीमा से पहले समाप्त हुए, उनमें से कम से कम {brink_min_pct:g} % सीमा से "
        "पहले के अंतिम {brink_hours} घंटों में समाप्त हुए (ऊपर के स्तर पर जाने से बचाव), और यह राज्य के हिस्से का कम से "
        "कम {ratio:g} गुना है।",
    ),
}

FLAG_SCHEMA: Final = pl.Schema(
    {
        "entity_type": pl.String,
        "department": pl.String,
        "district": pl.String,
        "month": pl.Date,
        "flag": pl.String,
        "sentence": pl.String,
        "count": pl.Int64,
        "base": pl.Int64,
        "share_pct": pl.Float64,
        "own_pct": pl.Float64,
        "state_pct": pl.Float64,
    }
)


def describe(code: str, settings: FlagSettings, lang: str = "en") -> str:
    """The plain-words rule of a flag with the scheme's thresholds filled in, in ``lang`` (``en`` or ``hi``)."""
    return FLAGS[code][3 if lang == "hi" else 2].format(**settings.__dict__)


def _share(count: str, base: str) -> pl.Expr:
    return pl.when(pl.col(base) > 0).then(pl.col(count) / pl.col(base) * 100.0)


def _finish(
    counted: pl.DataFrame, by: str, month: date, code: str, *, sentence: pl.Expr, raised: pl.Expr
) -> pl.DataFrame:
    """Keep the raised rows and shape them as :data:`FLAG_SCHEMA`."""
    keys = ENTITY_KEYS[by]
    out = counted.filter(raised.fill_null(False)).with_columns(
        entity_type=pl.lit(by), month=pl.lit(month), flag=pl.lit(code), sentence=sentence
    )
    for missing in {"department", "district"} - set(keys):
        out = out.with_columns(pl.lit(None, pl.String).alias(missing))
    for optional in ("own_pct",):
        if optional not in out.columns:
            out = out.with_columns(pl.lit(None, pl.Float64).alias(optional))
    return out.select([pl.col(n).cast(t) for n, t in FLAG_SCHEMA.items()])


def _far_above(reference: str, ratio: float, s: FlagSettings) -> pl.Expr:
    """The share is at least ``ratio`` times ``reference`` (a percentage column) and the excess is
    beyond chance: ``count − expected ≥ min_z × sqrt(base × p × (1 − p))`` with p the reference share."""
    p = pl.col(reference) / 100.0
    expected = pl.col("base") * p
    chance = s.min_z * (pl.col("base") * p * (1.0 - p)).sqrt()
    return ((pl.col("share_pct") >= ratio * pl.col(reference)) & (pl.col("count") - expected >= chance)).fill_null(
        False
    )


def plain_number(expr: pl.Expr, decimals: int) -> pl.Expr:
    """A figure as plain text: 12 / 12.5 (the stored sentence; readers' pages group digits the Indian way)."""
    return expr.round(decimals).cast(pl.String) if decimals else expr.cast(pl.String)


def evidence(
    code: str, settings: FlagSettings, lang: str = "en", number: Callable[[pl.Expr, int], pl.Expr] = plain_number
) -> pl.Expr:
    """The evidence sentence of a raised ``code`` flag in ``lang``, from a :data:`FLAG_SCHEMA` row's figures and
    the scheme's thresholds (the catalogue's ``evidence_<code>``); ``number`` writes a figure with its decimals
    (the pages pass :func:`grading.outputs.fmt.indian_expr`)."""

    def pct(column: str) -> pl.Expr:
        return pl.concat_str(number(pl.col(column), 1), pl.lit("%"))

    values = {
        "count": number(pl.col("count"), 0),
        "base": number(pl.col("base"), 0),
        "share": pct("share_pct"),
        "state": pct("state_pct"),
        "own": pct("own_pct").fill_null(pl.lit(say("evidence_no_figure", lang))),
        "days": pl.lit(settings.spike_days if code == "closure_spike" else settings.repeat_days),
        "hours": pl.lit(settings.brink_hours),
        "months": pl.lit(settings.forced_history_months),
    }
    return filled(f"evidence_{code}", lang, values)


def evidence_of(settings: FlagSettings, lang: str, number: Callable[[pl.Expr, int], pl.Expr] = plain_number) -> pl.Expr:
    """:func:`evidence` for rows of any flag (by the row's ``flag`` code)."""
    out = pl.lit(None, pl.String)
    for code in reversed(FLAGS):
        out = pl.when(pl.col("flag") == code).then(evidence(code, settings, lang, number)).otherwise(out)
    return out.alias("sentence")


def closure_spike(closures: pl.DataFrame, month: date, by: str, s: FlagSettings) -> pl.DataFrame:
    """``closures``: one row per complaint closed in the month (``closed_at``) with its entity."""
    start, end, _ = month_window(month)
    days = (end - start).days
    keys = list(ENTITY_KEYS[by])
    in_last = pl.col("closed_at") >= end - timedelta(days=s.spike_days)
    counted = closures.group_by(keys).agg(count=in_last.sum().cast(pl.Int64), base=pl.len().cast(pl.Int64))
    state = closures.select(in_last.mean() * 100.0).item() if closures.height else None
    other_daily = (pl.col("base") - pl.col("count")) / (days - s.spike_days)
    counted = counted.with_columns(
        share_pct=_share("count", "base"),
        own_pct=other_daily * s.spike_days / pl.col("base") * 100.0,
        state_pct=pl.lit(state, pl.Float64),
    )
    raised = (
        (pl.col("base") >= s.min_count)
        & (pl.col("share_pct") >= s.spike_min_pct)
        & _far_above("own_pct", s.ratio, s)
        & _far_above("state_pct", s.ratio, s)
    )
    sentence = evidence("closure_spike", s)
    return _finish(counted, by, month, "closure_spike", sentence=sentence, raised=raised)


def repeat_after_satisfied(complaints: pl.DataFrame, month: date, by: str, s: FlagSettings) -> pl.DataFrame:
    """``complaints``: :func:`grading.store.case_reads.flag_complaints` rows of the month with their entity
    (null entity: not graded, e.g. habitual, but still a possible repeat)."""
    start, _, cutoff = month_window(month)
    keys = list(ENTITY_KEYS[by])
    satisfied = complaints.filter(
        (pl.col("close_outcome") == "satisfied")
        & pl.col("closed_at").is_between(start, cutoff)
        & pl.col(keys[0]).is_not_null()
    )
    later = complaints.select(
        "complainant", "category", pl.col("complaint_key").alias("other_key"), pl.col("registered_at").alias("again_at")
    )
    repeats = (
        satisfied.join(later, on=["complainant", "category"])
        .filter(
            (pl.col("other_key") != pl.col("complaint_key"))
            & (pl.col("again_at") > pl.col("closed_at"))
            & (pl.col("again_at") <= pl.col("closed_at") + timedelta(days=s.repeat_days))
            & (pl.col("again_at") <= cutoff)
        )
        .select("complaint_key")
        .unique()
        .with_columns(is_repeat=pl.lit(value=True))
    )
    marked = satisfied.join(repeats, on="complaint_key", how="left").with_columns(pl.col("is_repeat").fill_null(False))
    counted = marked.group_by(keys).agg(count=pl.col("is_repeat").sum().cast(pl.Int64), base=pl.len().cast(pl.Int64))
    state = marked.select(pl.col("is_repeat").mean() * 100.0).item() if marked.height else None
    counted = counted.with_columns(share_pct=_share("count", "base"), state_pct=pl.lit(state, pl.Float64))
    raised = (
        (pl.col("base") >= s.min_count)
        & (pl.col("share_pct") >= s.repeat_min_pct)
        & _far_above("state_pct", s.ratio, s)
    )
    sentence = evidence("repeat_after_satisfied", s)
    return _finish(counted, by, month, "repeat_after_satisfied", sentence=sentence, raised=raised)


def forced_closures(metrics: pl.DataFrame, month: date, by: str, s: FlagSettings) -> pl.DataFrame:
    """``metrics``: monthly metric rows of ``by`` for ``month`` and the months before it."""
    keys = list(ENTITY_KEYS[by])
    first = pl.date(month.year, month.month, 1).dt.offset_by(f"-{s.forced_history_months}mo")
    rows = metrics.filter(pl.col("month") <= month).with_columns(
        forced=pl.col("closed_force") + pl.col("closed_special")
    )
    now = rows.filter(pl.col("month") == month).select(
        *keys, count=pl.col("forced").cast(pl.Int64), base=pl.col("closed").cast(pl.Int64)
    )
    history = (
        rows.filter((pl.col("month") < month) & (pl.col("month") >= first))
        .group_by(keys)
        .agg(h_forced=pl.col("forced").sum(), h_closed=pl.col("closed").sum())
    )
    total = now.select(pl.col("count").sum(), pl.col("base").sum()).row(0)
    state = total[0] / total[1] * 100.0 if total[1] else None
    counted = now.join(history, on=keys, how="left").with_columns(
        share_pct=_share("count", "base"),
        own_pct=pl.when(pl.col("h_closed") >= s.min_count).then(pl.col("h_forced") / pl.col("h_closed") * 100.0),
        state_pct=pl.lit(state, pl.Float64),
    )
    far_above = _far_above("own_pct", s.ratio, s) | _far_above("state_pct", s.forced_peer_ratio, s)
    raised = (pl.col("base") >= s.min_count) & (pl.col("share_pct") >= s.forced_min_pct) & far_above
    sentence = evidence("forced_closures", s)
    return _finish(counted, by, month, "forced_closures", sentence=sentence, raised=raised)


def no_callback(metrics: pl.DataFrame, month: date, by: str, s: FlagSettings) -> pl.DataFrame:
    """``metrics``: monthly metric rows of ``by`` (the month's rows are used)."""
    keys = list(ENTITY_KEYS[by])
    now = metrics.filter(pl.col("month") == month).select(
        *keys,
        count=(pl.col("closed") - pl.col("callback_closed")).cast(pl.Int64),
        base=pl.col("closed").cast(pl.Int64),
    )
    total = now.select(pl.col("count").sum(), pl.col("base").sum()).row(0)
    state = total[0] / total[1] * 100.0 if total[1] else None
    counted = now.with_columns(share_pct=_share("count", "base"), state_pct=pl.lit(state, pl.Float64))
    raised = (
        (pl.col("base") >= s.min_count)
        & (pl.col("share_pct") >= s.no_callback_min_pct)
        & _far_above("state_pct", s.ratio, s)
    )
    sentence = evidence("no_callback", s)
    return _finish(counted, by, month, "no_callback", sentence=sentence, raised=raised)


def closure_at_limit(stints: pl.DataFrame, month: date, by: str, s: FlagSettings) -> pl.DataFrame:
    """``stints``: :func:`grading.store.case_reads.stints_ended` rows of the month with their entity."""
    keys = list(ENTITY_KEYS[by])
    limit = limit_duration(pl.col("limit_days"))
    lasted = pl.col("ended_at") - pl.col("started_at")
    in_time = stints.filter(lasted < limit)
    at_brink = lasted >= limit - pl.duration(hours=s.brink_hours)
    counted = in_time.group_by(keys).agg(count=at_brink.sum().cast(pl.Int64), base=pl.len().cast(pl.Int64))
    state = in_time.select(at_brink.mean() * 100.0).item() if in_time.height else None
    counted = counted.with_columns(share_pct=_share("count", "base"), state_pct=pl.lit(state, pl.Float64))
    raised = (
        (pl.col("base") >= s.min_count) & (pl.col("share_pct") >= s.brink_min_pct) & _far_above("state_pct", s.ratio, s)
    )
    sentence = evidence("closure_at_limit", s)
    return _finish(counted, by, month, "closure_at_limit", sentence=sentence, raised=raised)


def raise_flags(
    *,
    entities: pl.DataFrame,
    complaints: pl.DataFrame,
    stints: pl.DataFrame,
    metrics: pl.DataFrame,
    month: date,
    by: str,
    settings: FlagSettings,
) -> pl.DataFrame:
    """Every flag of ``month`` for entity type ``by`` (``department`` or ``district``).

    Parameters
    ----------
    entities : one row per graded complaint relevant to the month with its ``department`` and
        ``district`` as of the cut-off (:func:`grading.scoring.metrics.complaint_flags`).
    complaints : :func:`grading.store.case_reads.flag_complaints` rows of the month.
    stints : :func:`grading.store.case_reads.stints_ended` rows of the month.
    metrics : monthly metric rows of ``by`` for the month and the months before it.

    Returns
    -------
    :data:`FLAG_SCHEMA` rows, ordered by entity then flag code.
    """
    _, _, cutoff = month_window(month)
    owned = complaints.join(entities, on="complaint_key", how="left")
    closures = owned.filter(pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= cutoff)).filter(
        pl.col("closed_at") >= month_window(month)[0], pl.col("department").is_not_null()
    )
    parts = [
        closure_spike(closures, month, by, settings),
        repeat_after_satisfied(owned, month, by, settings),
        forced_closures(metrics, month, by, settings),
        no_callback(metrics, month, by, settings),
        closure_at_limit(stints.join(entities, on="complaint_key", how="inner"), month, by, settings),
    ]
    return pl.concat(parts).sort(*ENTITY_KEYS[by], "flag")
