"""The built-in demo: a fresh demo store from the simulated history, its accounts, and its defaults.

:func:`build_demo` writes the store (``nivaran demo`` and the dashboard's first start call it) from
:func:`grading.demo.simulate.generate` (the history); :func:`create_demo_accounts` gives it one account per role,
with fresh passwords shown once. :data:`DEFAULT_DEMO` is the demo both build when not told otherwise.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from pathlib import Path
from typing import Final

import polars as pl

from grading.access.accounts import Accounts
from grading.demo import simulate
from grading.demo.spec import DEFAULT_DEMO, DemoSpec
from grading.monthly.refresh import Progress, refresh_monthly
from grading.rules.derive import derive
from grading.scoring import schemes
from grading.store import database, derived_rows, helpline, reference, writes

DEMO_NAME = "MP CM Helpline 181 (demo)"


#: DuckDB's memory while a demo builds: the derived tables held until the end (the state-scale demo's
#: are several GB) spill to ``<db>.tmp/`` past it.
DEMO_GIB: Final = 3.0


def build_demo(
    path: Path,
    spec: DemoSpec = DEFAULT_DEMO,
    progress: Progress | None = None,
    *,
    settings: helpline.Helpline | None = None,
    districts: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Write a fresh demo database at ``path`` (swapped in atomically when complete).

    ``settings``: the helpline's name, zone and scheme (default: the MP demo's); ``districts``: its
    district reference rows (default: Madhya Pradesh's), the only districts it registers complaints in.
    """
    months, end, scale, seed = spec.months, spec.end, spec.scale, spec.seed
    began = time.perf_counter()
    settings = settings or helpline.Helpline(name=DEMO_NAME)
    scheme = schemes.load(settings.scheme)
    limit = scheme.default_limit_days
    with database.writing(path, fresh=True) as con:
        database.limit_memory(con, DEMO_GIB)  # the derived tables held until the end spill to disk past it
        categories = reference.categories()
        if districts is None:
            helpline.load_reference(con, "mp")
            districts = reference.districts()
        else:
            writes.load_reference(
                con,
                departments=reference.departments(),
                districts=districts,
                categories=categories,
                holidays=reference.holidays(),
            )
        events = 0
        chunks = simulate.generate(
            reference.departments(),
            districts,
            categories,
            months=months,
            end=end,
            scale=scale,
            seed=seed,
            default_limit_days=limit,
            progress=(lambda done, total: progress("demo history", done, total)) if progress else None,
        )
        for chunk in chunks:
            keys = derived_rows.assign_keys(con, chunk["complaint_id"])
            events += writes.append_events(con, chunk, 1, keys)
            derived_rows.append_derived(con, derive(chunk, categories, keys, default_limit_days=limit), held=True)
        derived_rows.store_held(con)
        derived_rows.refresh_complainant_counts(con)
        writes.log_ingest(
            con,
            {
                "ingest_id": 1,
                "source": f"demo --months {months} --end {end} --scale {scale} --seed {seed}",
                "sha256": None,
                "kind": "demo",
                "finished_at": datetime.now(),
                "rows_read": events,
                "rows_loaded": events,
                "rows_duplicate": 0,
                "rows_quarantined": 0,
                "new_codes": None,
            },
        )
        refresh_monthly(con, settings=scheme.metric_settings, progress=progress)
        database.set_meta(con, "demo", "true")
        helpline.write(con, settings)
        result = database.counts(con)
    result["seconds"] = round(time.perf_counter() - began)
    return result


#: The demo database's accounts: (user name, role, districts, departments, e-mail address, language). The
#: addresses are of ``example.org`` (RFC 2606: reserved, never delivered), so ``nivaran demo`` then
#: ``nivaran digest --outbox DIR`` shows every account's digest (docs/notify.md).
DEMO_ACCOUNTS: Final = (
    ("admin", "admin", (), (), "admin@example.org", "en"),
    ("collector.bhopal", "collector", ("BHOPAL",), (), "collector.bhopal@example.org", "en"),
    ("collector.indore", "collector", ("INDORE",), (), "collector.indore@example.org", "hi"),
    ("head.energy", "department_head", (), ("ENERGY",), "head.energy@example.org", "en"),
)


def create_demo_accounts(db: Path) -> list[tuple[str, str, str]]:
    """(Re)create the demo accounts with fresh random passwords; return (user, role and scope, password).

    The passwords are shown once (the CLI and the dashboard's first start print them) and stored
    only as hashes.
    """
    accounts = Accounts(db)
    made = []
    for name, role, districts, departments, email, lang in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        accounts.add(
            name,
            role,
            password=password,
            districts=districts,
            departments=departments,
            replace=True,
            email=email,
            lang=lang,
        )
        scope = ",".join(districts + departments) or "state"
        made.append((name, f"{role} ({scope})", password))
    return made


def describe_accounts(made: list[tuple[str, str, str]]) -> str:
    """Demo accounts as lines for a terminal."""
    return "\n".join(
        ["Demo accounts (shown once; reset with `nivaran demo`):"]
        + [f"  {name:<18} {what:<28} password: {password}" for name, what, password in made]
    )
