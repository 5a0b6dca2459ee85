"""Outlook busy times over the whole path, on SQLite and PostgreSQL: connect → the busy-read job
→ msgraph-sdk's calendarView delta → the local fake Microsoft → stored intervals → the booking
page's slots and the booking's re-check, and `me.externalBusy`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from domain.services import external_busy
from persistence.read_models.external_busy import SqlExternalBusyReads
from resolvers import global_ids
from tests.api import test_outlook
from tests.api.test_outlook import connect, wait_event
from tests.support.booking import book, slots, therapist_with_hours

# the Outlook tests' fixtures: an app pointed at the local fake Microsoft, per backend
microsoft, outlook_api, api = test_outlook.microsoft, test_outlook.outlook_api, test_outlook.api

OUTLOOK = """{ me { integrations { outlook { connected busyTimesSyncedAt busyTimesStale busyTimesError
  tentativeEventsBlock } } } }"""
BUSY = """query($from: DateTime!, $to: DateTime!) { me { externalBusy(from: $from, to: $to) {
  start end showAs blocksBooking } } }"""
TENTATIVE = """mutation($b: Boolean!) { setTentativeEventsBlock(input: {block: $b}) {
  outlook { tentativeEventsBlock } userErrors { code } } }"""


def day_ahead(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)


async def outlook_state(api, token) -> dict:
    return (await api.gql(OUTLOOK, token=token))["me"]["integrations"]["outlook"]


async def read_busy(api, therapist: dict) -> str:
    """One round of the busy-read job for this therapist (what the scheduler runs every 10 min)."""
    s = api.runtime.services
    owner = global_ids.decode_as(therapist["id"], "Therapist")
    return (await external_busy.sync(s.uow, s.clock, s.outlook, SqlExternalBusyReads(s.db), owner)).value


async def starts(api, therapist, event_type, day) -> list[str]:
    found = await slots(api, therapist["username"], event_type, day, day + timedelta(days=1))
    return [s["start"][11:16] for s in found]


async def connected_practice(api, microsoft):
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="UTC", slots=[{"start": "09:00", "end": "12:00"}], minutes=50)
    account = await connect(api, microsoft, token)
    synced = None
    for _ in range(300):  # the read enqueued on connect runs in the app's worker
        synced = (await outlook_state(api, token))["busyTimesSyncedAt"]
        if synced:
            break
        await asyncio.sleep(0.05)
    assert synced, (microsoft.requests(path="calendarView"), await read_busy(api, therapist))
    return token, therapist, event_type, account


async def test_busy_and_tentative_appointments_hide_slots_and_deleting_frees_them(api, microsoft):
    token, therapist, event_type, account = await connected_practice(api, microsoft)
    day = day_ahead(5)
    assert await starts(api, therapist, event_type, day) == ["09:00", "10:00", "11:00"]
    dentist = microsoft.add_event(day + timedelta(hours=10), day + timedelta(hours=10, minutes=30), account=account)
    microsoft.add_event(day + timedelta(hours=11, minutes=15), day + timedelta(hours=11, minutes=45),
                        show_as="tentative", account=account)
    microsoft.add_event(day + timedelta(hours=9), day + timedelta(hours=9, minutes=30), show_as="free",
                        account=account)
    assert await read_busy(api, therapist) == "delta"
    assert await starts(api, therapist, event_type, day) == ["09:00"]
    refused = await book(api, therapist["username"], event_type, day + timedelta(hours=10))
    assert refused["userErrors"][0]["code"] == "SLOT_UNAVAILABLE"

    shown = (await api.gql(BUSY, {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()},
                           token=token))["me"]["externalBusy"]
    assert [(b["start"][11:16], b["end"][11:16], b["showAs"], b["blocksBooking"]) for b in shown] == [
        ("10:00", "10:30", "BUSY", True), ("11:15", "11:45", "TENTATIVE", True)]

    chosen = (await api.gql(TENTATIVE, {"b": False}, token=token))["setTentativeEventsBlock"]
    assert chosen == {"outlook": {"tentativeEventsBlock": False}, "userErrors": []}
    assert await starts(api, therapist, event_type, day) == ["09:00", "11:00"]

    microsoft.remove_event(dentist, account=account)
    assert await read_busy(api, therapist) == "delta"
    assert await starts(api, therapist, event_type, day) == ["09:00", "10:00", "11:00"]
    other, _ = await api.sign_up()
    assert (await api.gql(BUSY, {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()},
                          token=other))["me"]["externalBusy"] == []


async def test_couchtimes_own_events_never_block_themselves(api, microsoft):
    token, therapist, event_type, account = await connected_practice(api, microsoft)
    day = day_ahead(6)
    booked = await book(api, therapist["username"], event_type, day + timedelta(hours=10))
    assert booked["userErrors"] == []
    sessions = (await api.gql("""query($f: DateTime!, $t: DateTime!) { sessions(from: $f, to: $t) { id } }""",
                              {"f": day.isoformat(), "t": (day + timedelta(days=1)).isoformat()}, token=token))
    session_id = str(global_ids.decode_as(sessions["sessions"][0]["id"], "Session"))
    await wait_event(microsoft, session_id, account)  # Couchtime copied the session to Outlook
    assert await read_busy(api, therapist) == "delta"
    shown = (await api.gql(BUSY, {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()},
                           token=token))["me"]["externalBusy"]
    assert shown == []  # its own event is not an outside appointment
    cancel = await api.gql("""mutation($i: CancelSessionInput!) { cancelSession(input: $i) { userErrors { code } } }""",
                           {"i": {"sessionId": sessions["sessions"][0]["id"]}}, token=token)
    assert cancel["cancelSession"]["userErrors"] == []
    assert "10:00" in await starts(api, therapist, event_type, day)  # freed at once, Outlook copy or not


async def test_an_outage_keeps_the_last_known_times_and_says_how_old_they_are(api, microsoft):
    token, therapist, event_type, account = await connected_practice(api, microsoft)
    day = day_ahead(7)
    microsoft.add_event(day + timedelta(hours=10), day + timedelta(hours=11), account=account)
    assert await read_busy(api, therapist) == "delta"
    microsoft.fail(503, times=50, path="calendarView")
    try:
        assert await read_busy(api, therapist) == "unavailable"
    finally:
        microsoft.faults.clear()
    assert await starts(api, therapist, event_type, day) == ["09:00", "11:00"]  # still hidden
    state = await outlook_state(api, token)
    assert state["busyTimesError"] and state["busyTimesStale"] is False
    api.clock.advance(timedelta(minutes=31))
    assert (await outlook_state(api, token))["busyTimesStale"] is True
    microsoft.forget_delta_links()  # Graph lost the delta state too: the next read starts over
    assert await read_busy(api, therapist) == "full"
    state = await outlook_state(api, token)
    assert state["busyTimesStale"] is False and state["busyTimesError"] is None
    assert await starts(api, therapist, event_type, day) == ["09:00", "11:00"]


async def test_disconnecting_stops_outlook_times_blocking(api, microsoft):
    token, therapist, event_type, account = await connected_practice(api, microsoft)
    day = day_ahead(8)
    microsoft.add_event(day + timedelta(hours=9), day + timedelta(hours=12), show_as="oof", account=account)
    await read_busy(api, therapist)
    assert await starts(api, therapist, event_type, day) == []
    await api.gql("mutation { disconnectOutlook { userErrors { code } } }", token=token)
    assert await starts(api, therapist, event_type, day) == ["09:00", "10:00", "11:00"]
