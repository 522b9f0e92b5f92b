"""Sign-in and session costs (run by hand; figures go to BENCHMARKS.md).

    uv run python bench/bench_sessions.py

Every rerun of every page checks its session record in the access file, so that check must stay far
below the 2 s page target; a burst of parallel sign-ins must be counted without losing one and must
not need 64 MiB of Argon2 memory per attempt at once. Uses the default Argon2id parameters and a
temporary access file.
"""

from __future__ import annotations

import resource
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

from grading.access.accounts import Accounts
from grading.access.identity import Identity
from grading.access.sessions import Sessions


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        accounts = Accounts(Path(tmp) / "bench.duckdb")
        right = secrets.token_urlsafe(12)
        accounts.add("c", "collector", password=right, districts=("INDORE",))
        sessions = Sessions(accounts)
        token = sessions.open(Identity("c", "collector", districts=("INDORE",)), "password", "local")
        value, _ = sessions.cookie(token)
        for name, call in (("session check per rerun", lambda: sessions.check(token)),
                           ("cookie signature check", lambda: sessions.token_from_cookie(value))):  # fmt: skip
            times = []
            for _ in range(300):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
            print(f"{name}: median {statistics.median(times) * 1000:.2f} ms, p95 {sorted(times)[284] * 1000:.2f} ms")
        start = time.perf_counter()
        accounts.sign_in("c", right)
        print(f"one sign-in (Argon2id, default parameters): {time.perf_counter() - start:.2f} s")
        barrier = threading.Barrier(60)

        def attempt() -> None:
            barrier.wait()
            accounts.sign_in("c", "wrong", client="203.0.113.9")

        threads = [threading.Thread(target=attempt) for _ in range(60)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"60 parallel wrong sign-ins: {time.perf_counter() - start:.2f} s")
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
