"""Ranking stability on a demo database (run by hand; figures go to BENCHMARKS.md).

    uv run nivaran demo --db /tmp/demo.duckdb          # the default demo
    uv run python bench/bench_ranking.py /tmp/demo.duckdb

For every shipped scheme, over the departments: the leader of the published first list in each of the
last three months (with its complaints received), and the month-to-month absolute change of the
published rank (the rank in the volume group where the scheme groups departments, else the overall
rank; a department that changed group is left out of that month's change), as median, mean, 90th
percentile and maximum; with the share of ranks the reliability rule prints, where it exists. The
script reads only columns that exist before and after the ranking rules changed, so it measures both.
"""

from __future__ import annotations

import sys

import polars as pl

from grading.monthly import results
from grading.scoring import schemes
from grading.store import database


def measure(path: str) -> None:
    con = database.connect_readonly(database.resolve_path(path))
    for name in schemes.available():
        graded = results.graded(con, schemes.load(name), "department")
        published = graded.with_columns(
            shown=pl.coalesce("group_rank", "rank"), group=pl.col("volume_group").fill_null(1)
        )
        print(f"== {name}")
        for month in published["month"].unique().sort().to_list()[-3:]:
            first = published.filter((pl.col("month") == month) & (pl.col("group") == 1) & (pl.col("shown") == 1))
            leaders = ", ".join(f"{r['department']} ({r['received']:,} received)" for r in first.iter_rows(named=True))
            print(f"  {month:%Y-%m} leader: {leaders}")
        changes = (
            published.sort("department", "month")
            .with_columns(
                before=pl.col("shown").shift(1).over("department"),
                group_before=pl.col("group").shift(1).over("department"),
                follows=pl.col("month").shift(1).over("department").dt.offset_by("1mo") == pl.col("month"),
            )
            .filter(pl.col("follows") & (pl.col("group") == pl.col("group_before")))
            .select("group", (pl.col("shown") - pl.col("before")).abs().alias("change"))
            .drop_nulls()
        )
        for label, moves in (("all", changes["change"]), ("group 1", changes.filter(pl.col("group") == 1)["change"])):
            print(
                f"  |rank change| {label}: n={moves.len()} median={moves.median()} mean={moves.mean():.2f} "
                f"p90={moves.quantile(0.9)} max={moves.max()}"
            )
        if "rank_is_reliable" in graded.columns:
            printed = graded.filter("is_ranked")["rank_is_reliable"].mean()
            print(f"  ranks printed (reliable): {printed:.1%}")


if __name__ == "__main__":
    measure(sys.argv[1])
