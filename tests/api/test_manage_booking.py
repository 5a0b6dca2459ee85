"""What a booking client gets (#17), through the API over real HTTP and a real SMTP server, on
SQLite and PostgreSQL: the manage-booking link (view, cancel, rebook; expiry, tampering, another
session's ID, a changed email), calendar invites on confirmations, moves and cancellations, and
emails worded in the therapist's locale."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar

from resolvers import global_ids
from tests.support.booking import PROFILE, book, booked, slots, therapist_with_hours
from tests.support.mail import APP_URL, html_of, link_in, text_of, token_of

VIEW = """query M($token: String!) { managedBooking(token: $token) { start end localStart timeZone
  eventTypeTitle visitType meetingUrl officeAddress therapistDisplayName cancelled cancellableUntil
  canCancel bookingPageUrl } }"""
CANCEL = """mutation C($input: CancelManagedBookingInput!) { cancelManagedBooking(input: $input) {
  booking { cancelled canCancel } rebookUrl userErrors { field code } } }"""
UPDATE_SESSION = """mutation U($i: UpdateSessionInput!) { updateSession(input: $i) { userErrors { code } } }"""
UPDATE_CLIENT = """mutation U($i: UpdateClientInput!) { updateClient(input: $i) { userErrors { code } } }"""
EVENTS = """query { auditEvents(first: 50) { edges { node { action operation actorKind actorId
  subjects { kind id } } } } }"""
PROFILE_LOCALE = """mutation P($input: UpdateProfileInput!) { updateProfile(input: $input) {
  therapist { locale } userErrors { field code } } }"""


def raw(global_id: str) -> str:
    return str(global_ids.decode(global_id)[1])


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


async def confirmation(api, smtp, b):
    [message] = await smtp.wait_for(b["client_email"], "is booked")
    return message, token_of(link_in(message, "/manage"))


async def errors_of(api, token: str) -> list[str]:
    body = await api.post(VIEW, {"token": token})
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def test_the_confirmation_carries_an_invite_and_a_link_that_shows_the_session(mail_api, smtp):
    b = await booked(mail_api, visit="TELEHEALTH")
    message, token = await confirmation(mail_api, smtp, b)
    text = text_of(message)
    assert text.count(f"{APP_URL}/manage?token=") == 1 and text.count(b["confirmation"]["meetingUrl"]) == 1
    assert "24 hours" in text and f"{APP_URL}/manage?token=" in html_of(message)
    calendar = calendar_of(message)
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "REQUEST" and message.get_content_type() == "multipart/alternative"
    assert str(event["UID"]) == f"session-{raw(b['session_id'])}@couchtime" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == b["start"]
    assert str(event["ATTENDEE"]) == f"mailto:{b['client_email']}"
    [to_therapist] = await smtp.wait_for(b["therapist"]["email"], "New booking")
    assert [p for p in to_therapist.walk() if p.get_content_type() == "text/calendar"] == []

    seen = (await mail_api.gql(VIEW, {"token": token}))["managedBooking"]
    assert seen["timeZone"] == "Europe/Berlin" and seen["localStart"].endswith(("+01:00", "+02:00"))
    assert datetime.fromisoformat(seen["start"]) == b["start"]
    assert seen["visitType"] == "TELEHEALTH" and seen["officeAddress"] is None
    assert seen["meetingUrl"] == b["confirmation"]["meetingUrl"] and seen["cancelled"] is False
    assert datetime.fromisoformat(seen["cancellableUntil"]) == b["start"] - timedelta(hours=24)
    assert seen["canCancel"] is True
    assert seen["bookingPageUrl"] == f"{APP_URL}/book/{b['therapist']['username']}"

    entries = (await mail_api.gql(EVENTS, token=b["token"]))["auditEvents"]["edges"]
    read = [e["node"] for e in entries if e["node"]["operation"] == "query managedBooking"]
    assert read and read[0]["actorKind"] == "CLIENT" and read[0]["actorId"] == b["client_id"]
    assert {"kind": "SESSION", "id": b["session_id"]} in read[0]["subjects"] or \
        any(s["id"] == b["session_id"] for s in read[0]["subjects"])


async def test_in_person_link_shows_the_address_not_a_video_link(mail_api, smtp):
    b = await booked(mail_api, visit="IN_PERSON")
    message, token = await confirmation(mail_api, smtp, b)
    assert b["confirmation"]["meetingUrl"] not in text_of(message)
    assert str(calendar_of(message).walk("VEVENT")[0]["LOCATION"]) == "1 Quiet Lane, Springfield, IL, 62701"
    seen = (await mail_api.gql(VIEW, {"token": token}))["managedBooking"]
    assert seen["meetingUrl"] is None and seen["officeAddress"] == "1 Quiet Lane, Springfield, IL, 62701"


async def test_cancel_with_the_link_and_rebook(mail_api, smtp):
    b = await booked(mail_api, days_ahead=3)
    message, token = await confirmation(mail_api, smtp, b)
    data = (await mail_api.gql(CANCEL, {"input": {"token": token}}))["cancelManagedBooking"]
    assert data["userErrors"] == [] and data["booking"] == {"cancelled": True, "canCancel": False}
    assert data["rebookUrl"] == f"{APP_URL}/book/{b['therapist']['username']}"
    [to_therapist] = await smtp.wait_for(b["therapist"]["email"], "cancelled a session")
    [to_client] = await smtp.wait_for(b["client_email"], "is cancelled")
    assert data["rebookUrl"] in text_of(to_client)
    cancel = calendar_of(to_client)
    event = cancel.walk("VEVENT")[0]
    first = calendar_of(message).walk("VEVENT")[0]
    assert cancel["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(first["UID"]) and int(event["SEQUENCE"]) > int(first["SEQUENCE"])
    again = (await mail_api.gql(CANCEL, {"input": {"token": token}}))["cancelManagedBooking"]
    assert [e["code"] for e in again["userErrors"]] == ["SESSION_CANCELLED"]
    # the therapist sees who cancelled, and the audit log names the client
    entries = (await mail_api.gql(EVENTS, token=b["token"]))["auditEvents"]["edges"]
    change = [e["node"] for e in entries if e["node"]["operation"] == "mutation cancelManagedBooking"
              and e["node"]["action"] == "CHANGE"]
    assert change and change[0]["actorKind"] == "CLIENT" and change[0]["actorId"] == b["client_id"]
    # the freed time can be booked again from the booking page

    rebooked = await book(mail_api, b["therapist"]["username"], b["event_type"], b["start"].isoformat(),
                          tz="Europe/Berlin", email=b["client_email"], visit="TELEHEALTH")
    assert rebooked["userErrors"] == [], rebooked


async def test_cancelling_within_24_hours_is_refused(mail_api, smtp):
    b = await booked(mail_api, days_ahead=2)
    _, token = await confirmation(mail_api, smtp, b)
    try:
        mail_api.clock.set(b["start"] - timedelta(hours=24) + timedelta(seconds=1), frozen=True)
        data = (await mail_api.gql(CANCEL, {"input": {"token": token}}))["cancelManagedBooking"]
        assert [e["code"] for e in data["userErrors"]] == ["TOO_LATE_TO_CANCEL"] and data["booking"] is None
        assert (await mail_api.gql(VIEW, {"token": token}))["managedBooking"]["canCancel"] is False
    finally:
        mail_api.clock.reset()


async def test_the_link_expires_when_the_session_has_ended(mail_api, smtp):
    b = await booked(mail_api, days_ahead=2)
    _, token = await confirmation(mail_api, smtp, b)
    end = datetime.fromisoformat((await mail_api.gql(VIEW, {"token": token}))["managedBooking"]["end"])
    try:
        mail_api.clock.set(end - timedelta(seconds=1), frozen=True)
        assert await errors_of(mail_api, token) == []
        mail_api.clock.set(end, frozen=True)
        assert await errors_of(mail_api, token) == ["MANAGE_LINK_EXPIRED"]
        data = (await mail_api.gql(CANCEL, {"input": {"token": token}}))["cancelManagedBooking"]
        assert [e["code"] for e in data["userErrors"]] == ["MANAGE_LINK_EXPIRED"]
    finally:
        mail_api.clock.reset()


async def test_tampered_links_and_another_sessions_id_open_nothing(mail_api, smtp):
    a, other = await booked(mail_api), await booked(mail_api)
    _, token = await confirmation(mail_api, smtp, a)
    session, mac = token.split(".", 1)
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (f"{session}.{flipped}", f"{raw(other['session_id'])}.{mac}", session, "", "not-a-token",
                f"{session}.{mac}x", f"{session}.é{mac}"):
        assert await errors_of(mail_api, bad) == ["INVALID_MANAGE_LINK"], bad
        data = (await mail_api.gql(CANCEL, {"input": {"token": bad}}))["cancelManagedBooking"]
        assert [e["code"] for e in data["userErrors"]] == ["INVALID_MANAGE_LINK"], bad
    # nothing else is reachable with a valid one: it is no bearer token
    body = await mail_api.post("{ me { id } }", token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await mail_api.post("{ mySessions { firstName } }", token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await mail_api.gql(VIEW, {"token": token}))["managedBooking"]["cancelled"] is False


async def test_a_changed_email_voids_earlier_links(mail_api, smtp):
    b = await booked(mail_api)
    _, token = await confirmation(mail_api, smtp, b)
    data = await mail_api.gql(UPDATE_CLIENT, {"i": {"clientId": b["client_id"],
                                                   "email": f"new-{b['client_email']}"}}, token=b["token"])
    assert data["updateClient"]["userErrors"] == []
    assert await errors_of(mail_api, token) == ["INVALID_MANAGE_LINK"]


async def test_a_move_sends_the_client_an_updated_invite(mail_api, smtp):
    b = await booked(mail_api, days_ahead=4)
    message, _ = await confirmation(mail_api, smtp, b)
    later = (b["start"] + timedelta(days=1)).isoformat()
    data = await mail_api.gql(UPDATE_SESSION, {"i": {"sessionId": b["session_id"], "start": later}},
                              token=b["token"])
    assert data["updateSession"]["userErrors"] == []
    [moved] = await smtp.wait_for(b["client_email"], "has moved")
    event = calendar_of(moved).walk("VEVENT")[0]
    assert calendar_of(moved)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == str(calendar_of(message).walk("VEVENT")[0]["UID"])
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == b["start"] + timedelta(days=1)
    assert f"{APP_URL}/manage?token=" in text_of(moved)


async def test_emails_follow_the_therapists_locale(mail_api, smtp):
    b = await booked(mail_api)
    data = await mail_api.gql(PROFILE_LOCALE, {"input": {"locale": "de-DE"}}, token=b["token"])
    assert data["updateProfile"] == {"therapist": {"locale": "de_DE"}, "userErrors": []}
    bad = await mail_api.gql(PROFILE_LOCALE, {"input": {"locale": "xx-NOPE"}}, token=b["token"])
    assert [e["code"] for e in bad["updateProfile"]["userErrors"]] == ["INVALID_LOCALE"]
    data = await mail_api.gql(PROFILE, {"input": {"timeZone": "Europe/Berlin"}}, token=b["token"])
    later = (b["start"] + timedelta(days=1)).isoformat()
    await mail_api.gql(UPDATE_SESSION, {"i": {"sessionId": b["session_id"], "start": later}}, token=b["token"])
    [moved] = await smtp.wait_for(b["client_email"], "has moved")
    text = text_of(moved)
    assert " AM " not in text and " PM " not in text
    assert any(day in text for day in ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag",
                                       "Samstag", "Sonntag"))


async def test_the_session_type_is_named_only_where_the_therapist_turned_it_on(mail_api, smtp):
    for named in (True, False):
        token, therapist, event_type = await therapist_with_hours(
            mail_api, title="Couples intake", nameInEmails=named)
        now = mail_api.clock.now()
        found = await slots(mail_api, therapist["username"], event_type, now + timedelta(days=2),
                            now + timedelta(days=9))
        email = f"typed-{str(named).lower()}-{therapist['username']}@example.com"
        result = await book(mail_api, therapist["username"], event_type, found[0]["start"], email=email)
        assert result["userErrors"] == [], result
        [message] = await smtp.wait_for(email, "is booked")
        [notice] = await smtp.wait_for(therapist["email"], "New booking")
        for sent in (message, notice):
            assert ("Couples intake" in text_of(sent)) is named
        assert ("Couples intake" in str(calendar_of(message).walk("VEVENT")[0]["SUMMARY"])) is named


THERAPIST_CANCEL = """mutation C($input: CancelSessionInput!) { cancelSession(input: $input) {
  userErrors { code } } }"""
UNCANCEL = """mutation U($id: ID!) { uncancelSession(input: {sessionId: $id}) { userErrors { code } } }"""


async def test_an_uncancelled_session_is_back_in_the_clients_calendar_and_a_second_cancel_is_told_again(
        mail_api, smtp):
    b = await booked(mail_api, days_ahead=4)
    message, _ = await confirmation(mail_api, smtp, b)
    uid = str(calendar_of(message).walk("VEVENT")[0]["UID"])
    cancel = {"input": {"sessionId": b["session_id"], "notifyClient": True}}
    assert (await mail_api.gql(THERAPIST_CANCEL, cancel, token=b["token"]))["cancelSession"]["userErrors"] == []
    [cancelled] = await smtp.wait_for(b["client_email"], "is cancelled")
    assert calendar_of(cancelled)["METHOD"] == "CANCEL"
    data = await mail_api.gql(UNCANCEL, {"id": b["session_id"]}, token=b["token"])
    assert data["uncancelSession"]["userErrors"] == []
    [back] = await smtp.wait_for(b["client_email"], "is back on")
    event = calendar_of(back).walk("VEVENT")[0]
    assert calendar_of(back)["METHOD"] == "REQUEST" and str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) > int(calendar_of(cancelled).walk("VEVENT")[0]["SEQUENCE"])
    assert event.decoded("DTSTART") == b["start"]
    assert f"{APP_URL}/manage?token=" in text_of(back)
    assert (await mail_api.gql(THERAPIST_CANCEL, cancel, token=b["token"]))["cancelSession"]["userErrors"] == []
    await smtp.wait_for(b["client_email"], "is cancelled", count=2)  # told again


async def test_uncancelling_a_quiet_cancellation_sends_nothing(mail_api, smtp):
    b = await booked(mail_api, days_ahead=4)
    await confirmation(mail_api, smtp, b)
    cancel = {"input": {"sessionId": b["session_id"], "notifyClient": False}}
    assert (await mail_api.gql(THERAPIST_CANCEL, cancel, token=b["token"]))["cancelSession"]["userErrors"] == []
    assert (await mail_api.gql(UNCANCEL, {"id": b["session_id"]}, token=b["token"]))["uncancelSession"][
        "userErrors"] == []
    await smtp.settle()
    assert smtp.to(b["client_email"], "is back on") == [] and smtp.to(b["client_email"], "cancelled") == []
