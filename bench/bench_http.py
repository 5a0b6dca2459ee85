"""Issue 16, HTTP part: Couchtime's hot reads against what the stack itself can do, in one run.

Starts, side by side: a bare Starlette JSON endpoint, a tuned Strawberry app (ParserCache +
ValidationCache) serving the same shapes from memory (`bench/floors.py`), and one
`couchtime serve` process with production settings (the audit log is always on), on SQLite and
on PostgreSQL in turn. wrk (2 threads, 16 connections) loads each case for a few seconds; the
bench prints req/s, the ratio to its floor and SQL statements per request, then the growth
table (×1, ×4, ×16 the data: median time and statements).

All data is built through the public API of the running server: a therapist with hours 09:00–17:00
every day, one 50-minute event type, 20 clients and 200 sessions (10 double-booked) in the
month view; the floors serve Couchtime's own answers from memory.

    .venv/bin/python -m bench.bench_http [--backend sqlite|postgresql|both] [--seconds 4]
        [--before DIR]

`--before DIR` (a source tree of another build, e.g. `git archive main | tar -x -C DIR`) also
starts that build's `couchtime serve` on the same database and loads it right after this one,
case by case, so before and after come from one run.

PostgreSQL: COUCHTIME_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Statements are counted by an in-process app on the same database (one request per case). The
cost budgets are raised (COUCHTIME_COST_BUDGET_PER_*): wrk from one address with one token would
otherwise be answered 429 within a second, which is the budget working, not the read path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.http_load import (
    CONNECTIONS,
    HELLO,
    PRODUCTION,
    THREADS,
    start_before,
    start_floor,
    wait_port,
    wrk,
)
from persistence.instrumentation import count_statements
from tests.support import processes
from tests.support.databases import create_pg_database

ZONE = "America/New_York"
HOURS = [("09:00", "17:00")]
LENGTHS = "query Lengths { commonSessionLengths }"
ME = "query Me { me { displayName } }"
SLOTS = processes.AVAILABLE_SLOTS
MONTH = """query Month($from: DateTime!, $to: DateTime!) {
  sessions(from: $from, to: $to) { id start end status paymentStatus conflict recurring visitType
    meetingUrl eventType { title minutes } client { fullName } }
  conflicts(from: $from, to: $to) { first { id } second { id } } }"""


# --- data through the public API ---------------------------------------------------------------


@dataclass
class Practice:
    token: str
    username: str
    event_type_id: str
    clients: list[str]


CREATE_CLIENT = "mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } userErrors { code } } }"
CREATE_SESSION = ("mutation($i: CreateSessionInput!) { createSession(input: $i) "
                  "{ session { id } userErrors { code message } } }")
REPEAT = ("mutation($i: StartRepeatingInput!) { startRepeating(input: $i) "
          "{ session { id } userErrors { code message } } }")
TIME_OFF = "mutation($i: AddTimeOffInput!) { addTimeOff(input: $i) { userErrors { code message } } }"


async def _ok(http, base, query, variables, token, field) -> dict:
    data = (await processes.gql(http, base, query, {"i": variables}, token))[field]
    if data.get("userErrors"):
        raise AssertionError(f"{field}: {data['userErrors']}")
    return data


async def new_practice(http: httpx.AsyncClient, base: str, clients: int = 20) -> Practice:
    token, username = await processes.sign_up(http, base, ZONE)
    await processes.set_week(http, base, token, HOURS)
    event_type = await processes.create_event_type(http, base, token, minutes=50)
    ids = []
    for i in range(clients):
        made = await _ok(http, base, CREATE_CLIENT, {"firstName": f"Client{i}", "lastName": f"Bench{i}",
                                                      "email": f"c{i}@example.com"}, token, "createClient")
        ids.append(made["client"]["id"])
    return Practice(token, username, event_type, ids)


def local(day: datetime, hour: int) -> str:
    """`hour`:00 on the wall clock of the practice's zone on `day`'s date, as an instant."""
    wall = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(ZONE))
    return wall.astimezone(UTC).isoformat()


async def add_sessions(http, base, practice: Practice, starts: list[str], parallel: int = 4) -> list[str]:
    gate = asyncio.Semaphore(parallel)

    async def one(i: int, start: str) -> str:
        async with gate:
            made = await _ok(http, base, CREATE_SESSION, {
                "clientId": practice.clients[i % len(practice.clients)],
                "eventTypeId": practice.event_type_id, "start": start}, practice.token, "createSession")
            return made["session"]["id"]

    return list(await asyncio.gather(*(one(i, s) for i, s in enumerate(starts))))


def month_starts(first_day: datetime, count: int, doubled: int) -> list[str]:
    """`count` sessions at 9:00–15:00 local, day after day, the first `doubled` booked twice."""
    unique = [local(first_day + timedelta(days=d), h) for d in range(62) for h in range(9, 16)]
    unique = unique[: count - doubled]
    return unique + unique[:doubled]


# --- measuring one Couchtime ---------------------------------------------------------------------


@dataclass
class Case:
    name: str
    query: str
    variables: dict | None
    token: str | None
    floor: str  # key of the floor it is compared with


async def count_for(counter, case: Case) -> int:
    """SQL statements of one request of `case` once warm (the token cache filled), on an
    in-process app over the same database."""
    headers = {"Authorization": f"Bearer {case.token}"} if case.token else {}
    client, engine = counter
    await client.post("/graphql", json={"query": case.query, "variables": case.variables or {}},
                      headers=headers)
    with count_statements(engine) as log:
        response = await client.post("/graphql", json={"query": case.query, "variables": case.variables or {}},
                                     headers=headers)
    body = response.json()
    if body.get("errors"):
        raise AssertionError(f"{case.name}: {body['errors']}")
    return log.count


def counter_app(url: str):
    from couchtime.app import create_app
    from couchtime.settings import Settings

    settings = replace(Settings(), database_url=url, log_level="WARNING",
                       cost_budget_per_token=10**9, cost_budget_per_address=10**9)
    app = create_app(settings)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://counter")
    return app, client


async def cpu_per_request(counter, cases: list[Case], data_path: str, runs: int = 20) -> None:
    """CPU milliseconds per request, in this process: Couchtime's app through ASGI (no socket)
    against the floor's schema executing the same document (no HTTP at all). CPU time barely
    moves with the machine's load, where req/s does."""
    import importlib

    os.environ["BENCH_FLOOR_DATA"] = data_path
    floors = importlib.reload(importlib.import_module("bench.floors"))
    print("CPU per request, in-process (ms): Couchtime (ASGI, audit on) / tuned Strawberry floor")
    for case in cases:
        headers = {"Authorization": f"Bearer {case.token}"} if case.token else {}
        body = {"query": case.query, "variables": case.variables or {}}
        await counter.post("/graphql", json=body, headers=headers)
        started = time.process_time()
        for _ in range(runs):
            await counter.post("/graphql", json=body, headers=headers)
        ours = (time.process_time() - started) * 1000 / runs
        floor_query = HELLO if case.floor == "hello" else case.query
        await floors.schema.execute(floor_query, variable_values=case.variables)
        started = time.process_time()
        for _ in range(runs):
            result = await floors.schema.execute(floor_query, variable_values=case.variables)
            json.dumps({"data": result.data}, default=str)
        floor = (time.process_time() - started) * 1000 / runs
        print(f"  {case.name:58} {ours:7.2f} / {floor:7.2f}  (floor/ours {floor / ours:.2f})")


async def median_ms(http, base, case: Case, runs: int = 15) -> float:
    timings = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        await processes.gql(http, base, case.query, case.variables, case.token)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[2:])


async def run_backend(backend: str, seconds: float, floors: dict | None, data_path: str,
                      before_src: str | None = None) -> dict:
    """Builds the data on a fresh database, loads each case with wrk; returns the floors it used."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="couchtime-bench-http-")
        url, drop = f"sqlite+aiosqlite:///{folder}/bench.db", lambda: None
    else:
        server = os.environ.get("COUCHTIME_BENCH_DATABASE_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        url, drop = create_pg_database(server, "couchtime_bench")
    started_floors: list[processes.ServeProcess] = []
    try:
        if backend != "sqlite":
            await asyncio.to_thread(processes.migrate, url)
        async with processes.serve_processes(url, 1, **PRODUCTION) as [proc], \
                httpx.AsyncClient(timeout=60) as http:
            base = proc.base_url
            first_day = (datetime.now(UTC) + timedelta(days=2)).replace(hour=12, minute=0, second=0,
                                                                         microsecond=0)
            practice = await new_practice(http, base)
            await add_sessions(http, base, practice, month_starts(first_day, 200, 10))
            day0 = datetime(first_day.year, first_day.month, first_day.day, tzinfo=ZoneInfo(ZONE))
            month_vars = {"from": day0.isoformat(), "to": (day0 + timedelta(days=35)).isoformat()}
            slot_vars = {"u": practice.username, "e": practice.event_type_id, "from": day0.isoformat(),
                         "to": (day0 + timedelta(weeks=8)).isoformat(), "tz": ZONE}
            month = await processes.gql(http, base, MONTH, month_vars, practice.token)
            slots = await processes.gql(http, base, SLOTS, slot_vars)
            print(f"\n[{backend}] month view: {len(month['sessions'])} sessions, "
                  f"{len(month['conflicts'])} conflicting pairs; availableSlots 8 weeks: "
                  f"{len(slots['availableSlots'])} slots")
            if floors is None:
                with open(data_path, "w") as f:
                    json.dump({"slots": slots["availableSlots"], "sessions": month["sessions"],
                               "conflicts": month["conflicts"]}, f)
                floors = await measure_floors(seconds, data_path, started_floors, slot_vars, month_vars)
            cases = [
                Case("{ commonSessionLengths }, no token", LENGTHS, None, None, "hello"),
                Case("{ me { displayName } } with a token", ME, None, practice.token, "hello"),
                Case(f"availableSlots 8 weeks ({len(slots['availableSlots'])} slots)", SLOTS, slot_vars,
                     None, "slots"),
                Case(f"month view ({len(month['sessions'])} sessions + conflicts)", MONTH, month_vars,
                     practice.token, "month"),
            ]
            app, counter = counter_app(url)
            before = None
            if before_src:
                before = start_before(url, before_src)
                started_floors.append(before)
                await processes.wait_ready(before)
            try:
                engine = app.state.runtime.db.engine
                print(f"{'case':58} {'req/s':>8} {'floor':>8} {'ratio':>6} {'SQL/req':>8}"
                      + (f" {'before':>8} {'ratio':>6}" if before else ""))
                for name, load in floors["rows"]:
                    print(f"{name:58} {load.rps:8.0f}")
                for case in cases:
                    statements = await count_for((counter, engine), case)
                    load = wrk(base, case.query, case.variables, case.token, seconds)
                    floor = floors[case.floor]
                    bad = load.bad
                    line = (f"Couchtime {case.name:48} {load.rps:8.0f} {floor:8.0f} "
                            f"{load.rps / floor:6.2f} {statements:8d}")
                    if before:
                        old = wrk(before.base_url, case.query, case.variables, case.token, seconds)
                        bad += old.bad
                        line += f" {old.rps:8.0f} {old.rps / floor:6.2f}"
                    print(line + (f"  ({bad} bad responses)" if bad else ""))
                await cpu_per_request(counter, cases[1:], data_path)
                await growth(http, base, (counter, engine), first_day, day0)
            finally:
                await counter.aclose()
                await app.state.runtime.close()
    finally:
        for floor_proc in started_floors:
            floor_proc.stop()
        drop()
    return floors


async def measure_floors(seconds, data_path, started, slot_vars, month_vars) -> dict:
    bare, tuned = start_floor("starlette_app", data_path), start_floor("strawberry_app", data_path)
    started += [bare, tuned]
    await asyncio.gather(wait_port(bare), wait_port(tuned))
    raw = wrk(bare.base_url, HELLO, None, None, seconds)
    hello = wrk(tuned.base_url, HELLO, None, None, seconds)
    slots = wrk(tuned.base_url, SLOTS, slot_vars, None, seconds)
    month = wrk(tuned.base_url, MONTH, month_vars, None, seconds)
    rows = [("raw Starlette JSON", raw), ("tuned Strawberry { hello } (floor of the token cases)", hello),
            ("tuned Strawberry, the same slots from memory", slots),
            ("tuned Strawberry, the same month view from memory", month)]
    bare.stop()
    tuned.stop()
    started.clear()
    return {"rows": rows, "hello": hello.rps, "slots": slots.rps, "month": month.rps}


# --- growth ------------------------------------------------------------------------------------

BASE_IN, BASE_OUT, BASE_SERIES, BASE_TIME_OFF = 10, 10, 1, 2


async def growth(http, base, counter, first_day: datetime, day0: datetime) -> None:
    """×1, ×4, ×16 the data (sessions in and beyond the range, weekly series, time off): the
    median time of sequential requests and the statements of one. "in range": the sessions the
    month view returns (s) and the slots availableSlots returns (sl)."""
    print(f"growth (×k: {BASE_IN}k sessions in range, {BASE_OUT}k after it, {BASE_SERIES}k weekly "
          f"series, {BASE_TIME_OFF}k time-off entries in range)")
    print(f"{'data':>5} {'in range':>14} {'month ms':>9} {'SQL':>4} {'slots ms':>9} {'SQL':>4} "
          f"{'me ms':>7} {'SQL':>4}")
    first = None
    for k in (1, 4, 16):
        practice = await new_practice(http, base, clients=5)
        starts = [local(first_day + timedelta(days=d % 35), 9 + d // 35 % 7) for d in range(BASE_IN * k)]
        starts += [local(first_day + timedelta(days=70 + d % 200), 9 + d // 200 % 7)
                   for d in range(BASE_OUT * k)]
        ids = await add_sessions(http, base, practice, starts)
        for n in range(BASE_SERIES * k):  # a new weekly series at 16:00 on a fresh day each
            made = await _ok(http, base, CREATE_SESSION, {
                "clientId": practice.clients[0], "eventTypeId": practice.event_type_id,
                "start": local(first_day + timedelta(days=n % 7), 16 if n < 7 else 8)},
                practice.token, "createSession")
            await _ok(http, base, REPEAT, {"sessionId": made["session"]["id"], "repeats": "WEEKLY"},
                      practice.token, "startRepeating")
        for n in range(BASE_TIME_OFF * k):
            day = (first_day + timedelta(days=n % 56)).date().isoformat()
            await _ok(http, base, TIME_OFF, {"startDate": day, "endDate": day, "allDay": False,
                                              "startTime": f"{12 + n // 56 % 4}:00",
                                              "endTime": f"{12 + n // 56 % 4}:30"},
                      practice.token, "addTimeOff")
        assert ids
        month_vars = {"from": day0.isoformat(), "to": (day0 + timedelta(days=35)).isoformat()}
        slot_vars = {"u": practice.username, "e": practice.event_type_id, "from": day0.isoformat(),
                     "to": (day0 + timedelta(weeks=8)).isoformat(), "tz": ZONE}
        cases = [Case("month", MONTH, month_vars, practice.token, ""),
                 Case("slots", SLOTS, slot_vars, None, ""), Case("me", ME, None, practice.token, "")]
        in_range = (len((await processes.gql(http, base, MONTH, month_vars, practice.token))["sessions"]),
                    len((await processes.gql(http, base, SLOTS, slot_vars))["availableSlots"]))
        row = []
        for case in cases:
            row.append((await median_ms(http, base, case), await count_for(counter, case)))
        first = first or row
        cells = " ".join(f"{ms:9.1f} {sql:4d}" if i < 2 else f"{ms:7.1f} {sql:4d}"
                         for i, (ms, sql) in enumerate(row))
        print(f"{'×' + str(k):>5} {f'{in_range[0]} s, {in_range[1]} sl':>14} {cells}   time ×{row[0][0] / first[0][0]:.2f} / "
              f"×{row[1][0] / first[1][0]:.2f} / ×{row[2][0] / first[2][0]:.2f} of ×1")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--before", help="source tree of a build to load side by side")
    args = parser.parse_args()
    print(f"bench_http {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs, "
          f"wrk -t{THREADS} -c{CONNECTIONS} -d{args.seconds:g}s")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    floors = None
    with tempfile.TemporaryDirectory() as tmp:
        data_path = str(Path(tmp) / "floor.json")
        for backend in backends:
            floors = await run_backend(backend, args.seconds, floors, data_path, args.before)


if __name__ == "__main__":
    asyncio.run(main())
