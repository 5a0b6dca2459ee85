"""The waitlist's race safety across server processes on PostgreSQL: two real `couchtime serve`
processes on one database (each with its in-process workers, as the embedded default runs them).

- A held start, claimed and booked by others at once from both processes: the claim wins (every
  claim answers the same booking), every bookSession is SLOT_UNAVAILABLE, one session.
- Three sessions of one date cancelled at once from both processes, with five people waiting:
  the offer jobs run concurrently in both processes, and each freed start is held once, for the
  three earliest entries, one hold each.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, text

from domain.waitlist import claim_token
from tests.support.processes import (
    BOOK_SESSION,
    available_starts,
    booking_input,
    fresh_pg_servers,
    gql,
    open_practice,
    post,
    set_week,
)
from tests.support.waitlist import CANCEL, CLAIM, JOIN

KEY = "waitlist-race-signing-key-0123456789abcdef"
NEW_BOOKINGS = """{ newBookings { id email sessions(first: 10) { nodes { id start status } } } }"""


@pytest.fixture(scope="module")
async def servers() -> AsyncIterator[tuple[list[str], str]]:
    async with fresh_pg_servers(COUCHTIME_BOOKING_LIMIT_PER_ADDRESS="1000", COUCHTIME_SIGNING_KEY=KEY) as found:
        yield found


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as client:
        yield client


def rows(url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


async def holds_when(url: str, username: str, count: int, timeout: float = 90) -> list[tuple]:
    """The practice's ACTIVE holds (id, entry, start) once there are `count` (jobs run async)."""
    sql = """SELECT h.id, h.entry_id, h.start_at FROM slot_holds h JOIN therapists t ON t.id = h.therapist_id
             WHERE t.username = :u AND h.status = 'ACTIVE' ORDER BY h.start_at"""
    deadline = time.monotonic() + timeout
    while True:
        found = await asyncio.to_thread(rows, url, sql, u=username)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def join(http, base_url, practice, day, n: int) -> str:
    email = f"waiter{n}-{uuid.uuid4().hex[:6]}@example.com"
    data = await gql(http, base_url, JOIN, {"input": {
        "username": practice.username, "eventTypeId": practice.event_type_id,
        "firstDate": day.isoformat(), "lastDate": day.isoformat(),
        "client": {"firstName": f"Waiter{n}", "lastName": "Racer", "email": email}, "timeZone": "UTC"}})
    assert data["joinWaitlist"]["userErrors"] == [], data
    return email


async def full_date(http, a, practice, days: int = 2):
    """Book every start of the date `days` ahead (09:00–12:00: three); (date, bookings)."""
    day = (datetime.now(ZoneInfo(practice.time_zone)) + timedelta(days=days)).date()
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(practice.time_zone))
    starts = [s["start"] for s in await available_starts(http, a, practice, start, start + timedelta(days=1))]
    assert len(starts) == 3, starts
    for s in starts:
        booked = await post(http, a, BOOK_SESSION, {"i": booking_input(practice, s)})
        assert booked["data"]["bookSession"]["confirmation"], booked
    intake = (await gql(http, a, NEW_BOOKINGS, token=practice.token))["newBookings"]
    return day, starts, [c["sessions"]["nodes"][0]["id"] for c in intake]


async def test_a_claim_and_bookings_of_the_held_start_at_once_book_it_once(servers, http):
    (a, b), url = servers
    practice = await open_practice(http, a)
    await set_week(http, a, practice.token, [("09:00", "12:00")])
    day, starts, sessions = await full_date(http, a, practice)
    await join(http, b, practice, day, 1)
    cancelled = await gql(http, b, CANCEL, {"i": {"sessionId": sessions[0]}}, practice.token)
    assert cancelled["cancelSession"]["userErrors"] == []
    [(hold_id, _, held)] = await holds_when(url, practice.username, 1)
    held = held if isinstance(held, datetime) else datetime.fromisoformat(str(held))
    token = claim_token(KEY.encode(), UUID(str(hold_id)))
    start = held.astimezone(UTC).isoformat()

    calls = []
    for i in range(24):
        base = (a, b)[i % 2]
        if i % 3 == 0:  # 8 claims (the same link twice at once is a retry), 16 bookings
            calls.append(post(http, base, CLAIM, {"input": {"token": token}}))
        else:
            calls.append(post(http, base, BOOK_SESSION, {"i": booking_input(practice, start)}))
    bodies = await asyncio.gather(*calls)

    assert all("errors" not in body for body in bodies), [x["errors"] for x in bodies if "errors" in x]
    claims = [x["data"]["claimWaitlistHold"] for x in bodies if "claimWaitlistHold" in x["data"]]
    bookings = [x["data"]["bookSession"] for x in bodies if "bookSession" in x["data"]]
    assert all(c["userErrors"] == [] for c in claims), claims
    assert len({c["confirmation"]["reference"] for c in claims}) == 1
    assert all([e["code"] for e in p["userErrors"]] == ["SLOT_UNAVAILABLE"] for p in bookings), bookings
    at_start = await asyncio.to_thread(rows, url, """SELECT count(*) FROM sessions s JOIN therapists t
        ON t.id = s.therapist_id WHERE t.username = :u AND s.start_at = :s AND s.status = 'SCHEDULED'""",
                                       u=practice.username, s=held)
    assert at_start == [(1,)]


async def test_frees_at_once_hold_each_start_once_for_the_earliest_entries(servers, http):
    (a, b), url = servers
    practice = await open_practice(http, a)
    await set_week(http, a, practice.token, [("09:00", "12:00")])
    day, starts, sessions = await full_date(http, a, practice)
    for n in range(5):
        await join(http, (a, b)[n % 2], practice, day, n)
    bodies = await asyncio.gather(*(
        post(http, (a, b)[i % 2], CANCEL, {"i": {"sessionId": s}}, practice.token) for i, s in enumerate(sessions)))
    assert all(x["data"]["cancelSession"]["userErrors"] == [] for x in bodies), bodies
    holds = await holds_when(url, practice.username, 3)
    await asyncio.sleep(2)  # any late offer run would add a hold now
    holds = await holds_when(url, practice.username, 3, timeout=0)
    assert len(holds) == 3, holds
    assert len({h[2] for h in holds}) == 3 and len({h[1] for h in holds}) == 3  # each start once, one each
    order = await asyncio.to_thread(rows, url, """SELECT e.id, e.status FROM waitlist_entries e
        JOIN therapists t ON t.id = e.therapist_id WHERE t.username = :u ORDER BY e.created_at, e.id""",
                                    u=practice.username)
    assert [s for _, s in order] == ["OFFERED"] * 3 + ["WAITING"] * 2
    assert {str(h[1]) for h in holds} == {str(i) for i, _ in order[:3]}
