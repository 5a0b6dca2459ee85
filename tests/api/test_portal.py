"""The client portal: invites, sign-in, separate token kind, own sessions only, sign-out."""

from __future__ import annotations

from datetime import timedelta

from tests.support.booking import booked, slots
from tests.support.mail import link_in, token_of
from tests.support.portal import ACCEPT, CANCEL_MINE, CLIENT_SIGN_IN, INVITE, MY_SESSIONS, portal_client


async def test_invite_accept_and_my_sessions(mail_api, smtp):
    b = await booked(mail_api, tz="Asia/Tokyo")
    token = await portal_client(mail_api, smtp, b)
    mine = (await mail_api.gql(MY_SESSIONS, token=token))["mySessions"]
    assert mine["firstName"] == "Ada"
    [session] = mine["upcoming"]
    assert session["id"] == b["session_id"]
    assert session["timeZone"] == "Asia/Tokyo" and session["localStart"].endswith("+09:00")
    assert session["meetingUrl"] == b["confirmation"]["meetingUrl"]
    assert session["visitType"] == "TELEHEALTH" and session["therapistDisplayName"] == "Dr Test"
    # the invite link was single use
    [invite] = smtp.to(b["client_email"], "invited you")
    again = await mail_api.gql(ACCEPT, {"input": {"token": token_of(link_in(invite, "/portal/invite")),
                                                    "password": "another long secret"}})
    assert [e["code"] for e in again["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    forged = await mail_api.gql(ACCEPT, {"input": {"token": b["session_id"] + ".x", "password": "x" * 12}})
    assert [e["code"] for e in forged["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]


async def test_portal_and_therapist_tokens_open_only_their_own_side(mail_api, smtp):
    b = await booked(mail_api)
    client_token = await portal_client(mail_api, smtp, b)
    me = await mail_api.post("{ me { id email } }", token=client_token)
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    clients = await mail_api.post("{ newBookings { id } }", token=client_token)
    assert clients["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    invite = await mail_api.post(INVITE, {"input": {"clientId": b["client_id"]}}, token=client_token)
    assert invite["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    mine = await mail_api.post(MY_SESSIONS, token=b["token"])  # a therapist token in the portal
    assert mine["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert client_token.startswith("ct_c_")


async def test_sign_in_sign_out_and_other_clients_sessions(mail_api, smtp):
    a = await booked(mail_api)
    other = await booked(mail_api)
    await portal_client(mail_api, smtp, a)
    wrong = await mail_api.gql(CLIENT_SIGN_IN, {"input": {"email": a["client_email"], "password": "nope-nope-nope"}})
    assert [e["code"] for e in wrong["clientSignIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    signed = await mail_api.gql(CLIENT_SIGN_IN, {"input": {"email": a["client_email"].upper(),
                                                             "password": "a long portal secret"}})
    token = signed["clientSignIn"]["token"]
    assert token and signed["clientSignIn"]["userErrors"] == []
    theirs = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": other["session_id"]}}, token=token)
    assert [e["code"] for e in theirs["cancelMySession"]["userErrors"]] == ["NOT_FOUND"]
    out = await mail_api.gql("mutation { signOut { signedOut } }", token=token)
    assert out["signOut"]["signedOut"] is True
    after = await mail_api.post(MY_SESSIONS, token=token)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_cancelled_session_frees_its_slot_on_the_booking_page(mail_api, smtp):
    b = await booked(mail_api)
    token = await portal_client(mail_api, smtp, b)
    start = b["start"]

    async def offered() -> bool:
        found = await slots(mail_api, b["therapist"]["username"], b["event_type"], start, start.replace(hour=23))
        return any(s["start"] == start.isoformat().replace("+00:00", "Z") or s["start"] == start.isoformat()
                   for s in found)

    assert not await offered()
    data = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=token)
    assert data["cancelMySession"]["userErrors"] == []
    assert await offered()
    mine = (await mail_api.gql(MY_SESSIONS, token=token))["mySessions"]
    assert mine["upcoming"][0]["cancelled"] is True


async def test_a_client_cancel_reaches_the_therapists_open_calendar(mail_api, smtp):
    """Issue 18's audit: the portal cancel reaches `calendarChanged` and clears its conflict
    on `conflictsChanged`, like a therapist's cancel."""
    import asyncio

    from tests.support.calendar import create
    from tests.support.live_client import LiveClient
    from tests.support.subscriptions import CALENDAR, CONFLICTS_ALL

    b = await booked(mail_api)
    token = await portal_client(mail_api, smtp, b)
    accepted = await mail_api.gql("""mutation($i: IntakeInput!) { acceptIntake(input: $i) { userErrors { code } } }""",
                                    {"i": {"clientId": b["client_id"]}}, token=b["token"])
    assert accepted["acceptIntake"]["userErrors"] == []
    [event_type] = (await mail_api.gql("{ me { eventTypes { id } } }", token=b["token"]))["me"]["eventTypes"]
    overlap = (await create(mail_api, b["token"], b["client_id"], event_type["id"],
                            b["start"].isoformat()))["session"]["id"]
    window = {"from": (b["start"] - timedelta(days=1)).isoformat(), "to": (b["start"] + timedelta(days=1)).isoformat()}
    async with LiveClient(mail_api.base_url, b["token"]) as live:
        calendar, conflicts = await live.subscribe(CALENDAR, window), await live.subscribe(CONFLICTS_ALL, window)
        await asyncio.sleep(0.05)
        data = await mail_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=token)
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


async def test_a_corrected_email_and_a_new_invite_void_the_link_sent_to_the_wrong_address(mail_api, smtp):
    """The issue's case: invited at a wrong address, email corrected, invited again. The first
    link must not open the portal, and the real client's link must work."""
    b = await booked(mail_api)
    wrong = await _invite_link(mail_api, smtp, b, b["client_email"])  # the wrong address
    real = f"real-{b['client_email']}"
    fixed = await mail_api.gql(UPDATE_CLIENT, {"i": {"clientId": b["client_id"], "email": real}}, token=b["token"])
    assert fixed["updateClient"]["userErrors"] == []
    stale = await mail_api.gql(ACCEPT, {"input": {"token": wrong, "password": "an attacker secret"}})
    assert stale["acceptPortalInvite"]["token"] is None
    assert [e["code"] for e in stale["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    good = await _invite_link(mail_api, smtp, b, real)
    accepted = await mail_api.gql(ACCEPT, {"input": {"token": good, "password": "the real secret"}})
    assert accepted["acceptPortalInvite"]["userErrors"] == [] and accepted["acceptPortalInvite"]["token"]


async def test_a_new_invite_voids_the_earlier_one(mail_api, smtp):
    b = await booked(mail_api)
    first = await _invite_link(mail_api, smtp, b, b["client_email"])
    second = await _invite_link(mail_api, smtp, b, b["client_email"])
    old = await mail_api.gql(ACCEPT, {"input": {"token": first, "password": "a long portal secret"}})
    assert [e["code"] for e in old["acceptPortalInvite"]["userErrors"]] == ["INVALID_INVITE"]
    new = await mail_api.gql(ACCEPT, {"input": {"token": second, "password": "a long portal secret"}})
    assert new["acceptPortalInvite"]["userErrors"] == []


async def test_accepting_a_new_invite_revokes_the_clients_older_tokens(mail_api, smtp):
    """A password set through a new invite ends every portal token issued before it."""
    b = await booked(mail_api)
    old_token = await portal_client(mail_api, smtp, b)
    signed = await mail_api.gql(CLIENT_SIGN_IN, {"input": {"email": b["client_email"],
                                                             "password": "a long portal secret"}})
    other_device = signed["clientSignIn"]["token"]
    assert (await mail_api.gql(MY_SESSIONS, token=other_device))["mySessions"]["upcoming"]
    link = await _invite_link(mail_api, smtp, b, b["client_email"])
    accepted = await mail_api.gql(ACCEPT, {"input": {"token": link, "password": "a brand new secret"}})
    new_token = accepted["acceptPortalInvite"]["token"]
    for stale in (old_token, other_device):
        after = await mail_api.post(MY_SESSIONS, token=stale)
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await mail_api.gql(MY_SESSIONS, token=new_token))["mySessions"]["upcoming"]
