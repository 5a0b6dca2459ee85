"""How long a signed-out token's socket stays open on another process, and what the
per-operation token check costs.

Two `couchtime serve` processes on PostgreSQL and Redis. For each of ROUNDS therapists: open a
live calendar on process A, sign out over HTTP on process B, and time from the signOut
response to the socket's 4403 close on A. Then, on one socket, time ROUNDS `{ me { id } }`
operations (each re-checks its token: one indexed statement) against the same query over HTTP.

    COUCHTIME_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
    COUCHTIME_TEST_REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python -m bench.bench_revocation
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid

import httpx

from tests.support.databases import create_pg_database
from tests.support.live_client import LiveClient
from tests.support.processes import migrate, serve_processes

ROUNDS = 50
SIGN_UP = """mutation($i: SignUpInput!) { signUp(input: $i) { token } }"""
CALENDAR = """subscription { calendarChanged(from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z") { kind } }"""


async def sign_up(http: httpx.AsyncClient, base: str) -> str:
    suffix = uuid.uuid4().hex[:8]
    body = (await http.post(f"{base}/graphql", json={"query": SIGN_UP, "variables": {"i": {
        "email": f"r{suffix}@example.com", "password": "long password", "displayName": "R",
        "username": f"r-{suffix}", "timeZone": "UTC"}}})).json()
    return body["data"]["signUp"]["token"]


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


async def main() -> None:
    pg, redis_url = os.environ["COUCHTIME_TEST_DATABASE_URL"], os.environ["COUCHTIME_TEST_REDIS_URL"]
    url, drop = create_pg_database(pg, "couchtime_bench")
    ns = f"couchtime-bench-{uuid.uuid4().hex[:8]}"
    try:
        await asyncio.to_thread(migrate, url)
        async with serve_processes(url, 2, COUCHTIME_REDIS_URL=redis_url, COUCHTIME_LIVE_CHANNEL=f"{ns}:live",
                                   COUCHTIME_JOBS_NAMESPACE=f"{ns}:jobs", COUCHTIME_LOG_LEVEL="WARNING") as procs:
            a, b = procs[0].base_url, procs[1].base_url
            closes: list[float] = []
            async with httpx.AsyncClient(timeout=20) as http:
                for _ in range(ROUNDS):
                    token = await sign_up(http, b)
                    async with LiveClient(a, token) as live:
                        await live.subscribe(CALENDAR)
                        await asyncio.sleep(0.05)
                        await http.post(f"{b}/graphql", json={"query": "mutation { signOut { signedOut } }"},
                                        headers={"Authorization": f"Bearer {token}"})
                        signed_out = time.perf_counter()
                        code = await asyncio.wait_for(asyncio.shield(live.closed), 10)
                        closes.append((time.perf_counter() - signed_out) * 1000)
                        assert code == 4403, code
                token = await sign_up(http, a)
                ws_times, http_times = [], []
                async with LiveClient(a, token) as live:
                    for _ in range(ROUNDS):
                        started = time.perf_counter()
                        await live.data(await live.subscribe("{ me { id } }"))
                        ws_times.append((time.perf_counter() - started) * 1000)
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    await http.post(f"{a}/graphql", json={"query": "{ me { id } }"},
                                    headers={"Authorization": f"Bearer {token}"})
                    http_times.append((time.perf_counter() - started) * 1000)
        print(f"signOut on B -> 4403 on A over {ROUNDS} sockets: median {statistics.median(closes):.1f} ms, "
              f"p95 {pct(closes, 0.95):.1f} ms, max {max(closes):.1f} ms")
        print(f"{{ me {{ id }} }} on an open socket (token re-checked): median {statistics.median(ws_times):.2f} ms, "
              f"p95 {pct(ws_times, 0.95):.2f} ms; over HTTP: median {statistics.median(http_times):.2f} ms")
    finally:
        drop()


if __name__ == "__main__":
    asyncio.run(main())
