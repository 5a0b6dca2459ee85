"""Shared by the notification, portal and reminder tests: an API wired to a real SMTP server."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from tests.api.booking_helpers import NEW_BOOKINGS, book, slots, therapist_with_hours
from tests.smtp_server import text_of

APP_URL = "http://app.couchtime.test"

INVITE = """mutation I($input: InviteClientToPortalInput!) {
  inviteClientToPortal(input: $input) { invited userErrors { field code } } }"""
ACCEPT = """mutation A($input: AcceptPortalInviteInput!) {
  acceptPortalInvite(input: $input) { token firstName userErrors { field code } } }"""
CLIENT_SIGN_IN = """mutation S($input: ClientSignInInput!) {
  clientSignIn(input: $input) { token firstName userErrors { field code } } }"""
MY_SESSIONS = """{ mySessions { firstName
  upcoming { id start localStart timeZone visitType meetingUrl cancelled therapistDisplayName }
  past { id start cancelled } } }"""
CANCEL_MINE = """mutation C($input: CancelMySessionInput!) {
  cancelMySession(input: $input) { session { id cancelled } userErrors { field code message } } }"""
CANCEL = """mutation C($input: CancelSessionInput!) {
  cancelSession(input: $input) { userErrors { field code } } }"""
REMINDERS = """mutation R($input: UpdateReminderSettingsInput!) {
  updateReminderSettings(input: $input) { reminderSettings { enabled lead leadMinutes alsoDayBefore }
    userErrors { field code } } }"""
NOTE = """mutation N($input: WriteSessionNoteInput!) {
  writeSessionNote(input: $input) { __typename } }"""
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


def link_in(message, path: str) -> str:
    found = re.search(re.escape(APP_URL) + re.escape(path) + r"\?token=[^\s\"<>]+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def portal_client(api, inbox, b) -> str:
    """Invite the booked client and accept: their portal token."""
    data = await api.gql(INVITE, {"input": {"clientId": b["client_id"]}}, token=b["token"])
    assert data["inviteClientToPortal"] == {"invited": True, "userErrors": []}
    [invite] = await inbox.wait_for(b["client_email"], "invited you")
    token = token_of(link_in(invite, "/portal/invite"))
    accepted = (await api.gql(ACCEPT, {"input": {"token": token, "password": "a long portal secret"}}))
    assert accepted["acceptPortalInvite"]["userErrors"] == [], accepted
    return accepted["acceptPortalInvite"]["token"]


_SMTP: list = []
_APIS: dict[str, object] = {}


def shared_smtp():
    """One aiosmtpd server for the whole run (stopped at exit)."""
    if not _SMTP:
        import atexit

        from tests.smtp_server import start_smtp

        controller, inbox = start_smtp()
        atexit.register(controller.stop)
        _SMTP.append(inbox)
    return _SMTP[0]


async def shared_mail_api(start_api, backend: str):
    """One server per backend for all email tests (each server holds database connections until
    the session ends; the PostgreSQL test server allows 100)."""
    if backend not in _APIS:
        _APIS[backend] = await start_api(
            backend, smtp_host="127.0.0.1", smtp_port=shared_smtp().port, smtp_security="none",
            public_app_url=APP_URL, scheduler_tick_seconds=0, mail_from="Couchtime <no-reply@couchtime.test>")
    return _APIS[backend]
