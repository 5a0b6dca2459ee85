"""Time off over GraphQL: whole days and part days in the therapist's zone, listing, errors."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.booking import ADD_TIME_OFF

LIST = "{ me { timeOff { id startDate endDate allDay startTime endTime reason start end } } }"
REMOVE = """mutation($i: RemoveTimeOffInput!) { removeTimeOff(input: $i) { removedTimeOffId userErrors { field code } } }"""
PROFILE = """mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { userErrors { code } } }"""


async def add(api, token, **fields):
    return (await api.gql(ADD_TIME_OFF, {"input": fields}, token=token))["addTimeOff"]


async def test_all_day_across_the_london_clock_change_is_local_midnight_to_midnight(api):
    token, _ = await api.sign_up(timeZone="Europe/London")
    result = await add(api, token, startDate="2026-10-24", endDate="2026-10-25", allDay=True)
    assert result["userErrors"] == []
    t = result["timeOff"]
    assert (t["start"], t["end"]) == ("2026-10-23T23:00:00Z", "2026-10-26T00:00:00Z")  # 49 hours
    assert t["startTime"] is None and t["allDay"] is True


async def test_part_day_block_and_multi_day_block(api):
    token, _ = await api.sign_up(timeZone="America/New_York")
    one_day = (await add(api, token, startDate="2026-07-01", endDate="2026-07-01", allDay=False,
                         startTime="13:00", endTime="15:30", reason="dentist"))["timeOff"]
    assert (one_day["start"], one_day["end"]) == ("2026-07-01T17:00:00Z", "2026-07-01T19:30:00Z")
    span = (await add(api, token, startDate="2026-07-03", endDate="2026-07-06", allDay=False,
                      startTime="17:00", endTime="09:00"))["timeOff"]
    assert (span["start"], span["end"]) == ("2026-07-03T21:00:00Z", "2026-07-06T13:00:00Z")


async def test_listing_puts_upcoming_first(api, clock):
    clock.set(datetime(2026, 6, 15, 12, tzinfo=UTC))
    token, _ = await api.sign_up(timeZone="UTC")
    for start in ("2026-05-01", "2026-08-01", "2026-07-01", "2026-04-01", "2026-06-15"):
        await add(api, token, startDate=start, endDate=start, allDay=True)
    listed = (await api.gql(LIST, token=token))["me"]["timeOff"]
    assert [t["startDate"] for t in listed] == ["2026-06-15", "2026-07-01", "2026-08-01", "2026-05-01", "2026-04-01"]


async def test_bad_time_off_is_refused_and_nothing_stored(api):
    token, _ = await api.sign_up()
    cases = [
        (dict(startDate="2026-07-05", endDate="2026-07-01", allDay=True), ["endDate"], "INVALID_RANGE"),
        (dict(startDate="July 5", endDate="2026-07-05", allDay=True), ["startDate"], "INVALID"),
        (dict(startDate="2026-07-05", endDate="2026-07-05", allDay=False, endTime="10:00"), ["startTime"], "REQUIRED"),
        (dict(startDate="2026-07-05", endDate="2026-07-05", allDay=False, startTime="10:00", endTime="09:00"), ["endTime"], "INVALID_RANGE"),
        (dict(startDate="2026-07-05", endDate="2026-07-05", allDay=False, startTime="25:00", endTime="26:00"), ["startTime"], "INVALID_TIME"),
        (dict(startDate="2026-01-01", endDate="2027-06-01", allDay=True), ["endDate"], "RANGE_TOO_LONG"),
        (dict(startDate="2026-07-05", endDate="2026-07-05", allDay=True, reason="r" * 501), ["reason"], "TOO_LONG"),
    ]
    for fields, field, code in cases:
        result = await add(api, token, **fields)
        assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]], (fields, result)
        assert result["timeOff"] is None
    assert (await api.gql(LIST, token=token))["me"]["timeOff"] == []


async def test_remove_only_your_own(api):
    token, _ = await api.sign_up()
    other, _ = await api.sign_up()
    made = (await add(api, token, startDate="2026-07-05", endDate="2026-07-05", allDay=True))["timeOff"]
    refused = (await api.gql(REMOVE, {"i": {"timeOffId": made["id"]}}, token=other))["removeTimeOff"]
    assert refused == {"removedTimeOffId": None, "userErrors": [{"field": ["timeOffId"], "code": "NOT_FOUND"}]}
    assert (await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": made["id"]}, token=other))["node"] is None
    done = (await api.gql(REMOVE, {"i": {"timeOffId": made["id"]}}, token=token))["removeTimeOff"]
    assert done == {"removedTimeOffId": made["id"], "userErrors": []}
    assert (await api.gql(LIST, token=token))["me"]["timeOff"] == []


async def test_changing_time_zone_keeps_local_dates(api):
    token, _ = await api.sign_up(timeZone="America/New_York")
    await add(api, token, startDate="2026-07-05", endDate="2026-07-05", allDay=True)
    await api.gql(PROFILE, {"i": {"timeZone": "Europe/Paris"}}, token=token)
    t = (await api.gql(LIST, token=token))["me"]["timeOff"][0]
    assert (t["start"], t["end"]) == ("2026-07-04T22:00:00Z", "2026-07-05T22:00:00Z")
