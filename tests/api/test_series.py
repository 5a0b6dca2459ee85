"""Recurring series over GraphQL: occurrences, single-occurrence edits, extension, stopping,
and the booking page never offering a slot a series will occupy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.booking import book, slots
from tests.support.calendar import CANCEL, CREATE, RESCHEDULE, practice
from tests.support.series import NOW, START, STOP, extend_series, sessions_listed

NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) { userErrors { code } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code } } }"""


async def _weekly(api, token, client, event_type, start, repeats="WEEKLY"):
    data = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": start,
                                         "visitType": "TELEHEALTH", "repeats": repeats}}, token=token))["createSession"]
    assert data["userErrors"] == [], data
    return data


async def test_weekly_series_is_eight_weeks_of_wall_clock_sessions(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="America/New_York")
    first = await _weekly(api, token, client, event_type, "2026-03-03T22:00:00+00:00")  # Tue 17:00 EST
    sessions = [s for s in await sessions_listed(api, token) if s["recurring"]]
    assert [s["occurrenceDate"] for s in sessions] == [f"2026-{d}" for d in (
        "03-03", "03-10", "03-17", "03-24", "03-31", "04-07", "04-14", "04-21", "04-28")][:len(sessions)]
    assert len(sessions) >= 8
    assert sessions[0]["id"] == first["session"]["id"]
    assert sessions[0]["start"] == "2026-03-03T22:00:00Z"
    assert sessions[1]["start"] == "2026-03-10T21:00:00Z"  # still 17:00, now EDT
    assert len({s["series"]["id"] for s in sessions}) == 1 and sessions[0]["series"]["repeats"] == "WEEKLY"


async def test_every_two_weeks_and_two_independent_series(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="Europe/London")
    await _weekly(api, token, client, event_type, "2026-03-03T17:00:00+00:00", repeats="EVERY_2_WEEKS")
    await _weekly(api, token, client, event_type, "2026-03-06T09:00:00+00:00")
    sessions = [s for s in await sessions_listed(api, token) if s["recurring"]]
    by_series = {}
    for s in sessions:
        by_series.setdefault(s["series"]["repeats"], []).append(s["occurrenceDate"])
    assert by_series["EVERY_2_WEEKS"][:4] == ["2026-03-03", "2026-03-17", "2026-03-31", "2026-04-14"]
    assert by_series["WEEKLY"][:3] == ["2026-03-06", "2026-03-13", "2026-03-20"]
    stopped = (await api.gql(STOP, {"i": {"sessionId": sessions[0]["id"]}}, token=token))["stopRepeating"]
    assert stopped["userErrors"] == []
    after = [s for s in await sessions_listed(api, token) if s["recurring"]]
    assert {s["series"]["repeats"] for s in after if s["series"]["active"]} == {"WEEKLY"}
    assert len([s for s in after if s["series"]["repeats"] == "WEEKLY"]) == len(by_series["WEEKLY"])


async def test_occurrences_overlapping_other_sessions_are_flagged_not_skipped(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="UTC")
    from tests.support.calendar import create
    blocker = (await create(api, token, client, event_type, "2026-03-17T10:30:00+00:00"))["session"]
    made = await _weekly(api, token, client, event_type, "2026-03-03T10:00:00+00:00")
    pairs = [(p["first"]["id"], p["second"]["id"]) for p in made["conflicts"]["appeared"]]
    assert len(pairs) == 1 and blocker["id"] == pairs[0][1]
    week3 = [s for s in await sessions_listed(api, token) if s.get("occurrenceDate") == "2026-03-17"]
    assert len(week3) == 1 and week3[0]["status"] == "SCHEDULED"


async def test_extension_fills_new_weeks_and_never_redoes_changed_ones(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="America/New_York")
    await _weekly(api, token, client, event_type, "2026-03-03T22:00:00+00:00")
    sessions = [s for s in await sessions_listed(api, token) if s["recurring"]]
    moved, cancelled = sessions[1], sessions[2]
    await api.gql(RESCHEDULE, {"i": {"sessionId": moved["id"], "target": "2026-03-12", "view": "MONTH"}}, token=token)
    await api.gql(CANCEL, {"i": {"sessionId": cancelled["id"]}}, token=token)
    await extend_series(api)  # nothing due yet for this series (others share the database)
    assert len([s for s in await sessions_listed(api, token, NOW - timedelta(days=7), 90) if s["recurring"]]) == len(sessions)
    clock.set(NOW + timedelta(days=21))
    await extend_series(api)
    await extend_series(api)  # a second run changes nothing
    after = [s for s in await sessions_listed(api, token, NOW - timedelta(days=7), 90) if s["recurring"]]
    dates = [s["occurrenceDate"] for s in after]
    assert len(dates) == len(set(dates)) == len(sessions) + 3
    by_id = {s["id"]: s for s in after}
    assert by_id[moved["id"]]["start"].startswith("2026-03-12")  # moved stays moved
    assert by_id[cancelled["id"]]["cancelled"] is True  # cancelled stays cancelled
    assert not [s for s in after if s["occurrenceDate"] == "2026-03-10" and s["id"] != moved["id"]]


async def test_stop_keeps_past_and_worked_on_occurrences(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="UTC")
    await _weekly(api, token, client, event_type, "2026-03-03T10:00:00+00:00")
    sessions = [s for s in await sessions_listed(api, token) if s["recurring"]]
    noted, paid = sessions[4], sessions[5]
    await api.gql(NOTE, {"i": {"sessionId": noted["id"], "text": "prepared"}}, token=token)
    await api.gql(PAY, {"i": {"sessionId": paid["id"], "amountCents": 5000, "currency": "USD", "method": "CARD"}}, token=token)
    clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))  # 3 occurrences are past
    stopped = (await api.gql(STOP, {"i": {"sessionId": sessions[0]["id"]}}, token=token))["stopRepeating"]
    assert stopped["series"]["active"] is False
    remaining = [s for s in await sessions_listed(api, token) if s["series"]]
    assert [s["id"] for s in remaining] == [s["id"] for s in sessions[:3]] + [noted["id"], paid["id"]]
    assert not any(s["recurring"] for s in remaining)  # kept, but nothing repeats: no repeat icon
    assert len(stopped["removedSessionIds"]) == len(sessions) - 5
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    await extend_series(api)
    assert [s["id"] for s in await sessions_listed(api, token, NOW, 120) if s["series"]] == [
        s["id"] for s in sessions[:3]] + [noted["id"], paid["id"]]  # never extended again
    again = (await api.gql(STOP, {"i": {"sessionId": sessions[0]["id"]}}, token=token))["stopRepeating"]
    assert again["userErrors"] == [{"field": ["sessionId"], "code": "NOT_IN_SERIES"}]


async def test_start_repeating_changes_the_cadence_from_that_session_on(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="UTC")
    await _weekly(api, token, client, event_type, "2026-03-03T10:00:00+00:00")
    sessions = [s for s in await sessions_listed(api, token) if s["recurring"]]
    pivot = sessions[2]  # 17 March
    changed = (await api.gql(START, {"i": {"sessionId": pivot["id"], "repeats": "EVERY_2_WEEKS"}}, token=token))["startRepeating"]
    assert changed["userErrors"] == [] and changed["series"]["repeats"] == "EVERY_2_WEEKS"
    after = [s for s in await sessions_listed(api, token, days=90) if s["series"]]
    assert [s["occurrenceDate"] for s in after] == ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-31",
                                                  "2026-04-14"]  # the horizon ends on 27 April
    assert [s["recurring"] for s in after] == [False, False, True, True, True]  # the old cadence ended
    assert {s["series"]["id"] for s in after[:2]} != {s["series"]["id"] for s in after[2:]}
    assert after[0]["series"]["active"] is False and after[2]["series"]["active"] is True


async def test_start_repeating_on_a_one_off_session_and_bad_input(api, clock):
    clock.set(NOW)
    token, _, event_type, client = await practice(api, time_zone="UTC")
    from tests.support.calendar import create
    one_off = (await create(api, token, client, event_type, "2026-03-04T09:00:00+00:00"))["session"]
    other_token, *_ = await practice(api)
    hidden = (await api.gql(START, {"i": {"sessionId": one_off["id"], "repeats": "WEEKLY"}}, token=other_token))["startRepeating"]
    assert hidden["userErrors"] == [{"field": ["sessionId"], "code": "NOT_FOUND"}]
    none = (await api.gql(START, {"i": {"sessionId": one_off["id"], "repeats": "NONE"}}, token=token))["startRepeating"]
    assert none["userErrors"] == [{"field": ["repeats"], "code": "INVALID"}]
    not_series = (await api.gql(STOP, {"i": {"sessionId": one_off["id"]}}, token=token))["stopRepeating"]
    assert not_series["userErrors"] == [{"field": ["sessionId"], "code": "NOT_IN_SERIES"}]
    ok = (await api.gql(START, {"i": {"sessionId": one_off["id"], "repeats": "WEEKLY"}}, token=token))["startRepeating"]
    assert ok["userErrors"] == [] and ok["session"]["id"] == one_off["id"]
    assert len([s for s in await sessions_listed(api, token) if s["recurring"]]) >= 8


async def test_booking_page_never_offers_week_ten_of_a_series(api, clock):
    clock.set(NOW)
    token, therapist, event_type, client = await practice(api, time_zone="UTC", visit="TELEHEALTH_ONLY")
    await api.gql("""mutation($i: SetDayAvailabilityInput!) { setDayAvailability(input: $i) { userErrors { code } } }""",
                  {"i": {"day": "TUESDAY", "slots": [{"start": "09:00", "end": "12:00"}]}}, token=token)
    await _weekly(api, token, client, event_type, "2026-03-03T10:00:00+00:00")
    week10 = datetime(2026, 5, 5, tzinfo=UTC)  # beyond the 8-week materialised horizon
    listed = [s["localTime"] for s in await slots(api, therapist["username"], event_type, week10, week10 + timedelta(days=1))]
    assert listed == ["09:00", "11:00"]  # 10:00 belongs to the series
    refused = await book(api, therapist["username"], event_type, "2026-05-05T10:00:00+00:00")
    assert [e["code"] for e in refused["userErrors"]] == ["SLOT_UNAVAILABLE"]
    assert (await book(api, therapist["username"], event_type, "2026-05-05T11:00:00+00:00"))["userErrors"] == []
    stop_target = (await sessions_listed(api, token))[0]["id"]
    await api.gql(STOP, {"i": {"sessionId": stop_target}}, token=token)
    listed = [s["localTime"] for s in await slots(api, therapist["username"], event_type, week10, week10 + timedelta(days=1))]
    assert listed == ["09:00", "10:00"]  # freed once the series ended (11:00 is booked)
