"""GraphQL over HTTP (issue 19): `application/graphql-response+json` with the spec's status
codes, `application/json` unchanged for the clients that ask for it (or send no Accept), one
operation chosen explicitly, and mutations only over POST — over real HTTP, both backends.
The whole spec is checked by graphql-http's audit (test_http_audit.py)."""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest

from couchtime.response_media import response_media

GRJ = "application/graphql-response+json"
JSON = "application/json"
SIGN_UP = "mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token userErrors { code } } }"


def _sign_up_input(email: str) -> dict:
    suffix = uuid.uuid4().hex[:10]
    return {"email": email, "password": "correct horse battery", "displayName": "Dr Http",
            "username": f"h-{suffix}", "timeZone": "America/New_York"}


async def _post(api, body: dict | bytes, accept: str | None = None, **headers: str):
    if accept is not None:
        headers["accept"] = accept
    if isinstance(body, bytes):
        return await api.http.post("/graphql", content=body,
                                   headers={"content-type": JSON, **headers})
    return await api.http.post("/graphql", json=body, headers=headers)


def _media(response) -> str:
    return response.headers["content-type"].split(";")[0]


# --- the media type follows Accept ----------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), [
    ("", JSON),
    ("*/*", JSON),
    ("application/*", JSON),
    ("text/html", JSON),  # nothing we speak: the legacy default, never 406
    (JSON, JSON),
    (GRJ, GRJ),
    (f"{GRJ}; charset=utf-8", GRJ),
    (f"{JSON}, {GRJ}", GRJ),  # a tie prefers the spec's type
    (f"{GRJ};q=0.5, {JSON}", JSON),
    (f"{JSON};q=0.9, {GRJ}", GRJ),
    (f"{JSON}, {GRJ};q=0", JSON),  # q=0 means "not this one"
    (f"{GRJ};q=nonsense, {JSON}", JSON),
])
def test_response_media_reads_accept_with_q_values(accept, expected):
    assert response_media(accept) == expected


async def test_success_answers_200_in_the_media_type_asked_for(api):
    for accept, media in ((None, JSON), (JSON, JSON), (GRJ, GRJ), ("*/*", JSON)):
        response = await _post(api, {"query": "{ commonSessionLengths }"}, accept)
        assert response.status_code == 200 and _media(response) == media, accept
        assert response.json()["data"]["commonSessionLengths"]


@pytest.mark.parametrize("body", [
    {"query": "{ commonSessionLengths"},  # does not parse
    {"query": "{ noSuchField }"},  # does not validate
    {"query": SIGN_UP, "variables": {"input": 5}},  # variables do not coerce
])
async def test_request_errors_are_400_without_data_for_graphql_response_json(api, body):
    spec = await _post(api, body, GRJ)
    assert spec.status_code == 400 and _media(spec) == GRJ
    assert "data" not in spec.json() and spec.json()["errors"]
    # application/json (and no Accept) keep today's answer: 200, data null
    for accept in (JSON, None):
        legacy = await _post(api, body, accept)
        assert legacy.status_code == 200 and _media(legacy) == JSON
        assert legacy.json()["data"] is None and legacy.json()["errors"]


async def test_field_errors_stay_200_with_data_for_graphql_response_json(api):
    """Execution began: a field error is not a request error (the spec: 2xx, data present)."""
    response = await _post(api, {"query": "{ me { id } }"}, GRJ)
    assert response.status_code == 200 and _media(response) == GRJ
    body = response.json()
    assert "data" in body and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_http_level_refusals_use_the_negotiated_media_type(api):
    for accept, media in ((GRJ, GRJ), (JSON, JSON), (None, JSON)):
        bad_json = await _post(api, b"{not json", accept)
        assert bad_json.status_code == 400 and _media(bad_json) == media
        assert bad_json.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        too_large = await _post(api, b" " * 70_000, accept)
        assert too_large.status_code == 413 and _media(too_large) == media
        assert too_large.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_operation_name_must_be_a_string(api):
    for name in ({"a": 1}, ["A"], 5, True):
        response = await _post(api, {"query": "query A { commonSessionLengths }", "operationName": name})
        assert response.status_code == 400 and _media(response) == JSON
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


# --- which operation runs -------------------------------------------------------------------


async def test_several_operations_without_operation_name_is_an_error(api):
    """main ran the first one: here the sign-up in the first operation would have been stored."""
    email = f"several-{uuid.uuid4().hex[:8]}@example.com"
    document = SIGN_UP + " query Lengths { commonSessionLengths }"
    variables = {"input": _sign_up_input(email)}
    for accept, status in ((GRJ, 400), (JSON, 200), (None, 200)):
        response = await _post(api, {"query": document, "variables": variables}, accept)
        assert response.status_code == status, accept
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "operationName" in body["errors"][0]["message"]
        assert body.get("data") is None
    # nothing ran: the e-mail address is still free, and naming the operation runs it
    named = await _post(api, {"query": document, "variables": variables, "operationName": "SignUp"})
    assert named.json()["data"]["signUp"]["userErrors"] == []
    lengths = await _post(api, {"query": document, "operationName": "Lengths"})
    assert lengths.json()["data"] == {"commonSessionLengths": [15, 30, 45, 50, 60, 90]}


async def test_unknown_operation_name_answers_json(api):
    for accept, status, media in ((GRJ, 400, GRJ), (JSON, 200, JSON), (None, 200, JSON)):
        response = await _post(api, {"query": "query A { commonSessionLengths }",
                                     "operationName": "Nope"}, accept)
        assert response.status_code == status and _media(response) == media
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST" and "Nope" in error["message"]
        assert response.json().get("data") is None


# --- mutations only over POST ---------------------------------------------------------------


async def test_mutation_over_get_is_405_with_allow_post(api):
    email = f"get-{uuid.uuid4().hex[:8]}@example.com"
    params = {"query": SIGN_UP, "variables": json.dumps({"input": _sign_up_input(email)})}
    for accept, media in ((GRJ, GRJ), (JSON, JSON), (None, JSON)):
        response = await api.http.get("/graphql?" + urlencode(params),
                                      headers={"accept": accept} if accept else {})
        assert response.status_code == 405 and response.headers["allow"] == "POST"
        assert _media(response) == media
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    # nothing was stored: the same sign-up over POST succeeds
    body = await _post(api, {"query": SIGN_UP, "variables": {"input": _sign_up_input(email)}})
    assert body.json()["data"]["signUp"]["userErrors"] == []
    # queries over GET still work, in either media type
    for accept, media in ((GRJ, GRJ), (JSON, JSON)):
        query = await api.http.get("/graphql?" + urlencode({"query": "{ commonSessionLengths }"}),
                                   headers={"accept": accept})
        assert query.status_code == 200 and _media(query) == media


# --- persisted-operation refusals follow the same rules -------------------------------------


async def test_persisted_query_refusals_negotiate_like_the_rest(api):
    """An unknown APQ hash: the wrapper in front of Strawberry negotiates as Strawberry's layer
    does (main's substring check took `graphql-response+json;q=0` as a yes)."""
    unknown = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": unknown}}}
    for accept, status, media in ((GRJ, 400, GRJ), (f"{JSON}, {GRJ};q=0", 200, JSON),
                                  (None, 200, JSON), (f"{JSON};q=0.5, {GRJ}", 400, GRJ)):
        response = await _post(api, body, accept)
        assert response.status_code == status and _media(response) == media, accept
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_request_errors_in_400_do_not_spend_the_address_budget(start_api):
    """A 400 of application/graphql-response+json is a GraphQL result, not an HTTP-level refusal:
    it must not cost the address penalty (the cost limit) that malformed bodies cost, or an
    anonymous client asking for the spec's media type would be locked out after a few typos."""
    api = await start_api("sqlite", cost_budget_per_address=100_000, max_query_cost=20_000)
    for _ in range(8):
        response = await _post(api, {"query": "{ noSuchField }"}, GRJ)
        assert response.status_code == 400
    response = await _post(api, {"query": "{ commonSessionLengths }"}, GRJ)
    assert response.status_code == 200, response.text
