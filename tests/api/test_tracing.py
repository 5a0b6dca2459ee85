"""OpenTelemetry traces through the SDK's in-memory exporter: the request, GraphQL and SQL spans
exist, a job continues its request's trace across the outbox, and no span holds an argument
value or document text (searched for seeded names, emails and note text)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from couchtime.app import create_app
from domain.notifications import BOOKING_JOB
from tests.support.app import BACKENDS, Api, LiveServer, app_settings, fresh_database
from tests.support.booking import book, slots, therapist_with_hours
from tests.support.calendar import CREATE_CLIENT, create
from tests.support.clock import MutableClock

NOTE = """mutation WriteNote($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) {
  session { id hasNote } userErrors { field code } } }"""
SEARCH = "query Find($s: String) { clients(first: 5, search: $s) { edges { node { id } } } }"


@pytest.fixture(params=BACKENDS)
async def traced(request, tmp_path_factory):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    cleanups: list = []
    url = fresh_database(request.param, tmp_path_factory, cleanups)
    app = create_app(app_settings(url), clock=MutableClock(), tracer_provider=provider)
    server = LiveServer(app)
    api = Api(await server.start(), app, MutableClock())
    yield api, exporter
    await api.close()
    await server.stop()
    provider.shutdown()
    for cleanup in cleanups:
        cleanup()


async def test_spans_carry_no_argument_values_or_document_text(traced):
    api, exporter = traced
    seed = uuid.uuid4().hex[:8]
    first, last, email = f"Philippa{seed}", f"Marchbanks{seed}", f"pm{seed}@example.com"
    note = f"Discussed the divorce and panic attacks {seed}"

    token, therapist, event_type = await therapist_with_hours(api)
    client = (await api.gql(CREATE_CLIENT, {"i": {"firstName": first, "lastName": last, "email": email}},
                            token=token))["createClient"]["client"]
    session = (await create(api, token, client["id"], event_type, "2026-03-03T15:00:00Z"))["session"]
    written = (await api.gql(NOTE, {"i": {"sessionId": session["id"], "text": note}}, token=token))
    assert written["writeSessionNote"]["userErrors"] == []
    found = await api.http.get("/graphql?" + urlencode({"query": SEARCH, "variables": json.dumps({"s": last})}),
                               headers={"Authorization": f"Bearer {token}"})
    assert found.json()["data"]["clients"]["edges"]
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=3)
    free = await slots(api, therapist["username"], event_type, start, start + timedelta(days=2))
    booker = f"Bartholomew{seed}"
    assert (await book(api, therapist["username"], event_type, free[0]["start"], first=booker,
                       last=last, email=email))["userErrors"] == []

    def booking_jobs() -> list:
        spans = exporter.get_finished_spans()
        traces = {span.context.trace_id for span in spans if span.name == "GraphQL Query: B"}
        return [span for span in spans if span.name.startswith("job ") and span.context.trace_id in traces]

    for _ in range(200):  # the booking's email job runs on the in-process worker
        if any(job.name == f"job {BOOKING_JOB}" for job in booking_jobs()):
            break
        await asyncio.sleep(0.05)
    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert "POST /graphql" in names, names  # Starlette/ASGI, one span per request
    assert not any(name.endswith(("http send", "http receive")) for name in names)
    assert "GraphQL Query: WriteNote" in names and "GraphQL Resolving: writeSessionNote" in names
    assert any("db.statement" in span.attributes or "db.query.text" in span.attributes for span in spans)

    exported = "\n".join(span.to_json() for span in spans)
    for secret in (first, last, email, note, seed, booker, "divorce", "writeSessionNote(input",
                   therapist["username"]):
        assert secret not in exported, secret
    assert "graphql.param." not in exported

    # a job continues the trace of the request that booked, and its SQL spans sit under it
    jobs = [job for job in booking_jobs() if job.name == f"job {BOOKING_JOB}"]
    assert jobs and all(job.parent is not None for job in jobs), names
    job_ids = {job.context.span_id for job in jobs}
    assert any(span.parent is not None and span.parent.span_id in job_ids and span.name.startswith("SELECT")
               for span in spans)


def test_tracing_off_imports_no_opentelemetry_sdk_parts(tmp_path):
    """Off by default at no cost: building the app loads neither our tracing module nor any
    instrumentation, exporter or the tracing SDK."""
    code = (
        "import sys\n"
        "from couchtime.app import create_app\n"
        "from couchtime.settings import Settings\n"
        f"create_app(Settings(database_url='sqlite+aiosqlite:///{tmp_path}/t.db'))\n"
        "loaded = [m for m in sys.modules if m == 'couchtime.tracing' or m.startswith(("
        "'opentelemetry.instrumentation', 'opentelemetry.exporter', 'opentelemetry.sdk.trace'))]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
