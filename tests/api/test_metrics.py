"""/metrics over real HTTP, parsed as Prometheus' exposition format: values move when requests,
errors, websockets, subscriptions, jobs and emails happen; labels stay bounded and PHI-free."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from persistence.tables.outbox import OutboxRow
from tests.support.app import BACKENDS
from tests.support.booking import book, slots, therapist_with_hours
from tests.support.live_client import LiveClient

LENGTHS = "query Lengths { commonSessionLengths }"
CALENDAR = """subscription Cal($from: DateTime!, $to: DateTime!) {
  calendarChanged(from: $from, to: $to) { __typename } }"""


async def scrape(api, token: str | None = None) -> dict[tuple[str, tuple], float]:
    """Every sample as {(name, sorted labels): value}."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await api.http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def eventually(api, check, *, tries: int = 200) -> dict:
    """Scrapes until `check(samples)` holds (background work: jobs, subscriptions)."""
    for _ in range(tries):
        samples = await scrape(api)
        if check(samples):
            return samples
        await asyncio.sleep(0.05)
    raise AssertionError("the metric never got there")


async def test_requests_and_errors_are_counted(api):
    before = await scrape(api)
    assert (await api.post(LENGTHS))["data"]
    unauthenticated = await api.post("query Me { me { email } }")
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await api.http.post("/graphql", json={"query": "{ nope"})
    after = await scrape(api)
    count = "couchtime_graphql_request_duration_seconds_count"
    assert value(after, count, operation="other") >= value(before, count, operation="other") + 3
    errors = "couchtime_graphql_errors_total"
    assert value(after, errors, code="UNAUTHENTICATED") == value(before, errors, code="UNAUTHENTICATED") + 1
    assert value(after, errors, code="NONE") + value(after, errors, code="GRAPHQL_PARSE_FAILED") > (
        value(before, errors, code="NONE") + value(before, errors, code="GRAPHQL_PARSE_FAILED"))
    # clients choose operation names, so without a manifest every request is `other`
    operations = {dict(labels).get("operation") for (name, labels) in after if name == count}
    assert operations == {"other"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_websockets_and_subscriptions_are_gauged(start_api, backend):
    api = await start_api(backend)  # its own server: no other test's sockets come and go
    token, _ = await api.sign_up()
    start = await scrape(api)
    sockets, subs = "couchtime_websockets_open", "couchtime_live_subscriptions"
    now = datetime.now(UTC)
    async with LiveClient(api.base_url, token) as live:
        await live.subscribe(CALENDAR, {"from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()})
        during = await eventually(api, lambda s: value(s, subs) == value(start, subs) + 1)
        assert value(during, sockets) == value(start, sockets) + 1
    after = await eventually(api, lambda s: value(s, sockets) == value(start, sockets))
    assert value(after, subs) == value(start, subs) == 0


async def test_jobs_and_emails_are_counted_and_no_label_holds_personal_data(api):
    """A booking sends its emails through in-process jobs: the job and email counters move,
    and nothing the client typed shows up anywhere in the exposition."""
    token, therapist, event_type = await therapist_with_hours(api)
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=3)
    free = await slots(api, therapist["username"], event_type, start, start + timedelta(days=2))
    before = await scrape(api)
    first, last = f"Zelda{uuid.uuid4().hex[:6]}", f"Quixote{uuid.uuid4().hex[:6]}"
    email = f"{first.lower()}@example.com"
    booked = await book(api, therapist["username"], event_type, free[0]["start"], first=first, last=last,
                        email=email)
    assert booked["userErrors"] == []
    jobs_run = "couchtime_jobs_run_total"

    def ran(samples) -> bool:
        return sum(v for (n, _), v in samples.items() if n == jobs_run) > sum(
            v for (n, _), v in before.items() if n == jobs_run)

    await eventually(api, ran)
    after = await eventually(api, lambda s: value(s, "couchtime_emails_sent_total")
                             > value(before, "couchtime_emails_sent_total"))
    actors = {dict(labels)["actor"] for (name, labels) in after if name == jobs_run}
    assert actors and all(actor.replace(".", "").replace("_", "").isalnum() for actor in actors)
    text = (await api.http.get("/metrics")).text
    for secret in (first, last, email, therapist["username"], therapist["id"], token):
        assert secret not in text


async def test_outbox_lag_is_the_age_of_the_oldest_unsent_job(start_api):
    api = await start_api("sqlite")
    assert value(await scrape(api), "couchtime_outbox_lag_seconds") == 0
    async with api.runtime.db.write_session() as session, session.begin():
        session.add(OutboxRow(id=uuid.uuid4(), job="test.no_such_actor", payload="{}",
                              created_at=datetime.now(UTC) - timedelta(hours=1)))
    samples = await scrape(api)
    assert value(samples, "couchtime_outbox_unsent_jobs") == 1
    assert value(samples, "couchtime_outbox_lag_seconds") >= 3600


async def test_operation_labels_come_only_from_the_trusted_manifest(start_api, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({hashlib.sha256(LENGTHS.encode()).hexdigest(): LENGTHS}))
    api = await start_api("sqlite", trusted_documents=str(manifest))
    assert (await api.post(LENGTHS))["data"]
    for name in ("Lengths", "AttackerChosenName"):  # a name outside the manifest is `other`
        await api.http.post("/graphql", json={"query": f"query {name} {{ __typename }}"})
    samples = await scrape(api)
    count = "couchtime_graphql_request_duration_seconds_count"
    assert value(samples, count, operation="Lengths") == 1
    assert value(samples, count, operation="other") == 2
    assert {dict(labels)["operation"] for (name, labels) in samples if name == count} == {"Lengths", "other"}
    assert value(samples, "couchtime_graphql_errors_total", code="PERSISTED_QUERY_NOT_IN_LIST") == 2


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_metrics_in_production_need_the_bearer_token(start_api, backend):
    signing = "s" * 40
    closed = await start_api(backend, env="production", signing_key=signing)
    assert (await closed.http.get("/metrics")).status_code == 404  # no token set: not served
    secret = uuid.uuid4().hex
    guarded = await start_api(backend, env="production", signing_key=signing, metrics_token=secret)
    assert (await guarded.http.get("/metrics")).status_code == 401
    wrong = await guarded.http.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
    assert wrong.status_code == 401
    assert value(await scrape(guarded, secret), "couchtime_websockets_open") == 0
    off = await start_api(backend, metrics=False)
    assert (await off.http.get("/metrics")).status_code == 404


async def test_worker_processes_serve_their_metrics(tmp_path):
    """`couchtime worker` processes serve /metrics on a thread, behind the same token."""
    from couchtime.metrics import Metrics, serve_worker_metrics
    from couchtime.settings import Settings

    metrics = Metrics()
    metrics.jobs_run.labels("series.extend").inc()
    settings = Settings(worker_metrics_port=19_400, metrics_token="t" * 20)
    port = serve_worker_metrics(metrics, settings)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        assert (await http.get("/metrics")).status_code == 401
        response = await http.get("/metrics", headers={"Authorization": "Bearer " + "t" * 20})
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert families["couchtime_jobs_run"].samples[0].value == 1
