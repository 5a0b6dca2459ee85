"""GraphQL snippets and helpers shared by the booking-page tests."""

from __future__ import annotations

import uuid

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
