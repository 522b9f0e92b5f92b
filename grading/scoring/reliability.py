"""How sure a score and a rank are: Wilson intervals on the shares, carried to the score and the rank.

Grain: one row per (entity_type, department, district, month), as in :mod:`grading.scoring.grade`.

The rule, in plain words (also on the methodology page and in ``docs/grading.md``):

- Each score component is a share ``x / n`` (e.g. satisfied closures / received). With few complaints
  the share is noisy, so each share gets a **Wilson score interval** at the scheme's ``reliability_z``
  (1.96: 95 %). Its half-width, times the points the share is worth (scaled as the score is when
  components are reweighted), is that component's uncertainty in points. Components reading the same
  share (CPGRAMS reads satisfaction twice) are added first, since they move together; different
  shares are combined as independent: ``score_uncertainty = sqrt(sum of squares)``. A component
  filled in by the ``missing`` rule carries no uncertainty.
- Entity *j* is **surely above** entity *i* when ``score_j − score_i > sqrt(U_i² + U_j²)`` (the
  difference is larger than its own uncertainty). An entity's **plausible ranks** run from
  ``1 + (number surely above)`` to ``(number ranked in its list) − (number surely below)``.
- The rank is **reliable** (printed) only when that range is a single rank: no other entity's score is
  within reach of its own. Otherwise the public pages print the range ("3–7") instead of a rank.
  With ``reliability_z = 0`` every rank is printed.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from grading.model.registry import METRICS

#: The denominator of every percentage metric (its ``n``): the count the share is taken over.
DENOMINATORS: Final[dict[str, pl.Expr]] = {
    "satisfied_closure_pct": pl.col("received"),
    "force_close_pct": pl.col("closed"),
    "satisfaction_pct": pl.col("feedback_satisfied") + pl.col("feedback_dissatisfied"),
    "callback_coverage_pct": pl.col("closed"),
    "reopen_pct": pl.col("feedback_satisfied") + pl.col("feedback_dissatisfied"),
    "sla_compliance_pct": pl.col("on_time") + pl.col("late") + pl.col("open_overdue"),
    "on_time_closure_pct": pl.col("closed"),
    "overdue_pending_pct": pl.col("pending"),
    "non_attended_pct": pl.col("stints_started"),
    "long_pending_disposal_pct": pl.col("long_pending_closed") + pl.col("long_pending_open"),
    "reached_l2_pct": pl.col("received"),
    "reached_l3_pct": pl.col("received"),
    "reached_l4_pct": pl.col("received"),
}
assert set(DENOMINATORS) == {k for k, m in METRICS.items() if m.unit == "pct"}, "a percentage metric has no n"


def wilson_half_width(share: pl.Expr, n: pl.Expr, z: float) -> pl.Expr:
    """Half the width of the Wilson score interval of ``share`` (0-1) over ``n`` trials; 0 when n = 0.

    Examples
    --------
    >>> import polars as pl
    >>> pl.select(wilson_half_width(pl.lit(0.5), pl.lit(100), 1.96)).item()  # doctest: +ELLIPSIS
    0.0961...
    """
    n = n.cast(pl.Float64)
    half = (z / (1 + z * z / n)) * (share * (1 - share) / n + z * z / (4 * n * n)).sqrt()
    return pl.when(n > 0).then(half).otherwise(0.0)


def score_uncertainty(values: dict[str, pl.Expr], weights: dict[str, float], scale: pl.Expr, z: float) -> pl.Expr:
    """Half-width of the score's interval in points.

    ``values`` maps each metric to its share (0-1, null when the component was filled in by the
    missing rule), ``weights`` to the total weight of the components reading it, ``scale`` is the
    reweighting factor (max score / weight with data).
    """
    if z == 0 or not weights:
        return pl.lit(0.0)
    squares = [
        (wilson_half_width(values[m], DENOMINATORS[m], z) * w * scale).fill_null(0.0) ** 2 for m, w in weights.items()
    ]
    return pl.sum_horizontal(squares).sqrt()


def rank_ranges(frame: pl.DataFrame, partition: list[str], score: str, reliable_always: bool) -> pl.DataFrame:
    """Add ``rank_best``, ``rank_worst`` and ``rank_is_reliable`` to the ranked rows of ``frame``.

    ``partition`` names the columns of one published list (month, volume group...); rows with
    ``is_ranked`` false get nulls. Ranks count from 1 within the list; see the module rules.
    """
    key = pl.concat_str([pl.col(c).cast(pl.String).fill_null("∅") for c in partition], separator="|")
    rows = frame.with_row_index("_row").with_columns(_list=key)
    ranked = rows.filter("is_ranked").select("_row", "_list", s=pl.col(score), u=pl.col("score_uncertainty"))
    pairs = ranked.join(ranked, on="_list", suffix="_o").filter(pl.col("_row") != pl.col("_row_o"))
    reach = ((pl.col("u") ** 2 + pl.col("u_o") ** 2).sqrt()).fill_null(0.0)
    counted = pairs.group_by("_row").agg(
        above=(pl.col("s_o") - pl.col("s") > reach).sum(),
        below=(pl.col("s") - pl.col("s_o") > reach).sum(),
    )
    sizes = ranked.group_by("_list").agg(_n=pl.len())
    out = (
        rows.join(counted, on="_row", how="left")
        .join(sizes, on="_list", how="left")
        .with_columns(
            rank_best=pl.when("is_ranked").then(1 + pl.col("above").fill_null(0)).cast(pl.Int32),
            rank_worst=pl.when("is_ranked").then(pl.col("_n") - pl.col("below").fill_null(0)).cast(pl.Int32),
        )
        .with_columns(
            rank_is_reliable=pl.when("is_ranked").then(
                pl.lit(reliable_always) | (pl.col("rank_best") == pl.col("rank_worst"))
            )
        )
    )
    return out.sort("_row").drop("_row", "_list", "above", "below", "_n")
