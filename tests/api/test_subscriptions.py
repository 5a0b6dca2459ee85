"""Live updates over real websockets with the in-process bus (one process)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.services.series import SeriesPolicy, extend_due
from tests.support.app import break_sqlite_table
from tests.support.booking import ADD_TIME_OFF, book, slots, therapist_with_hours
from tests.support.calendar import CANCEL, CREATE, RESCHEDULE, create, practice
from tests.support.live_client import LiveClient
from tests.support.subscriptions import AVAILABILITY, CONFLICTS

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start status conflict client { firstName } } before { start } after { start } } }"""
BOOKINGS = """subscription { bookingReceived { kind clientId client { firstName status } } }"""


async def test_calendar_changes_reach_the_open_calendar(api):
    token, _, event_type, client = await practice(api)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.05)
        made = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
        change = (await live.data(op))["calendarChanged"]
        assert change["kind"] == "CREATED" and change["sessionId"] == made["id"]
        assert change["session"]["client"]["firstName"] == "Ann" and change["before"] is None
        await api.gql(RESCHEDULE, {"i": {"sessionId": made["id"], "target": "2026-03-05", "view": "MONTH"}}, token=token)
        moved = (await live.data(op))["calendarChanged"]
        assert moved["kind"] == "MOVED" and moved["before"]["start"].startswith("2026-03-03")
        assert moved["session"]["start"].startswith("2026-03-05")
        await api.gql(CANCEL, {"i": {"sessionId": made["id"]}}, token=token)
        cancelled = (await live.data(op))["calendarChanged"]
        assert cancelled["kind"] == "CANCELLED" and cancelled["session"]["status"] == "CANCELLED"
        await create(api, token, client, event_type, "2026-05-03T15:00:00Z")  # outside the range
        await live.nothing(op)


async def test_a_refused_change_publishes_nothing_and_others_are_private(api):
    token, _, event_type, client = await practice(api)
    other_token, _, other_type, other_client = await practice(api)
    made = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    await api.gql(CANCEL, {"i": {"sessionId": made["id"]}}, token=token)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.05)
        refused = (await api.gql(RESCHEDULE, {"i": {"sessionId": made["id"], "target": "2026-03-09", "view": "MONTH"}},
                                 token=token))["rescheduleSession"]
        assert refused["userErrors"]
        await create(api, other_token, other_client, other_type, "2026-03-04T15:00:00Z")  # another therapist
        await live.nothing(op)


async def test_conflicts_appear_and_clear_live(api):
    token, _, event_type, client = await practice(api)
    a = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CONFLICTS, MARCH)
        await asyncio.sleep(0.05)
        b = (await create(api, token, client, event_type, "2026-03-03T15:30:00Z"))["session"]
        update = (await live.data(op))["conflictsChanged"]
        assert [(p["first"]["id"], p["second"]["id"]) for p in update["appeared"]] == [(a["id"], b["id"])]
        await api.gql(CANCEL, {"i": {"sessionId": b["id"]}}, token=token)
        update = (await live.data(op))["conflictsChanged"]
        assert update["appeared"] == [] and len(update["cleared"]) == 1


async def test_new_bookings_and_intake_actions_keep_tabs_in_step(api, clock):
    clock.set(datetime(2026, 3, 2, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(api)
    found = await slots(api, therapist["username"], event_type, clock.now(), clock.now() + timedelta(days=3))
    async with LiveClient(api.base_url, token) as tab_one, LiveClient(api.base_url, token) as tab_two:
        ops = [await tab_one.subscribe(BOOKINGS), await tab_two.subscribe(BOOKINGS)]
        await asyncio.sleep(0.05)
        await book(api, therapist["username"], event_type, found[0]["start"], first="Nia")
        events = [(await tab.data(op))["bookingReceived"] for tab, op in zip((tab_one, tab_two), ops, strict=True)]
        assert events[0] == events[1] and events[0]["kind"] == "RECEIVED"
        assert events[0]["client"] == {"firstName": "Nia", "status": "INTAKE"}
        await api.gql("""mutation($i: IntakeInput!) { acceptIntake(input: $i) { userErrors { code } } }""",
                      {"i": {"clientId": events[0]["clientId"]}}, token=token)
        accepted = (await tab_two.data(ops[1]))["bookingReceived"]
        assert accepted["kind"] == "ACCEPTED" and accepted["client"]["status"] == "ACTIVE"


async def test_public_booking_page_hears_which_days_changed_without_phi(api, clock):
    clock.set(datetime(2026, 3, 2, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(api, time_zone="America/New_York")
    found = await slots(api, therapist["username"], event_type, clock.now(), clock.now() + timedelta(days=3))
    async with LiveClient(api.base_url) as page:  # no token: public
        op = await page.subscribe(AVAILABILITY, {"u": therapist["username"], "e": event_type})
        await asyncio.sleep(0.05)
        await book(api, therapist["username"], event_type, found[0]["start"], first="Secret", last="Person")
        message = await page.next(op)
        change = message["payload"]["data"]["availabilityChanged"]
        local_day = datetime.fromisoformat(found[0]["start"]).astimezone(ZoneInfo("America/New_York")).date()
        assert change == {"username": therapist["username"], "eventTypeId": event_type,
                          "days": [local_day.isoformat()]}
        assert "Secret" not in str(message) and "Person" not in str(message)
        await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2026-03-10", "endDate": "2026-03-11", "allDay": True}}, token=token)
        assert (await page.data(op))["availabilityChanged"]["days"] == ["2026-03-10", "2026-03-11"]
        await api.gql("""mutation { setDayAvailability(input: {day: "MONDAY", slots: []}) { userErrors { code } } }""", token=token)
        assert (await page.data(op))["availabilityChanged"]["days"] is None


async def test_series_extension_reaches_subscribers(api, clock):
    clock.set(datetime(2026, 3, 2, 12, tzinfo=UTC))
    token, _, event_type, client = await practice(api, time_zone="UTC")
    await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": "2026-03-03T10:00:00Z",
                                 "visitType": "TELEHEALTH", "repeats": "WEEKLY"}}, token=token)
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, {"from": "2026-04-20T00:00:00Z", "to": "2026-05-20T00:00:00Z"})
        await asyncio.sleep(0.05)
        clock.set(datetime(2026, 3, 16, 12, tzinfo=UTC))
        runtime = api.runtime
        await extend_due(runtime.services.uow, clock, runtime.services.rooms, SeriesPolicy(horizon_days=56))
        change = (await live.data(op))["calendarChanged"]
        assert change["kind"] == "CREATED" and change["after"]["start"].startswith("2026-04-28")


async def test_sign_out_stops_the_subscriptions_of_that_token(api):
    token, _ = await api.sign_up()
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        await asyncio.sleep(0.05)
        await api.gql("mutation { signOut { signedOut } }", token=token)
        # the socket of a signed-out token closes with 4403 (tests/api/test_socket_trust.py)
        assert await asyncio.wait_for(live.closed, 5) == 4403
        assert live._queues[op].empty() or (await live.next(op))["type"] == "complete"


async def test_subscribing_needs_a_token_and_a_sane_range(api):
    async with LiveClient(api.base_url) as live:
        op = await live.subscribe(CALENDAR, MARCH)
        message = await live.next(op)
        assert message["type"] == "error" or message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token, _ = await api.sign_up()
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(CALENDAR, {"from": "2026-03-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"})
        message = await live.next(op)
        assert "BAD_USER_INPUT" in str(message)


async def test_disconnect_releases_the_subscriber(api):
    """The server runs in this event loop: after a disconnect its subscribers and its tasks
    (connection, reader, one per operation) are back to what they were."""
    token, _ = await api.sign_up()
    bus = api.runtime.bus
    before = bus.subscriber_count
    tasks_before = len(asyncio.all_tasks())
    async with LiveClient(api.base_url, token) as live:
        for _ in range(3):
            await live.subscribe(CALENDAR, MARCH)
        for _ in range(50):
            if bus.subscriber_count == before + 3:
                break
            await asyncio.sleep(0.02)
        assert bus.subscriber_count == before + 3
        assert len(asyncio.all_tasks()) >= tasks_before + 4  # the socket's tasks exist meanwhile
    for _ in range(100):
        if bus.subscriber_count == before and len(asyncio.all_tasks()) <= tasks_before:
            break
        await asyncio.sleep(0.02)
    assert bus.subscriber_count == before
    assert len(asyncio.all_tasks()) <= tasks_before


async def test_an_unexpected_error_in_a_live_event_is_masked(start_api, caplog):
    """An event whose fields fail to resolve reaches the client as an error id, never as the
    exception's message (a database error echoes names and values)."""
    api = await start_api("sqlite")
    token, _, event_type, client = await practice(api)
    path = api.runtime.db.engine.url.database
    query = CALENDAR.replace("conflict client", "conflict note client")
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(query, MARCH)
        await asyncio.sleep(0.05)
        await asyncio.to_thread(break_sqlite_table, path, "session_notes")  # reading the note breaks
        with caplog.at_level(logging.ERROR):
            made = await api.gql("""mutation($i: CreateSessionInput!) { createSession(input: $i) {
                session { id } userErrors { code } } }""", {"i": {"clientId": client, "eventTypeId": event_type,
                                               "start": "2026-03-03T15:00:00Z", "visitType": "TELEHEALTH"}},
                                  token=token)
            assert made["createSession"]["session"]["id"]
            message = await live.next(op)
    assert message["type"] == "next"
    error = message["payload"]["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == f"Internal server error (id {error['extensions']['errorId']})."
    assert "session_notes" not in str(message) and "sqlite" not in str(message).lower()
    assert error["extensions"]["errorId"] in "\n".join(r.getMessage() for r in caplog.records)

