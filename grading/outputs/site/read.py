"""What one month of the site shows, read from the store through the public boundary only.

Every figure comes from :mod:`grading.serve.public` (so through the suppression rule of
:mod:`grading.scoring.suppress`); a published month's rows and cells from its frozen publication, which the
public functions read for it. Beside the figures: the store's name and zone (:mod:`grading.store.helpline`),
its map (:func:`grading.outputs.geo.for_store`) and which months are published
(:func:`grading.outputs.publish.standing`), none of them a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from grading.outputs import geo, publish
from grading.scoring import fit
from grading.scoring.schemes import Scheme
from grading.serve import public
from grading.store import helpline, published

#: The entity types the site ranks, each with its pages.
KINDS: tuple[str, ...] = ("department", "district")


@dataclass(frozen=True)
class MonthData:
    """One month as the site and the read API show it.

    ``rankings``: entity type → the month's public ranking (the rows of :func:`grading.serve.public.ranking`:
    one row per entity, figures null where hidden; without its ``trend`` list); ``history``: entity type → the
    public rows of every month up to this one (one row per entity and month); ``headline``: the
    statewide figures of the month and the month before; ``cells``: one row per district and department
    (:func:`grading.serve.public.cell_table` with :func:`cell_metrics`); ``flags``: the integrity flags
    raised on shown rows, both entity types (:func:`grading.serve.public.flags`, no figures);
    ``publication``: the standing publication of the month (None: provisional, for the live API);
    ``published``: every month whose publication stands under the scheme; ``first_month``: the store's
    first month (the data window).
    """

    month: date
    scheme: Scheme
    helpline: str
    timezone: str
    publication: publish.Publication | None
    rankings: dict[str, pl.DataFrame]
    history: dict[str, pl.DataFrame]
    headline: pl.DataFrame
    kinds: frozenset[str]
    cells: pl.DataFrame
    flags: pl.DataFrame
    boundaries: geo.Boundaries | None
    first_month: date
    published: tuple[date, ...]
    hindi_names: bool

    @property
    def version(self) -> Scheme:
        """The version of the scheme in force for the month (components, weights, bands, thresholds)."""
        return self.scheme.in_force(self.month)


def cell_metrics(scheme: Scheme) -> list[str]:
    """The figures of a district × department cell the site and ``cells.csv`` give: closed satisfied and
    every scheme component's metric (received always comes first)."""
    return ["closed_satisfied", *dict.fromkeys(c.metric for c in scheme.components)]


def published_months(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> tuple[date, ...]:
    """The months whose publication under ``scheme`` stands, oldest first."""
    found = published.publications(con, scheme=scheme.name, standing=True)
    return tuple(sorted(found["month"].to_list()))


def read_month(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, month: date, *, found: pl.DataFrame | None = None
) -> MonthData:
    """Everything the site shows for ``month`` (see :class:`MonthData`), through the public boundary.
    ``found``: the store's suppression pattern (:func:`grading.serve.public.suppression`) when already
    computed for the same store."""
    pattern = public.suppression(con, scheme) if found is None else found
    history = {
        kind: public.history(con, scheme, kind, found=pattern).filter(pl.col("month") <= month) for kind in KINDS
    }
    # The month's ranking is its rows of the history (public.ranking's rows without their trend column, which
    # the site does not print: reading the history once instead of twice halves the reads of the store).
    rankings = {kind: rows.filter(pl.col("month") == month) for kind, rows in history.items()}
    flags = pl.concat([public.flags(con, scheme, month, kind, found=pattern) for kind in KINDS], how="diagonal_relaxed")
    settings = helpline.read(con)
    first = pattern["month"].min()
    return MonthData(
        month=month,
        scheme=scheme,
        helpline=settings.name,
        timezone=settings.timezone,
        publication=publish.standing(con, month, scheme.name),
        rankings=rankings,
        history=history,
        headline=public.state_headline(con, scheme, month),
        kinds=fit.recorded(public.state_trend(con, scheme)),
        cells=public.cell_table(con, scheme, month, cell_metrics(scheme), found=pattern),
        flags=flags,
        boundaries=geo.for_store(con),
        first_month=first if isinstance(first, date) else month,
        published=published_months(con, scheme),
        hindi_names=public.hindi_names(con),
    )
