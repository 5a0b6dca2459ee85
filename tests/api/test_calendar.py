"""The therapist's calendar over GraphQL: ranges, manual sessions, drag, conflicts, cancel."""

from __future__ import annotations

from persistence.instrumentation import count_statements
from tests.support.calendar import (
    CANCEL,
    CONFLICTS,
    CREATE,
    PREVIEW,
    RESCHEDULE,
    SESSIONS,
    UNCANCEL,
    UPDATE,
    create,
    pair_ids,
    practice,
)

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}


async def test_manual_sessions_overlap_and_are_flagged_on_both(api):
    token, _, event_type, client = await practice(api)
    a = await create(api, token, client, event_type, "2026-03-03T15:00:00+00:00")
    assert a["userErrors"] == [] and a["session"]["conflict"] is False
    b = await create(api, token, client, event_type, "2026-03-03T15:30:00+00:00")
    assert b["userErrors"] == []
    assert b["session"]["conflict"] is True
    assert pair_ids(b["conflicts"]["appeared"]) == [tuple(sorted((a["session"]["id"], b["session"]["id"])))]
    back_to_back = await create(api, token, client, event_type, "2026-03-03T16:30:00+00:00")
    assert back_to_back["session"]["conflict"] is False and back_to_back["conflicts"]["appeared"] == []
    sessions = (await api.gql(SESSIONS, MARCH, token=token))["sessions"]
    flags = {s["id"]: (s["conflict"], [c["id"] for c in s["conflictsWith"]]) for s in sessions}
    assert flags[a["session"]["id"]] == (True, [b["session"]["id"]])
    assert flags[b["session"]["id"]] == (True, [a["session"]["id"]])
    assert flags[back_to_back["session"]["id"]] == (False, [])
    conflicts = (await api.gql(CONFLICTS, MARCH, token=token))["conflicts"]
    assert [(c["first"]["id"], c["second"]["id"]) for c in conflicts] == [(a["session"]["id"], b["session"]["id"])]


async def test_calendar_shows_what_a_month_view_needs(api):
    token, _, event_type, client = await practice(api, price=(12000, "USD"))
    made = await create(api, token, client, event_type, "2026-03-10T14:00:00+00:00")
    s = (await api.gql(SESSIONS, MARCH, token=token))["sessions"][0]
    assert s["id"] == made["session"]["id"]
    assert s["client"] == {"firstName": "Ann", "lastName": "Lee", "status": "ACTIVE"}
    assert s["eventType"] == {"title": "Therapy", "minutes": 60}
    assert (s["start"], s["end"], s["minutes"]) == ("2026-03-10T14:00:00Z", "2026-03-10T15:00:00Z", 60)
    assert s["meetingUrl"].startswith("https://")
    assert s["fee"] == {"amountCents": 12000, "currency": "USD"} and s["paymentStatus"] == "UNPAID"
    assert (s["cancelled"], s["recurring"], s["hasNote"], s["hasPayment"], s["hasClaim"]) == (False, False, False, False, False)


async def test_calendar_range_rules(api):
    token, _ = await api.sign_up()
    for variables in [{"from": "2026-03-01T00:00:00Z", "to": "2026-05-03T00:00:00Z"},
                      {"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}]:
        body = await api.post(SESSIONS, variables, token=token)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await api.gql(SESSIONS, {"from": "2026-03-01T00:00:00Z", "to": "2026-05-02T00:00:00Z"}, token=token))["sessions"] == []
    assert (await api.post(SESSIONS, MARCH))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_week_drag_snaps_to_quarter_hours_and_updates_conflicts(api):
    token, _, event_type, client = await practice(api, time_zone="America/New_York")
    a = (await create(api, token, client, event_type, "2026-03-03T15:00:00+00:00"))["session"]  # 10:00 EST
    b = (await create(api, token, client, event_type, "2026-03-03T15:30:00+00:00"))["session"]
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": b["id"], "target": "2026-03-04T11:07:29-05:00",
                                              "view": "WEEK"}}, token=token))["rescheduleSession"]
    assert moved["userErrors"] == []
    assert moved["session"]["start"] == "2026-03-04T16:00:00Z"  # 11:07:29 snaps down to 11:00
    assert moved["session"]["minutes"] == 60 and moved["session"]["conflict"] is False
    assert pair_ids(moved["conflicts"]["cleared"]) == [tuple(sorted((a["id"], b["id"])))]
    tie = (await api.gql(RESCHEDULE, {"i": {"sessionId": b["id"], "target": "2026-03-04T11:07:30-05:00",
                                            "view": "WEEK"}}, token=token))["rescheduleSession"]
    assert tie["session"]["start"] == "2026-03-04T16:15:00Z"  # ties round forward
    back = (await api.gql(RESCHEDULE, {"i": {"sessionId": b["id"], "target": "2026-03-03T10:20:00",
                                             "view": "WEEK"}}, token=token))["rescheduleSession"]
    assert back["session"]["start"] == "2026-03-03T15:15:00Z"  # offset-less = therapist's clock
    assert pair_ids(back["conflicts"]["appeared"]) == [tuple(sorted((a["id"], b["id"])))]
    onto_itself = (await api.gql(RESCHEDULE, {"i": {"sessionId": a["id"], "target": "2026-03-03T10:05:00",
                                                    "view": "WEEK"}}, token=token))["rescheduleSession"]
    assert onto_itself["session"]["conflictsWith"] == [{"id": b["id"]}]  # never with its own old time


async def test_week_drag_into_the_spring_forward_gap(api):
    token, _, event_type, client = await practice(api, time_zone="America/New_York")
    s = (await create(api, token, client, event_type, "2026-03-06T15:00:00+00:00"))["session"]
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": s["id"], "target": "2026-03-08T02:20:00",
                                              "view": "WEEK"}}, token=token))["rescheduleSession"]
    assert moved["session"]["start"] == "2026-03-08T07:00:00Z"  # 03:00 EDT, the first valid quarter


async def test_month_drag_keeps_the_wall_clock_time_across_dst(api):
    token, _, event_type, client = await practice(api, time_zone="America/New_York")
    s = (await create(api, token, client, event_type, "2026-03-05T15:00:00+00:00"))["session"]  # Thu 10:00 EST
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": s["id"], "target": "2026-03-12", "view": "MONTH"}},
                           token=token))["rescheduleSession"]
    assert moved["session"]["start"] == "2026-03-12T14:00:00Z"  # 10:00 EDT
    assert moved["session"]["end"] == "2026-03-12T15:00:00Z"


async def test_preview_agrees_with_the_move_and_changes_nothing(api):
    token, _, event_type, client = await practice(api, time_zone="Europe/London")
    a = (await create(api, token, client, event_type, "2026-03-03T09:00:00+00:00"))["session"]
    b = (await create(api, token, client, event_type, "2026-03-04T09:00:00+00:00"))["session"]
    variables = {"id": b["id"], "target": "2026-03-03T09:38:00", "view": "WEEK"}
    preview = (await api.gql(PREVIEW, variables, token=token))["reschedulePreview"]
    assert preview["userErrors"] == []
    p = preview["preview"]
    assert (p["start"], p["end"]) == ("2026-03-03T09:45:00Z", "2026-03-03T10:45:00Z")
    assert p["conflicts"] == [{"id": a["id"]}]
    assert pair_ids(p["change"]["appeared"]) == [tuple(sorted((a["id"], b["id"])))]
    unchanged = (await api.gql(SESSIONS, MARCH, token=token))["sessions"]
    assert {s["id"]: s["start"] for s in unchanged}[b["id"]] == "2026-03-04T09:00:00Z"
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": b["id"], "target": variables["target"], "view": "WEEK"}},
                           token=token))["rescheduleSession"]
    assert (moved["session"]["start"], moved["session"]["end"]) == (p["start"], p["end"])
    assert pair_ids(moved["conflicts"]["appeared"]) == pair_ids(p["change"]["appeared"])


async def test_cancel_frees_conflicts_and_uncancel_brings_them_back(api):
    token, _, event_type, client = await practice(api)
    a = (await create(api, token, client, event_type, "2026-03-03T15:00:00+00:00"))["session"]
    b = (await create(api, token, client, event_type, "2026-03-03T15:30:00+00:00"))["session"]
    cancelled = (await api.gql(CANCEL, {"i": {"sessionId": a["id"], "reason": "sick", "notifyClient": True}},
                               token=token))["cancelSession"]
    assert cancelled["session"]["cancelled"] is True and cancelled["session"]["status"] == "CANCELLED"
    assert cancelled["session"]["cancelReason"] == "sick" and cancelled["session"]["conflict"] is False
    assert pair_ids(cancelled["conflicts"]["cleared"]) == [tuple(sorted((a["id"], b["id"])))]
    listed = {s["id"]: s for s in (await api.gql(SESSIONS, MARCH, token=token))["sessions"]}
    assert listed[a["id"]]["cancelled"] and not listed[b["id"]]["conflict"]  # stays on the calendar
    refused = (await api.gql(RESCHEDULE, {"i": {"sessionId": a["id"], "target": "2026-03-05", "view": "MONTH"}},
                             token=token))["rescheduleSession"]
    assert refused["userErrors"] == [{"field": ["sessionId"], "code": "SESSION_CANCELLED",
                                      "message": "A cancelled session does not move. Uncancel it first."}]
    back = (await api.gql(UNCANCEL, {"i": {"sessionId": a["id"]}}, token=token))["uncancelSession"]
    assert back["session"]["status"] == "SCHEDULED" and back["session"]["conflict"] is True
    assert pair_ids(back["conflicts"]["appeared"]) == [tuple(sorted((a["id"], b["id"])))]


async def test_update_switches_visit_type_and_event_type(api):
    token, _, event_type, client = await practice(api, visit="TELEHEALTH_AND_IN_PERSON")
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00+00:00", visit="IN_PERSON"))["session"]
    assert s["visitType"] == "IN_PERSON"
    switched = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "visitType": "TELEHEALTH"}}, token=token))["updateSession"]
    assert switched["userErrors"] == [] and switched["session"]["visitType"] == "TELEHEALTH"
    short = (await api.gql("""mutation($i: CreateEventTypeInput!) { createEventType(input: $i) { eventType { id } } }""",
                           {"i": {"title": "Check-in", "minutes": 30, "visitType": "TELEHEALTH_ONLY"}}, token=token))["createEventType"]["eventType"]["id"]
    changed = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "eventTypeId": short}}, token=token))["updateSession"]
    assert changed["session"]["minutes"] == 30 and changed["session"]["eventType"]["title"] == "Check-in"
    refused = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "visitType": "IN_PERSON"}}, token=token))["updateSession"]
    assert refused["userErrors"][0]["code"] == "OFFICE_ADDRESS_MISSING"  # no address to send yet
    listed = (await api.gql(SESSIONS, MARCH, token=token))["sessions"][0]
    assert (listed["visitType"], listed["minutes"]) == ("TELEHEALTH", 30)
    # the guide: a therapist switches visit type at any time, whatever the event type allows
    await api.gql("""mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { userErrors { code } } }""",
                  {"i": {"officeAddress": {"street": "1 Main St", "city": "Town", "state": "NY", "zip": "10001"}}},
                  token=token)
    allowed = (await api.gql(UPDATE, {"i": {"sessionId": s["id"], "visitType": "IN_PERSON"}}, token=token))["updateSession"]
    assert allowed["userErrors"] == [] and allowed["session"]["visitType"] == "IN_PERSON"
    assert allowed["session"]["eventType"]["title"] == "Check-in"  # a telehealth-only type


async def test_bad_calendar_input_is_refused_and_nothing_half_written(api):
    token, _, event_type, client = await practice(api, visit="TELEHEALTH_ONLY")
    other_token, _, other_type, other_client = await practice(api)
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00+00:00"))["session"]
    cases = [
        ({"clientId": other_client, "eventTypeId": event_type}, ["clientId"], "NOT_FOUND"),
        ({"clientId": client, "eventTypeId": other_type}, ["eventTypeId"], "NOT_FOUND"),
        ({"clientId": client, "eventTypeId": event_type, "visitType": "IN_PERSON"}, ["visitType"], "VISIT_TYPE_NOT_ALLOWED"),
    ]
    for fields, field, code in cases:
        payload = (await api.gql(CREATE, {"i": {"start": "2026-03-04T15:00:00Z", "visitType": "TELEHEALTH", **fields}},
                                 token=token))["createSession"]
        assert (payload["session"], [(e["field"], e["code"]) for e in payload["userErrors"]]) == (None, [(field, code)])
    for mutation, name, variables in [
        (UPDATE, "updateSession", {"sessionId": s["id"], "visitType": "TELEHEALTH"}),
        (CANCEL, "cancelSession", {"sessionId": s["id"]}),
        (RESCHEDULE, "rescheduleSession", {"sessionId": s["id"], "target": "2026-03-05", "view": "MONTH"}),
    ]:
        payload = (await api.gql(mutation, {"i": variables}, token=other_token))[name]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["sessionId"], "NOT_FOUND")]
    bad_target = (await api.gql(RESCHEDULE, {"i": {"sessionId": s["id"], "target": "next tuesday", "view": "WEEK"}},
                                token=token))["rescheduleSession"]
    assert [(e["field"], e["code"]) for e in bad_target["userErrors"]] == [(["target"], "INVALID")]
    month_with_time = (await api.gql(RESCHEDULE, {"i": {"sessionId": s["id"], "target": "2026-03-05T10:00", "view": "MONTH"}},
                                     token=token))["rescheduleSession"]
    assert month_with_time["userErrors"][0]["code"] == "INVALID"
    listed = (await api.gql(SESSIONS, MARCH, token=token))["sessions"]
    assert [(x["id"], x["start"], x["status"]) for x in listed] == [(s["id"], s["start"], "SCHEDULED")]
    assert (await api.gql(SESSIONS, MARCH, token=other_token))["sessions"] == []


async def test_calendar_view_is_remembered(api):
    token, _ = await api.sign_up()
    assert (await api.gql("{ me { calendarView } }", token=token))["me"]["calendarView"] == "WEEK"
    saved = await api.gql("""mutation { setCalendarView(input: {view: MONTH}) { view } }""", token=token)
    assert saved["setCalendarView"]["view"] == "MONTH"
    assert (await api.gql("{ me { calendarView } }", token=token))["me"]["calendarView"] == "MONTH"


async def test_month_view_statements_do_not_grow_with_sessions(api):
    token, _, event_type, client = await practice(api)
    for day in range(2, 5):
        await create(api, token, client, event_type, f"2026-03-{day:02d}T15:00:00+00:00")
    with count_statements(api.runtime.db.engine) as few:
        await api.gql(SESSIONS, MARCH, token=token)
    for day in range(5, 28):
        await create(api, token, client, event_type, f"2026-03-{day:02d}T15:00:00+00:00")
        await create(api, token, client, event_type, f"2026-03-{day:02d}T15:30:00+00:00")
    with count_statements(api.runtime.db.engine) as many:
        data = await api.gql(SESSIONS, MARCH, token=token)
    assert len(data["sessions"]) == 49

    def calendar_reads(counted) -> list[str]:
        # the token check is 0 or 1 statement depending on the token cache's 5 s TTL (the 46
        # creations may outlast it on a busy machine): not what this test is about
        return [s for s in counted.statements if "auth_tokens" not in s]

    assert len(calendar_reads(few)) == len(calendar_reads(many)) <= 3, many.statements
    assert many.count <= 4


async def test_intake_clients_get_no_sessions_by_hand(api, clock):
    from datetime import UTC, datetime, timedelta

    from tests.support.booking import NEW_BOOKINGS, book, slots, therapist_with_hours

    clock.set(datetime(2026, 3, 2, 12, tzinfo=UTC))
    token, therapist, event_type = await therapist_with_hours(api)
    found = await slots(api, therapist["username"], event_type, clock.now(), clock.now() + timedelta(days=3))
    await book(api, therapist["username"], event_type, found[0]["start"])
    intake = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"][0]
    payload = await create(api, token, intake["id"], event_type, "2026-03-10T15:00:00Z")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["clientId"], "NOT_ACTIVE")]
