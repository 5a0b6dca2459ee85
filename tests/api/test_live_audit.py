"""Every use case that touches sessions reaches `calendarChanged` and `conflictsChanged` over
real websockets (issue 18): public booking, intake accept/reject/merge, series start, stop and
extension; a time-zone change moves no session and says nothing there. (A client's cancel from
the portal: tests/api/test_portal.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.support.booking import NEW_BOOKINGS, book, slots, therapist_with_hours
from tests.support.calendar import CREATE, create, practice
from tests.support.live_client import LiveClient
from tests.support.series import START, STOP, extend_series
from tests.support.subscriptions import AVAILABILITY, CALENDAR, CONFLICTS_ALL

INTAKE = """mutation($i: IntakeInput!) { %s(input: $i) { userErrors { code } } }"""
MERGE = """mutation($i: MergeIntakeInput!) { mergeIntake(input: $i) { userErrors { field code } } }"""
CREATE_CLIENT = """mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } } }"""
MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def _booked(api, token, therapist, event_type, first="Nia"):
    found = await slots(api, therapist["username"], event_type, NOW, NOW + timedelta(days=3))
    made = await book(api, therapist["username"], event_type, found[0]["start"], first=first)
    assert made["userErrors"] == [], made
    intake = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    client = next(c for c in intake if c["firstName"] == first)
    return client["id"], client["sessions"]["nodes"][0]


async def _open(live, *queries):
    ops = [await live.subscribe(q, MARCH) for q in queries]
    await asyncio.sleep(0.05)
    return ops


async def test_a_public_booking_reaches_the_open_calendar(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    async with LiveClient(api.base_url, token) as live:
        calendar, conflicts = await _open(live, CALENDAR, CONFLICTS_ALL)
        _, session = await _booked(api, token, therapist, event_type)
        change = (await live.data(calendar))["calendarChanged"]
        assert change["kind"] == "CREATED" and change["sessionId"] == session["id"]
        assert change["session"]["client"] == {"firstName": "Nia", "status": "INTAKE"}
        assert change["before"] is None and change["after"]["start"] == session["start"]
        await live.nothing(calendar)  # once, though a booking records two events
        await live.nothing(conflicts)  # a booking never overlaps


async def test_intake_accept_merge_and_reject_reach_the_open_calendar(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    accepted_id, accepted = await _booked(api, token, therapist, event_type, first="Ann")
    merged_id, merged = await _booked(api, token, therapist, event_type, first="Bea")
    rejected_id, rejected = await _booked(api, token, therapist, event_type, first="Cy")
    regular = (await api.gql(CREATE_CLIENT, {"i": {"firstName": "Dee", "lastName": "Old",
                                                   "email": "dee@example.com"}}, token=token))["createClient"]["client"]["id"]
    # A manual session over the booking that will be rejected: a conflict its deletion clears.
    blocker = (await create(api, token, regular, event_type, rejected["start"]))["session"]["id"]
    async with LiveClient(api.base_url, token) as live:
        calendar, conflicts = await _open(live, CALENDAR, CONFLICTS_ALL)
        await api.gql(INTAKE % "acceptIntake", {"i": {"clientId": accepted_id}}, token=token)
        change = (await live.data(calendar))["calendarChanged"]
        assert (change["kind"], change["sessionId"]) == ("UPDATED", accepted["id"])
        assert change["session"]["client"] == {"firstName": "Ann", "status": "ACTIVE"}
        done = (await api.gql(MERGE, {"i": {"clientId": merged_id, "intoClientId": regular}}, token=token))
        assert done["mergeIntake"]["userErrors"] == []
        change = (await live.data(calendar))["calendarChanged"]
        assert (change["kind"], change["sessionId"]) == ("UPDATED", merged["id"])
        assert change["session"]["client"] == {"firstName": "Dee", "status": "ACTIVE"}
        await live.nothing(conflicts)
        await api.gql(INTAKE % "rejectIntake", {"i": {"clientId": rejected_id}}, token=token)
        change = (await live.data(calendar))["calendarChanged"]
        assert (change["kind"], change["sessionId"], change["session"]) == ("DELETED", rejected["id"], None)
        assert change["before"]["start"] == rejected["start"] and change["after"] is None
        update = (await live.data(conflicts))["conflictsChanged"]
        assert update == {"appeared": [], "cleared": [], "deletedSessionIds": [rejected["id"]]}
    assert blocker


async def test_series_start_stop_and_extension_reach_the_open_calendar(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="UTC")
    one_off = (await create(api, token, client, event_type, "2026-03-03T10:00:00Z"))["session"]["id"]
    blocker = (await create(api, token, client, event_type, "2026-03-17T10:30:00Z"))["session"]["id"]
    late = (await create(api, token, client, event_type, "2026-05-05T10:30:00Z"))["session"]["id"]
    async with LiveClient(api.base_url, token) as live:
        calendar, conflicts = await _open(live, CALENDAR, CONFLICTS_ALL)
        started = (await api.gql(START, {"i": {"sessionId": one_off, "repeats": "WEEKLY"}}, token=token))
        assert started["startRepeating"]["userErrors"] == []
        changes = [(await live.data(calendar))["calendarChanged"] for _ in range(5)]  # 3/3 … 3/31
        kinds = sorted((c["kind"], c["after"]["start"][:10]) for c in changes)
        assert kinds == [("CREATED", "2026-03-10"), ("CREATED", "2026-03-17"), ("CREATED", "2026-03-24"),
                         ("CREATED", "2026-03-31"), ("UPDATED", "2026-03-03")]
        assert all(c["session"]["recurring"] for c in changes)
        appeared = (await live.data(conflicts))["conflictsChanged"]["appeared"]
        week3 = next(c["sessionId"] for c in changes if c["after"]["start"].startswith("2026-03-17"))
        assert [(p["first"]["id"], p["second"]["id"]) for p in appeared] == [(week3, blocker)]
        # Extension: a new week reaches the range of another view, with its conflict.
        async with LiveClient(api.base_url, token) as may:
            may_ops = [await may.subscribe(q, {"from": "2026-05-01T00:00:00Z", "to": "2026-05-31T00:00:00Z"})
                       for q in (CALENDAR, CONFLICTS_ALL)]
            await asyncio.sleep(0.05)
            clock.set(NOW + timedelta(days=14))  # the horizon reaches 5 May
            await extend_series(api)
            extended = (await may.data(may_ops[0]))["calendarChanged"]
            assert extended["kind"] == "CREATED" and extended["after"]["start"] == "2026-05-05T10:00:00Z"
            pair = (await may.data(may_ops[1]))["conflictsChanged"]["appeared"]
            assert [(p["first"]["id"], p["second"]["id"]) for p in pair] == [(extended["sessionId"], late)]
        # Stop: upcoming occurrences go, and the conflict with the blocker clears.
        stopped = (await api.gql(STOP, {"i": {"sessionId": one_off}}, token=token))["stopRepeating"]
        assert stopped["userErrors"] == []
        deleted = {(await live.data(calendar))["calendarChanged"]["sessionId"] for _ in range(3)}
        assert week3 in deleted
        update = (await live.data(conflicts))["conflictsChanged"]
        assert update == {"appeared": [], "cleared": [], "deletedSessionIds": [week3]}


async def test_a_time_zone_change_moves_no_session(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    await _booked(api, token, therapist, event_type)
    async with LiveClient(api.base_url, token) as live, LiveClient(api.base_url) as page:
        calendar, conflicts = await _open(live, CALENDAR, CONFLICTS_ALL)
        public = await page.subscribe(AVAILABILITY, {"u": therapist["username"], "e": event_type})
        await asyncio.sleep(0.05)
        changed = await api.gql("""mutation { updateProfile(input: {timeZone: "America/New_York"}) {
          userErrors { code } } }""", token=token)
        assert changed["updateProfile"]["userErrors"] == []
        assert (await page.data(public))["availabilityChanged"]["days"] is None  # any day may differ
        await live.nothing(calendar)
        await live.nothing(conflicts)


async def test_creating_a_weekly_series_in_the_past_back_fills_nothing(api, clock):
    """A series never creates sessions before today; the first one is the session given."""
    clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))
    token, _, event_type, client = await practice(api, time_zone="UTC")
    made = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": "2026-03-03T10:00:00Z",
                                         "visitType": "TELEHEALTH", "repeats": "WEEKLY"}}, token=token))["createSession"]
    assert made["userErrors"] == []
    sessions = (await api.gql("""query { sessions(from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z") {
      start } }""", token=token))["sessions"]
    assert [s["start"][:10] for s in sessions] == ["2026-03-03", "2026-03-24", "2026-03-31"]
