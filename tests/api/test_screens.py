"""The fields the therapist's and the portal's screens need (#17), over real HTTP on SQLite and
PostgreSQL: who cancelled, portal status, upcoming/past sessions, the New bookings connection,
merge candidates, payment methods as an enum, and every DateTime in UTC with Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.booking import book, booked, slots, therapist_with_hours
from tests.support.calendar import CANCEL, CREATE_CLIENT, create, practice
from tests.support.mail import link_in, token_of
from tests.support.portal import ACCEPT, CANCEL_MINE, INVITE

CLIENT = """query($id: ID!, $when: SessionWhen) { node(id: $id) { ... on Client { portalStatus
  sessions(first: 10, when: $when) { nodes { start end cancelled cancelledBy cancelledAt } } } } }"""
QUEUE = """query($first: Int, $after: String) { newBookingsConnection(first: $first, after: $after) {
  edges { cursor node { id email possibleMatches { client { id } reasons } } }
  pageInfo { hasNextPage endCursor } } }"""
MERGE = """mutation($i: MergeIntakeInput!) { mergeIntake(input: $i) {
  client { id email phone timeZone } userErrors { field code } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) {
  session { payments { method paymentMethod recordedAt } } userErrors { code } } }"""
PORTAL = """{ mySessions { upcoming { id eventTypeTitle visitType officeAddress meetingUrl cancellableUntil
  canCancel start } } }"""


async def test_who_cancelled_and_when(api):
    token, _, event_type, client = await practice(api)
    s = (await create(api, token, client, event_type, "2026-03-03T10:00:00-05:00"))["session"]
    assert s["start"] == "2026-03-03T15:00:00Z"  # any offset in, UTC with Z out
    api.clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC), frozen=True)
    try:
        await api.gql(CANCEL, {"i": {"sessionId": s["id"]}}, token=token)
    finally:
        api.clock.reset()
    node = (await api.gql(CLIENT, {"id": client}, token=token))["node"]
    [seen] = node["sessions"]["nodes"]
    assert (seen["cancelledBy"], seen["cancelledAt"]) == ("THERAPIST", "2026-03-01T09:00:00Z")
    assert node["portalStatus"] == "NOT_INVITED"


async def test_upcoming_and_past_sessions_of_a_client(api):
    token, _, event_type, client = await practice(api)
    starts = ["2026-03-02T15:00:00Z", "2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z", "2026-03-23T15:00:00Z"]
    for start in starts:
        await create(api, token, client, event_type, start)
    api.clock.set(datetime(2026, 3, 12, tzinfo=UTC), frozen=True)
    try:
        def listed(when):
            return api.gql(CLIENT, {"id": client, "when": when}, token=token)
        upcoming = (await listed("UPCOMING"))["node"]["sessions"]["nodes"]
        past = (await listed("PAST"))["node"]["sessions"]["nodes"]
        every = (await listed("ALL"))["node"]["sessions"]["nodes"]
    finally:
        api.clock.reset()
    assert [s["start"] for s in upcoming] == starts[2:]  # soonest first
    assert [s["start"] for s in past] == starts[1::-1]  # most recent first
    assert [s["start"] for s in every] == starts


async def test_payment_method_is_an_enum(api):
    token, _, event_type, client = await practice(api, price=(10000, "USD"))
    s = (await create(api, token, client, event_type, "2026-03-03T15:00:00Z"))["session"]
    paid = (await api.gql(PAY, {"i": {"sessionId": s["id"], "amountCents": 100, "currency": "USD",
                                      "method": "BANK_TRANSFER"}}, token=token))["recordPayment"]
    [payment] = paid["session"]["payments"]
    assert payment["paymentMethod"] == "BANK_TRANSFER" and payment["method"] == "BANK_TRANSFER"
    assert payment["recordedAt"].endswith("Z")


async def test_new_bookings_page_and_offer_merge_candidates(api):
    token, therapist, event_type = await therapist_with_hours(api)
    now = api.clock.now()
    found = await slots(api, therapist["username"], event_type, now + timedelta(days=2), now + timedelta(days=9))
    known = (await api.gql(CREATE_CLIENT, {"i": {"firstName": "Grace", "lastName": "Hopper", "email": "old@example.com",
                                                 "phone": "(555) 010-0199"}}, token=token))["createClient"]["client"]
    emails = ["grace.new@example.com", "someone@example.com", "third@example.com"]
    names = [("Grace", "Hopper"), ("Alan", "Turing"), ("Ada", "Byron")]
    for (first, last), email, slot in zip(names, emails, found, strict=False):
        result = await book(api, therapist["username"], event_type, slot["start"], email=email, first=first,
                            last=last, visit="TELEHEALTH")
        assert result["userErrors"] == [], result
    page = (await api.gql(QUEUE, {"first": 2}, token=token))["newBookingsConnection"]
    rest = (await api.gql(QUEUE, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=token))[
        "newBookingsConnection"]
    assert page["pageInfo"]["hasNextPage"] is True and rest["pageInfo"]["hasNextPage"] is False
    queue = [e["node"] for e in page["edges"] + rest["edges"]]
    assert [c["email"] for c in queue] == emails  # the order they booked
    grace = queue[0]
    assert grace["possibleMatches"] == [{"client": {"id": known["id"]}, "reasons": ["NAME"]}]
    assert queue[1]["possibleMatches"] == []
    merged = (await api.gql(MERGE, {"i": {"clientId": grace["id"], "intoClientId": known["id"],
                                          "takeContactDetails": True}}, token=token))["mergeIntake"]
    assert merged["userErrors"] == []
    assert merged["client"]["email"] == "grace.new@example.com" and merged["client"]["phone"] == "+1 555 0100"
    assert merged["client"]["timeZone"] == "Europe/Berlin"


async def test_portal_status_and_portal_sessions(mail_api, smtp):
    b = await booked(mail_api, visit="IN_PERSON", days_ahead=3)
    status = lambda: mail_api.gql(CLIENT, {"id": b["client_id"]}, token=b["token"])  # noqa: E731
    assert (await status())["node"]["portalStatus"] == "NOT_INVITED"
    await mail_api.gql(INVITE, {"input": {"clientId": b["client_id"]}}, token=b["token"])
    assert (await status())["node"]["portalStatus"] == "INVITED"
    [invite] = await smtp.wait_for(b["client_email"], "invited you")
    accepted = await mail_api.gql(ACCEPT, {"input": {"token": token_of(link_in(invite, "/portal/invite")),
                                                     "password": "a long portal secret"}})
    portal_token = accepted["acceptPortalInvite"]["token"]
    assert (await status())["node"]["portalStatus"] == "ACTIVE"
    [mine] = (await mail_api.gql(PORTAL, token=portal_token))["mySessions"]["upcoming"]
    assert mine["eventTypeTitle"] and mine["visitType"] == "IN_PERSON"
    assert mine["officeAddress"] == "1 Quiet Lane, Springfield, IL, 62701"
    assert mine["cancellableUntil"] == (b["start"] - timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    assert mine["canCancel"] is True and mine["start"].endswith("Z")
    done = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=portal_token)
    assert done["cancelMySession"]["userErrors"] == []
    [seen] = (await status())["node"]["sessions"]["nodes"]
    assert seen["cancelledBy"] == "CLIENT" and seen["cancelledAt"].endswith("Z")
