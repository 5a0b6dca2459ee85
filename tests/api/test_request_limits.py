"""Request-level limits (issue 12): linear document checks, query cost, cost budget, request
size, deadline and HTTP robustness — over real HTTP and websockets.

Every test here reproduces something a single request could do to main: freeze a process,
run for seconds, answer a 500 in plain text, or echo a megabyte back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import httpx
import pytest

from tests.support.live_client import LiveClient

FRAGMENT_BOMB = (
    "query { ...F0 } "
    + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30))
    + " fragment F30 on Query { commonSessionLengths }"
)
MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-05-02T00:00:00Z"}  # 62 days


async def _raw(api, content: bytes | str, **headers: str) -> httpx.Response:
    return await api.http.post("/graphql", content=content,
                               headers={"content-type": "application/json", **headers})


def _code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


# --- the document checks are linear -------------------------------------------------------


async def test_fragment_bomb_is_refused_from_one_pass_over_it(api):
    """30 fragments each spreading the next twice (1.2 KB): main never answers. It expands to
    2³⁰ fields: refused as too large before graphql-core's validation runs."""
    assert len(FRAGMENT_BOMB) < 1300
    body = await api.post(FRAGMENT_BOMB)
    assert _code(body) == "QUERY_TOO_LARGE" and body.get("data") is None
    assert body["errors"][0]["extensions"]["limit"] == 2000
    assert (await api.http.get("/healthz")).status_code == 200
    # the same spreads at a size that fits are answered: fragments are expanded correctly
    small = FRAGMENT_BOMB.split(" fragment F5 on")[0]
    small += " fragment F5 on Query { commonSessionLengths }"
    assert (await api.gql(small))["commonSessionLengths"]


async def test_aliases_are_counted_through_fragments_once_each(api):
    bomb = FRAGMENT_BOMB.replace("{ commonSessionLengths }", "{ a: commonSessionLengths }")
    body = await api.post(bomb)
    assert _code(body) == "TOO_MANY_ALIASES" and "alias" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_depth_is_measured_through_fragments(start_api):
    api = await start_api("sqlite", max_query_depth=2)
    token, _ = await api.sign_up()
    deep = ("query { ...A } fragment A on Query { me { ...B ...B } } "
            "fragment B on Therapist { weeklyAvailability { slots { start } } }")
    body = await api.post(deep, token=token)
    assert _code(body) == "QUERY_TOO_DEEP" and "depth" in body["errors"][0]["message"]


async def test_parser_limits_answer_with_codes(api):
    assert _code(await api.post("{ " + "commonSessionLengths " * 2100 + "}")) == "TOO_MANY_TOKENS"
    nested = "{ commonSessionLengths(x: " + "[" * 900 + "]" * 900 + ") }"
    assert _code(await api.post(nested)) == "QUERY_TOO_DEEP"
    assert _code(await api.post("{ commonSessionLengths")) == "GRAPHQL_PARSE_FAILED"


# --- the cost of a query is known before it runs --------------------------------------------


async def test_nested_lists_over_the_cost_limit_are_refused_before_running(api):
    token, _ = await api.sign_up()
    query = """query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) {
      client { sessions(first: 100) { nodes { id start } } } } }"""
    body = await api.post(query, MARCH, token=token)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 20_000
    assert body.get("data") is None
    # the same shape over one day and a small page fits
    day = {"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z"}
    fits = query.replace("first: 100", "first: 5")
    assert (await api.gql(fits, day, token=token))["sessions"] == []


async def test_thirty_aliases_nested_deep_are_too_costly(api):
    """Under the depth, alias and token limits, but describing ~100⁵ objects each."""
    token, _ = await api.sign_up()
    levels = " ".join(f"fragment L{i} on Session {{ client {{ sessions(first: 100) {{ nodes {{ ...L{i + 1} }} }} }} }}"
                      for i in range(3)) + " fragment L3 on Session { id }"
    query = "query($from: DateTime!, $to: DateTime!) { " + " ".join(
        f"a{i}: sessions(from: $from, to: $to) {{ ...L0 }}" for i in range(30)) + " } " + levels
    body = await api.post(query, MARCH, token=token)
    assert _code(body) == "QUERY_TOO_COSTLY", body


async def test_connection_page_size_is_bounded(api):
    token, _ = await api.sign_up()
    made = await api.gql("""mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } } }""",
                         {"i": {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com"}}, token=token)
    client_id = made["createClient"]["client"]["id"]
    query = "query($id: ID!, $n: Int!) { client(id: $id) { sessions(first: $n) { nodes { id } } } }"
    body = await api.post(query, {"id": client_id, "n": 101}, token=token)
    assert _code(body) == "BAD_USER_INPUT"  # like every argument out of range (#19)
    page = await api.gql(query.replace("nodes { id }", "nodes { id } pageInfo { hasNextPage }"),
                         {"id": client_id, "n": 100}, token=token)
    assert page["client"]["sessions"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}


async def test_subscriptions_are_costed_when_subscribing(api):
    token, _ = await api.sign_up()
    inner = "id"
    for _ in range(3):
        inner = f"client {{ sessions(first: 100) {{ nodes {{ {inner} }} }} }}"
    query = ("subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) "
             f"{{ session {{ {inner} }} }} }}")
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(query, MARCH)
        message = await live.next(op)
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


# --- the cost budget per minute -------------------------------------------------------------


async def test_anonymous_budget_per_address_answers_429_with_retry_after(start_api):
    api = await start_api("sqlite", max_query_cost=300, cost_budget_per_address=300,
                          cost_budget_per_token=1000)
    token, _ = await api.sign_up()  # a mutation spends the address budget too (10 + payload)
    query = """query($u: String!) { a: bookingPage(username: $u) { eventTypes { id } }
      b: bookingPage(username: $u) { eventTypes { id } } }"""  # 2 × (1 + 15) = 32
    statuses = []
    for _ in range(12):
        response = await api.http.post("/graphql", json={"query": query, "variables": {"u": "nobody"}})
        statuses.append(response.status_code)
    assert 200 in statuses and statuses[-1] == 429
    assert statuses == sorted(statuses)  # 200s until the budget is spent, then 429s
    retry = int(response.headers["retry-after"])
    assert 0 < retry <= 60
    body = response.json()
    assert _code(body) == "RATE_LIMITED" and body["errors"][0]["extensions"]["retryAfterSeconds"] == retry
    # a made-up token buys no fresh budget: it spends the address's
    made_up = {"authorization": "Bearer ct_t_" + uuid.uuid4().hex}
    refused = await api.http.post("/graphql", json={"query": query, "variables": {"u": "x"}}, headers=made_up)
    assert refused.status_code == 429
    # a signed-in therapist spends a budget of their own
    mine = await api.http.post("/graphql", json={"query": "{ me { eventTypes { id } } }"},
                               headers={"authorization": f"Bearer {token}"})
    assert mine.status_code == 200 and "errors" not in mine.json()


async def test_documents_refused_by_a_limit_spend_the_budget(start_api):
    """Probing the limits is not free: each refusal spends the cost limit, so an attacker
    sending fragment documents is soon answered 429 before its document is even parsed."""
    api = await start_api("sqlite", max_query_cost=1000, cost_budget_per_address=3000)
    codes = [_code((await api.http.post("/graphql", json={
        "query": FRAGMENT_BOMB.replace("query {", f"query Q{i} {{")})).json()) for i in range(5)]
    assert codes[:2] == ["QUERY_TOO_LARGE"] * 2 and codes[-1] == "RATE_LIMITED", codes
    response = await api.http.post("/graphql", json={"query": "{ commonSessionLengths }"})
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0


async def test_token_budget_is_shared_by_processes_through_redis(start_api):
    """Two servers over one database and one Redis (as N × `couchtime serve`): the token's
    budget is one, not one per process."""
    from couchtime.app import create_app
    from tests.support.app import REDIS_URL, Api, LiveServer, app_settings, need

    settings = {"redis_url": need("redis", REDIS_URL), "max_query_cost": 100, "cost_budget_per_token": 100,
                "cost_budget_per_address": 100_000, "live_channel": f"limits-test:{uuid.uuid4().hex}"}
    one = await start_api("postgres", **settings)
    server = LiveServer(create_app(app_settings(one.runtime.settings.database_url, **settings), clock=one.clock))
    two = Api(await server.start(), server.app, one.clock, server.server)
    try:
        token, _ = await one.sign_up()
        query = "{ me { eventTypes { id } } }"  # 1 + 15 = 16, and 1 per request: five fit in 100
        statuses = []
        for api in [one, two] * 5:
            response = await api.http.post("/graphql", json={"query": query},
                                           headers={"authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
        assert statuses == [200] * 5 + [429] * 5
    finally:
        await two.close()
        await server.stop()


# --- request size -------------------------------------------------------------------------


async def test_oversized_bodies_are_413_json_before_parsing(api):
    comment = b'{"query": "# ' + b"x" * 10_000_000 + b'\\n{ commonSessionLengths }"}'
    response = await _raw(api, comment)
    assert response.status_code == 413 and response.headers["x-request-id"]
    assert _code(response.json()) == "REQUEST_TOO_LARGE"
    variables = json.dumps({"query": "{ commonSessionLengths }", "variables": {"v": "x" * 50_000_000}})
    assert (await _raw(api, variables)).status_code == 413

    async def chunks():  # no Content-Length: refused once the limit is passed
        yield b'{"query": "# '
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    chunked = await api.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413 and _code(chunked.json()) == "REQUEST_TOO_LARGE"
    assert (await api.http.get("/healthz")).status_code == 200


async def test_large_variables_over_a_websocket_are_refused(api):
    """The HTTP body limit does not reach websockets: their variables have the same limit."""
    async with LiveClient(api.base_url) as live:
        op = await live.subscribe("query($v: String) { commonSessionLengths }", {"v": "x" * 100_000})
        message = await live.next(op)
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "VARIABLES_TOO_LARGE"


async def test_long_query_strings_are_refused(api):
    """httpx refuses to send such a URL: write the request by hand."""
    host, port = api.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /graphql?query=%7B%20commonSessionLengths%20%7D&x=" + b"y" * 70_000
                 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    status = int(status_line.split()[1])
    assert 400 <= status < 500, status_line


async def test_a_long_field_name_is_not_echoed_back(api):
    name = "f" * 60_000
    body = await api.post("{ " + name + " }")
    message = body["errors"][0]["message"]
    assert len(message) < 300 and "Cannot query field" in message
    async with LiveClient(api.base_url) as live:
        op = await live.subscribe("subscription { " + "g" * 500_000 + " }")
        error = await live.next(op)
        assert error["type"] == "error" and len(json.dumps(error)) < 1000


async def test_user_errors_are_capped(start_api):
    api = await start_api("sqlite", max_body_bytes=2_000_000)
    token, _ = await api.sign_up()
    slots = [{"start": "xx", "end": "yy"} for _ in range(20_000)]
    data = await api.gql("""mutation($i: SetDayAvailabilityInput!) { setDayAvailability(input: $i) {
      userErrors { field code } weeklyAvailability { slots { start } } } }""",
                         {"i": {"day": "MONDAY", "slots": slots}}, token=token)
    errors = data["setDayAvailability"]["userErrors"]
    assert 1 <= len(errors) <= 20
    assert all(day["slots"] == [] for day in data["setDayAvailability"]["weeklyAvailability"])


# --- HTTP robustness ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [b'"x"', b"42", b"null", b"[]", b"\xff\xfe{}",
                                     b"[" * 1000 + b"]" * 1000, b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                                     b"{not json"])
async def test_bodies_that_are_not_one_json_object_are_400_json(api, content, caplog):
    caplog.set_level(logging.INFO, logger="couchtime.request")
    response = await _raw(api, content, **{"x-request-id": "bad-body-1"})
    assert response.status_code == 400, response.text
    assert response.headers["x-request-id"] == "bad-body-1"
    assert _code(response.json()) == "BAD_REQUEST"
    lines = [r for r in caplog.records if r.name == "couchtime.request" and getattr(r, "path", "") == "/graphql"]
    assert lines and lines[-1].status == 400


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_subscriptions_over_http_are_a_clear_400(api, method):
    query = "subscription { bookingReceived { kind } }"
    if method == "GET":
        response = await api.http.get("/graphql", params={"query": query})
    else:
        response = await api.http.post("/graphql", json={"query": query})
    assert response.status_code == 400, response.text
    body = response.json()
    assert _code(body) == "BAD_REQUEST" and "websocket" in body["errors"][0]["message"]


async def test_field_suggestions_only_where_introspection_is_on(api, start_api):
    dev = await api.post("{ comonSessionLengths }")
    assert "Did you mean" in dev["errors"][0]["message"]
    production = await start_api("sqlite", env="production", signing_key="k" * 40)
    body = await production.post("{ comonSessionLengths }")
    assert "Did you mean" not in json.dumps(body) and "commonSessionLengths" not in json.dumps(body)
    enum = await production.post("query($d: String!) { me { displayName } } ", {"d": 1})
    assert "Did you mean" not in json.dumps(enum)


# --- the deadline -------------------------------------------------------------------------


async def test_a_query_past_its_deadline_is_stopped_with_a_code(start_api):
    """PostgreSQL: a lock held elsewhere makes the read wait; the deadline ends it."""
    import psycopg

    api = await start_api("postgres", request_deadline_ms=500)
    token, _ = await api.sign_up()
    url = api.runtime.settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as blocker:
        blocker.execute("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        body = await api.post("query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) { id } }",
                              MARCH, token=token)
        blocker.rollback()
    assert _code(body) == "DEADLINE_EXCEEDED" and body.get("data") is None
    assert (await api.gql("{ me { displayName } }", token=token))["me"]["displayName"]
