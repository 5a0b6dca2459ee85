"""Account recovery (issue 13): changePassword and reset by email, for therapists and portal
clients, against a real SMTP server; every change of password revokes the account's tokens."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from tests.support.booking import booked
from tests.support.live_client import LiveClient
from tests.support.mail import APP_URL, link_in, token_of
from tests.support.portal import CLIENT_SIGN_IN, MY_SESSIONS, portal_client

CHANGE = """mutation($i: ChangePasswordInput!) { changePassword(input: $i) {
  changed signedOutElsewhere userErrors { field code } } }"""
REQUEST = """mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) {
  requested userErrors { field code } } }"""
RESET = """mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { token account userErrors { field code } } }"""
SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
ME = "{ me { email } }"
PASSWORD = "correct horse battery"


async def sign_in(api, email, password=PASSWORD) -> str | None:
    return (await api.gql(SIGN_IN, {"i": {"email": email, "password": password}}))["signIn"]["token"]


async def unauthenticated(api, query, token) -> bool:
    body = await api.post(query, token=token)
    return bool(body.get("errors")) and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_change_password_needs_the_current_one_and_signs_out_other_devices(mail_api):
    token, therapist = await mail_api.sign_up()
    laptop = await sign_in(mail_api, therapist["email"])
    wrong = await mail_api.gql(CHANGE, {"i": {"currentPassword": "not it at all", "newPassword": "a new long secret"}},
                               token=token)
    assert wrong["changePassword"]["changed"] is False
    assert wrong["changePassword"]["userErrors"] == [{"field": ["currentPassword"], "code": "INVALID_CREDENTIALS"}]
    short = await mail_api.gql(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": "short"}}, token=token)
    assert short["changePassword"]["userErrors"] == [{"field": ["newPassword"], "code": "PASSWORD_TOO_SHORT"}]
    assert (await mail_api.gql(ME, token=laptop))["me"]  # nothing changed yet
    async with LiveClient(mail_api.base_url, laptop) as live:
        changed = await mail_api.gql(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": "a new long secret"}},
                                     token=token)
        assert changed["changePassword"] == {"changed": True, "signedOutElsewhere": 1, "userErrors": []}
        assert await asyncio.wait_for(live.closed, 5) == 4403  # the laptop's live calendar closed
    assert await unauthenticated(mail_api, ME, laptop)
    assert (await mail_api.gql(ME, token=token))["me"]["email"] == therapist["email"]  # this device stays
    assert await sign_in(mail_api, therapist["email"]) is None
    assert await sign_in(mail_api, therapist["email"], "a new long secret")


async def test_reset_by_email_is_single_use_and_signs_out_everywhere(mail_api, smtp):
    token, therapist = await mail_api.sign_up()
    asked = await mail_api.gql(REQUEST, {"i": {"email": therapist["email"].upper()}})
    assert asked["requestPasswordReset"] == {"requested": True, "userErrors": []}
    [message] = await smtp.wait_for(therapist["email"], "Reset your password")
    link = link_in(message, "/reset-password")
    assert link.startswith(f"{APP_URL}/reset-password?token=")
    done = (await mail_api.gql(RESET, {"i": {"token": token_of(link), "newPassword": "brand new secret"}}))["resetPassword"]
    assert done["userErrors"] == [] and done["account"] == "THERAPIST" and done["token"].startswith("ct_t_")
    assert await unauthenticated(mail_api, ME, token)  # the token from before the reset
    assert (await mail_api.gql(ME, token=done["token"]))["me"]["email"] == therapist["email"]
    assert await sign_in(mail_api, therapist["email"], "brand new secret")
    again = (await mail_api.gql(RESET, {"i": {"token": token_of(link), "newPassword": "another secret!"}}))["resetPassword"]
    assert again == {"token": None, "account": None, "userErrors": [{"field": ["token"], "code": "INVALID_RESET_LINK"}]}
    forged = token_of(link)[:-3] + "abc"
    bad = (await mail_api.gql(RESET, {"i": {"token": forged, "newPassword": "another secret!"}}))["resetPassword"]
    assert bad["userErrors"][0]["code"] == "INVALID_RESET_LINK"


async def test_an_unknown_email_gets_the_same_answer_and_no_email(mail_api, smtp):
    nobody = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    asked = await mail_api.gql(REQUEST, {"i": {"email": nobody}})
    assert asked == {"requestPasswordReset": {"requested": True, "userErrors": []}}
    portal = await mail_api.gql(REQUEST, {"i": {"email": nobody, "account": "CLIENT"}})
    assert portal == asked
    await smtp.settle(1.5)
    assert smtp.to(nobody) == []


async def test_a_reset_link_expires_after_an_hour(mail_api, smtp):
    token, therapist = await mail_api.sign_up()
    await mail_api.gql(REQUEST, {"i": {"email": therapist["email"]}})
    [message] = await smtp.wait_for(therapist["email"], "Reset your password")
    mail_api.clock.advance(timedelta(minutes=61))
    try:
        late = (await mail_api.gql(RESET, {"i": {"token": token_of(link_in(message, "/reset-password")),
                                                  "newPassword": "too late now!"}}))["resetPassword"]
    finally:
        mail_api.clock.reset()
    assert late["userErrors"] == [{"field": ["token"], "code": "INVALID_RESET_LINK"}]
    assert (await mail_api.gql(ME, token=token))["me"]  # nothing changed


async def test_portal_clients_change_and_reset_their_password(mail_api, smtp):
    b = await booked(mail_api)
    first = await portal_client(mail_api, smtp, b)
    second = (await mail_api.gql(CLIENT_SIGN_IN, {"input": {"email": b["client_email"],
                                                            "password": "a long portal secret"}}))["clientSignIn"]["token"]
    changed = await mail_api.gql(CHANGE, {"i": {"currentPassword": "a long portal secret",
                                                "newPassword": "portal secret two"}}, token=first)
    assert changed["changePassword"] == {"changed": True, "signedOutElsewhere": 1, "userErrors": []}
    assert await unauthenticated(mail_api, MY_SESSIONS, second)
    assert (await mail_api.gql(MY_SESSIONS, token=first))["mySessions"]["upcoming"]
    # forgot it: a reset link for the portal account, to the client's address
    await mail_api.gql(REQUEST, {"i": {"email": b["client_email"], "account": "CLIENT"}})
    [message] = await smtp.wait_for(b["client_email"], "Reset your password")
    assert "Dr Test" in message.get_body(("plain",)).get_content()
    link = link_in(message, "/portal/reset-password")
    done = (await mail_api.gql(RESET, {"i": {"token": token_of(link), "newPassword": "portal secret three"}}))["resetPassword"]
    assert done["account"] == "CLIENT" and done["token"].startswith("ct_c_")
    assert await unauthenticated(mail_api, MY_SESSIONS, first)  # every older portal token
    assert (await mail_api.gql(MY_SESSIONS, token=done["token"]))["mySessions"]["upcoming"]
    # the therapist's account is untouched by the client's reset
    assert (await mail_api.gql(ME, token=b["token"]))["me"]
