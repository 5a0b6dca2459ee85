"""The audit log over real HTTP and websockets, on SQLite and PostgreSQL: a month view's entry
names exactly the sessions and clients it returned; a note write, a failed sign-in, a
subscription delivery and a portal client's `mySessions` are recorded; the table never holds a
name, email or note text; entries are chained within seconds; the therapist pages their own
log through `auditEvents` and sees no other practice's."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from persistence.tables.audit import AuditEntryRow
from resolvers import global_ids
from tests.support.app import BACKENDS, break_sqlite_table
from tests.support.booking import booked
from tests.support.calendar import CREATE_CLIENT, SESSIONS, create, practice
from tests.support.live_client import LiveClient
from tests.support.mail import mail_settings
from tests.support.portal import MY_SESSIONS, portal_client

ENTRIES = AuditEntryRow.__table__
NOTE = """mutation($i: WriteSessionNoteInput!) { writeSessionNote(input: $i) { __typename } }"""
SIGN_IN = """mutation($i: SignInInput!) { signIn(input: $i) { token userErrors { code } } }"""
UPDATE = """mutation($i: UpdateSessionInput!) { updateSession(input: $i) { userErrors { code } } }"""
LIVE = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind session { id client { id } } } }"""
EVENTS = """query($first: Int!, $after: String, $clientId: ID, $from: DateTime, $to: DateTime) {
  auditEvents(first: $first, after: $after, clientId: $clientId, from: $from, to: $to) {
    edges { cursor node { at action operation actorKind actorId actorJob requestId clientAddress linked
      subjects { kind id } } }
    pageInfo { hasNextPage endCursor } } }"""


def raw(global_id: str) -> str:
    return str(global_ids.decode(global_id)[1])


async def rows(api, **where) -> list:
    clauses = [getattr(ENTRIES.c, k) == v for k, v in where.items()]
    async with api.runtime.db.read_session() as session:
        return (await session.execute(select(ENTRIES).where(*clauses).order_by(ENTRIES.c.id))).all()


async def table_text(api) -> str:
    """Every audit row of the server's database, as text (what a grep of a dump would see)."""
    return "\n".join(repr(tuple(r)) for r in await rows(api))


def secret() -> dict:
    tag = uuid.uuid4().hex[:8]
    return {"firstName": f"Zebulon{tag}", "lastName": f"Quixote{tag}", "email": f"zq-{tag}@example.com"}


async def test_month_view_records_exactly_the_sessions_and_clients_it_returned(api):
    token, therapist, event_type, ann = await practice(api)
    seeded = secret()
    other = (await api.gql(CREATE_CLIENT, {"i": seeded}, token=token))["createClient"]["client"]["id"]
    made = []
    for client, start in ((ann, "2026-03-03T15:00:00Z"), (other, "2026-03-10T15:00:00Z"),
                          (other, "2026-03-20T15:00:00Z"), (ann, "2026-06-01T15:00:00Z")):
        made.append((await create(api, token, client, event_type, start))["session"]["id"])
    request_id = f"month-{uuid.uuid4().hex}"
    body = await api.post(SESSIONS, {"from": "2026-02-23T00:00:00Z", "to": "2026-04-06T00:00:00Z"},
                          token=token, headers={"X-Request-ID": request_id})
    returned = body["data"]["sessions"]
    assert sorted(s["id"] for s in returned) == sorted(made[:3])

    [entry] = await rows(api, request_id=request_id)
    assert entry.action == "READ" and entry.operation == "query sessions"
    assert entry.actor_kind == "THERAPIST" and str(entry.actor_id) == raw(therapist["id"])
    assert str(entry.practice_id) == raw(therapist["id"])
    assert entry.address == "127.0.0.1"
    expected = {f"session:{raw(s)}" for s in made[:3]} | {f"client:{raw(ann)}", f"client:{raw(other)}"}
    assert set(entry.subjects.split()) == expected  # not the June session

    dump = await table_text(api)
    for value in seeded.values():
        assert value not in dump


async def test_a_note_write_is_a_change_in_its_transaction_without_the_text(api):
    token, therapist, event_type, client = await practice(api)
    session_id = (await create(api, token, client, event_type, "2026-05-05T15:00:00Z"))["session"]["id"]
    text = f"Client disclosed {uuid.uuid4().hex} at intake"
    request_id = f"note-{uuid.uuid4().hex}"
    body = await api.post(NOTE, {"i": {"sessionId": session_id, "text": text}}, token=token,
                          headers={"X-Request-ID": request_id})
    assert not body.get("errors"), body
    [entry] = await rows(api, request_id=request_id, action="CHANGE")
    assert entry.operation == "mutation writeSessionNote"
    assert set(entry.subjects.split()) == {f"session:{raw(session_id)}", f"note:{raw(session_id)}"}
    assert entry.client_ids == raw(client)  # found by the filter on the client
    assert str(entry.practice_id) == raw(therapist["id"])
    assert text not in await table_text(api)


async def test_failed_sign_in_is_recorded_in_the_practice_without_the_email(api):
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    _, therapist = await api.sign_up(email=email)
    request_id = f"signin-{uuid.uuid4().hex}"
    body = await api.post(SIGN_IN, {"i": {"email": email, "password": "not the password"}},
                          headers={"X-Request-ID": request_id})
    assert [e["code"] for e in body["data"]["signIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    [entry] = await rows(api, request_id=request_id)
    assert entry.action == "SIGN_IN_FAILED" and entry.actor_kind == "ANONYMOUS"
    assert str(entry.practice_id) == raw(therapist["id"]) and entry.subjects == ""

    unknown = f"{uuid.uuid4().hex[:8]}@nowhere.example"
    request_id = f"signin-{uuid.uuid4().hex}"
    await api.post(SIGN_IN, {"i": {"email": unknown, "password": "whatever it is"}},
                   headers={"X-Request-ID": request_id})
    [entry] = await rows(api, request_id=request_id)
    assert entry.action == "SIGN_IN_FAILED" and entry.practice_id == uuid.UUID(int=0)

    request_id = f"signin-{uuid.uuid4().hex}"
    await api.post(SIGN_IN, {"i": {"email": email, "password": "correct horse battery"}},
                   headers={"X-Request-ID": request_id})
    [entry] = await rows(api, request_id=request_id)
    assert entry.action == "SIGN_IN" and str(entry.actor_id) == raw(therapist["id"])
    dump = await table_text(api)
    assert email not in dump and unknown not in dump


async def test_each_subscription_delivery_is_a_recorded_read(api):
    token, therapist, event_type, client = await practice(api)
    session_id = (await create(api, token, client, event_type, "2026-07-07T15:00:00Z"))["session"]["id"]
    async with LiveClient(api.base_url, token) as live:
        op = await live.subscribe(LIVE, {"from": "2026-07-01T00:00:00Z", "to": "2026-08-01T00:00:00Z"})
        await asyncio.sleep(0.2)  # subscribed before the change
        for hour in (16, 17):
            await api.gql(UPDATE, {"i": {"sessionId": session_id, "start": f"2026-07-07T{hour}:00:00Z"}},
                          token=token)
            message = await live.next(op)
            assert message["payload"]["data"]["calendarChanged"]["session"]["id"] == session_id
    found = [r for r in await rows(api, practice_id=uuid.UUID(raw(therapist["id"])), action="READ")
             if r.operation == "subscription calendarChanged"]
    assert len(found) == 2  # one per delivery
    for entry in found:
        assert set(entry.subjects.split()) == {f"session:{raw(session_id)}", f"client:{raw(client)}"}
        assert entry.actor_kind == "THERAPIST" and entry.request_id


async def test_entries_are_chained_by_the_linker_within_seconds(api):
    token, therapist, event_type, client = await practice(api)
    request_id = f"link-{uuid.uuid4().hex}"
    await api.post(SESSIONS, {"from": "2026-02-23T00:00:00Z", "to": "2026-04-06T00:00:00Z"},
                   token=token, headers={"X-Request-ID": request_id})
    await create(api, token, client, event_type, "2026-03-03T15:00:00Z")
    practice_id = uuid.UUID(raw(therapist["id"]))
    for _ in range(200):  # the linker runs every COUCHTIME_AUDIT_LINK_SECONDS (2)
        found = await rows(api, practice_id=practice_id)
        if found and all(r.seq is not None for r in found):
            break
        await asyncio.sleep(0.1)
    assert [r.seq for r in found] == list(range(1, len(found) + 1))


async def test_the_therapist_pages_their_own_log_by_client_and_time(api):
    token, therapist, event_type, ann = await practice(api)
    bob = (await api.gql(CREATE_CLIENT, {"i": secret()}, token=token))["createClient"]["client"]["id"]
    ann_session = (await create(api, token, ann, event_type, "2026-04-01T15:00:00Z"))["session"]["id"]
    await create(api, token, bob, event_type, "2026-04-02T15:00:00Z")
    await api.gql(NOTE, {"i": {"sessionId": ann_session, "text": "private"}}, token=token)

    everything = (await api.gql(EVENTS, {"first": 100}, token=token))["auditEvents"]
    assert len(everything["edges"]) >= 4 and not everything["pageInfo"]["hasNextPage"]
    operations = [e["node"]["operation"] for e in everything["edges"]]
    assert operations.index("mutation writeSessionNote") < operations.index("mutation createClient")  # newest first

    about_ann = (await api.gql(EVENTS, {"first": 100, "clientId": ann}, token=token))["auditEvents"]["edges"]
    assert about_ann and all(
        any(s["id"] in (ann, ann_session) for s in e["node"]["subjects"]) for e in about_ann)
    note = next(e["node"] for e in about_ann
                if e["node"]["operation"] == "mutation writeSessionNote" and e["node"]["action"] == "CHANGE")
    assert note["actorKind"] == "THERAPIST" and note["actorId"] == therapist["id"]
    assert {"kind": "NOTE", "id": ann_session} in note["subjects"]

    first = (await api.gql(EVENTS, {"first": 1}, token=token))["auditEvents"]
    assert first["pageInfo"]["hasNextPage"]
    second = (await api.gql(EVENTS, {"first": 1, "after": first["pageInfo"]["endCursor"]}, token=token))
    assert second["auditEvents"]["edges"][0]["node"] == everything["edges"][1]["node"] | {
        "linked": second["auditEvents"]["edges"][0]["node"]["linked"]}

    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await api.gql(EVENTS, {"first": 10, "from": later}, token=token))["auditEvents"]["edges"] == []

    stranger, _ = await api.sign_up()
    theirs = (await api.gql(EVENTS, {"first": 100, "clientId": ann}, token=stranger))["auditEvents"]["edges"]
    assert theirs == []
    bad = await api.post(EVENTS, {"first": 10, "after": "not-a-cursor"}, token=token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    anonymous = await api.post(EVENTS, {"first": 10})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.fixture(scope="module", params=BACKENDS)
async def portal_api(request, start_module_api, smtp):
    """A mail-enabled server of its own: the shared one (`shared_mail_api`) is first started by
    test_notifications.py, whose log checks rely on the app setting the log level when it starts."""
    return await start_module_api(request.param, **mail_settings(smtp))


async def test_a_portal_clients_my_sessions_is_recorded(portal_api, smtp):
    b = await booked(portal_api)
    token = await portal_client(portal_api, smtp, b)
    request_id = f"portal-{uuid.uuid4().hex}"
    body = await portal_api.post(MY_SESSIONS, token=token, headers={"X-Request-ID": request_id})
    assert body["data"]["mySessions"]["upcoming"][0]["id"] == b["session_id"]
    [entry] = await rows(portal_api, request_id=request_id)
    assert entry.action == "READ" and entry.operation == "query mySessions"
    assert entry.actor_kind == "CLIENT" and str(entry.actor_id) == raw(b["client_id"])
    assert str(entry.practice_id) == raw(b["therapist"]["id"])
    assert set(entry.subjects.split()) == {f"session:{raw(b['session_id'])}", f"client:{raw(b['client_id'])}"}
    dump = await table_text(portal_api)
    assert b["client_email"] not in dump and "Ada" not in dump


async def test_a_job_that_emails_about_a_session_is_named_as_its_reader(portal_api, smtp):
    b = await booked(portal_api)  # the booking's email job reads the session and its client
    practice_id = uuid.UUID(raw(b["therapist"]["id"]))
    for _ in range(100):
        jobs = [r for r in await rows(portal_api, practice_id=practice_id) if r.actor_kind == "JOB"]
        if jobs:
            break
        await asyncio.sleep(0.1)
    assert jobs
    for entry in jobs:  # the booking's emails (one job each)
        assert entry.action == "READ" and entry.actor_name == entry.operation and entry.actor_id is None
        assert set(entry.subjects.split()) == {f"session:{raw(b['session_id'])}", f"client:{raw(b['client_id'])}"}
    [booking] = [r for r in await rows(portal_api, practice_id=practice_id, action="CHANGE")
                 if r.operation.startswith("mutation bookSession")]
    assert booking.actor_kind == "ANONYMOUS" and f"client:{raw(b['client_id'])}" in booking.subjects.split()


async def test_a_response_that_cannot_be_audited_is_withheld(start_api):
    api = await start_api("sqlite")
    token, therapist, event_type, client = await practice(api)
    seeded = secret()
    await api.gql(CREATE_CLIENT, {"i": seeded}, token=token)
    path = api.runtime.db.engine.url.database
    await asyncio.to_thread(break_sqlite_table, path, "audit_entries")  # the audit log breaks
    body = await api.post("{ clients(first: 10) { edges { node { firstName email } } } }", token=token)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAVAILABLE"]
    assert seeded["firstName"] not in str(body) and "Traceback" not in str(body)
