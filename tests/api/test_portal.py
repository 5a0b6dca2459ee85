"""The client portal: invites, sign-in, separate token kind, own sessions only, sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.booking_helpers import slots
from tests.api.notification_helpers import (
    ACCEPT,
    CANCEL_MINE,
    CLIENT_SIGN_IN,
    INVITE,
    MY_SESSIONS,
    booked,
    link_in,
    portal_client,
    shared_mail_api,
    shared_smtp,
    token_of,
)
from tests.conftest import BACKENDS


@pytest.fixture(scope="module")
def smtp():
    return shared_smtp()


@pytest.fixture(scope="module", params=BACKENDS)
async def portal_api(request, start_api, smtp):
    return await shared_mail_api(start_api, request.param)


async def test_invite_accept_and_my_sessions(portal_api, smtp):
    b = await booked(portal_api, tz="Asia/Tokyo")
    token = await portal_client(portal_api, smtp, b)
    mine = (await portal_api.gql(MY_SESSIONS, token=token))["mySessions"]
    assert mine["firstName"] == "Ada"
    [session] = mine["upcoming"]
    assert session["id"] == b["session_id"]
    assert session["timeZone"] == "Asia/Tokyo" and session["localStart"].endswith("+09:00")
    assert session["meetingUrl"] == b["confirmation"]["meetingUrl"]
    assert session["visitType"] == "TELEHEALTH" and session["therapistDisplayName"] == "Dr Test"
    # the invite link was single use
    [invite] = smtp.to(b["client_email"], "invited you")
    again = await portal_api.gql(ACCEPT, {"input": {"token": token_of(link_in(invite, "/portal/invite")),
                                                    "password": "another long secret"}})
    assert [e["code"] for e in again["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    forged = await portal_api.gql(ACCEPT, {"input": {"token": b["session_id"] + ".x", "password": "x" * 12}})
    assert [e["code"] for e in forged["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]


async def test_portal_and_therapist_tokens_open_only_their_own_side(portal_api, smtp):
    b = await booked(portal_api)
    client_token = await portal_client(portal_api, smtp, b)
    me = await portal_api.post("{ me { id email } }", token=client_token)
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    clients = await portal_api.post("{ newBookings { id } }", token=client_token)
    assert clients["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    invite = await portal_api.post(INVITE, {"input": {"clientId": b["client_id"]}}, token=client_token)
    assert invite["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    mine = await portal_api.post(MY_SESSIONS, token=b["token"])  # a therapist token in the portal
    assert mine["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert client_token.startswith("ct_c_")


async def test_sign_in_sign_out_and_other_clients_sessions(portal_api, smtp):
    a = await booked(portal_api)
    other = await booked(portal_api)
    await portal_client(portal_api, smtp, a)
    wrong = await portal_api.gql(CLIENT_SIGN_IN, {"input": {"email": a["client_email"], "password": "nope-nope-nope"}})
    assert [e["code"] for e in wrong["clientSignIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    signed = await portal_api.gql(CLIENT_SIGN_IN, {"input": {"email": a["client_email"].upper(),
                                                             "password": "a long portal secret"}})
    token = signed["clientSignIn"]["token"]
    assert token and signed["clientSignIn"]["userErrors"] == []
    theirs = await portal_api.gql(CANCEL_MINE, {"input": {"sessionId": other["session_id"]}}, token=token)
    assert [e["code"] for e in theirs["cancelMySession"]["userErrors"]] == ["NOT_FOUND"]
    out = await portal_api.gql("mutation { signOut { signedOut } }", token=token)
    assert out["signOut"]["signedOut"] is True
    after = await portal_api.post(MY_SESSIONS, token=token)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_cancelled_session_frees_its_slot_on_the_booking_page(portal_api, smtp):
    b = await booked(portal_api)
    token = await portal_client(portal_api, smtp, b)
    start = b["start"]

    async def offered() -> bool:
        found = await slots(portal_api, b["therapist"]["username"], b["event_type"], start, start.replace(hour=23))
        return any(s["start"] == start.isoformat().replace("+00:00", "Z") or s["start"] == start.isoformat()
                   for s in found)

    assert not await offered()
    data = await portal_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=token)
    assert data["cancelMySession"]["userErrors"] == []
    assert await offered()
    mine = (await portal_api.gql(MY_SESSIONS, token=token))["mySessions"]
    assert mine["upcoming"][0]["cancelled"] is True


async def test_a_client_cancel_reaches_the_therapists_open_calendar(portal_api, smtp):
    """Issue 18's audit: the portal cancel reaches `calendarChanged` and clears its conflict
    on `conflictsChanged`, like a therapist's cancel."""
    import asyncio

    from tests.api.calendar_helpers import create
    from tests.api.test_live_audit import CALENDAR, CONFLICTS_ALL
    from tests.live_client import LiveClient

    b = await booked(portal_api)
    token = await portal_client(portal_api, smtp, b)
    accepted = await portal_api.gql("""mutation($i: IntakeInput!) { acceptIntake(input: $i) { userErrors { code } } }""",
                                    {"i": {"clientId": b["client_id"]}}, token=b["token"])
    assert accepted["acceptIntake"]["userErrors"] == []
    [event_type] = (await portal_api.gql("{ me { eventTypes { id } } }", token=b["token"]))["me"]["eventTypes"]
    overlap = (await create(portal_api, b["token"], b["client_id"], event_type["id"],
                            b["start"].isoformat()))["session"]["id"]
    window = {"from": (b["start"] - timedelta(days=1)).isoformat(), "to": (b["start"] + timedelta(days=1)).isoformat()}
    async with LiveClient(portal_api.base_url, b["token"]) as live:
        calendar, conflicts = await live.subscribe(CALENDAR, window), await live.subscribe(CONFLICTS_ALL, window)
        await asyncio.sleep(0.05)
        data = await portal_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=token)
        assert data["cancelMySession"]["userErrors"] == []
        change = (await live.data(calendar))["calendarChanged"]
        assert (change["kind"], change["sessionId"], change["after"]) == ("CANCELLED", b["session_id"], None)
        update = (await live.data(conflicts))["conflictsChanged"]
        assert update["appeared"] == [] and update["deletedSessionIds"] == []
        assert sorted([update["cleared"][0]["first"]["id"], update["cleared"][0]["second"]["id"]]) == sorted(
            [b["session_id"], overlap])


# --- issue 13: invites and client tokens end with their purpose ------------------------------

UPDATE_CLIENT = """mutation($i: UpdateClientInput!) { updateClient(input: $i) { userErrors { code } } }"""


async def _invite_link(api, smtp, b, address) -> str:
    before = len(smtp.to(address, "invited you"))  # counted first: the email may beat the reply
    data = await api.gql(INVITE, {"input": {"clientId": b["client_id"]}}, token=b["token"])
    assert data["inviteClientToPortal"]["userErrors"] == []
    messages = await smtp.wait_for(address, "invited you", count=before + 1)
    return token_of(link_in(messages[-1], "/portal/invite"))


async def test_a_corrected_email_and_a_new_invite_void_the_link_sent_to_the_wrong_address(portal_api, smtp):
    """The issue's case: invited at a wrong address, email corrected, invited again. The first
    link must not open the portal, and the real client's link must work."""
    b = await booked(portal_api)
    wrong = await _invite_link(portal_api, smtp, b, b["client_email"])  # the wrong address
    real = f"real-{b['client_email']}"
    fixed = await portal_api.gql(UPDATE_CLIENT, {"i": {"clientId": b["client_id"], "email": real}}, token=b["token"])
    assert fixed["updateClient"]["userErrors"] == []
    stale = await portal_api.gql(ACCEPT, {"input": {"token": wrong, "password": "an attacker secret"}})
    assert stale["acceptPortalInvite"]["token"] is None
    assert [e["code"] for e in stale["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    good = await _invite_link(portal_api, smtp, b, real)
    accepted = await portal_api.gql(ACCEPT, {"input": {"token": good, "password": "the real secret"}})
    assert accepted["acceptPortalInvite"]["userErrors"] == [] and accepted["acceptPortalInvite"]["token"]


async def test_a_new_invite_voids_the_earlier_one(portal_api, smtp):
    b = await booked(portal_api)
    first = await _invite_link(portal_api, smtp, b, b["client_email"])
    second = await _invite_link(portal_api, smtp, b, b["client_email"])
    old = await portal_api.gql(ACCEPT, {"input": {"token": first, "password": "a long portal secret"}})
    assert [e["code"] for e in old["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    new = await portal_api.gql(ACCEPT, {"input": {"token": second, "password": "a long portal secret"}})
    assert new["acceptPortalInvite"]["userErrors"] == []


async def test_accepting_a_new_invite_revokes_the_clients_older_tokens(portal_api, smtp):
    """A password set through a new invite ends every portal token issued before it."""
    b = await booked(portal_api)
    old_token = await portal_client(portal_api, smtp, b)
    signed = await portal_api.gql(CLIENT_SIGN_IN, {"input": {"email": b["client_email"],
                                                             "password": "a long portal secret"}})
    other_device = signed["clientSignIn"]["token"]
    assert (await portal_api.gql(MY_SESSIONS, token=other_device))["mySessions"]["upcoming"]
    link = await _invite_link(portal_api, smtp, b, b["client_email"])
    accepted = await portal_api.gql(ACCEPT, {"input": {"token": link, "password": "a brand new secret"}})
    new_token = accepted["acceptPortalInvite"]["token"]
    for stale in (old_token, other_device):
        after = await portal_api.post(MY_SESSIONS, token=stale)
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await portal_api.gql(MY_SESSIONS, token=new_token))["mySessions"]["upcoming"]
