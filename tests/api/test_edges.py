"""Correct at the edges (issue 18) over real HTTP: DST gaps on the booking page and in time
off, a zone change that re-zones time off, cadence changes on past sessions, conflicts seen
from any path, and the 30-minute notice across midnight."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.booking import ADD_TIME_OFF, CREATE_EVENT_TYPE, book, slots, therapist_with_hours
from tests.support.calendar import CREATE, create, practice
from tests.support.series import START, extend_series, sessions_listed

NESTED = """query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) {
  id conflictsWith { id conflict conflictsWith { id } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Session { id conflict conflictsWith { id } } } }"""
PROFILE = """mutation($i: UpdateProfileInput!) { updateProfile(input: $i) {
  therapist { timeZone } userErrors { field code message } } }"""
TIME_OFF = """{ me { timeOff { startDate startTime endTime start end } } }"""


async def _event_type(api, token, minutes):
    made = (await api.gql(CREATE_EVENT_TYPE, {"input": {
        "title": f"{minutes} min", "minutes": minutes, "visitType": "TELEHEALTH_ONLY"}}, token=token))["createEventType"]
    assert made["userErrors"] == [], made
    return made["eventType"]["id"]


async def test_nested_conflicts_do_not_depend_on_how_a_session_was_reached(api):
    """A 01:00Z 720 min, P 14:00Z the day before 720 min, Q 06:00Z that day 540 min: P overlaps
    A and Q. Reached from the range 12:00-13:00 through A, P must still list Q (it listed only
    A: the 12-hour prefetch margin was reused for a neighbour outside the range)."""
    token, _, _, client = await practice(api, time_zone="UTC")
    long_type, q_type = await _event_type(api, token, 720), await _event_type(api, token, 540)
    a = (await create(api, token, client, long_type, "2027-05-10T01:00:00Z"))["session"]["id"]
    p = (await create(api, token, client, long_type, "2027-05-09T14:00:00Z"))["session"]["id"]
    q = (await create(api, token, client, q_type, "2027-05-09T06:00:00Z"))["session"]["id"]
    direct = (await api.gql(NODE, {"id": p}, token=token))["node"]
    assert [c["id"] for c in direct["conflictsWith"]] == [q, a]
    [seen] = (await api.gql(NESTED, {"from": "2027-05-10T12:00:00Z", "to": "2027-05-10T13:00:00Z"},
                            token=token))["sessions"]
    assert seen["id"] == a
    [via_a] = seen["conflictsWith"]
    assert via_a["id"] == p and via_a["conflict"] is True
    assert [c["id"] for c in via_a["conflictsWith"]] == [q, a]


async def test_a_gap_start_is_listed_and_bookable_in_new_york(api, clock):
    """Sunday 02:30-05:00, 30 minutes on a 15-minute grid, 14 March 2027: 03:00 EDT is listed
    and bookable (the API listed from 03:30 and refused 03:00 with SLOT_UNAVAILABLE)."""
    clock.set(datetime(2027, 3, 1, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="America/New_York", slots=[{"start": "02:30", "end": "05:00"}], days=["SUNDAY"],
        minutes=30, slotIntervalMinutes=15)
    found = await slots(api, therapist["username"], event_type, datetime(2027, 3, 14, 4, tzinfo=UTC),
                        datetime(2027, 3, 15, 4, tzinfo=UTC), tz="America/New_York")
    assert [s["localTime"] for s in found] == ["03:00", "03:15", "03:30", "03:45", "04:00", "04:15", "04:30"]
    assert found[0]["start"] == "2027-03-14T07:00:00Z"
    booked = await book(api, therapist["username"], event_type, "2027-03-14T03:00:00-04:00")
    assert booked["userErrors"] == []
    assert datetime.fromisoformat(booked["confirmation"]["start"]) == datetime(2027, 3, 14, 7, tzinfo=UTC)


async def test_a_gap_start_is_listed_in_sydney(api, clock):
    clock.set(datetime(2027, 9, 20, tzinfo=UTC))
    _, therapist, event_type = await therapist_with_hours(
        api, time_zone="Australia/Sydney", slots=[{"start": "02:30", "end": "04:15"}], days=["SUNDAY"],
        minutes=30, slotIntervalMinutes=15)
    found = await slots(api, therapist["username"], event_type, datetime(2027, 10, 2, 12, tzinfo=UTC),
                        datetime(2027, 10, 3, 12, tzinfo=UTC), tz="Australia/Sydney")
    assert [s["localTime"] for s in found] == ["03:00", "03:15", "03:30", "03:45"]


async def test_time_off_starting_in_the_gap_blocks_from_the_gap_end(api, clock):
    clock.set(datetime(2027, 3, 1, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="America/New_York", slots=[{"start": "01:00", "end": "05:00"}], days=["SUNDAY"],
        minutes=15, slotIntervalMinutes=15)
    added = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2027-03-14", "endDate": "2027-03-14",
             "allDay": False, "startTime": "02:30", "endTime": "03:40"}}, token=token))["addTimeOff"]
    assert added["userErrors"] == []
    assert (added["timeOff"]["start"], added["timeOff"]["end"]) == ("2027-03-14T07:00:00Z",
                                                                    "2027-03-14T07:40:00Z")
    found = await slots(api, therapist["username"], event_type, datetime(2027, 3, 14, 4, tzinfo=UTC),
                        datetime(2027, 3, 15, 4, tzinfo=UTC), tz="America/New_York")
    assert "03:00" not in [s["localTime"] for s in found]
    assert [s["localTime"] for s in found][:5] == ["01:00", "01:15", "01:30", "01:45", "03:45"]
    short = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2027-03-14", "endDate": "2027-03-14",
             "allDay": False, "startTime": "02:30", "endTime": "03:10"}}, token=token))["addTimeOff"]
    assert short["userErrors"] == []
    assert (short["timeOff"]["start"], short["timeOff"]["end"]) == ("2027-03-14T07:00:00Z",
                                                                    "2027-03-14T07:10:00Z")


async def test_a_zone_change_rezones_time_off_inside_the_new_gap(api, clock):
    """Entries valid in London that fall in New York's gaps: the zone change succeeds (it
    crashed with "interval end before start" on 02:30-03:10), each entry keeps its local times
    and follows the gap rule, and one wholly inside the gap is an empty block hiding nothing."""
    clock.set(datetime(2027, 3, 1, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="Europe/London", slots=[{"start": "01:00", "end": "05:00"}], days=["SUNDAY"],
        minutes=60, slotIntervalMinutes=30)
    for day, start, end in (("2027-03-14", "02:15", "02:45"), ("2028-03-12", "02:30", "03:10")):
        added = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": day, "endDate": day,
                 "allDay": False, "startTime": start, "endTime": end}}, token=token))["addTimeOff"]
        assert added["userErrors"] == [], added
    changed = (await api.gql(PROFILE, {"i": {"timeZone": "America/New_York"}}, token=token))["updateProfile"]
    assert changed == {"therapist": {"timeZone": "America/New_York"}, "userErrors": []}
    entries = sorted((await api.gql(TIME_OFF, token=token))["me"]["timeOff"], key=lambda e: e["startDate"])
    assert [(e["startTime"], e["endTime"]) for e in entries] == [("02:15", "02:45"), ("02:30", "03:10")]
    assert entries[0]["start"] == entries[0]["end"] == "2027-03-14T07:00:00Z"
    assert (entries[1]["start"], entries[1]["end"]) == ("2028-03-12T07:00:00Z", "2028-03-12T07:10:00Z")
    found = await slots(api, therapist["username"], event_type, datetime(2027, 3, 14, 4, tzinfo=UTC),
                        datetime(2027, 3, 15, 4, tzinfo=UTC), tz="America/New_York")
    # 01:30 EST-03:30 EDT spans the empty block's instant: it is offered all the same.
    assert [s["localTime"] for s in found] == ["01:00", "01:30", "03:00", "03:30", "04:00"]


async def test_notice_is_thirty_minutes_across_midnight(api, clock):
    """At 23:36 local, 00:00 the next day is 24 minutes ahead: not listed, not bookable."""
    clock.set(datetime(2027, 6, 9, 23, 36, tzinfo=UTC))
    _, therapist, event_type = await therapist_with_hours(
        api, time_zone="UTC", slots=[{"start": "00:00", "end": "02:00"}], minutes=30, slotIntervalMinutes=30)
    found = await slots(api, therapist["username"], event_type, datetime(2027, 6, 9, 23, tzinfo=UTC),
                        datetime(2027, 6, 10, 2, tzinfo=UTC))
    assert [s["start"] for s in found][:1] == ["2027-06-10T00:30:00Z"]
    refused = await book(api, therapist["username"], event_type, "2027-06-10T00:00:00Z")
    assert refused["userErrors"][0]["code"] == "SLOT_UNAVAILABLE"


async def test_a_new_cadence_on_a_past_session_does_not_duplicate_history(api, clock):
    """createSession(2026-10-01T14:00Z, WEEKLY) then, on 1 December 2026,
    startRepeating(that session, EVERY_2_WEEKS): 15 Oct … 26 Nov existed twice."""
    clock.set(datetime(2026, 9, 28, 12, tzinfo=UTC))
    token, _, event_type, client = await practice(api, time_zone="UTC")
    made = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type,
                                         "start": "2026-10-01T14:00:00Z", "visitType": "TELEHEALTH",
                                         "repeats": "WEEKLY"}}, token=token))["createSession"]
    assert made["userErrors"] == []
    clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))
    await extend_series(api)
    changed = (await api.gql(START, {"i": {"sessionId": made["session"]["id"], "repeats": "EVERY_2_WEEKS"}},
                             token=token))["startRepeating"]
    assert changed["userErrors"] == [] and changed["conflicts"]["appeared"] == []
    after = await sessions_listed(api, token, datetime(2026, 9, 28, tzinfo=UTC), 120)
    starts = [s["start"][:10] for s in after if not s["cancelled"]]
    assert len(starts) == len(set(starts)), starts  # no day twice
    past = [d for d in starts if d < "2026-12-01"]
    assert past == ["2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22", "2026-10-29", "2026-11-05",
                    "2026-11-12", "2026-11-19", "2026-11-26"]  # history as it happened, once
    future = [d for d in starts if d >= "2026-12-01"]
    assert future[:3] == ["2026-12-10", "2026-12-24", "2027-01-07"]  # every 2 weeks from 1 October
    assert all(s["series"]["repeats"] == "EVERY_2_WEEKS" for s in after if s["start"][:10] >= "2026-12-01")
