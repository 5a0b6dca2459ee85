"""Sign-in limits that stop guessing without locking the owner out; sign-up's limit; password
strength — over real HTTP on SQLite and PostgreSQL. Client addresses come from X-Forwarded-For,
which the test server trusts from 127.0.0.1 (as `couchtime serve --forwarded-allow-ips` does)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.app import BACKENDS, SIGN_UP
from tests.support.booking import booked
from tests.support.mail import link_in, shared_mail_api, shared_smtp, token_of
from tests.support.portal import ACCEPT, INVITE

SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
CLIENT_SIGN_IN = """mutation($i: ClientSignInInput!) { clientSignIn(input: $i) { token userErrors { code } } }"""
LIMITS = {"signin_limit_per_email_and_address": 10, "signin_limit_per_address": 30, "signin_limit_per_email": 100}
RIGHT = "right horse battery"


async def attempt(api, email: str, password: str, address: str, query: str = SIGN_IN) -> str:
    """'OK', a user error code, or the GraphQL error code."""
    body = await api.post(query, {"i": {"email": email, "password": password}},
                          headers={"X-Forwarded-For": address})
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    payload = next(iter(body["data"].values()))
    return "OK" if payload["token"] else payload["userErrors"][0]["code"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


async def test_wrong_guesses_from_many_addresses_do_not_lock_the_owner_out(start_api, backend):
    api = await start_api(backend, **LIMITS)
    _, therapist = await api.sign_up(password=RIGHT)
    email = therapist["email"]
    for i in range(30):  # 3 wrong guesses from each of 10 addresses: more than any old limit
        assert await attempt(api, email, "wrong guess 123", f"10.0.0.{i % 10}") == "INVALID_CREDENTIALS"
    assert await attempt(api, email, RIGHT, "10.0.1.1") == "OK"
    # one address guessing one account is stopped after 10, that address only
    for _ in range(7):
        assert await attempt(api, email, "wrong guess 123", "10.0.0.1") == "INVALID_CREDENTIALS"
    assert await attempt(api, email, RIGHT, "10.0.0.1") == "RATE_LIMITED"
    assert await attempt(api, email, RIGHT, "10.0.1.2") == "OK"


async def test_the_per_email_ceiling_holds_whether_or_not_the_account_exists(start_api, backend):
    api = await start_api(backend, signin_limit_per_email_and_address=10, signin_limit_per_address=30,
                          signin_limit_per_email=5)
    _, therapist = await api.sign_up(password=RIGHT)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for email in (therapist["email"], unknown):
        answers = [await attempt(api, email, "wrong guess 123", f"10.1.0.{i}") for i in range(6)]
        assert answers == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"], email
    assert await attempt(api, therapist["email"], RIGHT, "10.1.9.9") == "RATE_LIMITED"


async def test_an_address_over_its_limit_does_not_spend_the_email_ceiling(start_api, backend):
    api = await start_api(backend, signin_limit_per_email_and_address=10, signin_limit_per_address=2,
                          signin_limit_per_email=5)
    _, therapist = await api.sign_up(password=RIGHT)
    answers = [await attempt(api, therapist["email"], "wrong guess 123", "10.2.0.1") for _ in range(20)]
    assert answers[:2] == ["INVALID_CREDENTIALS"] * 2 and set(answers[2:]) == {"RATE_LIMITED"}
    assert await attempt(api, therapist["email"], RIGHT, "10.2.0.2") == "OK"


async def test_client_sign_in_has_the_same_limits(start_api, backend):
    api = await start_api(backend, **LIMITS)
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    for i in range(12):
        assert await attempt(api, email, "wrong guess 123", f"10.3.0.{i}", CLIENT_SIGN_IN) == "INVALID_CREDENTIALS"
    for _ in range(9):
        assert await attempt(api, email, "wrong guess 123", "10.3.1.1", CLIENT_SIGN_IN) == "INVALID_CREDENTIALS"
    assert await attempt(api, email, "wrong guess 123", "10.3.1.1", CLIENT_SIGN_IN) == "INVALID_CREDENTIALS"
    assert await attempt(api, email, "wrong guess 123", "10.3.1.1", CLIENT_SIGN_IN) == "RATE_LIMITED"
    assert await attempt(api, email, "wrong guess 123", "10.3.1.2", CLIENT_SIGN_IN) == "INVALID_CREDENTIALS"


async def test_sign_up_is_rate_limited_per_address_and_stores_nothing_past_it(start_api, backend):
    api = await start_api(backend, signup_limit_per_address=3)

    def fields():
        suffix = uuid.uuid4().hex[:10]
        return {"email": f"s{suffix}@example.com", "password": RIGHT, "displayName": "Dr S",
                "username": f"s-{suffix}", "timeZone": "Europe/London"}

    async def sign_up(variables, address):
        return await api.post(SIGN_UP, {"input": variables}, headers={"X-Forwarded-For": address})

    for _ in range(3):  # invalid attempts count too
        body = await sign_up({**fields(), "email": "not an email"}, "10.4.0.1")
        assert body["data"]["signUp"]["userErrors"][0]["code"] == "INVALID_EMAIL"
    refused = fields()
    body = await sign_up(refused, "10.4.0.1")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["retryAfterSeconds"] > 0
    body = await sign_up(refused, "10.4.0.2")  # nothing was stored: the email is still free
    assert body["data"]["signUp"]["userErrors"] == [] and body["data"]["signUp"]["token"]


async def test_weak_passwords_are_refused_on_sign_up_and_nothing_is_stored(api):
    suffix = uuid.uuid4().hex[:10]
    fields = {"email": f"w{suffix}@example.com", "displayName": "Dr Weak", "username": f"w-{suffix}",
              "timeZone": "Europe/London"}
    for weak in ("password1234", "1234567890", f"w-{suffix}", "qwertyuiop1"):
        payload = (await api.gql(SIGN_UP, {"input": {**fields, "password": weak}}))["signUp"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["password"], "PASSWORD_TOO_WEAK")]
        assert payload["token"] is None
    assert await attempt(api, fields["email"], "password1234", "10.5.0.1") == "INVALID_CREDENTIALS"
    ok = (await api.gql(SIGN_UP, {"input": {**fields, "password": RIGHT}}))["signUp"]
    assert ok["userErrors"] == []


async def test_weak_portal_passwords_are_refused_and_the_invite_stays_usable(start_shared_api, backend):
    api = await shared_mail_api(start_shared_api, backend)
    b = await booked(api)
    data = await api.gql(INVITE, {"input": {"clientId": b["client_id"]}}, token=b["token"])
    assert data["inviteClientToPortal"]["userErrors"] == []
    [invite] = await shared_smtp().wait_for(b["client_email"], "invited you")
    token = token_of(link_in(invite, "/portal/invite"))
    weak = (await api.gql(ACCEPT, {"input": {"token": token, "password": "password1234"}}))["acceptPortalInvite"]
    assert [e["code"] for e in weak["userErrors"]] == ["PASSWORD_TOO_WEAK"] and weak["token"] is None
    ok = (await api.gql(ACCEPT, {"input": {"token": token, "password": "a long portal secret"}}))["acceptPortalInvite"]
    assert ok["userErrors"] == [] and ok["token"]


async def test_over_long_passwords_fail_like_wrong_ones(api):
    _, therapist = await api.sign_up(password=RIGHT)
    long = RIGHT + "x" * 2000
    assert await attempt(api, therapist["email"], long, "10.6.0.1") == "INVALID_CREDENTIALS"
    assert await attempt(api, therapist["email"], long, "10.6.0.1", CLIENT_SIGN_IN) == "INVALID_CREDENTIALS"
