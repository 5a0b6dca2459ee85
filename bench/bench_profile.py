"""Issue 2 figure: `me { weeklyAvailability … eventTypes … }` with 7 days × 15 slots and
15 event types — SQL statements per request (target ≤ 3) and median time per request.

    .venv/bin/python -m bench.bench_profile
"""

from __future__ import annotations

import asyncio

from bench.harness import Bench, sign_up, with_bench

RUNS = 300
QUERY = """{ me { id displayName timeZone bookingPageUrl
  weeklyAvailability { day unavailable slots { start end } }
  eventTypes { id title minutes visitType description } } }"""


async def main(bench: Bench) -> None:
    token = await sign_up(bench)
    slots = [{"start": f"{h:02d}:00", "end": f"{h:02d}:45"} for h in range(6, 21)]
    await bench.gql("""mutation($i: SetDayAvailabilityInput!) { setDayAvailability(input: $i) { userErrors { code } } }""",
                    {"i": {"day": "MONDAY", "slots": slots}}, token)
    await bench.gql("""mutation($i: CopyDayAvailabilityInput!) { copyDayAvailability(input: $i) { userErrors { code } } }""",
                    {"i": {"fromDay": "MONDAY", "toDays": ["TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]}}, token)
    for i in range(15):
        await bench.gql("""mutation($i: CreateEventTypeInput!) { createEventType(input: $i) { userErrors { code } } }""",
                        {"i": {"title": f"Type {i}", "minutes": 50, "visitType": "TELEHEALTH_ONLY", "description": "x" * 200}}, token)
    data = await bench.gql(QUERY, token=token)
    assert sum(len(d["slots"]) for d in data["me"]["weeklyAvailability"]) == 105
    assert len(data["me"]["eventTypes"]) == 15
    median, statements = await bench.measure(lambda: bench.gql(QUERY, token=token), runs=RUNS)
    print(f"profile query [{bench.backend}]: 7 days x 15 slots, 15 event types, {RUNS} runs")
    print(f"  SQL statements per request: {statements} (target <= 3)")
    print(f"  median time per request:    {median:.2f} ms (in-process, ASGI, full middleware)")


if __name__ == "__main__":
    asyncio.run(with_bench(main))
