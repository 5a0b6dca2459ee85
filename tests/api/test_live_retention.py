"""What an open calendar keeps between events. Every object a socket holds for hours is walked
by each full garbage collection of its process (couchtime/gc_pauses.py), so once an event is
out a socket keeps nothing of it: no loaders (with their cached rows), no memo of collected
sub-selections (schema/lean_execution.py)."""

from __future__ import annotations

import asyncio
import gc

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.context import Context
from tests.support.calendar import create, practice
from tests.support.live_client import LiveClient

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind session { id start client { firstName } eventType { title } } } }"""


async def test_an_idle_calendar_keeps_nothing_of_its_last_event(start_api):
    api = await start_api("sqlite")
    token, _, event_type, client = await practice(api)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.1)
        for n in range(2):
            await create(api, token, client, event_type, f"2026-03-0{3 + n}T15:00:00Z")
            assert (await live.data(op))["calendarChanged"]["session"]["client"]["firstName"] == "Ann"
        await asyncio.sleep(0.2)  # the subscription is back to waiting for the next event
        objects = gc.get_objects()
        contexts = [o for o in objects if isinstance(o, Context) and o.connection_params is not None
                    and o.token == token]
        assert contexts and all(ctx._loaders is None for ctx in contexts)
        executors = [o for o in objects if isinstance(o, StrawberryGraphQLCoreExecutionContext)
                     and o.context_value in contexts]
        assert executors and all(not executor._relevant_sub_fields for executor in executors)
