"""Issue 4 figures: a month view with 200 sessions (30 of them in conflicts) — SQL statements
per request (target ≤ 4, independent of the count) and median time; and the statements of one
week-view drag. Issue 13: the same month view with the audit log's read recording off and on,
interleaved in one run (target: at most 1 extra statement and at most 10 % throughput).

    .venv/bin/python -m bench.bench_calendar
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.harness import Bench, sign_up, with_bench
from persistence.instrumentation import count_statements

AUDIT_ROUNDS, AUDIT_RUNS = 20, 5  # rounds of (off, on) blocks, runs per block

RUNS = 50
FIELDS = """id start end minutes visitType meetingUrl status cancelled cancelReason recurring
  paymentStatus amountPaidCents fee { amountCents currency } hasNote hasPayment hasClaim claimStatus
  conflict conflictsWith { id } client { firstName lastName status } eventType { title minutes }"""
MONTH = f"""query($from: DateTime!, $to: DateTime!) {{ sessions(from: $from, to: $to) {{ {FIELDS} }}
  conflicts(from: $from, to: $to) {{ first {{ id }} second {{ id }} }} }}"""
CREATE = """mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } userErrors { code } } }"""
DRAG = """mutation($i: RescheduleSessionInput!) { rescheduleSession(input: $i) {
  session { id start conflict conflictsWith { id } }
  conflicts { appeared { first { id } second { id } } cleared { first { id } second { id } } }
  userErrors { code } } }"""


async def main(bench: Bench) -> None:
    token = await sign_up(bench, "America/New_York")
    event_type = (await bench.gql("""mutation { createEventType(input: {title: "Therapy", minutes: 50,
        visitType: TELEHEALTH_ONLY, priceCents: 12000, currency: "USD"}) { eventType { id } } }""", token=token)
    )["createEventType"]["eventType"]["id"]
    clients = []
    for i in range(20):
        made = await bench.gql("""mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } } }""",
                               {"i": {"firstName": f"F{i}", "lastName": f"L{i}", "email": f"c{i}@example.com"}}, token)
        clients.append(made["createClient"]["client"]["id"])
    month = datetime(2026, 3, 2, 13, tzinfo=UTC)
    starts = []
    for day in range(28):  # 185 sessions with no overlap: hourly slots, 6 or 7 a day
        for hour in range(7):
            starts.append(month + timedelta(days=day, hours=hour))
    starts = starts[:185]
    starts += starts[:30:2]  # 15 double-booked hours: 30 sessions in conflict
    ids = []
    for i, start in enumerate(starts):
        data = await bench.gql(CREATE, {"i": {"clientId": clients[i % 20], "eventTypeId": event_type,
                                               "start": start.isoformat()}}, token)
        ids.append(data["createSession"]["session"]["id"])
    variables = {"from": "2026-02-23T00:00:00Z", "to": "2026-04-06T00:00:00Z"}
    data = await bench.gql(MONTH, variables, token)
    in_conflict = sum(1 for s in data["sessions"] if s["conflict"])
    median, statements = await bench.measure(lambda: bench.gql(MONTH, variables, token), runs=RUNS)
    print(f"month view [{bench.backend}]: {len(data['sessions'])} sessions, {in_conflict} in conflicts, "
          f"{len(data['conflicts'])} conflicting pairs, {RUNS} runs")
    print(f"  SQL statements per request: {statements} (target <= 4, independent of the count)")
    print(f"  median time per request:    {median:.2f} ms (in-process, ASGI, full middleware)")
    drag = {"i": {"sessionId": ids[0], "target": "2026-03-03T11:10:00", "view": "WEEK"}}
    with count_statements(bench.engine) as log:
        result = await bench.gql(DRAG, drag, token)
    assert not result["rescheduleSession"]["userErrors"]
    print(f"  one week-view drag: {log.count} SQL statements per mutation (incl. the token lookup)")
    await audit_cost(bench, lambda: bench.gql(MONTH, variables, token))


@contextlib.contextmanager
def audit_reads_off():
    """What the month view costs without the audit log's read path (collection and its INSERT);
    for this comparison only (the service has no such switch)."""
    from resolvers import audit as audit_log

    saved = audit_log.reading, audit_log.flush_reads

    @contextlib.contextmanager
    def no_reading(operation):
        yield None

    async def no_flush(context, collector) -> None:
        return None

    audit_log.reading, audit_log.flush_reads = no_reading, no_flush
    try:
        yield
    finally:
        audit_log.reading, audit_log.flush_reads = saved


async def audit_cost(bench: Bench, call) -> None:
    with audit_reads_off(), count_statements(bench.engine) as off_log:
        await call()
    with count_statements(bench.engine) as on_log:
        await call()
    timings: dict[str, list[float]] = {"off": [], "on": []}
    elapsed = {"off": 0.0, "on": 0.0}
    cpu = {"off": 0.0, "on": 0.0}  # this process's CPU (API, in-process workers, the linker)
    for round_ in range(AUDIT_ROUNDS):  # interleaved, so load from other processes hits both alike
        for mode in (("off", "on") if round_ % 2 else ("on", "off")):
            with audit_reads_off() if mode == "off" else contextlib.nullcontext():
                block, block_cpu = time.perf_counter(), time.process_time()
                for _ in range(AUDIT_RUNS):
                    started = time.perf_counter()
                    await call()
                    timings[mode].append((time.perf_counter() - started) * 1000)
                elapsed[mode] += time.perf_counter() - block
                cpu[mode] += time.process_time() - block_cpu
    runs = AUDIT_ROUNDS * AUDIT_RUNS
    rate = {mode: runs / elapsed[mode] for mode in elapsed}
    median = {mode: statistics.median(timings[mode]) for mode in timings}
    print(f"  audit log [{bench.backend}], {runs} month views each way, interleaved:")
    print(f"    SQL statements per request: {off_log.count} without, {on_log.count} with "
          f"(+{on_log.count - off_log.count}; target <= +1)")
    print(f"    median time per request:    {median['off']:.2f} ms without, {median['on']:.2f} ms with")
    print(f"    throughput:                 {rate['off']:.1f}/s without, {rate['on']:.1f}/s with "
          f"({(rate['on'] / rate['off'] - 1) * 100:+.1f} %; target >= -10 %)")
    per = {mode: cpu[mode] / runs * 1000 for mode in cpu}
    print(f"    CPU per request:            {per['off']:.2f} ms without, {per['on']:.2f} ms with "
          f"({(per['on'] / per['off'] - 1) * 100:+.1f} %; steadier than wall time on a busy machine)")


if __name__ == "__main__":
    asyncio.run(with_bench(main))
