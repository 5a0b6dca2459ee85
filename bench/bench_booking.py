"""Issue 3 figures.

a) `availableSlots` over 8 weeks for one 50-minute event type (default 60-minute grid), weekly
   hours of 15 slots a day on all 7 days, 300 booked sessions and 20 part-day time-off
   entries: SQL statements per request (target <= 3), median time per request, slots listed.
   In-process through the ASGI app, on SQLite or (COUCHTIME_BENCH_DATABASE_URL) PostgreSQL.
b) Booking contention: 2 `couchtime serve` processes on a fresh PostgreSQL database (server
   from COUCHTIME_BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test),
   40 concurrent bookSession attempts on one slot: winners, losers, wall time.

    .venv/bin/python -m bench.bench_booking
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from bench.harness import Bench, sign_up, with_bench
from tests.support import processes
from tests.support.databases import create_pg_database

RUNS = 100
WEEKS = 8
SESSIONS = 300
TIME_OFF = 20
ATTEMPTS = 40
ROUNDS = 3
ZONE = "America/New_York"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SLOTS = """query($u: String!, $e: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(username: $u, eventTypeId: $e, from: $from, to: $to, timeZone: "Europe/London") {
    start localStart localDate localTime } }"""


async def mutate(bench: Bench, field: str, input_type: str, selection: str, values: dict,
                 token: str | None = None) -> dict:
    data = await bench.gql(
        f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ {selection} userErrors {{ field code }} }} }}",
        {"i": values}, token,
    )
    payload = data[field]
    if payload["userErrors"]:
        raise RuntimeError(f"{field}: {payload['userErrors']}")
    return payload


async def slots_figure(bench: Bench) -> None:
    token = await sign_up(bench, ZONE)
    username = (await bench.gql("{ me { username } }", token=token))["me"]["username"]
    hours = [{"start": f"{h:02d}:00", "end": f"{h:02d}:50"} for h in range(6, 21)]  # 15 a day
    await mutate(bench, "setDayAvailability", "SetDayAvailabilityInput", "weeklyAvailability { day }",
                 {"day": "MONDAY", "slots": hours}, token)
    await mutate(bench, "copyDayAvailability", "CopyDayAvailabilityInput", "weeklyAvailability { day }",
                 {"fromDay": "MONDAY", "toDays": processes.WEEKDAYS[1:]}, token)
    event_type_id = (await mutate(bench, "createEventType", "CreateEventTypeInput", "eventType { id }",
                                  {"title": "Session", "minutes": 50, "visitType": "TELEHEALTH_ONLY"},
                                  token))["eventType"]["id"]

    today = datetime.now(ZoneInfo(ZONE)).date()
    for i in range(TIME_OFF):  # part-day blocks spread over the 8 weeks, 2 to 4 hours each
        day = today + timedelta(days=1 + i * (WEEKS * 7 - 2) // TIME_OFF)
        begin = 8 + (i % 5) * 2
        await mutate(bench, "addTimeOff", "AddTimeOffInput", "timeOff { id }", {
            "startDate": day.isoformat(), "endDate": day.isoformat(), "allDay": False,
            "startTime": f"{begin:02d}:30", "endTime": f"{begin + 2 + i % 3:02d}:00",
            "reason": "errand"}, token)

    start = datetime.now(UTC)
    end = start + timedelta(weeks=WEEKS)
    variables = {"u": username, "e": event_type_id, "from": start.isoformat(), "to": end.isoformat()}
    free = (await bench.gql(SLOTS, variables))["availableSlots"]
    step = len(free) / SESSIONS
    for n in range(SESSIONS):  # real free slots, evenly spread over the 8 weeks
        await mutate(bench, "bookSession", "BookSessionInput", "confirmation { reference }", {
            "username": username, "eventTypeId": event_type_id, "start": free[int(n * step)]["start"],
            "client": {"firstName": f"C{n}", "lastName": "Bench", "email": f"c{n}@example.com"},
            "timeZone": "Europe/London", "idempotencyKey": uuid.uuid4().hex})

    listed = len((await bench.gql(SLOTS, variables))["availableSlots"])
    assert listed == len(free) - SESSIONS, (listed, len(free))
    median, statements = await bench.measure(lambda: bench.gql(SLOTS, variables), runs=RUNS)
    print(f"availableSlots [{bench.backend}]: {WEEKS} weeks, 7 days x 15 slots, {SESSIONS} sessions, "
          f"{TIME_OFF} time-off entries, {RUNS} runs")
    print(f"  slots in the answer:         {listed} (of {len(free)} before the bookings)")
    print(f"  SQL statements per request:  {statements} (target <= 3)")
    print(f"  median time per request:     {median:.2f} ms (in-process, ASGI, full middleware)")


async def contention_figure(server_url: str) -> None:
    try:
        url, drop = create_pg_database(server_url, "couchtime_bench")
    except Exception as exc:  # noqa: BLE001 - the figure needs a PostgreSQL server
        print(f"booking contention: skipped, no PostgreSQL server ({type(exc).__name__})")
        return
    try:
        await asyncio.to_thread(processes.migrate, url)
        async with (
            processes.serve_processes(url, 2, COUCHTIME_BOOKING_LIMIT_PER_ADDRESS="100000",
                                      COUCHTIME_LOG_LEVEL="WARNING") as procs,
            httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as http,
        ):
            urls = [p.base_url for p in procs]
            practice = await processes.open_practice(http, urls[0])
            now = datetime.now(UTC)
            free = await processes.available_starts(http, urls[0], practice, now, now + timedelta(days=7))
            free = [s["start"] for s in free if datetime.fromisoformat(s["start"]) > now + timedelta(days=2)]
            # warm both processes' connection pools with one booking each
            await processes.book_concurrently(http, urls, [processes.booking_input(practice, s)
                                                           for s in free[-2:]])
            print(f"booking contention [postgresql, 2 serve processes]: {ATTEMPTS} concurrent "
                  f"attempts on one slot, alternating processes, {ROUNDS} rounds")
            for round_ in range(ROUNDS):
                inputs = [processes.booking_input(practice, free[round_]) for _ in range(ATTEMPTS)]
                started = time.perf_counter()
                bodies = await processes.book_concurrently(http, urls, inputs)
                wall = (time.perf_counter() - started) * 1000
                outcome: Counter[str] = Counter()
                for body in bodies:
                    if body.get("errors"):
                        outcome["graphql errors"] += 1
                    elif body["data"]["bookSession"]["confirmation"]:
                        outcome["winners"] += 1
                    else:
                        outcome["/".join(e["code"] for e in body["data"]["bookSession"]["userErrors"])] += 1
                print(f"  round {round_ + 1}: attempts {ATTEMPTS}, winners {outcome.pop('winners', 0)}, "
                      f"losers (SLOT_UNAVAILABLE) {outcome.pop('SLOT_UNAVAILABLE', 0)}, "
                      f"other {dict(outcome) or 0}, wall time {wall:.0f} ms")
    finally:
        drop()


async def main() -> None:
    await with_bench(slots_figure, booking_limit_per_address=100_000)
    await contention_figure(os.environ.get("COUCHTIME_BENCH_DATABASE_URL") or DEFAULT_PG)


if __name__ == "__main__":
    asyncio.run(main())
