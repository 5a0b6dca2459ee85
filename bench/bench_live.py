"""Live fan-out figures: 1,000 live subscribers over 2 `couchtime serve` processes on PostgreSQL
and Redis — 100 therapists with 10 open calendars each. In rounds, one mutation for a random
therapist; prints the delivery latency from each mutation's response to each subscriber's
receipt (p50, p99), the server memory per idle subscription, and the servers' garbage-collector
pauses (from their /healthz).

- Every receipt counts. A round waits up to ROUND_WAIT for its deliveries and then moves on;
  a delivery that arrives after that is counted as *late*, with its latency (it is in the
  percentiles), never as missed. Missed = never arrived, even after a final grace period.
- Each round creates its session at a fresh start (one hour after the previous round's), so
  no round conflicts with an earlier one and the mutation's own cost does not grow over the run.

    .venv/bin/python -m bench.bench_live [--therapists 100] [--calendars 10] [--mutations 200]
    (needs PostgreSQL and Redis)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import redis

from tests.support.databases import create_pg_database
from tests.support.live_client import LiveClient
from tests.support.processes import migrate, serve_processes

PG = os.environ.get("COUCHTIME_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("COUCHTIME_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start client { firstName } eventType { title } } } }"""
RANGE = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-30T00:00:00Z"}
FIRST_START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
ROUND_WAIT, GRACE = 2.0, 10.0
CREATE = """mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } userErrors { code } } }"""


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))]


class Receipts:
    """Every delivery, with its arrival time, by session id."""

    def __init__(self) -> None:
        self.arrived: dict[str, list[float]] = {}
        self.expected: dict[str, int] = {}
        self.done: dict[str, asyncio.Event] = {}

    def expect(self, session_id: str, count: int) -> asyncio.Event:
        self.expected[session_id] = count
        event = self.done[session_id] = asyncio.Event()
        if len(self.arrived.get(session_id, ())) >= count:
            event.set()
        return event

    def record(self, session_id: str, at: float) -> None:
        arrived = self.arrived.setdefault(session_id, [])
        arrived.append(at)
        event = self.done.get(session_id)
        if event is not None and len(arrived) >= self.expected[session_id]:
            event.set()

    def outstanding(self) -> int:
        return sum(max(0, n - len(self.arrived.get(s, ()))) for s, n in self.expected.items())


async def consume(live: LiveClient, op: str, receipts: Receipts) -> None:
    while True:
        message = await live.next(op, timeout=3600)
        at = time.perf_counter()
        if message["type"] != "next" or message["payload"].get("errors"):
            print("  unexpected message:", message)
            continue
        receipts.record(message["payload"]["data"]["calendarChanged"]["sessionId"], at)


async def gc_report(http, bases) -> list[dict]:
    return [(await http.get(f"{base}/healthz")).json().get("gc", {}) for base in bases]


async def main(therapists: int, calendars: int, mutations: int, extra: dict[str, str]) -> None:
    url, drop = create_pg_database(PG)
    ns = f"bench-live-{uuid.uuid4().hex[:6]}"
    settings = {"COUCHTIME_REDIS_URL": REDIS, "COUCHTIME_LIVE_CHANNEL": f"{ns}:live",
                "COUCHTIME_WS_SLOT_PREFIX": f"{ns}:ws:",
                "COUCHTIME_JOBS_NAMESPACE": f"{ns}:jobs", "COUCHTIME_LOG_LEVEL": "WARNING",
                "COUCHTIME_SIGNIN_LIMIT_PER_ADDRESS": "100000", **extra}
    consumers: list[asyncio.Task] = []
    try:
        await asyncio.to_thread(migrate, url)
        async with serve_processes(url, 2, **settings) as procs, httpx.AsyncClient(timeout=30) as http:
            try:
                await run(http, procs, therapists, calendars, mutations, consumers)
            except Exception:
                for n, proc in enumerate(procs):  # what a server said before a failure
                    print(f"server {n + 1} (exit code {proc.popen.poll()}):\n{proc.log()[-3000:]}")
                raise
    finally:
        for task in consumers:
            task.cancel()
        drop()
        r = redis.Redis.from_url(REDIS)
        for key in r.scan_iter(match=f"{ns}:*"):
            r.delete(key)
        r.close()


async def run(http, procs, therapists: int, calendars: int, mutations: int, consumers: list) -> None:
    bases = [p.base_url for p in procs]
    practices = [await practice(http, bases[i % 2]) for i in range(therapists)]
    await asyncio.sleep(1)
    rss_before = sum(rss_kib(p.popen.pid) for p in procs)
    receipts = Receipts()
    clients: list[LiveClient] = []
    for t, (token, _, _) in enumerate(practices):
        for c in range(calendars):
            live = await LiveClient(bases[(t + c) % 2], token).__aenter__()
            clients.append(live)
            op = await live.subscribe(CALENDAR, RANGE)
            consumers.append(asyncio.create_task(consume(live, op, receipts)))
    await asyncio.sleep(2)
    rss_after = sum(rss_kib(p.popen.pid) for p in procs)
    per_sub = (rss_after - rss_before) / len(clients)
    gc_idle = await gc_report(http, bases)
    latencies: list[float] = []
    answered_at: dict[str, float] = {}
    round_ended: dict[str, float] = {}
    response_ms: list[float] = []
    rng = random.Random(7)
    for i in range(mutations):
        t = rng.randrange(therapists)
        token, et, client = practices[t]
        start = (FIRST_START + timedelta(hours=i)).isoformat()  # fresh: no earlier round's time
        sent = time.perf_counter()
        made = (await gql(http, bases[rng.randrange(2)], CREATE,
                          {"i": {"clientId": client, "eventTypeId": et, "start": start}}, token))
        answered = time.perf_counter()
        response_ms.append((answered - sent) * 1000)
        assert not made["createSession"]["userErrors"], made
        session_id = made["createSession"]["session"]["id"]
        answered_at[session_id] = answered
        done = receipts.expect(session_id, calendars)
        try:
            await asyncio.wait_for(done.wait(), ROUND_WAIT)
        except TimeoutError:
            pass
        round_ended[session_id] = time.perf_counter()
    deadline = time.perf_counter() + GRACE
    while receipts.outstanding() and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    gc_after = await gc_report(http, bases)
    late = 0
    for session_id, arrivals in receipts.arrived.items():
        if session_id not in answered_at:
            continue
        for at in arrivals:
            latencies.append((at - answered_at[session_id]) * 1000)
            late += at > round_ended[session_id]
    expected = mutations * calendars
    missed = receipts.outstanding()
    print(f"live fan-out [postgresql + redis, 2 serve processes]: {len(clients)} subscriptions "
          f"({therapists} therapists x {calendars} calendars), {mutations} mutations (rounds)")
    print(f"  receipts: {len(latencies)} of {expected} expected; {late} late (after their "
          f"round's {ROUND_WAIT:.0f} s; counted with their latency); {missed} missed")
    print(f"  delivery latency after the mutation's response, late ones included: "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms (target p99 < 250 ms)")
    print(f"  mutation response time: p50 {statistics.median(response_ms):.1f} ms, "
          f"p99 {percentile(response_ms, 0.99):.1f} ms")
    print(f"  server memory per idle subscription: {per_sub:.1f} KiB (target < 50 KiB; "
          f"RSS {rss_before} -> {rss_after} KiB over both processes)")
    for n, (idle, after) in enumerate(zip(gc_idle, gc_after, strict=True)):
        print(f"  server {n + 1} garbage collector since serving: longest pause "
              f"{after.get('maxPauseMs')} ms (by generation {after.get('maxPauseMsByGeneration')}; "
              f"target < 50 ms; CPU time {after.get('maxPauseCpuMsByGeneration')} ms), collections {after.get('collections')} "
              f"({idle.get('collections')} when the sockets were open), pauses > 50 ms: "
              f"{after.get('pausesOver50Ms')}, total {after.get('totalPauseMs')} ms, "
              f"frozen at start {after.get('frozenAtStart')}, compactions {after.get('compactions')}, "
              f"thresholds {after.get('thresholds')}")
    for n, proc in enumerate(procs):
        for line in proc.log().splitlines():
            if "garbage collection" in line:
                print(f"  server {n + 1} log: {line.strip()[:200]}")
    print(f"  longest collector pause, both servers: "
          f"{max(g.get('maxPauseMs', 0) for g in gc_after)} ms of wall-clock time (target < 50 ms), "
          f"{max(g.get('maxPauseCpuMs', 0) for g in gc_after)} ms of CPU time")
    for task in consumers:
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    for live in clients:
        await live.__aexit__(None, None, None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=100)
    parser.add_argument("--calendars", type=int, default=10)
    parser.add_argument("--mutations", type=int, default=200)
    parser.add_argument("--server-setting", action="append", default=[], metavar="COUCHTIME_X=value",
                        help="a setting for both servers (e.g. COUCHTIME_GC_THRESHOLDS=700,10,10)")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.server_setting)
    if extra:
        print(f"server settings: {extra}")
    asyncio.run(main(args.therapists, args.calendars, args.mutations, extra))
