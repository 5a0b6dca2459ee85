"""Outlook over the whole path, on SQLite and PostgreSQL: GraphQL mutations → outbox → the
app's in-process worker → msgraph-sdk → a local fake of Microsoft (authorize, token, Graph
/me/events) over real sockets. Nothing reaches the internet.

Connect (PKCE, single-use expiring state), back-fill, create, reschedule, edit, cancel,
uncancel, series occurrences, stopping a series, token refresh (expiry and an early 401), a
revoked grant (disconnected with a readable lastError, the calendar keeps working), and
disconnect.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from couchtime.outlook_routes import CALLBACK_PATH
from tests.fakes.microsoft import FakeMicrosoft
from tests.support.app import BACKENDS
from tests.support.booking import NEW_BOOKINGS, PROFILE, book, slots, therapist_with_hours
from tests.support.calendar import CANCEL, CREATE, RESCHEDULE, UNCANCEL, UPDATE, practice

KEY = Fernet.generate_key().decode()
REDIRECT = "http://localhost:3000/settings/integrations/outlook"  # the web app's page (the default)
COMPLETE = """mutation($i: CompleteOutlookConnectionInput!) { completeOutlookConnection(input: $i) {
  outlook { connected account } userErrors { field code message } } }"""
STATUS = "{ me { integrations { outlook { available connected account connectedAt lastSyncAt lastError } } } }"
CONNECT = "mutation { connectOutlook { authorizeUrl expiresAt userErrors { field code message } } }"
DISCONNECT = "mutation { disconnectOutlook { outlook { connected account lastError } userErrors { code } } }"
SESSIONS = "query($from: DateTime!, $to: DateTime!) { sessions(from: $from, to: $to) { id status } }"
RENAME = """mutation($i: UpdateClientInput!) { updateClient(input: $i) { userErrors { code } } }"""
REJECT = """mutation($i: IntakeInput!) { rejectIntake(input: $i) { userErrors { code } } }"""
STOP = """mutation($i: StopRepeatingInput!) { stopRepeating(input: $i) { removedSessionIds userErrors { code } } }"""


@pytest.fixture(scope="session")
def microsoft():
    fake = FakeMicrosoft().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session", params=BACKENDS)
async def outlook_api(request, start_shared_api, microsoft):
    """An app whose Outlook settings point at the fake, with fast retries."""
    return await start_shared_api(
        request.param, **microsoft.settings(), secret_keys=(KEY,),
        outlook_retry_base_ms=10, outbox_relay_seconds=1,
    )


@pytest.fixture
def api(outlook_api):
    yield outlook_api
    outlook_api.clock.reset()


async def eventually(check: Callable[[], object], *, timeout: float = 15, what: str = "it") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def busy_read_stored(api, token, timeout: float = 60) -> None:
    """Until the busy-time read connecting started has stored its result (a liveness wait)."""
    deadline = time.monotonic() + timeout
    query = "{ me { integrations { outlook { busyTimesSyncedAt } } } }"
    while (await api.gql(query, token=token))["me"]["integrations"]["outlook"]["busyTimesSyncedAt"] is None:
        assert time.monotonic() < deadline, "timed out waiting for the busy-time read"
        await asyncio.sleep(0.05)


async def status(api, token) -> dict:
    return (await api.gql(STATUS, token=token))["me"]["integrations"]["outlook"]


async def sign_in_at_microsoft(api, token) -> tuple[str, httpx.URL]:
    """connectOutlook, then the browser at Microsoft: returns (authorize URL, redirect back)."""
    data = (await api.gql(CONNECT, token=token))["connectOutlook"]
    assert data["userErrors"] == [], data
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(data["authorizeUrl"])
    assert answer.status_code == 302, answer.text
    return data["authorizeUrl"], httpx.URL(answer.headers["location"])


async def complete(api, token, back: httpx.URL) -> str:
    """The web app's Outlook page, where Microsoft sent the browser back: it calls
    completeOutlookConnection with `code`, `state` (and `error`) under the therapist's token.
    Returns "connected" or the user error's code."""
    fields = {k: back.params[k] for k in ("code", "state", "error") if k in back.params}
    fields.setdefault("state", "")
    payload = (await api.gql(COMPLETE, {"i": fields}, token=token))["completeOutlookConnection"]
    if payload["userErrors"]:
        assert payload["outlook"] is None
        return payload["userErrors"][0]["code"]
    assert payload["outlook"]["connected"] is True
    return "connected"


async def connect(api, microsoft, token, account: str | None = None) -> str:
    account = account or f"dr{uuid.uuid4().hex[:8]}@contoso.example"
    microsoft.account = account
    _, back = await sign_in_at_microsoft(api, token)
    assert str(back).startswith(REDIRECT + "?")  # Microsoft sends the browser to the web app
    assert await complete(api, token, back) == "connected"
    return account


def event_of(microsoft, session_id: str, account: str) -> dict | None:
    return microsoft.event_for_session(session_id, account)


async def wait_event(microsoft, session_id, account, check=lambda e: True, what="the Outlook event"):
    return await eventually(lambda: (e := event_of(microsoft, session_id, account)) and check(e) and e,
                            what=what)


async def wait_gone(microsoft, session_id, account):
    await eventually(lambda: event_of(microsoft, session_id, account) is None, what="the event to go")


def future(days: int, hour: int = 15) -> str:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start.isoformat()


# --- connect and disconnect --------------------------------------------------------------------


async def test_connect_with_pkce_and_a_single_use_state(api, microsoft):
    token, _, _, _ = await practice(api)
    before = await status(api, token)
    assert before == {"available": True, "connected": False, "account": None, "connectedAt": None,
                      "lastSyncAt": None, "lastError": None}
    account = f"dr{uuid.uuid4().hex[:8]}@contoso.example"
    microsoft.account = account
    authorize_url, back = await sign_in_at_microsoft(api, token)
    sent = httpx.URL(authorize_url).params
    assert authorize_url.startswith(f"{microsoft.authority}/oauth2/v2.0/authorize?")
    assert sent["client_id"] == microsoft.client_id and sent["redirect_uri"] == REDIRECT
    assert sent["code_challenge_method"] == "S256" and sent["response_type"] == "code"
    assert {"offline_access", "Calendars.ReadWrite"} <= set(sent["scope"].split())
    assert back.params["state"] == sent["state"] and len(sent["state"]) >= 40

    microsoft.reset_log()
    assert await complete(api, token, back) == "connected"
    [exchange] = [r for r in microsoft.token_requests if r["grant_type"] == "authorization_code"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(exchange["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert challenge == sent["code_challenge"]  # the verifier stayed on the server until now
    assert exchange["redirect_uri"] == REDIRECT and exchange["client_secret"] == microsoft.client_secret
    after = await status(api, token)
    assert after["connected"] is True and after["account"] == account and after["connectedAt"]
    assert after["lastError"] is None

    assert await complete(api, token, back) == "INVALID"  # the same state again: refused
    assert await complete(api, token, httpx.URL(f"http://x/?code=abc&state={uuid.uuid4().hex}")) == "INVALID"
    assert (await status(api, token))["connected"] is True


async def test_a_state_expires_after_ten_minutes_and_a_denial_is_reported(api, microsoft):
    token, _, _, _ = await practice(api)
    _, back = await sign_in_at_microsoft(api, token)
    api.clock.advance(timedelta(minutes=11))
    assert await complete(api, token, back) == "INVALID"
    api.clock.reset()

    microsoft.deny_next = True  # the user pressed Cancel at Microsoft
    _, back = await sign_in_at_microsoft(api, token)
    assert back.params["error"] == "access_denied"
    assert await complete(api, token, back) == "OUTLOOK_CONNECT_FAILED"
    assert (await status(api, token))["connected"] is False


async def test_a_connect_link_sent_to_someone_else_cannot_attach_their_calendar(api, microsoft):
    """Issue 13's attack: a therapist sends their connectOutlook link to a victim who is signed
    in at Microsoft. Microsoft sends the victim's browser back to the web app with a code; the
    app completes under the victim's token, and the state (bound to the attacker) refuses it.
    Nothing is exchanged, nobody is connected, no session lands in the victim's calendar."""
    attacker, _, event_type, client = await practice(api)
    victim, _, _, _ = await practice(api)
    made = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": future(3),
                                         "visitType": "TELEHEALTH"}}, token=attacker))["createSession"]["session"]
    victim_account = f"victim{uuid.uuid4().hex[:8]}@contoso.example"
    microsoft.account = victim_account  # whoever opens the link is signed in at Microsoft as the victim
    _, back = await sign_in_at_microsoft(api, attacker)
    microsoft.reset_log()
    assert await complete(api, victim, back) == "INVALID"  # the victim's app, the victim's token
    signed_out = await api.post(COMPLETE, {"i": {"code": back.params["code"], "state": back.params["state"]}})
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # the old API callback connects nothing any more: it only forwards to the app's page
    old = await api.http.get(f"{CALLBACK_PATH}?{back.query.decode()}")
    assert old.status_code == 303 and old.headers["referrer-policy"] == "no-referrer"
    forwarded = httpx.URL(old.headers["location"])
    assert str(forwarded).startswith(REDIRECT + "?") and forwarded.params["state"] == back.params["state"]
    await asyncio.sleep(1.0)
    assert [r for r in microsoft.token_requests if r["grant_type"] == "authorization_code"] == []
    assert (await status(api, attacker))["connected"] is False
    assert (await status(api, victim))["connected"] is False
    assert event_of(microsoft, _raw(made["id"]), victim_account) is None
    # the state was not used up by the refusal: its owner (with a code of their own browser) could
    # still finish; the victim's code is simply never exchanged for the attacker


async def test_connecting_backfills_upcoming_sessions_only(api, microsoft):
    token, _, event_type, client = await practice(api)
    upcoming = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type,
                                             "start": future(3), "visitType": "TELEHEALTH"}}, token=token))["createSession"]["session"]
    past = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type,
                                         "start": future(-3), "visitType": "TELEHEALTH"}}, token=token))["createSession"]["session"]
    cancelled = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type,
                                              "start": future(4), "visitType": "TELEHEALTH"}}, token=token))["createSession"]["session"]
    await api.gql(CANCEL, {"i": {"sessionId": cancelled["id"]}}, token=token)
    await asyncio.sleep(0.5)  # their sync jobs ran and found no connection
    account = await connect(api, microsoft, token)
    event = await wait_event(microsoft, _raw(upcoming["id"]), account, what="the back-filled event")
    assert event["subject"] == "Therapy · A.L."
    await eventually(lambda: microsoft.requests("GET", "/v1.0/me/events"), what="the back-fill lookup")
    assert event_of(microsoft, _raw(past["id"]), account) is None
    assert event_of(microsoft, _raw(cancelled["id"]), account) is None


async def test_disconnect_forgets_the_tokens_at_once(api, microsoft):
    token, _, event_type, client = await practice(api)
    account = await connect(api, microsoft, token)
    # the busy-time read that connecting starts may already hold a token: let it finish first
    # (this test is about what happens after a disconnect, not about a read already under way)
    await busy_read_stored(api, token)
    done = (await api.gql(DISCONNECT, token=token))["disconnectOutlook"]
    assert done == {"outlook": {"connected": False, "account": account, "lastError": None}, "userErrors": []}
    me = await api.gql("{ me { id } }", token=token)
    async with api.runtime.db.read_session() as session:
        stored = (await session.execute(text(
            "SELECT tokens FROM outlook_integrations WHERE account = :a"), {"a": account})).scalar_one()
    assert stored is None and me
    microsoft.reset_log()
    created = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type,
                                            "start": future(5), "visitType": "TELEHEALTH"}}, token=token))["createSession"]
    assert created["userErrors"] == []
    await asyncio.sleep(1.0)
    assert microsoft.requests() == [] and event_of(microsoft, _raw(created["session"]["id"]), account) is None
    again = (await api.gql(DISCONNECT, token=token))["disconnectOutlook"]  # idempotent
    assert again["userErrors"] == [] and again["outlook"]["connected"] is False


async def test_a_server_without_outlook_settings_refuses_with_a_user_error(start_api):
    plain = await start_api("sqlite")  # no client ID, redirect URL or COUCHTIME_SECRET_KEYS
    token, _ = await plain.sign_up()
    refused = (await plain.gql(CONNECT, token=token))["connectOutlook"]
    assert refused["authorizeUrl"] is None and refused["expiresAt"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "OUTLOOK_NOT_CONFIGURED" and "COUCHTIME_SECRET_KEYS" in error["message"]
    assert (await status(plain, token))["available"] is False
    assert await complete(plain, token, httpx.URL("http://x/?code=abc&state=def")) == "OUTLOOK_NOT_CONFIGURED"
    unauthenticated = await plain.post(CONNECT)
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- sync ----------------------------------------------------------------------------------------


async def test_a_session_is_created_patched_deleted_and_created_again_in_outlook(api, microsoft):
    token, _, event_type, client = await practice(api)
    account = await connect(api, microsoft, token)
    start = future(6)
    session = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": start,
                                            "visitType": "TELEHEALTH"}}, token=token))["createSession"]["session"]
    sid = _raw(session["id"])
    event = await wait_event(microsoft, sid, account)
    assert event["subject"] == "Therapy · A.L."  # the event type's title and the client's initials
    assert session["meetingUrl"] in event["body"]["content"] and event["sensitivity"] == "private"
    text = str(event).replace(session["meetingUrl"], "")  # the room link is random: it may spell "Lee"
    assert "Ann" not in text and "Lee" not in text and "ann@example.com" not in str(event)
    assert event["start"] == {"dateTime": start[:19], "timeZone": "UTC"}
    first_id = event["id"]
    # the fake has the event a moment before the job commits its success: wait for that too
    synced_at = None
    for _ in range(300):
        if (synced_at := (await status(api, token))["lastSyncAt"]) is not None:
            break
        await asyncio.sleep(0.05)
    assert synced_at is not None

    moved_to = future(7, hour=17)
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": session["id"], "view": "WEEK", "target": moved_to}},
                           token=token))["rescheduleSession"]
    assert moved["userErrors"] == [], moved
    await wait_event(microsoft, sid, account, lambda e: e["start"]["dateTime"] == moved_to[:19], "the patch")
    assert event_of(microsoft, sid, account)["id"] == first_id

    office = {"street": "1 Quiet Lane", "city": "Springfield", "state": "IL", "zip": "62701"}
    profile = await api.gql(PROFILE, {"input": {"officeAddress": office}}, token=token)
    assert profile["updateProfile"]["userErrors"] == []  # in person needs an office address
    edited = (await api.gql(UPDATE, {"i": {"sessionId": session["id"], "visitType": "IN_PERSON"}},
                            token=token))["updateSession"]
    assert edited["userErrors"] == [], edited
    await wait_event(microsoft, sid, account, lambda e: e["location"]["displayName"] != "Video session",
                     "the in-person patch")
    assert "meet" not in event_of(microsoft, sid, account)["body"]["content"]

    await api.gql(CANCEL, {"i": {"sessionId": session["id"]}}, token=token)
    await wait_gone(microsoft, sid, account)

    await api.gql(UNCANCEL, {"i": {"sessionId": session["id"]}}, token=token)
    again = await wait_event(microsoft, sid, account, what="the event created again")
    assert again["id"] != first_id
    assert len([e for e in microsoft.mailbox(account).values() if e["subject"].startswith("Therapy")]) == 1


async def test_series_occurrences_sync_like_any_session(api, microsoft):
    token, _, event_type, client = await practice(api)
    account = await connect(api, microsoft, token)
    first = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": future(2),
                                          "visitType": "TELEHEALTH", "repeats": "WEEKLY"}}, token=token))["createSession"]
    assert first["userErrors"] == [], first
    now = datetime.now(UTC)
    listed = (await api.gql(SESSIONS, {"from": now.isoformat(), "to": (now + timedelta(days=60)).isoformat()},
                            token=token))["sessions"]
    assert len(listed) >= 8
    await eventually(lambda: all(event_of(microsoft, _raw(s["id"]), account) for s in listed),
                     what="every occurrence in Outlook")
    stopped = (await api.gql(STOP, {"i": {"sessionId": first["session"]["id"]}}, token=token))["stopRepeating"]
    removed = stopped["removedSessionIds"]
    assert stopped["userErrors"] == [] and len(removed) >= 7
    await eventually(lambda: all(event_of(microsoft, _raw(r), account) is None for r in removed),
                     what="removed occurrences gone from Outlook")
    assert first["session"]["id"] in removed  # upcoming and unworked: the first one goes too


async def test_bookings_renames_and_rejected_intakes_reach_outlook(api, microsoft):
    """Changes without a SessionChanged of their own: a public booking, a client renamed, an
    intake rejected (its sessions are deleted with it)."""
    token, therapist, event_type = await therapist_with_hours(api, time_zone="UTC", minutes=50)
    account = await connect(api, microsoft, token)
    now = datetime.now(UTC)
    found = await slots(api, therapist["username"], event_type, now + timedelta(days=1), now + timedelta(days=4))
    booked = await book(api, therapist["username"], event_type, found[0]["start"], first="Zoe", last="Quinn")
    assert booked["userErrors"] == [], booked
    [intake] = (await api.gql(NEW_BOOKINGS, token=token))["newBookings"]
    sid = _raw(intake["sessions"]["nodes"][0]["id"])
    await wait_event(microsoft, sid, account, lambda e: e["subject"] == "Session · Z.Q.", "the booked session")
    renamed = (await api.gql(RENAME, {"i": {"clientId": intake["id"], "lastName": "Rivers"}}, token=token))
    assert renamed["updateClient"]["userErrors"] == []
    await wait_event(microsoft, sid, account, lambda e: e["subject"] == "Session · Z.R.", "the renamed client")
    rejected = (await api.gql(REJECT, {"i": {"clientId": intake["id"]}}, token=token))["rejectIntake"]
    assert rejected["userErrors"] == []
    await wait_gone(microsoft, sid, account)


async def test_an_expired_access_token_is_refreshed(api, microsoft):
    token, _, event_type, client = await practice(api)
    account = await connect(api, microsoft, token)
    microsoft.reset_log()
    api.clock.advance(timedelta(hours=2))  # past the access token's hour
    session = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": future(9),
                                            "visitType": "TELEHEALTH"}}, token=token))["createSession"]["session"]
    await wait_event(microsoft, _raw(session["id"]), account)
    refreshes = [r for r in microsoft.token_requests if r["grant_type"] == "refresh_token"]
    # the Outlook busy-time read (due every 10 minutes, so due after 2 hours) may refresh at the
    # same moment: allowed by design (compare-and-set keeps one set; both stay valid)
    assert 1 <= len(refreshes) <= 2
    [post] = microsoft.requests("POST", "/v1.0/me/events")
    assert post.status == 201 and post.token not in {None, ""}

    microsoft.reset_log()
    microsoft.expire_access_tokens()  # Microsoft refuses the token early (401): refresh once, retry
    await api.gql(RESCHEDULE, {"i": {"sessionId": session["id"], "view": "WEEK", "target": future(10)}}, token=token)
    await eventually(lambda: [r for r in microsoft.requests("PATCH") if r.status == 200], what="the retried patch")
    assert [r.status for r in microsoft.requests("PATCH")] == [401, 200]
    assert {r["grant_type"] for r in microsoft.token_requests} == {"refresh_token"}


async def test_a_revoked_grant_disconnects_and_the_calendar_keeps_working(api, microsoft):
    token, _, event_type, client = await practice(api)
    account = await connect(api, microsoft, token)
    microsoft.revoke(account)
    created = (await api.gql(CREATE, {"i": {"clientId": client, "eventTypeId": event_type, "start": future(11),
                                            "visitType": "TELEHEALTH"}}, token=token))["createSession"]
    assert created["userErrors"] == []  # the change itself never waits for Outlook
    disconnected = {}
    for _ in range(300):
        disconnected = await status(api, token)
        if not disconnected["connected"]:
            break
        await asyncio.sleep(0.05)
    assert disconnected["connected"] is False
    assert "Connect Outlook again" in disconnected["lastError"]
    assert "revoked" in disconnected["lastError"]
    moved = (await api.gql(RESCHEDULE, {"i": {"sessionId": created["session"]["id"], "view": "WEEK",
                                              "target": future(12)}}, token=token))["rescheduleSession"]
    assert moved["userErrors"] == [] and moved["session"]["status"] == "SCHEDULED"
    assert event_of(microsoft, _raw(created["session"]["id"]), account) is None

    microsoft.revoked_accounts.discard(account)  # the user consents again: connecting works
    await connect(api, microsoft, token, account)
    assert (await status(api, token))["lastError"] is None
    await wait_event(microsoft, _raw(created["session"]["id"]), account, what="the back-fill after reconnecting")


def _raw(global_id: str) -> str:
    """The session UUID inside a global ID (Outlook events carry the UUID)."""
    from resolvers.global_ids import decode_as

    return str(decode_as(global_id, "Session"))
