"""Password hashing must not stall other requests: a cheap query's latency under sign-up and
sign-in floods, against one `couchtime serve` process with the production Argon2id cost.

    .venv/bin/python -m bench.bench_hashing
    BENCH_COUCHTIME=/path/to/other/checkout/.venv/bin/couchtime .venv/bin/python -m bench.bench_hashing

Phases (each prints p50 / p99 / max of `{ me { displayName } }` and of GET /healthz, one probe
request at a time, 10 ms apart): idle; while 2 clients each keep 12 `signUp` requests with a
taken email in flight; while 2 clients each keep 12 wrong-password `signIn` requests in flight.
The floods come from distinct X-Forwarded-For addresses and the limits are raised, so every
flood request really hashes. SQLite, so no other server is needed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid

import httpx

from tests.support import processes

SECONDS = float(os.environ.get("BENCH_HASHING_SECONDS", "12"))
PRODUCTION_HASHING = {  # the defaults of couchtime/settings.py
    "COUCHTIME_ARGON2_TIME_COST": "3", "COUCHTIME_ARGON2_MEMORY_KIB": "65536",
    "COUCHTIME_ARGON2_PARALLELISM": "4",
}
OPEN_LIMITS = {
    "COUCHTIME_SIGNIN_LIMIT_PER_ADDRESS": "1000000", "COUCHTIME_SIGNIN_LIMIT_PER_EMAIL": "1000000",
    "COUCHTIME_SIGNIN_LIMIT_PER_EMAIL_AND_ADDRESS": "1000000", "COUCHTIME_SIGNIN_LIMIT_PER_ACCOUNT": "1000000",
    "COUCHTIME_SIGNUP_LIMIT_PER_ADDRESS": "1000000", "COUCHTIME_LOG_LEVEL": "WARNING",
}
SIGN_UP = """mutation($i: SignUpInput!) { signUp(input: $i) { token userErrors { code } } }"""
SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
CHEAP = "{ me { displayName } }"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  max {ordered[-1]:6.1f} ms"
            f"  (n={len(ordered)})")


async def _probe(base: str, token: str, stop: asyncio.Event) -> tuple[list[float], list[float]]:
    query, health = [], []
    async with httpx.AsyncClient(timeout=60) as http:
        while not stop.is_set():
            t = time.perf_counter()
            r = await http.post(f"{base}/graphql", json={"query": CHEAP}, headers={"Authorization": f"Bearer {token}"})
            query.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and "errors" not in r.json(), r.text
            t = time.perf_counter()
            await http.get(f"{base}/healthz")
            health.append((time.perf_counter() - t) * 1000)
            await asyncio.sleep(0.01)
    return query, health


async def _flood(base: str, client: int, make: callable, stop: asyncio.Event, done: list[int]) -> None:
    async with httpx.AsyncClient(timeout=120) as http:
        async def one_lane(lane: int) -> None:
            while not stop.is_set():
                query, variables = make()
                await http.post(f"{base}/graphql", json={"query": query, "variables": variables},
                                headers={"X-Forwarded-For": f"10.9.{client}.{lane}"})
                done[0] += 1

        await asyncio.gather(*(one_lane(lane) for lane in range(12)))


async def _phase(name: str, base: str, token: str, make=None) -> None:
    stop, done = asyncio.Event(), [0]
    probe = asyncio.create_task(_probe(base, token, stop))
    floods = [asyncio.create_task(_flood(base, c, make, stop, done)) for c in range(2)] if make else []
    await asyncio.sleep(SECONDS)
    stop.set()
    query, health = await probe
    await asyncio.gather(*floods)
    print(f"{name:<28} me:      {_percentiles(query)}")
    print(f"{'':<28} healthz: {_percentiles(health)}" + (f"   flood requests answered: {done[0]}" if make else ""))


async def main() -> None:
    binary = os.environ.get("BENCH_COUCHTIME")
    if binary:
        processes.COUCHTIME = binary
    folder = tempfile.mkdtemp(prefix="bench-hashing-")
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    async with processes.serve_processes(url, 1, **PRODUCTION_HASHING, **OPEN_LIMITS) as [proc]:
        base = proc.base_url
        suffix = uuid.uuid4().hex[:8]
        email, password = f"owner-{suffix}@example.com", "correct horse battery"
        async with httpx.AsyncClient(timeout=60) as http:
            body = (await http.post(f"{base}/graphql", json={"query": SIGN_UP, "variables": {"i": {
                "email": email, "password": password, "displayName": "Dr Bench", "username": f"b-{suffix}",
                "timeZone": "Europe/London"}}})).json()
        token = body["data"]["signUp"]["token"]
        assert token, body

        def taken_sign_up():
            s = uuid.uuid4().hex[:8]
            return SIGN_UP, {"i": {"email": email, "password": "another long password", "displayName": "X",
                                   "username": f"x-{s}", "timeZone": "Europe/London"}}

        def wrong_sign_in():
            return SIGN_IN, {"i": {"email": email, "password": "a wrong password"}}

        print(f"one couchtime serve ({binary or 'this checkout'}), Argon2id t=3 m=64 MiB p=4, {SECONDS:.0f} s a phase")
        await _phase("idle", base, token)
        await _phase("2 x 12 signUp (taken email)", base, token, taken_sign_up)
        await _phase("2 x 12 signIn (wrong pw)", base, token, wrong_sign_in)


if __name__ == "__main__":
    asyncio.run(main())
