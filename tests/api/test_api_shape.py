"""The API's conventions: GET queries, limits, masked errors, health, production mode, logs."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.app import break_sqlite_table

ME_EMAIL = "{ me { email displayName } }"
SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token userErrors { code } }
}"""


async def test_get_query_per_graphql_over_http(api):
    response = await api.http.get("/graphql", params={"query": "{ commonSessionLengths }"},
                                  headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"data": {"commonSessionLengths": [15, 30, 45, 50, 60, 90]}}


async def test_mutations_are_refused_over_get(api):
    response = await api.http.get("/graphql", params={"query": "mutation { signOut { signedOut } }"},
                                  headers={"accept": "application/json"})
    assert response.status_code in (400, 405)


async def test_graphiql_page_in_development(api):
    response = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "Couchtime GraphiQL" in response.text


async def test_health_and_readiness(api):
    assert (await api.http.get("/healthz")).json()["status"] == "ok"
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_request_id_is_echoed_or_made(api):
    response = await api.http.get("/healthz", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = await api.http.get("/healthz")
    assert len(response.headers["x-request-id"]) == 32


async def test_depth_limit(start_api):
    api = await start_api("sqlite", max_query_depth=2)
    token, _ = await api.sign_up()
    assert (await api.gql("{ me { eventTypes { id } } }", token=token))["me"]["eventTypes"] == []
    body = await api.post("{ me { weeklyAvailability { slots { start } } } }", token=token)
    assert body["errors"] and "depth" in body["errors"][0]["message"].lower()
    assert body.get("data") is None


async def test_alias_and_token_limits(api):
    aliases = "{ " + " ".join(f"a{i}: commonSessionLengths" for i in range(40)) + " }"
    body = await api.post(aliases)
    assert body["errors"] and "alias" in body["errors"][0]["message"].lower()
    tokens = "{ " + " ".join("commonSessionLengths" for _ in range(2100)) + " }"
    body = await api.post(tokens)
    assert body["errors"] and "token" in body["errors"][0]["message"].lower()


async def test_node_of_another_therapist_is_null(api):
    a, therapist_a = await api.sign_up()
    b, _ = await api.sign_up()
    query = "query N($id: ID!) { node(id: $id) { id ... on Therapist { email } } }"
    assert (await api.gql(query, {"id": therapist_a["id"]}, token=b))["node"] is None
    mine = (await api.gql(query, {"id": therapist_a["id"]}, token=a))["node"]
    assert mine == {"id": therapist_a["id"], "email": therapist_a["email"]}
    body = await api.post(query, {"id": therapist_a["id"]})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_sign_in_is_rate_limited_per_email_and_address_even_through_aliases(start_api):
    api = await start_api("sqlite", signin_limit_per_email_and_address=3, signin_limit_per_address=100)
    token, therapist = await api.sign_up(password="right password")
    attempt = {"input": {"email": therapist["email"], "password": "wrong password"}}
    aliased = """mutation A($input: SignInInput!) {
      a: signIn(input: $input) { token } b: signIn(input: $input) { token }
      c: signIn(input: $input) { token } d: signIn(input: $input) { token } }"""
    body = await api.post(aliased, attempt)
    codes = [e["extensions"]["code"] for e in body.get("errors", [])]
    assert codes == ["RATE_LIMITED"], body
    assert body["errors"][0]["extensions"]["retryAfterSeconds"] > 0
    # even the right password is refused now, for this account only
    ok = {"input": {"email": therapist["email"], "password": "right password"}}
    assert (await api.post(SIGN_IN, ok))["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    _, other = await api.sign_up(password="right password")
    fine = await api.gql(SIGN_IN, {"input": {"email": other["email"], "password": "right password"}})
    assert fine["signIn"]["token"]


async def test_sign_in_is_rate_limited_per_client_address(start_api):
    api = await start_api("sqlite", signin_limit_per_email_and_address=100, signin_limit_per_address=4)
    for i in range(4):
        body = await api.post(SIGN_IN, {"input": {"email": f"x{i}@example.com", "password": "whatever123"}})
        assert body["data"]["signIn"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    body = await api.post(SIGN_IN, {"input": {"email": "x9@example.com", "password": "whatever123"}})
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_unexpected_errors_are_masked_with_an_id_and_logged_without_phi(start_api, caplog):
    api = await start_api("sqlite")
    token, therapist = await api.sign_up(displayName="Private Person")
    path = api.runtime.db.engine.url.database
    await asyncio.to_thread(break_sqlite_table, path, "availability_slots")  # the database breaks
    with caplog.at_level(logging.INFO):
        body = await api.post("{ me { email weeklyAvailability { day } } }", token=token)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert error["message"] == f"Internal server error (id {error_id})."
    assert "Traceback" not in str(body) and "sqlite" not in str(body).lower()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert error_id in logged
    assert therapist["email"] not in logged and "Private Person" not in logged



async def test_readyz_fails_when_the_database_is_gone(start_api):
    api = await start_api("sqlite")
    folder = Path(api.runtime.db.engine.url.database).parent
    await api.runtime.db.engine.dispose()  # drop pooled connections to the old file
    shutil.rmtree(folder)
    response = await api.http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert (await api.http.get("/healthz")).status_code == 200


async def test_production_turns_off_graphiql_and_introspection(start_api):
    api = await start_api("sqlite", env="production")
    page = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code != 200 or "GraphiQL" not in page.text
    body = await api.post("{ __schema { types { name } } }")
    assert body["errors"] and "introspection" in body["errors"][0]["message"].lower()
    assert (await api.gql("{ commonSessionLengths }"))["commonSessionLengths"]


async def test_request_logs_hold_no_phi(start_api, capfd):
    api = await start_api("sqlite", env="production", log_level="INFO", log_format="json")
    email = "private.client@example.com"
    await api.http.get("/graphql", params={"query": "{ commonSessionLengths }", "variables": f'{{"e":"{email}"}}'},
                       headers={"accept": "application/json"})
    await api.sign_up(email=email, displayName="Secret Name")
    await asyncio.sleep(0.05)
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("{")]
    assert any('"path": "/graphql"' in line and '"request_id"' in line for line in lines), err[-2000:]
    assert email not in err and "Secret Name" not in err


async def test_websocket_logs_hold_no_query_string(start_api, capfd):
    api = await start_api("sqlite", log_level="INFO")
    url = api.base_url.replace("http://", "ws://") + "/graphql?email=private.client@example.com"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
    await asyncio.sleep(0.1)
    err = capfd.readouterr().err
    assert "WS /graphql" in err  # the request log's line for the socket
    assert "private.client" not in err


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Bearer x y"])
async def test_malformed_authorization_is_just_signed_out(api, header):
    response = await api.http.post("/graphql", json={"query": ME_EMAIL}, headers={"authorization": header})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_non_json_body_is_a_400_not_a_500(api):
    response = await api.http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert isinstance(response, httpx.Response)
