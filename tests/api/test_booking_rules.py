"""Booking rules per event type (buffers, minimum notice, daily cap, booking window) and date
overrides, over real HTTP on both backends: the booking page lists what the booking accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.booking import ADD_TIME_OFF, book, slots, therapist_with_hours
from tests.support.calendar import CREATE, CREATE_CLIENT

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)  # Monday 06:00 UTC
WED = datetime(2026, 3, 4, tzinfo=UTC)
UPDATE = """mutation($i: UpdateEventTypeInput!) { updateEventType(input: $i) {
  eventType { bookingRules { bufferBeforeMinutes bufferAfterMinutes minimumNoticeMinutes maxBookingsPerDay
  bookingWindowDays } } userErrors { field code } } }"""
SET = """mutation($i: SetDateOverrideInput!) { setDateOverride(input: $i) {
  dateOverride { date unavailable slots { start end } } userErrors { field code } } }"""
REMOVE = """mutation($d: Date!) { removeDateOverride(input: {date: $d}) { date userErrors { field code } } }"""
OVERRIDES = "{ me { dateOverrides { date unavailable slots { start end } } } }"


async def practice(api, **rules):
    token, therapist, event_type = await therapist_with_hours(
        api, time_zone="UTC", slots=[{"start": "09:00", "end": "13:00"}], minutes=60)
    if rules:
        await set_rules(api, token, event_type, **rules)
    return token, therapist, event_type


async def set_rules(api, token, event_type, **rules):
    data = (await api.gql(UPDATE, {"i": {"eventTypeId": event_type, "bookingRules": rules}}, token=token))
    assert data["updateEventType"]["userErrors"] == [], data
    return data["updateEventType"]["eventType"]["bookingRules"]


async def starts(api, therapist, event_type, day, days=1) -> list[str]:
    found = await slots(api, therapist["username"], event_type, day, day + timedelta(days=days))
    return [s["start"][5:16] for s in found]


async def manual_session(api, token, event_type, start: datetime):
    client = (await api.gql(CREATE_CLIENT, {"i": {"firstName": "Bo", "lastName": "Ek",
                                                  "email": "bo@example.com"}}, token=token))["createClient"]
    made = (await api.gql(CREATE, {"i": {"clientId": client["client"]["id"], "eventTypeId": event_type,
                                         "start": start.isoformat(), "visitType": "TELEHEALTH"}},
                          token=token))["createSession"]
    assert made["userErrors"] == [], made
    return made


async def test_buffers_keep_time_around_other_sessions_free_but_never_make_conflicts(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await practice(api)
    await manual_session(api, token, event_type, WED + timedelta(hours=11))
    assert await starts(api, therapist, event_type, WED) == ["03-04T09:00", "03-04T10:00", "03-04T12:00"]
    rules = await set_rules(api, token, event_type, bufferBeforeMinutes=30, bufferAfterMinutes=15)
    assert rules == {"bufferBeforeMinutes": 30, "bufferAfterMinutes": 15, "minimumNoticeMinutes": 30,
                     "maxBookingsPerDay": None, "bookingWindowDays": None}
    # 10:00 would end at 11:00 + 15 after; 12:00 would need 11:30 free before
    assert await starts(api, therapist, event_type, WED) == ["03-04T09:00"]
    refused = await book(api, therapist["username"], event_type, WED + timedelta(hours=12))
    assert refused["userErrors"][0]["code"] == "SLOT_UNAVAILABLE"
    back_to_back = await manual_session(api, token, event_type, WED + timedelta(hours=12))
    assert back_to_back["session"]["conflict"] is False  # buffers shape slots, not conflicts


async def test_minimum_notice_daily_cap_and_booking_window(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await practice(api, minimumNoticeMinutes=24 * 60)
    assert await starts(api, therapist, event_type, NOW, days=2) == [
        "03-03T09:00", "03-03T10:00", "03-03T11:00", "03-03T12:00"]  # Monday: within a day
    await set_rules(api, token, event_type, minimumNoticeMinutes=24 * 60, maxBookingsPerDay=1,
                    bookingWindowDays=3)  # the rules are set as a whole
    booked = await book(api, therapist["username"], event_type, WED + timedelta(hours=9))
    assert booked["userErrors"] == []
    assert await starts(api, therapist, event_type, WED) == []  # the day's one session is taken
    again = await book(api, therapist["username"], event_type, WED + timedelta(hours=11))
    assert again["userErrors"][0]["code"] == "SLOT_UNAVAILABLE"
    listed = await starts(api, therapist, event_type, NOW, days=10)
    assert {s[:5] for s in listed} == {"03-03", "03-05"}  # 3 days ahead; Wednesday is full
    assert all(s < "03-06" for s in listed)


async def test_a_validation_error_names_the_rule(api):
    token, _, event_type = await practice(api)
    data = await api.gql(UPDATE, {"i": {"eventTypeId": event_type, "bookingRules": {
        "bufferBeforeMinutes": 500, "maxBookingsPerDay": 0}}}, token=token)
    errors = data["updateEventType"]["userErrors"]
    assert {(tuple(e["field"]), e["code"]) for e in errors} == {
        (("bookingRules", "bufferBeforeMinutes"), "OUT_OF_RANGE"), (("bookingRules", "maxBookingsPerDay"), "OUT_OF_RANGE")}


async def test_date_overrides_replace_a_dates_hours_under_time_off(api, clock):
    clock.set(NOW)
    token, therapist, event_type = await practice(api)
    short = (await api.gql(SET, {"i": {"date": "2026-03-04", "slots": [{"start": "10:00", "end": "11:00"},
                                                                       {"start": "14:00", "end": "16:00"}]}},
                           token=token))["setDateOverride"]
    assert short == {"dateOverride": {"date": "2026-03-04", "unavailable": False, "slots": [
        {"start": "10:00", "end": "11:00"}, {"start": "14:00", "end": "16:00"}]}, "userErrors": []}
    assert await starts(api, therapist, event_type, WED) == ["03-04T10:00", "03-04T14:00", "03-04T15:00"]
    assert (await book(api, therapist["username"], event_type, WED + timedelta(hours=9)))["userErrors"][0][
        "code"] == "SLOT_UNAVAILABLE"  # the weekday's 09:00 is not offered that date
    assert (await book(api, therapist["username"], event_type, WED + timedelta(hours=15)))["userErrors"] == []

    closed = (await api.gql(SET, {"i": {"date": "2026-03-05", "slots": []}}, token=token))["setDateOverride"]
    assert closed["dateOverride"]["unavailable"] is True
    assert await starts(api, therapist, event_type, WED + timedelta(days=1)) == []
    await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2026-03-04", "endDate": "2026-03-04", "allDay": False,
                                           "startTime": "14:00", "endTime": "15:00"}}, token=token)
    assert await starts(api, therapist, event_type, WED) == ["03-04T10:00"]  # time off still applies
    listed = (await api.gql(OVERRIDES, token=token))["me"]["dateOverrides"]
    assert [o["date"] for o in listed] == ["2026-03-04", "2026-03-05"]

    assert (await api.gql(REMOVE, {"d": "2026-03-05"}, token=token))["removeDateOverride"] == {
        "date": "2026-03-05", "userErrors": []}
    assert len(await starts(api, therapist, event_type, WED + timedelta(days=1))) == 4
    gone = (await api.gql(REMOVE, {"d": "2026-03-05"}, token=token))["removeDateOverride"]
    assert gone["userErrors"] == [{"field": ["date"], "code": "NOT_FOUND"}]
    past = (await api.gql(SET, {"i": {"date": "2026-03-01", "slots": []}}, token=token))["setDateOverride"]
    assert past == {"dateOverride": None, "userErrors": [{"field": ["date"], "code": "OUT_OF_RANGE"}]}
    other, _ = await api.sign_up()
    assert (await api.gql(OVERRIDES, token=other))["me"]["dateOverrides"] == []
