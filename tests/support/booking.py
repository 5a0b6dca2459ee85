"""The booking page in tests: weekly hours, event types, slots, a public booking, and `booked`
(a new therapist with one booked client), which most email and portal tests start from."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

SET_DAY = """mutation S($input: SetDayAvailabilityInput!) {
  setDayAvailability(input: $input) { userErrors { field code } } }"""
COPY = """mutation C($input: CopyDayAvailabilityInput!) {
  copyDayAvailability(input: $input) { userErrors { field code } } }"""
CREATE_EVENT_TYPE = """mutation E($input: CreateEventTypeInput!) {
  createEventType(input: $input) { eventType { id slotIntervalMinutes } userErrors { field code } } }"""
SLOTS = """query Slots($u: String!, $e: ID!, $from: DateTime!, $to: DateTime!, $tz: String!) {
  availableSlots(username: $u, eventTypeId: $e, from: $from, to: $to, timeZone: $tz) {
    start localStart localDate localTime } }"""
BOOK = """mutation B($input: BookSessionInput!) {
  bookSession(input: $input) {
    confirmation { reference start localStart timeZone minutes visitType meetingUrl
      therapistDisplayName eventTypeTitle officeAddress { street city } addressToBeAnnounced }
    userErrors { field code message } } }"""
ADD_TIME_OFF = """mutation T($input: AddTimeOffInput!) {
  addTimeOff(input: $input) { timeOff { id startDate endDate allDay startTime endTime reason start end }
    userErrors { field code message } } }"""
NEW_BOOKINGS = """{ newBookings { id firstName lastName email status
  sessions(first: 10) { nodes { id start end visitType meetingUrl status source eventType { title } } } } }"""
WEEKDAYS = ["TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


async def therapist_with_hours(api, *, time_zone="America/New_York", slots=None, days="ALL",
                               minutes=50, visit="TELEHEALTH_ONLY", **event_fields):
    """A signed-up therapist with the same hours every day and one event type."""
    token, therapist = await api.sign_up(timeZone=time_zone)
    slots = slots or [{"start": "09:00", "end": "12:00"}]
    first_day = "MONDAY" if days == "ALL" else days[0]
    data = await api.gql(SET_DAY, {"input": {"day": first_day, "slots": slots}}, token=token)
    assert data["setDayAvailability"]["userErrors"] == []
    others = WEEKDAYS if days == "ALL" else days[1:]
    if others:
        await api.gql(COPY, {"input": {"fromDay": first_day, "toDays": others}}, token=token)
    created = (await api.gql(CREATE_EVENT_TYPE, {"input": {
        "title": "Session", "minutes": minutes, "visitType": visit, **event_fields}}, token=token))["createEventType"]
    assert created["userErrors"] == [], created
    return token, therapist, created["eventType"]["id"]


async def slots(api, username, event_type_id, start, end, tz="UTC"):
    data = await api.gql(SLOTS, {"u": username, "e": event_type_id, "from": start.isoformat(),
                                 "to": end.isoformat(), "tz": tz})
    return data["availableSlots"]


async def book(api, username, event_type_id, start, *, key=None, tz="Europe/Berlin", visit=None,
               first="Ada", last="Lovelace", email=None):
    variables = {"input": {
        "username": username, "eventTypeId": event_type_id,
        "start": start if isinstance(start, str) else start.isoformat(),
        "client": {"firstName": first, "lastName": last,
                   "email": email or f"c{uuid.uuid4().hex[:8]}@example.com", "phone": "+1 555 0100"},
        "timeZone": tz, "idempotencyKey": key or uuid.uuid4().hex,
    }}
    if visit:
        variables["input"]["visitType"] = visit
    return (await api.gql(BOOK, variables))["bookSession"]


PROFILE = """mutation P($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }"""


async def booked(api, *, visit="TELEHEALTH", days_ahead=3, tz="Europe/Berlin", address=True):
    """A new therapist (office address set) and a public booking; what tests need, as a dict."""
    token, t, event_type = await therapist_with_hours(api, visit="TELEHEALTH_AND_IN_PERSON")
    if address:
        await api.gql(PROFILE, {"input": {"officeAddress": {
            "street": "1 Quiet Lane", "city": "Springfield", "state": "IL", "zip": "62701"}}}, token=token)
    now = api.clock.now()
    found = await slots(api, t["username"], event_type, now + timedelta(days=days_ahead),
                        now + timedelta(days=days_ahead + 7))
    client_email = f"client-{uuid.uuid4().hex[:10]}@example.com"
    result = await book(api, t["username"], event_type, found[0]["start"], tz=tz, email=client_email,
                        visit=visit)
    assert result["userErrors"] == [], result
    intake = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    client = next(c for c in intake if c["email"] == client_email)
    return {"token": token, "therapist": t, "event_type": event_type, "client_id": client["id"],
            "client_email": client_email, "session_id": client["sessions"]["nodes"][0]["id"],
            "start": datetime.fromisoformat(found[0]["start"]), "confirmation": result["confirmation"]}
