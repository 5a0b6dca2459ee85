"""Persisted operations over real HTTP: Apollo's APQ and the trusted-documents mode."""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest
from websockets.asyncio.client import connect

from couchtime import cli
from tests.support.app import BACKENDS, REDIS_URL, need

LENGTHS = "query Lengths { commonSessionLengths }"
ME = "query Me { me { email } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def apq(document: str, *, with_query: bool, key: str | None = None, **extra) -> dict:
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": key or sha(document)}}, **extra}
    if with_query:
        body["query"] = document
    return body


def code_of(body: dict) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def unique(document: str) -> str:
    """A document no earlier test stored (the store is shared by the server's tests)."""
    return f"{document} # {uuid.uuid4().hex}"


async def apq_round_trip(api) -> None:
    document = unique(LENGTHS)
    missing = await api.http.post("/graphql", json=apq(document, with_query=False))
    assert missing.status_code == 200
    assert code_of(missing.json()) == "PERSISTED_QUERY_NOT_FOUND"
    assert missing.headers["cache-control"] == "no-store"  # a registration must not meet a cached miss
    stored = await api.http.post("/graphql", json=apq(document, with_query=True))
    assert stored.json()["data"]["commonSessionLengths"]
    by_hash = await api.http.post("/graphql", json=apq(document, with_query=False))
    assert by_hash.json() == stored.json()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(document)}})
    by_get = await api.http.get("/graphql?" + urlencode({"extensions": extensions}))
    assert by_get.status_code == 200 and by_get.json() == stored.json()
    assert "no-store" not in by_get.headers.get("cache-control", "")  # no token: cacheable


async def test_apq_not_found_then_stored_then_runs_by_hash_post_and_get(api):
    await apq_round_trip(api)


async def test_apq_in_redis_is_shared_by_servers(start_api):
    """Stored in Redis when configured: a hash registered on one server runs on another."""
    redis_url = need("redis", REDIS_URL)
    prefix = f"test-apq-{uuid.uuid4().hex}:"
    one = await start_api("sqlite", redis_url=redis_url, persisted_queries_prefix=prefix,
                          live_channel=prefix + "live", jobs_namespace=prefix + "jobs")
    await apq_round_trip(one)
    two = await start_api("sqlite", redis_url=redis_url, persisted_queries_prefix=prefix,
                          live_channel=prefix + "live", jobs_namespace=prefix + "jobs")
    document = unique(LENGTHS)
    await one.http.post("/graphql", json=apq(document, with_query=True))
    assert (await two.http.post("/graphql", json=apq(document, with_query=False))).json()["data"]
    ttl = await one.runtime.redis.ttl(prefix + sha(document))
    assert 0 < ttl <= 7 * 24 * 3600  # bounded by a TTL
    await one.runtime.redis.delete(*(await one.runtime.redis.keys(prefix + "*")))


async def test_memory_store_is_bounded_least_recently_used_first(start_api):
    api = await start_api("sqlite", persisted_queries_max=2)
    one, two, three = (unique(LENGTHS) for _ in range(3))
    for document in (one, two):
        await api.http.post("/graphql", json=apq(document, with_query=True))
    assert (await api.http.post("/graphql", json=apq(one, with_query=False))).json()["data"]  # one: used
    await api.http.post("/graphql", json=apq(three, with_query=True))  # evicts two, the least recent
    assert code_of((await api.http.post("/graphql", json=apq(two, with_query=False))).json()) == (
        "PERSISTED_QUERY_NOT_FOUND")
    for kept in (one, three):
        assert (await api.http.post("/graphql", json=apq(kept, with_query=False))).json()["data"]


async def test_wrong_hash_is_an_error_and_nothing_is_stored(api):
    document = unique(LENGTHS)
    wrong = sha(document + " ")
    response = await api.http.post("/graphql", json=apq(document, with_query=True, key=wrong))
    assert response.status_code == 400
    assert code_of(response.json()) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "data" not in response.json()
    later = await api.http.post("/graphql", json=apq(document, with_query=False, key=wrong))
    assert code_of(later.json()) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extensions", [
    {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
    {"persistedQuery": {"version": 1, "sha256Hash": "not-a-hash"}},
    {"persistedQuery": "yes"},
])
async def test_malformed_persisted_query_extension_is_bad_request(api, extensions):
    response = await api.http.post("/graphql", json={"extensions": extensions})
    assert response.status_code == 400 and code_of(response.json()) == "BAD_REQUEST"


async def test_any_response_to_a_request_with_a_token_is_no_store(api):
    token, _ = await api.sign_up()
    headers = {"Authorization": f"Bearer {token}"}
    document = unique(ME)
    await api.http.post("/graphql", json=apq(document, with_query=True), headers=headers)
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(document)}})
    for response in (
        await api.http.get("/graphql?" + urlencode({"extensions": extensions}), headers=headers),
        await api.http.post("/graphql", json={"query": ME}, headers=headers),
        await api.http.post("/graphql", json={"query": "{ nope"}, headers=headers),
    ):
        assert response.headers["cache-control"] == "no-store"
    body = (await api.http.get("/graphql?" + urlencode({"extensions": extensions}), headers=headers)).json()
    assert body["data"]["me"]["email"]


async def test_persisted_mutation_is_not_run_over_get(api):
    """A stored mutation's hash over GET still meets Strawberry's 'no mutations over GET'."""
    document = unique("mutation Out { signOut { signedOut } }")
    await api.http.post("/graphql", json=apq(document, with_query=True))
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(document)}})
    response = await api.http.get("/graphql?" + urlencode({"extensions": extensions}))
    assert response.status_code in (400, 405) and "signedOut" not in response.text  # 405 once GET follows the spec


async def test_apq_can_be_turned_off(start_api):
    api = await start_api("sqlite", persisted_queries=False)
    response = await api.http.post("/graphql", json=apq(LENGTHS, with_query=True))
    assert code_of(response.json()) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert (await api.post(LENGTHS))["data"]


# --- trusted documents ---------------------------------------------------------------------


@pytest.fixture
def manifest_file(tmp_path):
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha(LENGTHS): LENGTHS, sha(ME): ME}))
    return path


@pytest.mark.parametrize("backend", BACKENDS)
async def test_trusted_documents_run_by_hash_or_by_text_and_nothing_else(start_api, backend, manifest_file):
    api = await start_api(backend, trusted_documents=str(manifest_file))
    by_hash = await api.http.post("/graphql", json=apq(LENGTHS, with_query=False))
    assert by_hash.json()["data"]["commonSessionLengths"]
    by_document_id = await api.http.post("/graphql", json={"documentId": f"sha256:{sha(LENGTHS)}"})
    assert by_document_id.json() == by_hash.json()
    assert (await api.post(LENGTHS))["data"] == by_hash.json()["data"]
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(LENGTHS)}})
    assert (await api.http.get("/graphql?" + urlencode({"extensions": extensions}))).json()["data"]

    for refused in (
        {"query": "{ commonSessionLengths }"},  # the same operation, other text: not in the list
        {"query": "{ __schema { types { name } } }"},
        apq(unique(LENGTHS), with_query=True),  # no registration in this mode
        apq(LENGTHS, with_query=False, key=sha("anything")),
    ):
        response = await api.http.post("/graphql", json=refused)
        assert code_of(response.json()) == "PERSISTED_QUERY_NOT_IN_LIST", refused
        assert "data" not in response.json()
    text = await api.http.get("/graphql?" + urlencode({"query": "{ commonSessionLengths }"}))
    assert code_of(text.json()) == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_trusted_documents_refuse_before_parsing(start_api, manifest_file):
    """A document that would not even parse (or is huge) is refused as not trusted: the
    parser never sees it."""
    api = await start_api("sqlite", trusted_documents=str(manifest_file))
    for query in ("{ nope", "{ a " * 50_000 + "}"):
        response = await api.http.post("/graphql", json={"query": query})
        assert code_of(response.json()) == "PERSISTED_QUERY_NOT_IN_LIST"
    not_json = await api.http.post("/graphql", content=b"{ commonSessionLengths }",
                                   headers={"content-type": "application/graphql"})
    assert code_of(not_json.json()) == "PERSISTED_QUERY_NOT_IN_LIST"
    spec = await api.http.post("/graphql", json={"query": "{ nope"},
                               headers={"accept": "application/graphql-response+json"})
    assert spec.status_code == 400 and spec.headers["content-type"] == "application/graphql-response+json"


async def test_trusted_documents_over_websockets(start_api, manifest_file):
    api = await start_api("sqlite", trusted_documents=str(manifest_file))
    url = api.base_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}))
        refused = json.loads(await ws.recv())
        assert refused["id"] == "1" and refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(LENGTHS)}}}}))
        message = json.loads(await ws.recv())
        assert message["id"] == "2" and message["payload"]["data"]["commonSessionLengths"]


def test_cli_checks_and_merges_manifests(tmp_path, monkeypatch, capsys):
    target = tmp_path / "trusted.json"
    monkeypatch.setenv("COUCHTIME_TRUSTED_DOCUMENTS", str(target))
    codegen = tmp_path / "persisted-documents.json"
    codegen.write_text(json.dumps({sha(LENGTHS): LENGTHS}))
    apollo = tmp_path / "persisted-query-manifest.json"
    apollo.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": sha(ME), "name": "Me", "type": "query", "body": ME}]}))
    assert cli.main(["trusted-documents", str(codegen)]) == 0
    assert cli.main(["trusted-documents", str(apollo)]) == 0  # merged: older apps keep working
    assert json.loads(target.read_text()) == {sha(LENGTHS): LENGTHS, sha(ME): ME}
    assert cli.main(["trusted-documents", "--replace", str(apollo)]) == 0
    assert json.loads(target.read_text()) == {sha(ME): ME}

    lying = tmp_path / "lying.json"
    lying.write_text(json.dumps({sha(LENGTHS): ME}))
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({sha("{ nope }"): "{ nope }"}))
    capsys.readouterr()
    assert cli.main(["trusted-documents", str(lying)]) == 2
    assert "hash is not the SHA-256" in capsys.readouterr().err
    assert cli.main(["trusted-documents", "--check", str(invalid)]) == 2
    assert "does not run on this schema" in capsys.readouterr().err
    assert json.loads(target.read_text()) == {sha(ME): ME}  # unchanged by refused manifests


def test_serve_refuses_a_missing_or_lying_manifest_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COUCHTIME_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/c.db")
    monkeypatch.setenv("COUCHTIME_TRUSTED_DOCUMENTS", str(tmp_path / "missing.json"))
    assert cli.main(["serve"]) == 2
    assert "cannot read the manifest" in capsys.readouterr().err
    lying = tmp_path / "lying.json"
    lying.write_text(json.dumps({sha(LENGTHS): ME}))
    monkeypatch.setenv("COUCHTIME_TRUSTED_DOCUMENTS", str(lying))
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "hash is not the SHA-256" in err and "Traceback" not in err and ME not in err
