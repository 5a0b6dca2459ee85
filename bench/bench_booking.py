"""Issue 3 figures.

a) `availableSlots` over 8 weeks for one 50-minute event type (default 60-minute grid), weekly
   hours of 15 slots a day on all 7 days, 300 booked sessions and 20 part-day time-off
   entries: SQL statements per request (target <= 3), median time per request, slots listed.
   In-process through the ASGI app, on SQLite or (COUCHTIME_BENCH_DATABASE_URL) PostgreSQL.
   Then the same request with issue 20's rules on top: 100 Outlook busy intervals (stored as the
   busy-time reader stores them), 10 date overrides and 10-minute buffers before and after:
   target within 10 % of the figure without them.
b) Booking contention: 2 `couchtime serve` processes on a fresh PostgreSQL database (server
   from COUCHTIME_BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test),
   40 concurrent bookSession attempts on one slot: winners, losers, wall time.

    .venv/bin/python -m bench.bench_booking
"""

from __future__ import annotations

import asyncio
import os
import statistics
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
    await rules_figure(bench, token, event_type_id, variables, median, today)


EXTERNAL_BUSY = 100
OVERRIDES = 10


async def rules_figure(bench: Bench, token: str, event_type_id: str, variables: dict, baseline: float,
                       today) -> None:
    """The same listing with Outlook busy times, date overrides and buffers set."""
    from sqlalchemy import insert

    from persistence.tables.external_busy import ExternalBusyRow
    from persistence.tables.outlook import OutlookIntegrationRow
    from resolvers import global_ids

    therapist_id = global_ids.decode_as((await bench.gql("{ me { id } }", token=token))["me"]["id"], "Therapist")
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    async with bench.engine.begin() as conn:  # what the busy-time reader stores for a connected calendar
        await conn.execute(insert(OutlookIntegrationRow.__table__).values(
            therapist_id=therapist_id, account="bench@example.com", tokens="sealed", token_version=1))
        await conn.execute(insert(ExternalBusyRow.__table__), [
            {"therapist_id": therapist_id, "event_id": f"bench-{i}", "show_as": "BUSY",
             "start_at": first + timedelta(hours=i * (WEEKS * 7 * 24 - 48) // EXTERNAL_BUSY),
             "end_at": first + timedelta(hours=i * (WEEKS * 7 * 24 - 48) // EXTERNAL_BUSY, minutes=45)}
            for i in range(EXTERNAL_BUSY)])
    for i in range(OVERRIDES):
        day = today + timedelta(days=3 + i * 5)
        await mutate(bench, "setDateOverride", "SetDateOverrideInput", "dateOverride { date }", {
            "date": day.isoformat(), "slots": [] if i % 3 == 0 else [{"start": "09:00", "end": "13:00"}]}, token)
    await mutate(bench, "updateEventType", "UpdateEventTypeInput", "eventType { id }", {
        "eventTypeId": event_type_id, "bookingRules": {"bufferBeforeMinutes": 10, "bufferAfterMinutes": 10}},
        token)
    listed = len((await bench.gql(SLOTS, variables))["availableSlots"])
    _, statements = await bench.measure(lambda: bench.gql(SLOTS, variables), runs=1)
    # The machine is shared: alternate rounds without and with the rules, so load hits both alike.
    without, with_rules = [], []
    for _ in range(ROUNDS_AB):
        await toggle_rules(bench, therapist_id, event_type_id, on=False)
        without.append((await bench.measure(lambda: bench.gql(SLOTS, variables), runs=RUNS // ROUNDS_AB))[0])
        await toggle_rules(bench, therapist_id, event_type_id, on=True)
        with_rules.append((await bench.measure(lambda: bench.gql(SLOTS, variables), runs=RUNS // ROUNDS_AB))[0])
    off, on = statistics.median(without), statistics.median(with_rules)
    print(f"availableSlots [{bench.backend}] with {EXTERNAL_BUSY} Outlook busy intervals, {OVERRIDES} date "
          f"overrides, 10-minute buffers ({ROUNDS_AB} alternating rounds of {RUNS // ROUNDS_AB} runs)")
    print(f"  slots in the answer:         {listed}")
    print(f"  SQL statements per request:  {statements} (target <= 3)")
    print(f"  median time per request:     {on:.2f} ms with the rules, {off:.2f} ms without "
          f"({on / off - 1:+.1%}; target within 10 %; first figure above: {baseline:.2f} ms)")


ROUNDS_AB = 5
_saved_overrides: list[dict] = []


async def toggle_rules(bench: Bench, therapist_id, event_type_id: str, *, on: bool) -> None:
    """Rules off: Outlook disconnected, no buffers, no overrides; on: all back (direct SQL)."""
    from sqlalchemy import delete, insert, select, update

    from persistence.tables.availability import DateOverrideRow
    from persistence.tables.event_types import EventTypeRow
    from persistence.tables.outlook import OutlookIntegrationRow
    from resolvers import global_ids

    overrides, integrations = DateOverrideRow.__table__, OutlookIntegrationRow.__table__
    async with bench.engine.begin() as conn:
        await conn.execute(update(integrations).where(integrations.c.therapist_id == therapist_id)
                           .values(tokens="sealed" if on else None))
        await conn.execute(update(EventTypeRow.__table__)
                           .where(EventTypeRow.__table__.c.id == global_ids.decode_as(event_type_id, "EventType"))
                           .values(buffer_before_minutes=10 if on else 0, buffer_after_minutes=10 if on else 0))
        if on and _saved_overrides:
            await conn.execute(insert(overrides), _saved_overrides)
        elif not on:
            rows = (await conn.execute(select(overrides).where(overrides.c.therapist_id == therapist_id))).mappings()
            _saved_overrides[:] = [dict(r) for r in rows]
            await conn.execute(delete(overrides).where(overrides.c.therapist_id == therapist_id))


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
    await with_bench(slots_figure, booking_limit_per_address=100_000,
                     cost_budget_per_address=10**9, cost_budget_per_token=10**9)  # figures, not budgets
    await contention_figure(os.environ.get("COUCHTIME_BENCH_DATABASE_URL") or DEFAULT_PG)


if __name__ == "__main__":
    asyncio.run(main())
