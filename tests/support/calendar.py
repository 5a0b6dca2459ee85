"""Helpers for calendar tests: a therapist with an active client and event types."""

from __future__ import annotations

SESSION_FIELDS = """id start end minutes visitType meetingUrl status cancelled cancelReason recurring
  paymentStatus amountPaidCents fee { amountCents currency } hasNote hasPayment hasClaim claimStatus
  conflict conflictsWith { id } client { firstName lastName status } eventType { title minutes }"""
CREATE_CLIENT = """mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } userErrors { code } } }"""
CREATE_EVENT_TYPE = """mutation($i: CreateEventTypeInput!) { createEventType(input: $i) {
  eventType { id } userErrors { field code } } }"""
CREATE = f"""mutation($i: CreateSessionInput!) {{ createSession(input: $i) {{
  session {{ {SESSION_FIELDS} }}
  conflicts {{ appeared {{ first {{ id }} second {{ id }} }} cleared {{ first {{ id }} second {{ id }} }} }}
  userErrors {{ field code message }} }} }}"""
UPDATE = f"""mutation($i: UpdateSessionInput!) {{ updateSession(input: $i) {{
  session {{ {SESSION_FIELDS} }}
  conflicts {{ appeared {{ first {{ id }} second {{ id }} }} cleared {{ first {{ id }} second {{ id }} }} }}
  userErrors {{ field code message }} }} }}"""
RESCHEDULE = f"""mutation($i: RescheduleSessionInput!) {{ rescheduleSession(input: $i) {{
  session {{ {SESSION_FIELDS} }}
  conflicts {{ appeared {{ first {{ id }} second {{ id }} }} cleared {{ first {{ id }} second {{ id }} }} }}
  userErrors {{ field code message }} }} }}"""
CANCEL = f"""mutation($i: CancelSessionInput!) {{ cancelSession(input: $i) {{
  session {{ {SESSION_FIELDS} }}
  conflicts {{ appeared {{ first {{ id }} second {{ id }} }} cleared {{ first {{ id }} second {{ id }} }} }}
  userErrors {{ field code message }} }} }}"""
UNCANCEL = f"""mutation($i: SessionIdInput!) {{ uncancelSession(input: $i) {{
  session {{ {SESSION_FIELDS} }}
  conflicts {{ appeared {{ first {{ id }} second {{ id }} }} cleared {{ first {{ id }} second {{ id }} }} }}
  userErrors {{ field code message }} }} }}"""
SESSIONS = f"""query($from: DateTime!, $to: DateTime!) {{ sessions(from: $from, to: $to) {{ {SESSION_FIELDS} }} }}"""
CONFLICTS = """query($from: DateTime!, $to: DateTime!) { conflicts(from: $from, to: $to) {
  first { id start } second { id start } } }"""
PREVIEW = """query($id: ID!, $target: String!, $view: CalendarView!) {
  reschedulePreview(sessionId: $id, target: $target, view: $view) {
    preview { start end conflicts { id } change { appeared { first { id } second { id } } cleared { first { id } second { id } } } }
    userErrors { field code } } }"""


async def practice(api, *, time_zone="America/New_York", minutes=60, visit="TELEHEALTH_AND_IN_PERSON",
                   price=None):
    token, therapist = await api.sign_up(timeZone=time_zone)
    fields = {"title": "Therapy", "minutes": minutes, "visitType": visit}
    if price:
        fields.update({"priceCents": price[0], "currency": price[1]})
    event_type = (await api.gql(CREATE_EVENT_TYPE, {"i": fields}, token=token))["createEventType"]
    assert event_type["userErrors"] == [], event_type
    client = (await api.gql(CREATE_CLIENT, {"i": {"firstName": "Ann", "lastName": "Lee",
                                                  "email": "ann@example.com"}}, token=token))["createClient"]["client"]
    return token, therapist, event_type["eventType"]["id"], client["id"]


async def create(api, token, client_id, event_type_id, start, visit="TELEHEALTH"):
    data = (await api.gql(CREATE, {"i": {"clientId": client_id, "eventTypeId": event_type_id,
                                         "start": start, "visitType": visit}}, token=token))["createSession"]
    return data


def pair_ids(pairs):
    return sorted(tuple(sorted((p["first"]["id"], p["second"]["id"]))) for p in pairs)
