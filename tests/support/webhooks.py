"""A webhook receiver on loopback (Starlette under uvicorn, real HTTP) whose answers each test
scripts per path, and the GraphQL documents the webhook tests use."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.app import LiveServer

SLOW = "slow"  # an answer that comes after the sender's timeout


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: str


class Receiver:
    def __init__(self) -> None:
        self.received: dict[str, list[Received]] = defaultdict(list)
        self.answers: dict[str, deque] = defaultdict(deque)  # per path: status codes or SLOW; then 200
        self.server = LiveServer(Starlette(routes=[Route("/hook/{name}", self.hook, methods=["POST"])]))
        self.base_url = ""

    async def hook(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = (await request.body()).decode()
        self.received[name].append(Received({k.lower(): v for k, v in request.headers.items()}, body))
        answer = self.answers[name].popleft() if self.answers[name] else 200
        if answer == SLOW:
            await asyncio.sleep(3)
            answer = 200
        return Response(status_code=answer)

    def url(self, name: str) -> str:
        return f"{self.base_url}/hook/{name}"

    async def wait_for(self, name: str, count: int = 1, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received[name]) >= count:
                return self.received[name]
            await asyncio.sleep(0.05)
        raise AssertionError(f"{name}: {len(self.received[name])} of {count} webhook requests arrived")


def signed_by(secret: str, request: Received) -> bool:
    """Whether one of the request's signatures is the secret's, per the standardwebhooks
    library (without its check that the timestamp is within 5 minutes of the real time, which
    tests that move the clock cannot meet)."""
    at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(request.headers["webhook-id"], at, request.body)
    return expected in request.headers["webhook-signature"].split(" ")


CREATE = """mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  endpoint { id url events } secret userErrors { field code } } }"""
ROTATE = """mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) {
  endpoint { id previousSecretValidUntil } secret userErrors { field code } } }"""
DELETE = """mutation($i: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $i) {
  deletedEndpointId userErrors { field code } } }"""
REDELIVER = """mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) {
  delivery { id status } userErrors { field code } } }"""
ENDPOINTS = "{ webhookEndpoints { id url events } }"
DELIVERIES = """query($first: Int!, $endpoint: ID) { webhookDeliveries(first: $first, endpointId: $endpoint) {
  edges { cursor node { id endpointId messageId event payload status attempts lastResponseCode
    lastAttemptAt nextAttemptAt } }
  pageInfo { hasNextPage endCursor } } }"""
