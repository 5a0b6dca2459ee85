"""The public booking page over GraphQL: profile, free slots across DST, booking, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.booking import (
    ADD_TIME_OFF,
    NEW_BOOKINGS,
    book,
    slots,
    therapist_with_hours,
)

PAGE = """query P($u: String!) { bookingPage(username: $u) {
  username displayName timeZone officeAddress { street city state zip }
  eventTypes { id title minutes visitType description slotIntervalMinutes } } }"""
UPDATE_PROFILE = """mutation U($input: UpdateProfileInput!) { updateProfile(input: $input) {
  userErrors { code } } }"""
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon UTC, before US DST starts


async def test_booking_page_is_public_and_shows_the_address_only_for_in_person(api):
    token, therapist, _ = await therapist_with_hours(api, visit="TELEHEALTH_ONLY")
    await api.gql(UPDATE_PROFILE, {"input": {"officeAddress": {
        "street": "1 Elm St", "city": "Boston", "state": "MA", "zip": "02101"}}}, token=token)
    page = (await api.gql(PAGE, {"u": therapist["username"].upper()}))["bookingPage"]
    assert page["displayName"] == therapist["displayName"]
    assert page["officeAddress"] is None  # telehealth only: the address stays private
    assert page["eventTypes"][0]["slotIntervalMinutes"] == 60
    await api.gql("""mutation($i: CreateEventTypeInput!) { createEventType(input: $i) { userErrors { code } } }""",
                  {"i": {"title": "In person", "minutes": 30, "visitType": "IN_PERSON_ONLY"}}, token=token)
    page = (await api.gql(PAGE, {"u": therapist["username"]}))["bookingPage"]
    assert page["officeAddress"]["city"] == "Boston"
    assert (await api.gql(PAGE, {"u": "no-such-therapist"}))["bookingPage"] is None


async def test_fifty_minute_sessions_offer_the_hours(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC", minutes=50)
    tomorrow = datetime(2026, 3, 3, tzinfo=UTC)
    found = await slots(api, therapist["username"], event_type, tomorrow, tomorrow + timedelta(days=1))
    assert [s["localTime"] for s in found] == ["09:00", "10:00", "11:00"]


async def test_custom_slot_interval(api, clock):
    clock.set(MONDAY)
    _, therapist, event_type = await therapist_with_hours(
        api, time_zone="UTC", minutes=45, slotIntervalMinutes=20)
    tomorrow = datetime(2026, 3, 3, tzinfo=UTC)
    found = await slots(api, therapist["username"], event_type, tomorrow, tomorrow + timedelta(days=1))
    assert [s["localTime"] for s in found] == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00"]


async def test_weekly_hours_stay_on_the_wall_clock_across_dst(api, clock):
    clock.set(MONDAY)
    _, therapist, event_type = await therapist_with_hours(api, time_zone="America/New_York",
                                                          days=["MONDAY"])
    found = await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=14),
                        tz="America/New_York")
    starts = [s["start"] for s in found]
    # Monday 9 March (after the switch on 8 March) is EDT (UTC-4), Monday 2 March is EST (UTC-5)
    assert starts == ["2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z",
                      "2026-03-09T13:00:00Z", "2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z"]
    assert [s["localTime"] for s in found] == ["09:00", "10:00", "11:00"] * 2


async def test_client_zone_changes_display_not_availability(api, clock):
    clock.set(MONDAY)
    _, therapist, event_type = await therapist_with_hours(api, time_zone="Asia/Kolkata")
    start, end = MONDAY, MONDAY + timedelta(days=7)
    in_kolkata = await slots(api, therapist["username"], event_type, start, end, tz="Asia/Kolkata")
    in_la = await slots(api, therapist["username"], event_type, start, end, tz="America/Los_Angeles")
    assert [s["start"] for s in in_kolkata] == [s["start"] for s in in_la]
    assert {s["localTime"] for s in in_kolkata} == {"09:00", "10:00", "11:00"}
    assert in_la[0]["localTime"] in {"19:30", "20:30", "21:30"}  # the previous evening in LA
    assert in_la[0]["localStart"].endswith("-08:00")


async def test_slots_respect_notice_past_and_horizon(api, clock):
    clock.set(datetime(2026, 3, 3, 13, 31, tzinfo=UTC))  # Tuesday 13:31 UTC
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="UTC", minutes=30, slots=[{"start": "13:00", "end": "16:00"}])
    day = datetime(2026, 3, 3, tzinfo=UTC)
    found = await slots(api, therapist["username"], event_type, day, day + timedelta(days=1))
    assert [s["localTime"] for s in found] == ["14:30", "15:00", "15:30"]  # 14:00 is < 30 min away
    await api.gql(UPDATE_PROFILE, {"input": {"bookingHorizonDays": 2}}, token=token)
    found = await slots(api, therapist["username"], event_type, day, day + timedelta(days=10))
    assert {s["localDate"] for s in found} == {"2026-03-03", "2026-03-04", "2026-03-05"}


async def test_bad_slot_queries_are_errors_with_codes(api):
    _, therapist, event_type = await therapist_with_hours(api)
    now = datetime.now(UTC)
    query = """query($u: String!, $e: ID!, $f: DateTime!, $t: DateTime!, $z: String!) {
      availableSlots(username: $u, eventTypeId: $e, from: $f, to: $t, timeZone: $z) { start } }"""
    for variables, code in [
        ({"f": now, "t": now + timedelta(days=63), "z": "UTC"}, "BAD_USER_INPUT"),
        ({"f": now, "t": now - timedelta(days=1), "z": "UTC"}, "BAD_USER_INPUT"),
        ({"f": now, "t": now + timedelta(days=1), "z": "Nowhere/Land"}, "BAD_USER_INPUT"),
        ({"f": now, "t": now + timedelta(days=1), "z": "UTC", "e": "bogus"}, "NOT_FOUND"),
        ({"f": now, "t": now + timedelta(days=1), "z": "UTC", "u": "nobody-here"}, "NOT_FOUND"),
    ]:
        full = {"u": therapist["username"], "e": event_type, **variables}
        full = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in full.items()}
        body = await api.post(query, full)
        assert body["errors"][0]["extensions"]["code"] == code, (variables, body)


async def test_book_a_listed_slot_and_it_disappears(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="Europe/London")
    start, end = MONDAY, MONDAY + timedelta(days=7)
    before = await slots(api, therapist["username"], event_type, start, end)
    chosen = before[3]["start"]
    result = await book(api, therapist["username"], event_type, chosen, tz="America/Chicago")
    assert result["userErrors"] == []
    confirmation = result["confirmation"]
    assert confirmation["start"] == chosen
    assert confirmation["timeZone"] == "America/Chicago"
    assert confirmation["localStart"] == datetime.fromisoformat(chosen).astimezone(
        ZoneInfo("America/Chicago")).isoformat()
    assert confirmation["minutes"] == 50 and confirmation["visitType"] == "TELEHEALTH"
    assert confirmation["meetingUrl"].startswith("https://meet.jit.si/couchtime-")
    after = await slots(api, therapist["username"], event_type, start, end)
    assert chosen not in [s["start"] for s in after] and len(after) == len(before) - 1
    again = await book(api, therapist["username"], event_type, chosen)
    assert [e["code"] for e in again["userErrors"]] == ["SLOT_UNAVAILABLE"]
    queue = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    assert len(queue) == 1 and queue[0]["status"] == "INTAKE"
    assert queue[0]["sessions"]["nodes"][0]["start"] == chosen
    assert queue[0]["sessions"]["nodes"][0]["source"] == "BOOKING"


async def test_idempotency_key_returns_the_first_booking(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api)
    found = await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7))
    first = await book(api, therapist["username"], event_type, found[0]["start"], key="retry-me",
                       email="ada@example.com")
    second = await book(api, therapist["username"], event_type, found[0]["start"], key="retry-me",
                        email="ADA@example.com")
    assert first["confirmation"] == second["confirmation"] and first["confirmation"]
    queue = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    assert len(queue) == 1 and len(queue[0]["sessions"]) == 1


async def test_a_reused_idempotency_key_with_other_details_returns_nothing_of_the_first(api, clock):
    """Issue 13: another booker's key with any details returned that booker's confirmation
    (start and meeting link). Now the key is bound to the details it was first used with."""
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api)
    found = await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7))
    first = await book(api, therapist["username"], event_type, found[0]["start"], key="victim-key",
                       email="victim@example.com")
    assert first["confirmation"]["meetingUrl"]
    for replay in (
        {"start": found[1]["start"], "email": "victim@example.com"},  # another start
        {"start": found[0]["start"], "email": "attacker@example.com"},  # another person
        {"start": found[0]["start"], "email": "victim@example.com", "first": "Eve"},
    ):
        start = replay.pop("start")
        stolen = await book(api, therapist["username"], event_type, start, key="victim-key", **replay)
        assert stolen["confirmation"] is None, stolen
        assert [(e["field"], e["code"]) for e in stolen["userErrors"]] == [
            (["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
        assert first["confirmation"]["meetingUrl"] not in str(stolen)
    queue = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    assert len(queue) == 1 and len(queue[0]["sessions"]["nodes"]) == 1


async def test_every_unlisted_start_is_refused(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    day = datetime(2026, 3, 4, tzinfo=UTC)
    listed = {s["start"] for s in await slots(api, therapist["username"], event_type, day, day + timedelta(days=1))}
    for minutes in range(8 * 60, 13 * 60, 5):
        candidate = (day + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")  # as listed
        if candidate in listed:
            continue
        result = await book(api, therapist["username"], event_type, candidate)
        assert [e["code"] for e in result["userErrors"]] == ["SLOT_UNAVAILABLE"], candidate
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []


async def test_bad_booking_input_stores_nothing(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, visit="TELEHEALTH_ONLY")
    slot = (await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7)))[0]["start"]
    u = therapist["username"]
    cases = [
        (dict(username="nobody-at-all"), ["username"], "NOT_FOUND"),
        (dict(event_type_id="RXZlbnRUeXBlOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"), ["eventTypeId"], "NOT_FOUND"),
        (dict(start=slot.replace(":00:00Z", ":05:00Z")), ["start"], "SLOT_UNAVAILABLE"),
        (dict(email="not-an-email"), ["client", "email"], "INVALID_EMAIL"),
        (dict(first=""), ["client", "firstName"], "REQUIRED"),
        (dict(last="x" * 101), ["client", "lastName"], "TOO_LONG"),
        (dict(tz="Mars/Base"), ["timeZone"], "INVALID_TIME_ZONE"),
        (dict(visit="IN_PERSON"), ["visitType"], "VISIT_TYPE_NOT_ALLOWED"),
    ]
    for override, field, code in cases:
        args = dict(username=u, event_type_id=event_type, start=slot)
        kwargs = {k: v for k, v in override.items() if k not in args}
        args.update({k: v for k, v in override.items() if k in args})
        result = await book(api, args["username"], args["event_type_id"], args["start"], **kwargs)
        assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]], (override, result)
        assert result["confirmation"] is None
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []
    assert slot in [s["start"] for s in await slots(api, u, event_type, MONDAY, MONDAY + timedelta(days=7))]


async def test_visit_type_must_be_chosen_when_both_are_allowed(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, visit="TELEHEALTH_AND_IN_PERSON")
    slot = (await slots(api, therapist["username"], event_type, MONDAY, MONDAY + timedelta(days=7)))[0]["start"]
    missing = await book(api, therapist["username"], event_type, slot)
    assert [e["code"] for e in missing["userErrors"]] == ["REQUIRED"]
    in_person = await book(api, therapist["username"], event_type, slot, visit="IN_PERSON")
    assert in_person["confirmation"]["visitType"] == "IN_PERSON"
    assert in_person["confirmation"]["addressToBeAnnounced"] is True
    assert in_person["confirmation"]["officeAddress"] is None


async def test_time_off_hides_slots_and_removing_it_restores_them(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="Europe/London")
    week = (MONDAY, MONDAY + timedelta(days=7))
    before = await slots(api, therapist["username"], event_type, *week)
    added = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2026-03-04", "endDate": "2026-03-05",
                                                    "allDay": True, "reason": "conference"}}, token=token))["addTimeOff"]
    assert added["userErrors"] == []
    during = await slots(api, therapist["username"], event_type, *week)
    assert not {s["localDate"] for s in during} & {"2026-03-04", "2026-03-05"}
    assert len(during) == len(before) - 6
    await api.gql("""mutation($i: RemoveTimeOffInput!) { removeTimeOff(input: $i) { userErrors { code } } }""",
                  {"i": {"timeOffId": added["timeOff"]["id"]}}, token=token)
    assert await slots(api, therapist["username"], event_type, *week) == before


async def test_time_off_never_touches_booked_sessions(api, clock):
    clock.set(MONDAY)
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    day = datetime(2026, 3, 4, tzinfo=UTC)
    slot = (await slots(api, therapist["username"], event_type, day, day + timedelta(days=1)))[0]["start"]
    assert (await book(api, therapist["username"], event_type, slot))["userErrors"] == []
    await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2026-03-04", "endDate": "2026-03-04", "allDay": True}}, token=token)
    sessions = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"][0]["sessions"]["nodes"]
    assert [(s["start"], s["status"]) for s in sessions] == [(slot, "SCHEDULED")]


async def test_public_booking_is_rate_limited_per_address(start_api):
    api = await start_api("sqlite", booking_limit_per_address=3)
    token, therapist, event_type = await therapist_with_hours(api)
    far = datetime.now(UTC) + timedelta(days=3)
    for _ in range(3):
        result = await book(api, therapist["username"], event_type, far.isoformat())
        assert result["userErrors"]  # not bookable, but counted
    body = await api.post("""mutation($i: BookSessionInput!) { bookSession(input: $i) { userErrors { code } } }""",
                          {"i": {"username": therapist["username"], "eventTypeId": event_type, "start": far.isoformat(),
                                 "client": {"firstName": "A", "lastName": "B", "email": "a@example.com"},
                                 "timeZone": "UTC", "idempotencyKey": "k"}})
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
