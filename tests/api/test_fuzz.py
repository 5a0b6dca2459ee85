"""Schema fuzzing: operations generated from the SDL, sent over real HTTP as each kind of caller.

hypothesis-graphql builds queries and mutations from `schema/schema.graphql`: valid ones, and ones
with one schema violation each (a wrong type, a missing argument). Whatever arrives, the answer is
JSON, never a 5xx, and never INTERNAL_SERVER_ERROR: a bad input is a user error or a GraphQL error
with a code. Callers: anonymous (the public booking page), a therapist, and a portal client; a
generated `signOut` revokes the caller's token, so the next example signs in again.
"""

from __future__ import annotations

import string
import uuid

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from schema.schema import SDL_PATH
from tests.support.booking import booked
from tests.support.mail import shared_mail_api, shared_smtp
from tests.support.portal import portal_client

SDL = SDL_PATH.read_text()
EXAMPLES = 60  # per caller, mode and backend: 6 × 2 × 60 = 720 operations a run


def _date_times() -> st.SearchStrategy[graphql.StringValueNode]:
    """ISO strings as clients send them, and the near misses they also send."""
    instants = st.datetimes().map(lambda d: d.isoformat())
    with_offset = st.sampled_from(["Z", "+00:00", "-05:00", "+05:30", "+14:00"])
    aware = st.builds(lambda d, z: d.isoformat() + z, st.datetimes(), with_offset)
    junk = st.text(string.printable, max_size=30)
    values = st.one_of(aware, instants, st.sampled_from(["0001-01-01T00:00:00Z",
                                                        "9999-12-31T23:59:59Z", ""]), junk)
    return values.map(lambda v: graphql.StringValueNode(value=v))


def _dates() -> st.SearchStrategy[graphql.StringValueNode]:
    """ISO dates (date overrides), and the near misses clients send."""
    near_misses = st.sampled_from(["2027-02-30", "2027-13-01", "27-1-1", "", "2027-03-14T00:00:00Z"])
    junk = st.text(string.printable, max_size=20)
    values = st.one_of(st.dates().map(lambda d: d.isoformat()), near_misses, junk)
    return values.map(lambda v: graphql.StringValueNode(value=v))


SCALARS = {"DateTime": _date_times(), "Date": _dates()}


OPERATIONS = {mode: from_schema(SDL, custom_scalars=SCALARS, mode=mode) for mode in Mode}


class Caller:
    """A kind of caller and how to get (again) a live token for it."""

    def __init__(self, api, kind: str, sign_in=None) -> None:
        self.api, self.kind, self._sign_in = api, kind, sign_in
        self.token: str | None = None

    async def ensure_token(self) -> None:
        if self._sign_in is not None and self.token is None:
            self.token = await self._sign_in()


async def _callers(api) -> dict[str, Caller]:
    inbox = shared_smtp()
    b = await booked(api)
    email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
    await api.gql("mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { userErrors { code } } }",
                  {"i": {}}, token=b["token"])
    password = "correct horse battery"
    token, therapist = await api.sign_up(email=email, password=password)
    portal_token = await portal_client(api, inbox, b)

    async def therapist_sign_in() -> str:
        data = await api.gql("mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }",
                             {"i": {"email": email, "password": password}})
        return data["signIn"]["token"]

    async def client_sign_in() -> str:
        data = await api.gql(
            "mutation($i: ClientSignInInput!) { clientSignIn(input: $i) { token userErrors { code } } }",
            {"i": {"email": b["client_email"], "password": "a long portal secret"}})
        return data["clientSignIn"]["token"]

    therapist_caller = Caller(api, "therapist", therapist_sign_in)
    therapist_caller.token = token
    client_caller = Caller(api, "portal client", client_sign_in)
    client_caller.token = portal_token
    return {"anonymous": Caller(api, "anonymous"), "therapist": therapist_caller,
            "portal client": client_caller}


_CALLERS: dict[str, dict[str, Caller]] = {}


@pytest.fixture(params=["anonymous", "therapist", "portal client"])
async def caller(request, start_shared_api) -> Caller:
    backend = request.node.callspec.params["backend"]
    if backend not in _CALLERS:
        api = await shared_mail_api(start_shared_api, backend)
        _CALLERS[backend] = await _callers(api)
    return _CALLERS[backend][request.param]


def failures_of(response) -> list[str]:
    """What is wrong with an answer: a 5xx, a body that is not JSON, a masked internal error."""
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        return [f"non-JSON answer (HTTP {response.status_code}): {response.text[:200]!r}"]
    if not isinstance(body, dict):
        return [f"JSON answer that is not an object: {body!r:.200}"]
    return [f"INTERNAL_SERVER_ERROR: {e.get('message')}" for e in body.get("errors") or []
            if (e.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"]


async def send(caller: Caller, document: str):
    await caller.ensure_token()
    headers = {"Authorization": f"Bearer {caller.token}"} if caller.token else {}
    response = await caller.api.http.post("/graphql", json={"query": document}, headers=headers)
    if "signOut" in document or "SignOut" in document:
        caller.token = None  # it may have been revoked: sign in again before the next one
    return response


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "one-violation"])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
async def test_generated_operations_never_fail_the_server(backend, mode, caller, data):
    document = data.draw(OPERATIONS[mode], label="document")
    response = await send(caller, document)
    assert not failures_of(response), (caller.kind, document, failures_of(response))
