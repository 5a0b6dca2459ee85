"""Issue 6 figures: 1,000 live subscribers over 2 `couchtime serve` processes on PostgreSQL and
Redis — 100 therapists with 10 open calendars each. With mutations for random therapists, prints
the delivery latency from each mutation's response to each subscriber's receipt (p50, p99) and
the server memory per idle subscription.

    .venv/bin/python -m bench.bench_live        (needs PostgreSQL and Redis)
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid

import httpx
import redis

from bench.harness import create_pg_database
from bench.processes import migrate, serve_processes
from tests.live_client import LiveClient

THERAPISTS, CALENDARS, MUTATIONS = 100, 10, 200
PG = os.environ.get("COUCHTIME_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("COUCHTIME_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start client { firstName } eventType { title } } } }"""
RANGE = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-30T00:00:00Z"}


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def gql(http, base, query, variables=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = (await http.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                            headers=headers)).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


async def practice(http, base):
    s = uuid.uuid4().hex[:8]
    token = (await gql(http, base, """mutation($i: SignUpInput!) { signUp(input: $i) { token } }""",
                       {"i": {"email": f"l{s}@example.com", "password": "a long bench password", "displayName": "L",
                              "username": f"l-{s}", "timeZone": "UTC"}}))["signUp"]["token"]
    et = (await gql(http, base, """mutation { createEventType(input: {title: "T", minutes: 50,
        visitType: TELEHEALTH_ONLY}) { eventType { id } } }""", token=token))["createEventType"]["eventType"]["id"]
    client = (await gql(http, base, """mutation { createClient(input: {firstName: "A", lastName: "B",
        email: "ab@example.com"}) { client { id } } }""", token=token))["createClient"]["client"]["id"]
    return token, et, client


async def main() -> None:
    url, drop = create_pg_database(PG)
    ns = f"bench-live-{uuid.uuid4().hex[:6]}"
    settings = {"COUCHTIME_REDIS_URL": REDIS, "COUCHTIME_LIVE_CHANNEL": f"{ns}:live",
                "COUCHTIME_JOBS_NAMESPACE": f"{ns}:jobs", "COUCHTIME_LOG_LEVEL": "WARNING",
                "COUCHTIME_SIGNIN_LIMIT_PER_ADDRESS": "100000"}
    try:
        await asyncio.to_thread(migrate, url)
        async with serve_processes(url, 2, **settings) as procs, httpx.AsyncClient(timeout=30) as http:
            bases = [p.base_url for p in procs]
            practices = [await practice(http, bases[i % 2]) for i in range(THERAPISTS)]
            await asyncio.sleep(1)
            rss_before = sum(rss_kib(p.popen.pid) for p in procs)
            clients: list[tuple[int, LiveClient, str]] = []
            for t, (token, _, _) in enumerate(practices):
                for c in range(CALENDARS):
                    live = await LiveClient(bases[(t + c) % 2], token).__aenter__()
                    clients.append((t, live, await live.subscribe(CALENDAR, RANGE)))
            await asyncio.sleep(2)
            rss_after = sum(rss_kib(p.popen.pid) for p in procs)
            per_sub = (rss_after - rss_before) / len(clients)
            by_therapist: dict[int, list[tuple[LiveClient, str]]] = {}
            for t, live, op in clients:
                by_therapist.setdefault(t, []).append((live, op))
            latencies: list[float] = []
            rng = random.Random(7)
            for i in range(MUTATIONS):
                t = rng.randrange(THERAPISTS)
                token, et, client = practices[t]
                start = f"2026-03-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00Z"
                await gql(http, bases[rng.randrange(2)], """mutation($i: CreateSessionInput!) {
                    createSession(input: $i) { session { id } } }""",
                          {"i": {"clientId": client, "eventTypeId": et, "start": start}}, token)
                answered = time.perf_counter()

                async def receive(live, op, answered=answered):
                    await live.data(op, timeout=10)
                    return (time.perf_counter() - answered) * 1000

                latencies += await asyncio.gather(*(receive(live, op) for live, op in by_therapist[t]))
            latencies.sort()
            p50 = statistics.median(latencies)
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(f"live fan-out [postgresql + redis, 2 serve processes]: {len(clients)} subscriptions "
                  f"({THERAPISTS} therapists x {CALENDARS} calendars), {MUTATIONS} mutations, "
                  f"{len(latencies)} deliveries")
            print(f"  delivery latency after the mutation's response: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                  f"(target p99 < 250 ms)")
            print(f"  server memory per idle subscription: {per_sub:.1f} KiB (target < 50 KiB; "
                  f"RSS {rss_before} -> {rss_after} KiB over both processes)")
            for _, live, _ in clients:
                await live.__aexit__(None, None, None)
    finally:
        drop()
        r = redis.Redis.from_url(REDIS)
        for key in r.scan_iter(match=f"{ns}:*"):
            r.delete(key)
        r.close()


if __name__ == "__main__":
    asyncio.run(main())
