"""Race safety across server processes on PostgreSQL: two real `couchtime serve` processes on
one database, as in production behind a load balancer.

- Many clients booking one slot at once: exactly one session, everyone else SLOT_UNAVAILABLE.
- One idempotency key sent at once to both processes: one session, one reference.
- accept / reject / merge of one intake client at once: exactly one applies.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.processes import (
    BOOK_SESSION,
    book_concurrently,
    booking_input,
    fresh_pg_servers,
    gql,
    mutate,
    open_practice,
    post,
    slot_days_ahead,
)

ATTEMPTS = 24

NEW_BOOKINGS = """{ newBookings { id email status sessions(first: 10) { nodes { start status source } } } }"""
CLIENT = """query($id: ID!) { client(id: $id) { id status sessions(first: 100) { nodes { start } } } }"""
SLOTS = """
query($u: String!, $e: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(username: $u, eventTypeId: $e, from: $from, to: $to, timeZone: "Asia/Tokyo") { start }
}"""


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture(scope="module")
async def servers() -> AsyncIterator[list[str]]:
    """Two `couchtime serve` processes on one fresh, migrated PostgreSQL database."""
    async with fresh_pg_servers(COUCHTIME_BOOKING_LIMIT_PER_ADDRESS="1000") as (urls, _):
        yield urls


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as client:
        yield client


async def listed(http, base_url, practice, start: str) -> set[datetime]:
    at = instant(start)
    data = await gql(http, base_url, SLOTS, {
        "u": practice.username, "e": practice.event_type_id,
        "from": (at - timedelta(hours=3)).isoformat(), "to": (at + timedelta(hours=3)).isoformat(),
    })
    return {instant(s["start"]) for s in data["availableSlots"]}


async def test_many_bookings_for_one_slot_across_processes_make_one_session(servers, http):
    a, b = servers
    practice = await open_practice(http, a)
    start = await slot_days_ahead(http, a, practice, days=2)
    assert instant(start) in await listed(http, b, practice, start)
    inputs = [booking_input(practice, start) for _ in range(ATTEMPTS)]

    bodies = await book_concurrently(http, [a, b], inputs)

    assert all("errors" not in body for body in bodies), [b["errors"] for b in bodies if "errors" in b]
    payloads = [body["data"]["bookSession"] for body in bodies]
    winners = [i for i, p in enumerate(payloads) if p["confirmation"] is not None]
    assert len(winners) == 1, payloads
    won = payloads[winners[0]]
    assert won["userErrors"] == []
    assert instant(won["confirmation"]["start"]) == instant(start)
    assert won["confirmation"]["minutes"] == 50 and won["confirmation"]["visitType"] == "TELEHEALTH"
    for i, p in enumerate(payloads):
        if i != winners[0]:
            assert p["confirmation"] is None
            assert [(e["field"], e["code"]) for e in p["userErrors"]] == [(["start"], "SLOT_UNAVAILABLE")], p

    for base_url in (a, b):  # both processes see the same database
        intake = (await gql(http, base_url, NEW_BOOKINGS, token=practice.token))["newBookings"]
        assert len(intake) == 1, intake
        assert intake[0]["email"] == inputs[winners[0]]["client"]["email"]
        assert intake[0]["status"] == "INTAKE"
        assert [(instant(s["start"]), s["status"], s["source"]) for s in intake[0]["sessions"]["nodes"]] == [
            (instant(start), "SCHEDULED", "BOOKING")]
        free = await listed(http, base_url, practice, start)
        assert instant(start) not in free
        assert instant(start) + timedelta(hours=1) in free  # the neighbours are still free
        assert instant(start) - timedelta(hours=1) in free


async def test_one_idempotency_key_sent_to_both_processes_books_once(servers, http):
    a, b = servers
    practice = await open_practice(http, b)
    start = await slot_days_ahead(http, b, practice, days=3)
    retry = booking_input(practice, start, key=f"retry-{uuid.uuid4()}")

    bodies = await book_concurrently(http, [a, b], [retry] * 20)
    bodies.append(await post(http, a, BOOK_SESSION, {"i": retry}))  # a late retry

    assert all("errors" not in body for body in bodies), [b["errors"] for b in bodies if "errors" in b]
    payloads = [body["data"]["bookSession"] for body in bodies]
    assert all(p["userErrors"] == [] and p["confirmation"] for p in payloads), payloads
    assert len({p["confirmation"]["reference"] for p in payloads}) == 1, payloads
    assert {instant(p["confirmation"]["start"]) for p in payloads} == {instant(start)}

    intake = (await gql(http, a, NEW_BOOKINGS, token=practice.token))["newBookings"]
    assert len(intake) == 1 and len(intake[0]["sessions"]["nodes"]) == 1, intake
    other = (await post(http, b, BOOK_SESSION, {"i": booking_input(practice, start)}))
    assert other["data"]["bookSession"]["userErrors"][0]["code"] == "SLOT_UNAVAILABLE"


ACCEPT = "mutation($i: IntakeInput!) { acceptIntake(input: $i) { client { id status } userErrors { field code } } }"
REJECT = "mutation($i: IntakeInput!) { rejectIntake(input: $i) { removedClientId userErrors { field code } } }"
MERGE = "mutation($i: MergeIntakeInput!) { mergeIntake(input: $i) { client { id status } userErrors { field code } } }"


async def test_accept_reject_and_merge_of_one_intake_at_once_apply_once(servers, http):
    """The intake row is locked: one action applies. The others then find the client either
    no longer an intake client (after accept: NOT_INTAKE) or gone (after reject or merge,
    which delete the intake record: NOT_FOUND); both on the `clientId` field."""
    a, b = servers
    practice = await open_practice(http, a)
    target = (await mutate(http, a, "createClient", "CreateClientInput", "client { id status }",
                           {"firstName": "Ada", "lastName": "Active", "email": "ada@example.com"},
                           practice.token))["client"]
    assert target["status"] == "ACTIVE"
    winners = []
    for round_ in range(6):
        start = await slot_days_ahead(http, a, practice, days=1)
        booked = await post(http, b, BOOK_SESSION, {"i": booking_input(practice, start)})
        assert booked["data"]["bookSession"]["confirmation"], booked
        intake_id = (await gql(http, a, NEW_BOOKINGS, token=practice.token))["newBookings"][0]["id"]

        calls = {
            "accept": (ACCEPT, {"clientId": intake_id}),
            "reject": (REJECT, {"clientId": intake_id}),
            "merge": (MERGE, {"clientId": intake_id, "intoClientId": target["id"]}),
        }
        names = list(calls)[round_ % 3:] + list(calls)[:round_ % 3]  # vary who goes first
        bodies = await asyncio.gather(*(
            post(http, (a, b)[i % 2], calls[name][0], {"i": calls[name][1]}, practice.token)
            for i, name in enumerate(names)
        ))
        assert all("errors" not in body for body in bodies), bodies
        results = {name: next(iter(body["data"].values())) for name, body in zip(names, bodies, strict=True)}
        applied = [name for name, r in results.items() if r["userErrors"] == []]
        assert len(applied) == 1, results
        winner = applied[0]
        winners.append(winner)
        loser_code = "NOT_INTAKE" if winner == "accept" else "NOT_FOUND"
        for name, r in results.items():
            if name != winner:
                assert r["userErrors"] == [{"field": ["clientId"], "code": loser_code}], (winner, results)
                assert r.get("client") is None and r.get("removedClientId") is None

        after = (await gql(http, b, CLIENT, {"id": intake_id}, practice.token))["client"]
        pending = (await gql(http, b, NEW_BOOKINGS, token=practice.token))["newBookings"]
        assert pending == []
        if winner == "accept":
            assert results["accept"]["client"] == {"id": intake_id, "status": "ACTIVE"}
            assert after["status"] == "ACTIVE"
            assert [instant(s["start"]) for s in after["sessions"]["nodes"]] == [instant(start)]
        elif winner == "reject":
            assert results["reject"]["removedClientId"] == intake_id
            assert after is None
            assert instant(start) in await listed(http, a, practice, start)  # free again
        else:
            assert results["merge"]["client"] == target
            assert after is None
            merged = (await gql(http, b, CLIENT, {"id": target["id"]}, practice.token))["client"]
            assert instant(start) in [instant(s["start"]) for s in merged["sessions"]["nodes"]]
        if winner != "reject":  # the slot stays taken by the moved or accepted session
            assert instant(start) not in await listed(http, a, practice, start)
    print("intake race winners:", winners)
