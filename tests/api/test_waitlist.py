"""The waitlist (#20) through the API over real HTTP and a real SMTP server, on SQLite and
PostgreSQL: joining (input rules, rate limit), an offer after each kind of freed time, the
email's claim and leave links, the hold blocking everyone else, claiming, expiry passing the
time on, leaving, the therapist's list and removal, isolation, lapse, and the audit of link reads."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.app import BACKENDS
from tests.support.booking import ADD_TIME_OFF, book, slots, therapist_with_hours
from tests.support.live_client import LiveClient
from tests.support.mail import APP_URL, text_of
from tests.support.subscriptions import AVAILABILITY
from tests.support.waitlist import (
    CLAIM,
    JOIN,
    LEAVE,
    LIST,
    OFFER,
    REJECT,
    REMOVE,
    WAIT,
    ZONE,
    cancel,
    full_day,
    join,
    offer_links,
    sweep,
)

EVENTS = """query { auditEvents(first: 50) { edges { node { action operation actorKind actorId actorJob
  subjects { kind id } } } } }"""
REMOVE_TIME_OFF = """mutation($i: RemoveTimeOffInput!) { removeTimeOff(input: $i) { userErrors { code } } }"""


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def day_slots(api, p) -> list[str]:
    start = datetime.fromisoformat(p["starts"][0]) - timedelta(hours=2)
    return [s["start"] for s in await slots(api, p["username"], p["event_type"], start, start + timedelta(hours=8))]


async def test_joining_checks_its_input_and_reveals_nothing(mail_api, smtp):
    p = await full_day(mail_api, keep_free=1)
    today = p["day"] - timedelta(days=3)
    cases = [
        ({"client": {"firstName": "", "lastName": "H", "email": "x@example.com"}}, ["REQUIRED"]),
        ({"client": {"firstName": "A", "lastName": "H", "email": "not-an-email"}}, ["INVALID_EMAIL"]),
        ({"client": {"firstName": "A\nB", "lastName": "H", "email": "x@example.com"}}, ["INVALID_CHARACTERS"]),
        ({"timeZone": "Mars/Olympus"}, ["INVALID_TIME_ZONE"]),
        ({"eventTypeId": "nope"}, ["NOT_FOUND"]),
        ({"username": "no-such-page"}, ["NOT_FOUND"]),
        ({"firstDate": p["day"].isoformat(), "lastDate": (p["day"] - timedelta(days=1)).isoformat()},
         ["INVALID_RANGE"]),
        ({"firstDate": today.isoformat(), "lastDate": (today + timedelta(days=62)).isoformat()}, ["RANGE_TOO_LONG"]),
        ({"firstDate": (today - timedelta(days=5)).isoformat(), "lastDate": (today - timedelta(days=2)).isoformat()},
         ["OUT_OF_RANGE"]),
    ]
    for overrides, expected in cases:
        client = overrides.pop("client", None)
        result, _ = await join(mail_api, p, **overrides) if client is None else await _join_as(mail_api, p, client)
        assert codes(result) == expected, (overrides, result) if client is None else (client, result)
        assert result["joined"] is False
    assert (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"] == []  # nothing stored
    # a full date and a date with a free time answer alike: the answer says nothing of the calendar
    result, email = await join(mail_api, p, first=p["day"], last=p["day"] + timedelta(days=61))
    assert result == {"joined": True, "userErrors": []}
    [message] = await smtp.wait_for(email, "waitlist", timeout=WAIT)
    text = text_of(message)
    assert "Hello Grace," in text and "Hopper" not in text and "+1 555" not in text
    assert f"{APP_URL}/waitlist/leave?token=" in text and "15 minutes" in text
    assert "@" not in text.split("token=")[1].split()[0]  # only the token in the URL


async def _join_as(api, p, client):
    variables = {"input": {"username": p["username"], "eventTypeId": p["event_type"],
                           "firstDate": p["day"].isoformat(), "lastDate": p["day"].isoformat(),
                           "client": client, "timeZone": "UTC"}}
    return (await api.gql(JOIN, variables))["joinWaitlist"], client["email"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_joining_is_rate_limited_per_address(start_api, backend):
    api = await start_api(backend, booking_limit_per_address=3)
    token, therapist, event_type = await therapist_with_hours(api)
    day = (api.clock.now() + timedelta(days=3)).date()
    p = {"username": therapist["username"], "event_type": event_type, "day": day}
    for _ in range(3):
        result, _ = await join(api, p, first=day, last=day - timedelta(days=1))
        assert codes(result) == ["INVALID_RANGE"]  # refused, but counted
    body = await api.post(JOIN, {"input": {"username": p["username"], "eventTypeId": event_type,
                                           "firstDate": day.isoformat(), "lastDate": day.isoformat(),
                                           "client": {"firstName": "A", "lastName": "B", "email": "a@example.com"},
                                           "timeZone": "UTC"}})
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_a_cancellation_holds_the_time_for_the_earliest_and_the_claim_books_it(mail_api, smtp):
    p = await full_day(mail_api)
    assert await day_slots(mail_api, p) == []
    (_, first_email), (_, second_email) = await join(mail_api, p), await join(mail_api, p, first_name="Alan")
    await cancel(mail_api, p, p["bookings"][1])  # the 10:00 session
    held = p["starts"][1]
    claim_token, _ = await offer_links(smtp, first_email)
    [message] = smtp.to(first_email, "is held for you")
    text = text_of(message)
    assert "Hello Grace," in text and "Hopper" not in text and "Dr Test" in text
    assert f"{APP_URL}/waitlist/offer?token=" in text and f"{APP_URL}/waitlist/leave?token=" in text
    assert "15 minutes" in text and "session" in text
    await smtp.settle(1)
    assert smtp.to(second_email, "is held for you") == []  # one start, the earliest entry only
    # the hold is a reservation: the page does not list it, a booking of it is refused
    assert await day_slots(mail_api, p) == []
    taken = await book(mail_api, p["username"], p["event_type"], held)
    assert codes(taken) == ["SLOT_UNAVAILABLE"]
    seen = (await mail_api.gql(OFFER, {"token": claim_token}))["waitlistOffer"]
    assert seen["start"] == held.replace("+00:00", "Z") or datetime.fromisoformat(seen["start"]) == \
        datetime.fromisoformat(held)
    assert seen["status"] == "ACTIVE" and seen["timeZone"] == "Europe/Berlin" and seen["what"] == "session"
    assert datetime.fromisoformat(seen["expiresAt"]) - mail_api.clock.now() <= timedelta(minutes=15)
    listed = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
    assert [e["status"] for e in listed] == ["OFFERED", "WAITING"]
    claimed = (await mail_api.gql(CLAIM, {"input": {"token": claim_token}}))["claimWaitlistHold"]
    assert claimed["userErrors"] == [] and datetime.fromisoformat(claimed["confirmation"]["start"]) == \
        datetime.fromisoformat(held)
    again = (await mail_api.gql(CLAIM, {"input": {"token": claim_token}}))["claimWaitlistHold"]
    assert again == claimed  # idempotent
    await smtp.wait_for(first_email, "is booked", timeout=WAIT)
    listed = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
    assert [e["status"] for e in listed] == ["WAITING"] and listed[0]["firstName"] == "Alan"
    # the link read is audited as the client's, in the therapist's log
    entries = (await mail_api.gql(EVENTS, token=p["token"]))["auditEvents"]["edges"]
    read = [e["node"] for e in entries if e["node"]["operation"] == "query waitlistOffer"]
    assert read and read[0]["actorKind"] == "CLIENT" and read[0]["actorJob"] == "waitlist-link"
    assert [s["kind"] for s in read[0]["subjects"]] == ["WAITLIST_ENTRY"]
    assert read[0]["actorId"] == read[0]["subjects"][0]["id"]  # the entry, who is not a client yet
    claim = [e["node"] for e in entries if e["node"]["operation"] == "mutation claimWaitlistHold"
             and e["node"]["action"] == "CHANGE"]
    assert claim and claim[0]["actorKind"] == "CLIENT" and claim[0]["actorJob"] == "waitlist-link"


async def test_a_rejected_intake_frees_its_time_for_the_waitlist(mail_api, smtp):
    p = await full_day(mail_api)
    _, email = await join(mail_api, p)
    data = await mail_api.gql(REJECT, {"i": {"clientId": p["bookings"][0]["id"]}}, token=p["token"])
    assert data["rejectIntake"]["userErrors"] == []
    claim_token, _ = await offer_links(smtp, email)
    seen = (await mail_api.gql(OFFER, {"token": claim_token}))["waitlistOffer"]
    assert datetime.fromisoformat(seen["start"]) == datetime.fromisoformat(p["starts"][0])


async def test_removed_time_off_frees_its_time_for_the_waitlist(mail_api, smtp):
    p = await full_day(mail_api, keep_free=1)
    day = p["day"].isoformat()
    added = (await mail_api.gql(ADD_TIME_OFF, {"input": {"startDate": day, "endDate": day, "allDay": False,
                                                         "startTime": "11:00", "endTime": "12:00"}},
                                token=p["token"]))["addTimeOff"]
    assert added["userErrors"] == []
    _, email = await join(mail_api, p)
    await smtp.settle(1)
    assert smtp.to(email, "is held for you") == []
    removed = await mail_api.gql(REMOVE_TIME_OFF, {"i": {"timeOffId": added["timeOff"]["id"]}}, token=p["token"])
    assert removed["removeTimeOff"]["userErrors"] == []
    claim_token, _ = await offer_links(smtp, email)
    seen = (await mail_api.gql(OFFER, {"token": claim_token}))["waitlistOffer"]
    assert datetime.fromisoformat(seen["start"]) == datetime.fromisoformat(p["starts"][2])


async def test_an_unclaimed_hold_expires_and_passes_to_the_next(mail_api, smtp):
    p = await full_day(mail_api)
    (_, first_email), (_, second_email) = await join(mail_api, p), await join(mail_api, p)
    await cancel(mail_api, p, p["bookings"][2])
    first_claim, _ = await offer_links(smtp, first_email)
    try:
        mail_api.clock.advance(timedelta(minutes=14))
        assert await sweep(mail_api) == 0  # not yet
        mail_api.clock.advance(timedelta(minutes=1, seconds=1))
        late = (await mail_api.gql(CLAIM, {"input": {"token": first_claim}}))["claimWaitlistHold"]
        assert codes(late) == ["HOLD_EXPIRED"]  # refused even before the sweep ran
        assert await sweep(mail_api) == 1
        second_claim, _ = await offer_links(smtp, second_email)
        seen = (await mail_api.gql(OFFER, {"token": first_claim}))["waitlistOffer"]
        assert seen["status"] == "EXPIRED"
        assert await sweep(mail_api) == 0  # the first is never offered that start again
        claimed = (await mail_api.gql(CLAIM, {"input": {"token": second_claim}}))["claimWaitlistHold"]
        assert claimed["userErrors"] == []
        listed = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
        assert [e["status"] for e in listed] == ["WAITING"]  # the first still waits
    finally:
        mail_api.clock.reset()


async def test_leaving_releases_the_hold_to_the_next(mail_api, smtp):
    p = await full_day(mail_api)
    (_, first_email), (_, second_email) = await join(mail_api, p), await join(mail_api, p)
    await cancel(mail_api, p, p["bookings"][0])
    first_claim, leave_token = await offer_links(smtp, first_email)
    left = (await mail_api.gql(LEAVE, {"input": {"token": leave_token}}))["leaveWaitlist"]
    assert left == {"left": True, "userErrors": []}
    second_claim, _ = await offer_links(smtp, second_email)
    assert codes((await mail_api.gql(CLAIM, {"input": {"token": first_claim}}))["claimWaitlistHold"]) == ["HOLD_ENDED"]
    again = (await mail_api.gql(LEAVE, {"input": {"token": leave_token}}))["leaveWaitlist"]
    assert again == {"left": True, "userErrors": []}
    assert (await mail_api.gql(CLAIM, {"input": {"token": second_claim}}))["claimWaitlistHold"]["userErrors"] == []


async def test_bad_links_open_nothing(mail_api, smtp):
    p = await full_day(mail_api)
    _, email = await join(mail_api, p)
    await cancel(mail_api, p, p["bookings"][0])
    claim_token, leave_token = await offer_links(smtp, email)
    subject, mac = claim_token.split(".", 1)
    for bad in (f"{subject}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}", leave_token, subject, "", "x.y"):
        body = await mail_api.post(OFFER, {"token": bad})
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_WAITLIST_LINK"], bad
        claim = (await mail_api.gql(CLAIM, {"input": {"token": bad}}))["claimWaitlistHold"]
        assert codes(claim) == ["INVALID_WAITLIST_LINK"], bad
    assert codes((await mail_api.gql(LEAVE, {"input": {"token": claim_token}}))["leaveWaitlist"]) == \
        ["INVALID_WAITLIST_LINK"]
    listed = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
    assert [e["status"] for e in listed] == ["OFFERED"]  # nothing changed: still holding its offer
    body = await mail_api.post(OFFER, {"token": claim_token})
    assert body["data"]["waitlistOffer"]["status"] == "ACTIVE", body


async def test_the_therapist_lists_and_removes_only_their_own(mail_api, smtp):
    p, other = await full_day(mail_api), await full_day(mail_api)
    await join(mail_api, p)
    listed = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
    assert [(e["firstName"], e["lastName"], e["status"]) for e in listed] == [("Grace", "Hopper", "WAITING")]
    assert listed[0]["firstDate"] == p["day"].isoformat() and listed[0]["eventTypeId"] == p["event_type"]
    assert (await mail_api.gql(LIST, token=other["token"]))["me"]["waitlist"] == []
    entry_id = listed[0]["id"]
    node = """query($id: ID!) { node(id: $id) { ... on WaitlistEntry { id firstName status } } }"""
    assert (await mail_api.gql(node, {"id": entry_id}, token=p["token"]))["node"] == \
        {"id": entry_id, "firstName": "Grace", "status": "WAITING"}
    assert (await mail_api.gql(node, {"id": entry_id}, token=other["token"]))["node"] is None
    stolen = (await mail_api.gql(REMOVE, {"input": {"id": entry_id}}, token=other["token"]))["removeWaitlistEntry"]
    assert codes(stolen) == ["NOT_FOUND"] and stolen["entry"] is None
    removed = (await mail_api.gql(REMOVE, {"input": {"id": entry_id}}, token=p["token"]))["removeWaitlistEntry"]
    assert removed["userErrors"] == [] and removed["entry"]["status"] == "REMOVED"
    assert (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"] == []
    twice = (await mail_api.gql(REMOVE, {"input": {"id": entry_id}}, token=p["token"]))["removeWaitlistEntry"]
    assert codes(twice) == ["NOT_WAITING"]
    entries = (await mail_api.gql(EVENTS, token=p["token"]))["auditEvents"]["edges"]
    read = [e["node"] for e in entries if e["node"]["operation"] == "query me"]
    assert any(s["kind"] == "WAITLIST_ENTRY" for e in read for s in e["subjects"])


async def test_entries_lapse_after_their_range(mail_api, smtp):
    p = await full_day(mail_api)
    _, email = await join(mail_api, p)
    try:
        # the day after the last date, in the therapist's zone (New York), just after midnight
        after = datetime.combine(p["day"] + timedelta(days=1), datetime.min.time(), ZoneInfo(ZONE))
        mail_api.clock.set(after - timedelta(minutes=1), frozen=True)
        await sweep(mail_api)
        assert len((await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]) == 1
        [listed] = (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"]
        mail_api.clock.set(after + timedelta(minutes=1), frozen=True)
        await sweep(mail_api)
        assert (await mail_api.gql(LIST, token=p["token"]))["me"]["waitlist"] == []
        node = """query($id: ID!) { node(id: $id) { ... on WaitlistEntry { status } } }"""
        assert (await mail_api.gql(node, {"id": listed["id"]}, token=p["token"]))["node"] == {"status": "LAPSED"}
        # 30 days after it ended, the entry (its name, email and phone) is deleted
        mail_api.clock.set(after + timedelta(days=30), frozen=True)
        await sweep(mail_api)
        assert (await mail_api.gql(node, {"id": listed["id"]}, token=p["token"]))["node"] == {"status": "LAPSED"}
        mail_api.clock.set(after + timedelta(days=30, minutes=2), frozen=True)
        await sweep(mail_api)
        assert (await mail_api.gql(node, {"id": listed["id"]}, token=p["token"]))["node"] is None
    finally:
        mail_api.clock.reset()


async def test_booking_pages_hear_when_a_hold_begins_and_ends(mail_api, smtp):
    """Open booking pages learn which day changed: the hold hides its time, its expiry (nobody
    else waiting) shows it again."""
    p = await full_day(mail_api)
    _, email = await join(mail_api, p)
    async with LiveClient(mail_api.base_url) as page:
        op = await page.subscribe(AVAILABILITY, {"u": p["username"], "e": p["event_type"]})
        await asyncio.sleep(0.1)
        await cancel(mail_api, p, p["bookings"][0])
        await offer_links(smtp, email)
        days = [(await page.data(op, timeout=WAIT))["availabilityChanged"]["days"] for _ in range(2)]
        assert days == [[p["day"].isoformat()]] * 2  # the cancellation, then the hold
        try:
            mail_api.clock.advance(timedelta(minutes=16))
            assert await sweep(mail_api) == 0  # expired; nobody else waits for that start
            change = (await page.data(op, timeout=WAIT))["availabilityChanged"]
            assert change["days"] == [p["day"].isoformat()]
            assert p["starts"][0] in await day_slots(mail_api, p)
        finally:
            mail_api.clock.reset()
