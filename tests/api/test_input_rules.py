"""The one input rule for text, emails, zones and dates — over real HTTP on SQLite and PostgreSQL.

Each case is a reproduction from the abuse review: the request used to crash (500-style
INTERNAL_SERVER_ERROR) or store the bad value; now it is a user error (or BAD_USER_INPUT for a
query argument) and nothing is stored or changed.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.app import SIGN_UP
from tests.support.booking import ADD_TIME_OFF, BOOK, NEW_BOOKINGS, therapist_with_hours
from tests.support.calendar import CANCEL, CONFLICTS, SESSIONS, create, practice

SURROGATE = "\udc00abc"
ME = "{ me { displayName username timeZone officeAddress { street } } }"
UPDATE = """mutation U($input: UpdateProfileInput!) {
  updateProfile(input: $input) { therapist { timeZone } userErrors { field code } } }"""
CLIENTS = "query($s: String) { clients(search: $s) { edges { node { firstName lastName email timeZone } } } }"
CREATE_CLIENT_FULL = """mutation($i: CreateClientInput!) {
  createClient(input: $i) { client { id timeZone } userErrors { field code } } }"""
EVENT_TYPE = """mutation($i: CreateEventTypeInput!) {
  createEventType(input: $i) { eventType { id } userErrors { field code } } }"""
EVENT_TYPES = "{ me { eventTypes { title description } } }"
NOTE = """mutation($i: WriteSessionNoteInput!) {
  writeSessionNote(input: $i) { session { hasNote note } userErrors { field code } } }"""
TIME_OFF_LIST = "{ me { timeOff { id reason startDate } } }"


async def post_raw(api, query: str, variables: dict, token: str | None = None) -> dict:
    """POST with the JSON escaped to ASCII, so a lone surrogate travels as `\\udc00` (as any
    JSON client can send it)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}, ensure_ascii=True)
    response = await api.http.post("/graphql", content=body, headers=headers)
    assert response.status_code in (200, 400), response.text
    return response.json()


def codes(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def error_code(body: dict) -> str:
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]["code"]


def _signup(**overrides) -> dict:
    suffix = uuid.uuid4().hex[:10]
    return {"email": f"r{suffix}@example.com", "password": "correct horse battery",
            "displayName": "Dr R", "username": f"r-{suffix}", "timeZone": "Europe/London", **overrides}


# --- lone surrogates -----------------------------------------------------------------------


async def test_lone_surrogate_in_a_query_argument_is_bad_user_input(api):
    body = await post_raw(api, "query($u: String!) { bookingPage(username: $u) { displayName } }",
                          {"u": SURROGATE})
    assert error_code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "username"
    token, _ = await api.sign_up()
    body = await post_raw(api, CLIENTS, {"s": SURROGATE}, token)
    assert error_code(body) == "BAD_USER_INPUT"


async def test_lone_surrogate_in_display_name_is_a_user_error_and_changes_nothing(api):
    token, therapist = await api.sign_up(displayName="Dr Before")
    body = await post_raw(api, UPDATE, {"input": {"displayName": SURROGATE}}, token)
    assert codes(body["data"]["updateProfile"]) == [(["displayName"], "INVALID_CHARACTERS")]
    assert (await api.gql(ME, token=token))["me"]["displayName"] == "Dr Before"


async def test_lone_surrogates_in_sign_up_are_user_errors_and_nothing_is_stored(api):
    fields = _signup(displayName=SURROGATE)
    body = await post_raw(api, SIGN_UP, {"input": fields})
    assert codes(body["data"]["signUp"]) == [(["displayName"], "INVALID_CHARACTERS")]
    body = await post_raw(api, SIGN_UP, {"input": {**fields, "displayName": "Dr R", "password": SURROGATE * 4}})
    assert codes(body["data"]["signUp"]) == [(["password"], "INVALID_CHARACTERS")]
    body = await post_raw(api, SIGN_UP, {"input": {**fields, "displayName": "Dr R", "email": SURROGATE + "@example.com"}})
    assert codes(body["data"]["signUp"]) == [(["email"], "INVALID_EMAIL")]
    # nothing was stored: the same email and username sign up fine now
    ok = await api.gql(SIGN_UP, {"input": {**fields, "displayName": "Dr R"}})
    assert ok["signUp"]["userErrors"] == []


async def test_lone_surrogates_in_sign_in_fail_like_wrong_credentials(api):
    sign_in = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
    client_sign_in = """mutation($i: ClientSignInInput!) { clientSignIn(input: $i) { token userErrors { code } } }"""
    _, therapist = await api.sign_up()
    for variables in ({"email": SURROGATE, "password": "whatever whatever"},
                      {"email": "a\u0000b@example.com", "password": "whatever whatever"},
                      {"email": therapist["email"], "password": SURROGATE},
                      {"email": therapist["email"], "password": "nul\u0000inside"}):
        body = await post_raw(api, sign_in, {"i": variables})
        assert body["data"]["signIn"] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}
        body = await post_raw(api, client_sign_in, {"i": variables})
        assert body["data"]["clientSignIn"] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}


# --- control characters and line breaks ----------------------------------------------------


async def test_header_injection_in_a_booking_name_is_refused_and_nothing_is_booked(api):
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    start = (api.clock.now() + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    variables = {"input": {
        "username": therapist["username"], "eventTypeId": event_type, "start": start.isoformat(),
        "client": {"firstName": "Eve\r\nBcc: x@example.com", "lastName": "L\u0000",
                   "email": "a\u0000b@example.com"},
        "timeZone": "Europe/Berlin", "idempotencyKey": uuid.uuid4().hex,
    }}
    payload = (await api.gql(BOOK, variables))["bookSession"]
    assert payload["confirmation"] is None
    assert codes(payload) == [(["client", "firstName"], "INVALID_CHARACTERS"),
                              (["client", "lastName"], "INVALID_CHARACTERS"),
                              (["client", "email"], "INVALID_EMAIL")]
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []
    variables["input"].update(username=therapist["username"] + "\u0000",
                              client={"firstName": "Eve", "lastName": "L", "email": "eve@example.com"})
    payload = (await api.gql(BOOK, variables))["bookSession"]
    assert codes(payload) == [(["username"], "INVALID_CHARACTERS")]
    body = await api.post("query($u: String!) { bookingPage(username: $u) { displayName } }",
                          {"u": therapist["username"] + "\u0000"})
    assert error_code(body) == "BAD_USER_INPUT"
    assert (await api.gql(NEW_BOOKINGS, token=token))["newBookings"] == []


async def test_control_characters_in_client_and_event_type_fields_are_refused(api):
    token, _ = await api.sign_up()
    for fields, field in (({"firstName": "A\u0000"}, "firstName"), ({"lastName": "B\nC"}, "lastName"),
                          ({"firstName": "A\u2028B"}, "firstName"), ({"email": "a\u0000b@example.com"}, "email")):
        variables = {"i": {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", **fields}}
        payload = (await api.gql(CREATE_CLIENT_FULL, variables, token=token))["createClient"]
        assert payload["client"] is None
        assert [e["field"] for e in payload["userErrors"]] == [[field]]
    assert (await api.gql(CLIENTS, token=token))["clients"]["edges"] == []
    bad_title = (await api.gql(EVENT_TYPE, {"i": {"title": "Intake\u0007", "minutes": 50, "visitType": "TELEHEALTH_ONLY"}}, token=token))
    assert codes(bad_title["createEventType"]) == [(["title"], "INVALID_CHARACTERS")]
    bad_description = await api.gql(EVENT_TYPE, {"i": {"title": "Intake", "minutes": 50, "visitType": "TELEHEALTH_ONLY",
                                                       "description": "a\u0000b"}}, token=token)
    assert codes(bad_description["createEventType"]) == [(["description"], "INVALID_CHARACTERS")]
    assert (await api.gql(EVENT_TYPES, token=token))["me"]["eventTypes"] == []
    # a multi-line description keeps its line breaks and tabs
    fine = await api.gql(EVENT_TYPE, {"i": {"title": "Intake", "minutes": 50, "visitType": "TELEHEALTH_ONLY",
                                           "description": "line one\r\n\tline two"}}, token=token)
    assert fine["createEventType"]["userErrors"] == []


async def test_control_characters_in_notes_reasons_and_addresses_are_refused(api):
    token, _, event_type, client = await practice(api)
    start = (api.clock.now() + timedelta(days=2)).replace(microsecond=0).isoformat()
    session = (await create(api, token, client, event_type, start))["session"]
    note = (await api.gql(NOTE, {"i": {"sessionId": session["id"], "text": "private\u0000"}}, token=token))
    assert codes(note["writeSessionNote"]) == [(["text"], "INVALID_CHARACTERS")]
    cancel = await api.gql(CANCEL, {"i": {"sessionId": session["id"], "reason": "ill\u001b[31m"}}, token=token)
    assert codes(cancel["cancelSession"]) == [(["reason"], "INVALID_CHARACTERS")]
    [stored] = (await api.gql(SESSIONS, {"from": start, "to": (api.clock.now() + timedelta(days=3)).isoformat()},
                              token=token))["sessions"]
    assert stored["hasNote"] is False and stored["cancelled"] is False
    # notes are multi-line: line breaks and tabs are kept
    ok = await api.gql(NOTE, {"i": {"sessionId": session["id"], "text": "line one\n\tline two"}}, token=token)
    assert ok["writeSessionNote"]["userErrors"] == []
    time_off = await api.gql(ADD_TIME_OFF, {"input": {"startDate": "2030-01-02", "endDate": "2030-01-02",
                                                      "allDay": True, "reason": "Away\r\nBcc: x"}}, token=token)
    assert codes(time_off["addTimeOff"]) == [(["reason"], "INVALID_CHARACTERS")]
    address = {"street": "1 Lane\u0000", "city": "Springfield", "state": "IL", "zip": "62701"}
    profile = await api.gql(UPDATE, {"input": {"officeAddress": address}}, token=token)
    assert codes(profile["updateProfile"]) == [(["officeAddress", "street"], "INVALID_CHARACTERS")]
    me = (await api.gql(ME + " ", token=token))["me"]
    assert me["officeAddress"] is None
    assert (await api.gql(TIME_OFF_LIST, token=token))["me"]["timeOff"] == []


# --- emails and time zones -----------------------------------------------------------------


async def test_sign_up_email_is_checked_by_a_real_validator(api):
    for email in ("a\u0000b@example.com", "a..b@example.com", "x@localhost", "a@b.local", "\"a b\"@example.com"):
        payload = (await api.gql(SIGN_UP, {"input": _signup(email=email)}))["signUp"]
        assert codes(payload) == [(["email"], "INVALID_EMAIL")], email
        assert payload["token"] is None


async def test_time_zones_must_be_iana_names_from_tzdata(api):
    for zone in ("localtime", "Factory", "posixrules", "right/UTC", "Mars/Olympus"):
        payload = (await api.gql(SIGN_UP, {"input": _signup(timeZone=zone)}))["signUp"]
        assert codes(payload) == [(["timeZone"], "INVALID_TIME_ZONE")], zone
    token, _ = await api.sign_up(timeZone="Europe/Paris")
    refused = await api.gql(UPDATE, {"input": {"timeZone": "localtime"}}, token=token)
    assert codes(refused["updateProfile"]) == [(["timeZone"], "INVALID_TIME_ZONE")]
    assert (await api.gql(ME, token=token))["me"]["timeZone"] == "Europe/Paris"
    client = await api.gql(CREATE_CLIENT_FULL, {"i": {"firstName": "A", "lastName": "B", "email": "ab@example.com",
                                                      "timeZone": "Factory"}}, token=token)
    assert codes(client["createClient"]) == [(["timeZone"], "INVALID_TIME_ZONE")]
    # backward links are accepted and stored as the zone they name (see domain.accounts)
    moved = await api.gql(UPDATE, {"input": {"timeZone": "US/Eastern"}}, token=token)
    assert moved["updateProfile"] == {"therapist": {"timeZone": "America/New_York"}, "userErrors": []}
    linked = await api.gql(CREATE_CLIENT_FULL, {"i": {"firstName": "A", "lastName": "B", "email": "ab@example.com",
                                                      "timeZone": "Asia/Calcutta"}}, token=token)
    assert linked["createClient"]["client"]["timeZone"] == "Asia/Kolkata"
    slots = await api.post("""query { availableSlots(username: "nobody-here", eventTypeId: "x",
      from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z", timeZone: "localtime") { start } }""")
    assert error_code(slots) == "BAD_USER_INPUT"


# --- instants without an offset in query arguments ------------------------------------------


async def test_a_date_time_without_offset_in_a_query_argument_is_bad_user_input(api):
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC")
    naive, aware = "2030-01-01T00:00:00", "2030-01-02T00:00:00+00:00"
    for query in (SESSIONS, CONFLICTS):
        for variables, field in (({"from": naive, "to": aware}, "from"), ({"from": "2030-01-01T00:00:00Z", "to": naive}, "to")):
            body = await api.post(query, variables, token=token)
            assert error_code(body) == "BAD_USER_INPUT", body
            assert body["errors"][0]["extensions"]["field"] == field
    slots = """query($u: String!, $e: ID!, $f: DateTime!, $t: DateTime!) {
      availableSlots(username: $u, eventTypeId: $e, from: $f, to: $t) { start } }"""
    body = await api.post(slots, {"u": therapist["username"], "e": event_type, "f": naive, "t": aware})
    assert error_code(body) == "BAD_USER_INPUT"


async def test_a_date_time_without_offset_in_a_subscription_is_bad_user_input(api):
    from tests.support.live_client import LiveClient

    token, _ = await api.sign_up()
    async with LiveClient(api.base_url, token=token) as live:
        op = await live.subscribe("subscription($f: DateTime!, $t: DateTime!) { calendarChanged(from: $f, to: $t) { kind } }",
                                  {"f": "2030-01-01T00:00:00", "t": "2030-01-02T00:00:00Z"})
        message = await live.next(op)
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", message


# --- time off at the ends of the calendar ---------------------------------------------------


async def test_time_off_at_the_ends_of_the_calendar_is_a_user_error_and_nothing_is_stored(api):
    token, _ = await api.sign_up(timeZone="America/New_York")
    for day in ("0001-01-01", "9999-12-31"):
        payload = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": day, "endDate": day, "allDay": True}},
                                 token=token))["addTimeOff"]
        assert payload["timeOff"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["OUT_OF_RANGE", "OUT_OF_RANGE"], payload
        payload = (await api.gql(ADD_TIME_OFF, {"input": {"startDate": day, "endDate": day, "allDay": False,
                                                          "startTime": "00:00", "endTime": "24:00"}},
                                 token=token))["addTimeOff"]
        assert payload["timeOff"] is None and payload["userErrors"]
    assert (await api.gql(TIME_OFF_LIST, token=token))["me"]["timeOff"] == []


# --- the rule as a property, over HTTP -------------------------------------------------------

CONTROL = st.one_of(st.characters(min_codepoint=0, max_codepoint=0x1F),
                    st.characters(min_codepoint=0x7F, max_codepoint=0x9F))
CLEAN = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda v: v.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(left=CLEAN, bad=CONTROL, right=st.text(max_size=10), clean=CLEAN)
async def test_display_names_with_control_characters_are_always_refused_clean_ones_kept(api, left, bad, right, clean):
    token, _ = await _shared_therapist(api)
    body = await post_raw(api, UPDATE, {"input": {"displayName": left + bad + right}}, token)
    assert codes(body["data"]["updateProfile"]) == [(["displayName"], "INVALID_CHARACTERS")]
    body = await post_raw(api, UPDATE, {"input": {"displayName": clean}}, token)
    assert body["data"]["updateProfile"]["userErrors"] == []
    assert (await post_raw(api, ME, {}, token))["data"]["me"]["displayName"] == clean.strip()


_THERAPISTS: dict[str, tuple[str, dict]] = {}


async def _shared_therapist(api) -> tuple[str, dict]:
    if api.base_url not in _THERAPISTS:
        _THERAPISTS[api.base_url] = await api.sign_up()
    return _THERAPISTS[api.base_url]
