"""requestPasswordReset answers alike for known and unknown emails: same SQL statements, and
the median times side by side (therapist and portal accounts), over TRIES interleaved tries.

    .venv/bin/python -m bench.bench_reset_timing     # SQLite; COUCHTIME_BENCH_DATABASE_URL for PostgreSQL
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid

from bench.harness import Bench, sign_up, with_bench
from persistence.instrumentation import count_statements

TRIES = 200
REQUEST = """mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { requested } }"""
ME = "{ me { email } }"


async def body(bench: Bench) -> None:
    token = await sign_up(bench)
    known = (await bench.gql(ME, token=token))["me"]["email"]
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    statements: dict[str, int] = {}
    for i in range(TRIES * 2):
        which = "known" if i % 2 == 0 else "unknown"
        email = known if which == "known" else f"nobody-{uuid.uuid4().hex[:8]}@example.com"
        with count_statements(bench.engine) as log:
            started = time.perf_counter()
            data = await bench.gql(REQUEST, {"i": {"email": email}})
            times[which].append((time.perf_counter() - started) * 1000)
        assert data["requestPasswordReset"]["requested"] is True
        statements[which] = log.count
    known_ms, unknown_ms = statistics.median(times["known"]), statistics.median(times["unknown"])
    print(f"requestPasswordReset [{bench.backend}], {TRIES} tries each, interleaved")
    print(f"  SQL statements: known {statements['known']}, unknown {statements['unknown']}")
    print(f"  median: known {known_ms:.2f} ms, unknown {unknown_ms:.2f} ms "
          f"(difference {abs(known_ms - unknown_ms) / max(known_ms, unknown_ms) * 100:.1f} %)")


if __name__ == "__main__":
    asyncio.run(with_bench(body, signin_limit_per_account=100_000, signin_limit_per_address=100_000))
