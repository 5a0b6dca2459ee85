"""The waitlist in tests: a therapist whose one date is fully booked, joining its waitlist, the
emails' links, and the sweep the scheduler runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.services import waitlist as waitlist_service
from tests.support.booking import NEW_BOOKINGS, book, slots, therapist_with_hours
from tests.support.mail import link_in, token_of

JOIN = """mutation J($input: JoinWaitlistInput!) { joinWaitlist(input: $input) { joined userErrors { field code } } }"""
OFFER = """query O($token: String!) { waitlistOffer(token: $token) { start end localStart timeZone expiresAt
  status what therapistDisplayName } }"""
CLAIM = """mutation C($input: ClaimWaitlistHoldInput!) { claimWaitlistHold(input: $input) {
  confirmation { reference start timeZone } userErrors { field code } } }"""
LEAVE = """mutation L($input: LeaveWaitlistInput!) { leaveWaitlist(input: $input) { left userErrors { field code } } }"""
REMOVE = """mutation R($input: RemoveWaitlistEntryInput!) { removeWaitlistEntry(input: $input) {
  entry { id status } userErrors { field code } } }"""
LIST = """{ me { waitlist { id firstName lastName email firstDate lastDate status eventTypeId } } }"""
CANCEL = """mutation($i: CancelSessionInput!) { cancelSession(input: $i) { userErrors { code } } }"""
REJECT = """mutation($i: IntakeInput!) { rejectIntake(input: $i) { userErrors { code } } }"""
ZONE = "America/New_York"
WAIT = 60  # seconds: emails come from the in-process workers, slower under load


async def full_day(api, days_ahead: int = 3, keep_free: int = 0) -> dict:
    """A new therapist (09:00–12:00 every day, 50-minute sessions on the hour) whose date
    `days_ahead` is booked full but for `keep_free` starts (the last ones)."""
    token, t, event_type = await therapist_with_hours(api, time_zone=ZONE)
    day = (api.clock.now().astimezone(ZoneInfo(ZONE)) + timedelta(days=days_ahead)).date()
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE))
    free = await slots(api, t["username"], event_type, start, start + timedelta(days=1))
    assert len(free) == 3, free
    emails = []
    for slot in free[:len(free) - keep_free]:
        email = f"b{uuid.uuid4().hex[:10]}@example.com"
        assert (await book(api, t["username"], event_type, slot["start"], email=email))["userErrors"] == []
        emails.append(email)
    intake = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    booked = {c["email"]: c for c in intake}
    return {"token": token, "therapist": t, "username": t["username"], "event_type": event_type, "day": day,
            "starts": [s["start"] for s in free], "bookings": [booked[e] for e in emails]}


async def join(api, p: dict, *, first: date | None = None, last: date | None = None, email: str | None = None,
               first_name: str = "Grace", **overrides) -> tuple[dict, str]:
    email = email or f"w{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {
        "username": p["username"], "eventTypeId": p["event_type"],
        "firstDate": (first or p["day"]).isoformat(), "lastDate": (last or p["day"]).isoformat(),
        "client": {"firstName": first_name, "lastName": "Hopper", "email": email, "phone": "+1 555 0101"},
        "timeZone": "Europe/Berlin", **overrides,
    }}
    return (await api.gql(JOIN, variables))["joinWaitlist"], email


async def offer_links(smtp, email: str, count: int = 1) -> tuple[str, str]:
    """(claim token, leave token) of the newest offer email to `email`."""
    messages = await smtp.wait_for(email, "is held for you", count=count, timeout=WAIT)
    message = messages[-1]
    return token_of(link_in(message, "/waitlist/offer")), token_of(link_in(message, "/waitlist/leave"))


async def cancel(api, p: dict, booking: dict) -> None:
    session_id = booking["sessions"]["nodes"][0]["id"]
    result = (await api.gql(CANCEL, {"i": {"sessionId": session_id}}, token=p["token"]))["cancelSession"]
    assert result["userErrors"] == []


async def sweep(api) -> int:
    """What the scheduler's periodic job runs."""
    return await waitlist_service.sweep(api.runtime.services.uow, api.clock)
