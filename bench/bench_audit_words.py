"""The audit log in words (grading/outputs/auditlog.py, issue 25): 1 lakh rows of four kinds written in Hindi
and in English, beside the floor of decoding their values alone.

Run: ``uv run python bench/bench_audit_words.py``
"""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl

from grading.access.audit import FORMAT, Entry, events
from grading.outputs.auditlog import in_words

ROWS = 100_000
KINDS = (
    (
        "t.indore",
        "collector",
        "districts=INDORE",
        "export",
        Entry("review_list", {"district": "INDORE", "day": "2024-08-01"}).with_format("csv"),
    ),
    (
        "cli:root",
        "admin",
        "state",
        "account",
        Entry("account_added", {"user": "t.x", "role": "collector", "scope": "districts=INDORE,BHOPAL"}),
    ),
    ("t.x", "unknown", "", "sign_in_failed", Entry("sign_in_password", {"client": "10.0.0.1"})),
    (
        "cli:root",
        "admin",
        "state",
        "publish",
        Entry("published", {"month": "2024-08", "version": 1, "scheme": "mp-cm-helpline", "scheme_version": "2024.1"}),
    ),
)
NAMES = {
    "district": {"INDORE": "इंदौर", "BHOPAL": "भोपाल"} | {f"D{i}": f"ज़िला {i}" for i in range(55)},
    "department": {},
    "scheme": {"mp-cm-helpline": "मध्य प्रदेश सीएम हेल्पलाइन"},
}


def measured(what: str, run: Callable[[], object]) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    print(f"{what}: wall {time.perf_counter() - wall:.3f} s, CPU {time.process_time() - cpu:.3f} s")


def main() -> None:
    rows = []
    for i in range(ROWS):
        user, role, scope, action, entry = KINDS[i % len(KINDS)]
        rows.append(
            {
                "at": "2024-08-01T10:00:00",
                "username": user,
                "role": role,
                "scope": scope,
                "action": action,
                "event": entry.event,
                "args": entry.args,
                "detail": "",
                "rows": i,
            }
        )
    log = pl.DataFrame(rows)
    values = pl.Struct(dict.fromkeys(sorted({FORMAT}.union(*events().values())), pl.String))
    measured("floor: decode the values only", lambda: log.select(pl.col("args").str.json_decode(values)))
    for lang in ("hi", "en"):
        measured(f"{ROWS:,} rows in words ({lang})", lambda lang=lang: in_words(log, lang, NAMES))


if __name__ == "__main__":
    main()
