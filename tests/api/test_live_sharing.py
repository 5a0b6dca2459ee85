"""Live fan-out resolves what subscribers share once (issue #16): sockets of one therapist with
the same document and variables cost the database one resolution per event, not one each — yet
every socket's delivery is still audited (one entry each, written together), and a therapist never receives what was resolved for
another, even for the very same document and variables."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from persistence.instrumentation import count_statements
from persistence.tables.audit import AuditEntryRow
from tests.support.calendar import create, practice
from tests.support.live_client import LiveClient

CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start client { firstName } eventType { title } } } }"""
MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
FIRST = datetime(2026, 3, 2, 8, tzinfo=UTC)


def reads(statements: list[str]) -> list[str]:
    """What resolving a delivery reads: sessions, clients, event types (not the audit log's
    INSERTs, nor what the scheduler does meanwhile)."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")
            and "audit" not in s and "outbox" not in s]


def audit_writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("INSERT") and "audit" in s]


async def _listening(api, count: int) -> None:
    """Until `count` more subscriptions listen on the bus (their token lookups done), so the
    statements counted next are the delivery's only."""
    bus = api.runtime.bus
    for _ in range(500):
        if bus.subscriber_count >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("subscriptions not listening")


async def _audit_entries(api) -> int:
    async with api.runtime.db.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(AuditEntryRow).where(
            AuditEntryRow.operation == "subscription calendarChanged"))).scalar_one()


async def _deliver(api, token, client, event_type, start, sockets) -> tuple[list[str], int, list[dict]]:
    """Statements and new audit entries of deliveries from the mutation until every socket has
    its delivery (and the deliveries)."""
    entries = await _audit_entries(api)
    with count_statements(api.runtime.db.engine) as log:
        made = await create(api, token, client, event_type, start.isoformat())
        assert made["userErrors"] == [], made
        received = [(await live.data(op))["calendarChanged"] for live, op in sockets]
    return list(log.statements), await _audit_entries(api) - entries, received


async def test_sockets_with_the_same_document_share_one_resolution_and_each_is_audited(api):
    token, _, event_type, client = await practice(api, time_zone="UTC")
    async with contextlib.AsyncExitStack() as stack:
        lives = [await stack.enter_async_context(LiveClient(api.base_url, token)) for _ in range(4)]
        already = api.runtime.bus.subscriber_count
        one = [(lives[0], await lives[0].subscribe(CALENDAR, MARCH))]
        await _listening(api, already + 1)
        alone, alone_entries, got = await _deliver(api, token, client, event_type, FIRST, one)
        four = one + [(live, await live.subscribe(CALENDAR, MARCH)) for live in lives[1:]]
        await _listening(api, already + 4)
        together, together_entries, got = await _deliver(api, token, client, event_type,
                                                          FIRST + timedelta(hours=2), four)
    assert all(g == got[0] for g in got) and got[0]["session"]["client"] == {"firstName": "Ann"}
    assert len(reads(together)) == len(reads(alone)) > 0, "\n".join(s[:90].replace("\n", " ") for s in ["ALONE", *reads(alone), "TOGETHER", *reads(together)])
    assert (alone_entries, together_entries) == (1, 4)  # one entry per socket…
    assert len(audit_writes(together)) == len(audit_writes(alone))  # …written in one INSERT


async def test_the_same_document_for_two_therapists_is_resolved_for_each_alone(api):
    x_token, _, x_type, x_client = await practice(api, time_zone="UTC")
    y_token, _, y_type, y_client = await practice(api, time_zone="UTC")
    async with LiveClient(api.base_url, x_token) as x, LiveClient(api.base_url, y_token) as y:
        x_ops = [await x.subscribe(CALENDAR, MARCH) for _ in range(2)]
        y_op = await y.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.1)
        for n in range(3):
            made = await create(api, y_token, y_client, y_type, (FIRST + timedelta(hours=n)).isoformat())
            assert (await y.data(y_op))["calendarChanged"]["sessionId"] == made["session"]["id"]
        for op in x_ops:
            await x.nothing(op)  # none of y's events, though the document and variables are the same
        made = await create(api, x_token, x_client, x_type, FIRST.isoformat())
        for op in x_ops:
            assert (await x.data(op))["calendarChanged"]["sessionId"] == made["session"]["id"]
        await y.nothing(y_op)
