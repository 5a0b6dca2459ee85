"""Webhooks over real HTTP on both backends: a local receiver checks Standard Webhooks signatures
with the `standardwebhooks` library; retries after 500s and timeouts; redelivery; rotation."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from adapters.secrets import FernetBox, new_key
from domain import webhooks as rules
from domain.services.webhooks import enqueue_due, reencrypt_secrets
from resolvers import global_ids
from tests.support.app import BACKENDS
from tests.support.booking import NEW_BOOKINGS, book, booked, slots, therapist_with_hours
from tests.support.calendar import CANCEL
from tests.support.mail import mail_settings, shared_smtp
from tests.support.portal import CANCEL_MINE, portal_client
from tests.support.webhooks import (
    CREATE,
    DELETE,
    DELIVERIES,
    ENDPOINTS,
    REDELIVER,
    ROTATE,
    SLOW,
    Receiver,
    signed_by,
)

REJECT_INTAKE = """mutation($i: IntakeInput!) { rejectIntake(input: $i) { userErrors { field code } } }"""
ALL_EVENTS = [e.name for e in rules.WebhookEvent]
KEY = new_key()  # the apps' COUCHTIME_SECRET_KEYS


@pytest.fixture(scope="module")
async def receiver():
    found = Receiver()
    found.base_url = await found.server.start()
    yield found
    await found.server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
async def hooks_api(request, start_module_api):
    """An app that may call loopback endpoints (the development setting), with a 1 s timeout and
    no scheduler ticks: the tests run the retry job themselves, after moving the clock."""
    api = await start_module_api(request.param, **mail_settings(shared_smtp()), secret_keys=(KEY,),
                                 webhooks_allow_private=True, webhooks_timeout_seconds=1)
    yield api
    api.clock.reset()


@pytest.fixture(autouse=True)
def clock_back(hooks_api):
    """Tests move the clock (retries are due times); each starts from the real time."""
    hooks_api.clock.reset()
    yield


async def endpoint(api, token, url, events=None):
    made = (await api.gql(CREATE, {"i": {"url": url, "events": events or ALL_EVENTS}}, token=token))
    made = made["createWebhookEndpoint"]
    assert made["userErrors"] == [], made
    return made["endpoint"], made["secret"]


async def booking(api, events=None, *, receiver, name):
    """A therapist with a webhook endpoint, and one public booking on their page."""
    token, therapist, event_type = await therapist_with_hours(api)
    hook, secret = await endpoint(api, token, receiver.url(name), events)
    now = api.clock.now()
    free = await slots(api, therapist["username"], event_type, now + timedelta(days=2),
                       now + timedelta(days=9))
    result = await book(api, therapist["username"], event_type, free[0]["start"], email="ada@example.com")
    assert result["userErrors"] == [], result
    return token, hook, secret


async def deliveries(api, token, endpoint_id=None):
    data = await api.gql(DELIVERIES, {"first": 20, "endpoint": endpoint_id}, token=token)
    return [e["node"] for e in data["webhookDeliveries"]["edges"]]


async def delivery_when(api, token, check, timeout=20):
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = await deliveries(api, token)
        if found and check(found[0]):
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"delivery never got there: {found[:1]}")


def fresh(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


async def retry_due(api) -> int:
    """What the scheduler's periodic webhook job does, once."""
    return await enqueue_due(api.runtime.services.uow(), api.clock)


async def test_a_booking_is_posted_signed_with_ids_and_times_only(hooks_api, receiver):
    name = fresh("booked")  # a path of its own: both backends share the receiver
    token, hook, secret = await booking(hooks_api, receiver=receiver, name=name)
    request = (await receiver.wait_for(name))[0]
    # the library's own verification (signature, and a timestamp within 5 minutes of now)
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == "booking.created"
    assert set(body["data"]) == {"sessionId", "clientId", "eventTypeId", "start", "end"}
    for personal in ("ada@example.com", "Ada", "Lovelace", "555"):
        assert personal not in request.body
    with pytest.raises(WebhookVerificationError):
        Webhook(rules.new_secret()).verify(request.body, request.headers)
    done = await delivery_when(hooks_api, token, lambda d: d["status"] == "SUCCEEDED")
    assert (done["attempts"], done["lastResponseCode"], done["event"]) == (1, 200, "BOOKING_CREATED")
    assert done["messageId"] == request.headers["webhook-id"] and done["nextAttemptAt"] is None
    assert done["endpointId"] == hook["id"]


async def test_only_chosen_events_and_who_cancelled(hooks_api, receiver):
    name = fresh("cancels")  # a path of its own: both backends share the receiver
    token, _, secret = await booking(hooks_api, ["SESSION_CANCELLED"], receiver=receiver, name=name)
    await asyncio.sleep(1)
    assert receiver.received[name] == [] and await deliveries(hooks_api, token) == []  # not chosen
    intake = (await hooks_api.gql(NEW_BOOKINGS, token=token))["newBookings"][0]
    session = intake["sessions"]["nodes"][0]["id"]
    cancelled = await hooks_api.gql(CANCEL, {"i": {"sessionId": session}}, token=token)
    assert cancelled["cancelSession"]["userErrors"] == []
    request = (await receiver.wait_for(name))[0]
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == "session.cancelled" and body["data"]["cancelledBy"] == "THERAPIST"


async def test_a_client_cancelling_in_the_portal_is_told_apart(hooks_api, receiver, smtp):
    name = fresh("portal")
    b = await booked(hooks_api)
    _, secret = await endpoint(hooks_api, b["token"], receiver.url(name), ["SESSION_CANCELLED"])
    portal_token = await portal_client(hooks_api, smtp, b)
    done = await hooks_api.gql(CANCEL_MINE, {"input": {"sessionId": b["session_id"]}}, token=portal_token)
    assert done["cancelMySession"]["userErrors"] == []
    [request] = await receiver.wait_for(name)
    data = Webhook(secret).verify(request.body, request.headers)["data"]
    assert data["cancelledBy"] == "CLIENT"
    assert str(global_ids.decode_as(b["session_id"], "Session")) == data["sessionId"]


async def test_intake_decisions_are_sent(hooks_api, receiver):
    name = fresh("intake")
    token, _, secret = await booking(hooks_api, ["INTAKE_REJECTED", "INTAKE_ACCEPTED"], receiver=receiver,
                                     name=name)
    intake = (await hooks_api.gql(NEW_BOOKINGS, token=token))["newBookings"][0]
    rejected = await hooks_api.gql(REJECT_INTAKE, {"i": {"clientId": intake["id"]}}, token=token)
    assert rejected["rejectIntake"]["userErrors"] == []
    [request] = await receiver.wait_for(name)
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == "intake.rejected" and set(body["data"]) == {"clientId"}


async def test_a_500_is_retried_with_the_same_webhook_id(hooks_api, receiver):
    name = fresh("flaky")  # a path of its own: both backends share the receiver
    hooks_api.clock.set(datetime.now(UTC), frozen=True)  # "not due yet" must not depend on load
    receiver.answers[name].extend([500])
    token, _, secret = await booking(hooks_api, receiver=receiver, name=name)
    first = (await receiver.wait_for(name))[0]
    failed = await delivery_when(hooks_api, token, lambda d: d["status"] == "RETRYING")
    assert (failed["attempts"], failed["lastResponseCode"]) == (1, 500)
    due = datetime.fromisoformat(failed["nextAttemptAt"]) - datetime.fromisoformat(failed["lastAttemptAt"])
    assert timedelta(seconds=4) < due < timedelta(seconds=7)  # the schedule's first step: 5 s
    assert await retry_due(hooks_api) == 0  # not due yet
    hooks_api.clock.advance(timedelta(seconds=6))
    assert await retry_due(hooks_api) >= 1
    second = (await receiver.wait_for(name, 2))[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert second.body == first.body and signed_by(secret, second)
    done = await delivery_when(hooks_api, token, lambda d: d["status"] == "SUCCEEDED")
    assert (done["attempts"], done["lastResponseCode"]) == (2, 200)


async def test_a_timeout_is_a_failed_attempt(hooks_api, receiver):
    name = fresh("slow")  # a path of its own: both backends share the receiver
    receiver.answers[name].extend([SLOW])
    token, _, _ = await booking(hooks_api, receiver=receiver, name=name)
    failed = await delivery_when(hooks_api, token, lambda d: d["status"] == "RETRYING")
    assert (failed["attempts"], failed["lastResponseCode"]) == (1, None)


async def test_gives_up_after_a_day_then_redelivers_on_demand(hooks_api, receiver):
    name = fresh("down")  # a path of its own: both backends share the receiver
    attempts = len(rules.RETRY_AFTER) + 1
    receiver.answers[name].extend([503] * attempts)
    token, _, secret = await booking(hooks_api, receiver=receiver, name=name)
    await receiver.wait_for(name)
    for step, wait in enumerate(rules.RETRY_AFTER, start=1):
        await delivery_when(hooks_api, token,
                            lambda d, n=step: d["attempts"] == n and d["status"] == "RETRYING")
        hooks_api.clock.advance(wait + timedelta(seconds=1))
        assert await retry_due(hooks_api) >= 1
        await receiver.wait_for(name, step + 1)
    failed = await delivery_when(hooks_api, token, lambda d: d["status"] == "FAILED")
    assert (failed["attempts"], failed["lastResponseCode"], failed["nextAttemptAt"]) == (attempts, 503, None)
    assert sum(rules.RETRY_AFTER, timedelta()) > timedelta(days=1)
    hooks_api.clock.advance(timedelta(days=1))
    assert await retry_due(hooks_api) == 0  # nothing more by itself
    again = (await hooks_api.gql(REDELIVER, {"i": {"deliveryId": failed["id"]}},
                                 token=token))["redeliverWebhook"]
    assert again["userErrors"] == [] and again["delivery"]["status"] == "PENDING"
    requests = await receiver.wait_for(name, attempts + 1)
    assert len({r.headers["webhook-id"] for r in requests}) == 1  # one message, many attempts
    assert signed_by(secret, requests[-1])
    done = await delivery_when(hooks_api, token, lambda d: d["status"] == "SUCCEEDED")
    assert done["attempts"] == attempts + 1


async def test_rotation_signs_with_both_secrets_for_a_day(hooks_api, receiver):
    name = fresh("rotate")  # a path of its own: both backends share the receiver
    token, hook, old = await booking(hooks_api, receiver=receiver, name=name)
    await receiver.wait_for(name)
    rotated = (await hooks_api.gql(ROTATE, {"i": {"endpointId": hook["id"]}},
                                   token=token))["rotateWebhookSecret"]
    assert rotated["userErrors"] == [] and rotated["secret"] != old
    new = rotated["secret"]
    first = (await deliveries(hooks_api, token))[0]
    await hooks_api.gql(REDELIVER, {"i": {"deliveryId": first["id"]}}, token=token)
    during = (await receiver.wait_for(name, 2))[1]
    assert Webhook(new).verify(during.body, during.headers)
    assert Webhook(old).verify(during.body, during.headers)
    hooks_api.clock.advance(timedelta(hours=25))
    await hooks_api.gql(REDELIVER, {"i": {"deliveryId": first["id"]}}, token=token)
    after = (await receiver.wait_for(name, 3))[2]
    assert signed_by(new, after) and not signed_by(old, after)


async def test_another_therapist_sees_and_touches_nothing(hooks_api, receiver):
    name = fresh("mine")  # a path of its own: both backends share the receiver
    token, hook, _ = await booking(hooks_api, receiver=receiver, name=name)
    delivery = await delivery_when(hooks_api, token, lambda d: d["status"] == "SUCCEEDED")
    other, _ = await hooks_api.sign_up()
    assert (await hooks_api.gql(ENDPOINTS, token=other))["webhookEndpoints"] == []
    assert await deliveries(hooks_api, other) == []
    for document, variables, name in (
        (ROTATE, {"endpointId": hook["id"]}, "rotateWebhookSecret"),
        (DELETE, {"endpointId": hook["id"]}, "deleteWebhookEndpoint"),
        (REDELIVER, {"deliveryId": delivery["id"]}, "redeliverWebhook"),
    ):
        payload = (await hooks_api.gql(document, {"i": variables}, token=other))[name]
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"], payload
    deleted = (await hooks_api.gql(DELETE, {"i": {"endpointId": hook["id"]}},
                                   token=token))["deleteWebhookEndpoint"]
    assert deleted["deletedEndpointId"] == hook["id"]
    assert (await hooks_api.gql(ENDPOINTS, token=token))["webhookEndpoints"] == []
    assert await deliveries(hooks_api, token) == []


@pytest.mark.parametrize(("url", "events", "code"), [
    ("ftp://example.com/hook", ["BOOKING_CREATED"], "INVALID"),
    ("https://user:pw@example.com/hook", ["BOOKING_CREATED"], "INVALID"),
    ("not a url", ["BOOKING_CREATED"], "INVALID"),
    ("https://example.com/" + "x" * 2000, ["BOOKING_CREATED"], "TOO_LONG"),
    ("https://example.com/hook", [], "REQUIRED"),
])
async def test_bad_endpoints_are_user_errors(hooks_api, url, events, code):
    token, _ = await hooks_api.sign_up()
    payload = (await hooks_api.gql(CREATE, {"i": {"url": url, "events": events}}, token=token))
    payload = payload["createWebhookEndpoint"]
    assert [e["code"] for e in payload["userErrors"]] == [code] and payload["secret"] is None
    assert (await hooks_api.gql(ENDPOINTS, token=token))["webhookEndpoints"] == []


async def test_secrets_are_encrypted_at_rest_and_follow_a_key_rotation(hooks_api, receiver):
    token, _ = await hooks_api.sign_up()
    _, secret = await endpoint(hooks_api, token, receiver.url(fresh("keys")))
    uow = hooks_api.runtime.services.uow

    async def stored() -> str:
        async with uow() as reading:
            every = await reading.webhooks.all_endpoints()
        found = [e.sealed_secret for e in every
                 if FernetBox([KEY, new]).decrypt(e.sealed_secret) == secret.encode()]
        assert len(found) == 1
        return found[0]

    new = new_key()
    assert secret not in await stored()  # never in the clear
    done, unreadable = await reencrypt_secrets(uow, FernetBox([new, KEY]))
    assert done >= 1 and unreadable == 0
    assert FernetBox([new]).decrypt(await stored()) == secret.encode()  # the new key alone opens it
    await reencrypt_secrets(uow, FernetBox([KEY, new]))  # back, for the app (it holds KEY only)
    assert FernetBox([KEY]).decrypt(await stored()) == secret.encode()


@pytest.fixture(scope="module", params=BACKENDS)
async def strict_api(request, start_module_api):
    """Private addresses not allowed: what production does (which also needs SMTP and keys)."""
    return await start_module_api(request.param, secret_keys=(KEY,), scheduler_tick_seconds=0)


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://localhost:8443/hook", "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook", "https://10.0.0.7/hook", "https://[::ffff:192.168.1.1]/hook",
])
async def test_private_addresses_are_refused(strict_api, url):
    token, _ = await strict_api.sign_up()
    payload = (await strict_api.gql(CREATE, {"i": {"url": url, "events": ALL_EVENTS}}, token=token))
    payload = payload["createWebhookEndpoint"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["url"], "PRIVATE_ADDRESS")]
    plain = (await strict_api.gql(CREATE, {"i": {"url": "http://hooks.example.com/x", "events": ALL_EVENTS}},
                                  token=token))["createWebhookEndpoint"]
    assert [e["code"] for e in plain["userErrors"]] == ["INVALID"]  # https only
    assert (await strict_api.gql(ENDPOINTS, token=token))["webhookEndpoints"] == []


async def test_no_secret_keys_no_webhooks(api):
    token, _ = await api.sign_up()
    payload = (await api.gql(CREATE, {"i": {"url": "https://hooks.example.com/x", "events": ALL_EVENTS}},
                             token=token))["createWebhookEndpoint"]
    assert [e["code"] for e in payload["userErrors"]] == ["WEBHOOKS_NOT_CONFIGURED"]


async def test_webhooks_need_a_therapist(hooks_api):
    body = await hooks_api.post(ENDPOINTS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
