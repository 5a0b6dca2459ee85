"""Sign up, sign in, sign out, profile — over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from tests.support.app import SIGN_UP

ME = "{ me { id email displayName username timeZone bookingPageUrl calendarView officeAddress { street city state zip } } }"
SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token therapist { id } userErrors { field code message } }
}"""
SIGN_OUT = "mutation { signOut { signedOut } }"
UPDATE = """
mutation U($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    therapist { username displayName timeZone bookingPageUrl officeAddress { street city state zip } }
    userErrors { field code message }
  }
}"""


def _signup_input(**overrides):
    suffix = uuid.uuid4().hex[:10]
    data = {
        "email": f"a{suffix}@example.com", "password": "long enough pw", "displayName": "Dr A",
        "username": f"dr-{suffix}", "timeZone": "Europe/London",
    }
    data.update(overrides)
    return data


async def test_sign_up_returns_a_token_that_opens_me(api):
    token, therapist = await api.sign_up(email="Mixed.Case@Example.COM", timeZone="Asia/Kolkata")
    assert therapist["email"] == "mixed.case@example.com"
    me = (await api.gql(ME, token=token))["me"]
    assert me["id"] == therapist["id"]
    assert me["timeZone"] == "Asia/Kolkata"
    assert me["calendarView"] == "WEEK"
    assert me["bookingPageUrl"] == f"http://localhost:3000/book/{therapist['username']}"


async def test_me_without_token_is_unauthenticated(api):
    body = await api.post(ME)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await api.post(ME, token="ct_t_not-a-real-token")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_sign_up_rejects_bad_input_and_stores_nothing(api):
    cases = {
        "INVALID_EMAIL": {"email": "not-an-email"},
        "PASSWORD_TOO_SHORT": {"password": "short"},
        "INVALID_USERNAME": {"username": "No Spaces!"},
        "USERNAME_RESERVED": {"username": "admin"},
        "INVALID_TIME_ZONE": {"timeZone": "Mars/Olympus"},
        "REQUIRED": {"displayName": "   "},
    }
    for code, override in cases.items():
        variables = _signup_input(**override)
        payload = (await api.gql(SIGN_UP, {"input": variables}))["signUp"]
        assert payload["token"] is None
        assert [e["code"] for e in payload["userErrors"]] == [code], (code, payload)
        # nothing stored: the same email can sign up cleanly afterwards
        fixed = {**variables, **_signup_input(email=variables["email"])} if code != "INVALID_EMAIL" else None
        if fixed:
            fixed["email"] = variables["email"]
            ok = (await api.gql(SIGN_UP, {"input": fixed}))["signUp"]
            assert ok["userErrors"] == [], (code, ok)


async def test_email_is_unique_case_insensitively_and_usernames_too(api):
    first = _signup_input()
    await api.gql(SIGN_UP, {"input": first})
    again = _signup_input(email=first["email"].upper())
    payload = (await api.gql(SIGN_UP, {"input": again}))["signUp"]
    assert [e["code"] for e in payload["userErrors"]] == ["EMAIL_TAKEN"]
    same_name = _signup_input(username=first["username"])
    payload = (await api.gql(SIGN_UP, {"input": same_name}))["signUp"]
    assert [e["code"] for e in payload["userErrors"]] == ["USERNAME_TAKEN"]


async def test_sign_in_and_out(api):
    data = _signup_input()
    await api.gql(SIGN_UP, {"input": data})
    signed = (await api.gql(SIGN_IN, {"input": {"email": data["email"].upper(), "password": data["password"]}}))["signIn"]
    assert signed["userErrors"] == [] and signed["token"]
    token = signed["token"]
    assert (await api.gql(ME, token=token))["me"]["email"] == data["email"]
    assert (await api.gql(SIGN_OUT, token=token))["signOut"]["signedOut"] is True
    body = await api.post(ME, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.gql(SIGN_OUT, token=token))["signOut"]["signedOut"] is False


async def test_wrong_password_and_unknown_email_look_the_same(api):
    data = _signup_input()
    await api.gql(SIGN_UP, {"input": data})
    wrong = (await api.gql(SIGN_IN, {"input": {"email": data["email"], "password": "wrong password!"}}))["signIn"]
    unknown = (await api.gql(SIGN_IN, {"input": {"email": "nobody-" + data["email"], "password": "whatever1234"}}))["signIn"]
    assert wrong == unknown
    assert wrong["token"] is None
    assert wrong["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_update_profile(api):
    token, _ = await api.sign_up()
    new_name = f"new-{uuid.uuid4().hex[:8]}"
    payload = (await api.gql(UPDATE, {"input": {
        "username": new_name.upper(), "displayName": "Dr New", "timeZone": "Australia/Adelaide",
        "officeAddress": {"street": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"},
    }}, token=token))["updateProfile"]
    assert payload["userErrors"] == []
    t = payload["therapist"]
    assert t["username"] == new_name
    assert t["bookingPageUrl"].endswith(f"/book/{new_name}")
    assert t["officeAddress"]["city"] == "Springfield"
    cleared = (await api.gql(UPDATE, {"input": {"clearOfficeAddress": True}}, token=token))["updateProfile"]
    assert cleared["therapist"]["officeAddress"] is None
    assert cleared["therapist"]["timeZone"] == "Australia/Adelaide"


async def test_update_profile_bad_input_changes_nothing(api):
    token, before = await api.sign_up()
    other_token, other = await api.sign_up()
    for variables, code in [
        ({"username": "api"}, "USERNAME_RESERVED"),
        ({"username": "ab"}, "INVALID_USERNAME"),
        ({"username": other["username"]}, "USERNAME_TAKEN"),
        ({"timeZone": "Not/AZone"}, "INVALID_TIME_ZONE"),
        ({"displayName": "x" * 101}, "TOO_LONG"),
    ]:
        payload = (await api.gql(UPDATE, {"input": {**variables, "displayName": variables.get("displayName", "Changed")}}, token=token))["updateProfile"]
        assert code in [e["code"] for e in payload["userErrors"]], (variables, payload)
        assert payload["therapist"] is None
    me = (await api.gql(ME, token=token))["me"]
    assert me["username"] == before["username"] and me["displayName"] == before["displayName"]


async def test_sign_up_token_ends_with_sign_out_of_another_token_intact(api):
    data = _signup_input()
    first = (await api.gql(SIGN_UP, {"input": data}))["signUp"]["token"]
    second = (await api.gql(SIGN_IN, {"input": {"email": data["email"], "password": data["password"]}}))["signIn"]["token"]
    await api.gql(SIGN_OUT, token=first)
    assert (await api.gql(ME, token=second))["me"]["email"] == data["email"]
