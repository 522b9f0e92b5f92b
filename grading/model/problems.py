"""Row problems: the one shape every check reports in (file line, complaint, field, value, reason)."""

from __future__ import annotations

from typing import Final

import polars as pl

PROBLEM_SCHEMA: Final = pl.Schema(
    {
        "row_number": pl.Int64,
        "complaint_id": pl.String,
        "field": pl.String,
        "value": pl.String,
        "reason": pl.String,
    }
)

#: A rule: (field reported, column whose value is shown, expression true on bad rows, reason).
Rule = tuple[str, str, pl.Expr, str]


def find(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """Every (row, rule) that fails, as ``PROBLEM_SCHEMA`` rows sorted by row and field.

    All rules are evaluated in one pass over ``frame``; only the few failing rows are then split
    into one problem per failed rule (a row with two bad fields is reported twice).
    """
    flags = [bad.fill_null(False).alias(f"__rule_{i}") for i, (_, _, bad, _) in enumerate(rules)]
    flagged = frame.with_columns(flags)
    suspects = flagged.filter(pl.any_horizontal([f"__rule_{i}" for i in range(len(rules))]))
    found = [
        suspects.filter(pl.col(f"__rule_{i}")).select(
            "row_number",
            pl.col("complaint_id").cast(pl.String),
            field=pl.lit(field),
            value=pl.col(value).cast(pl.String),
            reason=pl.lit(reason),
        )
        for i, (field, value, _, reason) in enumerate(rules)
    ]
    return pl.concat(found).cast(PROBLEM_SCHEMA).sort("row_number", "field")
