"""Persisted operations: Apollo's automatic persisted queries (APQ) and trusted documents.

Both sit in front of Strawberry as ASGI wrappers of `/graphql`, so nothing here parses GraphQL:

- APQ: a request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": H}`.
  Hash only: the stored document runs, or the answer is `PERSISTED_QUERY_NOT_FOUND` (the code
  Apollo's and urql's clients react to by sending the hash with the document). Hash and
  document: the hash is checked (SHA-256 of the document, lower-case hex) and the document
  stored. GET works the same way (`extensions` as a URL parameter), so a query can be a short,
  cacheable URL. Stored in Redis (a sliding TTL) when configured, else in an LRU in memory.
- Trusted documents: with `COUCHTIME_TRUSTED_DOCUMENTS` naming a manifest file, only the
  operations in it run. A request names one by hash (APQ extension, or `documentId`) or sends
  its exact text; anything else is refused with `PERSISTED_QUERY_NOT_IN_LIST` before any
  parsing. APQ registration is off in this mode (a client cannot add documents).

Every response to a request with an `Authorization` header is `Cache-Control: no-store`.

This module holds the ASGI wrappers; the policy they apply is `couchtime/persisted_policy.py`, the
manifest `couchtime/trusted_documents.py`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from couchtime.persisted_policy import (
    BAD_REQUEST,
    NOT_IN_LIST,
    DocumentStore,
    MemoryDocuments,
    PersistedOperations,
    RedisDocuments,
    Refusal,
    Resolved,
    build_policy,
)
from couchtime.response_media import GRAPHQL_RESPONSE_JSON, scope_media
from couchtime.trusted_documents import OTHER_OPERATION

OPERATION_SCOPE_KEY = "couchtime.operation"  # the manifest's operation name (metrics label)


def _error_body(refusal: Refusal) -> dict:
    return {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}


class PersistedHttp:
    """ASGI wrapper of the `/graphql` HTTP endpoint: resolves hashes to documents (the request
    reaches Strawberry as if the client had sent the text), refuses what the policy refuses,
    and marks responses to requests with a token `no-store`."""

    def __init__(self, app: ASGIApp, policy: PersistedOperations) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(name == b"authorization" for name, _ in scope["headers"]):
            send = _no_store(send)
        if scope["method"] == "GET":
            await self._get(scope, receive, send)
        elif scope["method"] == "POST":
            await self._post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("query_string", b"")
        if not self.policy.trusted_only and b"extensions" not in raw and b"documentId" not in raw:
            await self.app(scope, receive, send)
            return
        params = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
        request: dict[str, Any] = dict(params)
        if "extensions" in params:
            try:
                request["extensions"] = json.loads(params["extensions"])
            except ValueError:
                await self._refuse(scope, send, Refusal(BAD_REQUEST, "`extensions` is not JSON", 400))
                return
        resolved = await self._resolve(scope, send, request)
        if resolved is None:
            return
        if resolved.query is not None:
            params["query"] = resolved.query
            params.pop("documentId", None)
            scope["query_string"] = urlencode(params).encode("latin-1")
        scope[OPERATION_SCOPE_KEY] = resolved.label
        await self.app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.policy.trusted_only:
            # the common case costs one look at the body, no JSON parsing
            body = await _read_body(receive)
            if b"persistedQuery" not in body and b"documentId" not in body:
                await self.app(scope, _replay(body, receive), send)
                return
        else:
            body = await _read_body(receive)
        content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
        try:
            request = json.loads(body) if content_type == b"application/json" else None
        except ValueError:
            request = None
        if not isinstance(request, dict):
            if self.policy.trusted_only:
                await self._refuse(scope, send, Refusal(
                    NOT_IN_LIST, "PersistedQueryNotInList: send a JSON object naming a trusted document"))
            else:
                await self.app(scope, _replay(body, receive), send)  # Strawberry says why
            return
        resolved = await self._resolve(scope, send, request)
        if resolved is None:
            return
        scope[OPERATION_SCOPE_KEY] = resolved.label
        if resolved.query is not None:
            request["query"] = resolved.query
            request.pop("documentId", None)
            body = json.dumps(request).encode("utf-8")
        await self.app(scope, _replay(body, receive), send)

    async def _resolve(self, scope: Scope, send: Send, request: dict) -> Resolved | None:
        try:
            return await self.policy.resolve(request)
        except Refusal as refusal:
            await self._refuse(scope, send, refusal)
            return None

    @staticmethod
    async def _refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
        media = scope_media(scope)  # the same rules as CouchtimeGraphQL's answers
        status = 400 if media == GRAPHQL_RESPONSE_JSON else refusal.status  # a request error
        body = json.dumps(_error_body(refusal)).encode()
        scope[OPERATION_SCOPE_KEY] = OTHER_OPERATION
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", media.encode()), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),  # a later registration must not meet a cached miss
        ]})
        await send({"type": "http.response.body", "body": body})


class TrustedWebSocket:
    """ASGI wrapper of `/graphql` websockets in trusted-documents mode: each `subscribe`
    (`start` in the legacy protocol) must name or carry a manifest document; others get an
    `error` message for that operation id, and the socket stays open."""

    def __init__(self, app: ASGIApp, policy: PersistedOperations) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def checked_receive() -> Message:
            while True:
                message = await receive()
                text = message.get("text") if message["type"] == "websocket.receive" else None
                if not text or ('"subscribe"' not in text and '"start"' not in text):
                    return message
                try:
                    frame = json.loads(text)
                except ValueError:
                    return message
                if not isinstance(frame, dict) or frame.get("type") not in ("subscribe", "start") \
                        or not isinstance(frame.get("payload"), dict):
                    return message
                try:
                    resolved = await self.policy.resolve(frame["payload"])
                    if resolved.query is None:
                        raise Refusal(NOT_IN_LIST, "PersistedQueryNotInList")
                except Refusal as refusal:
                    errors = _error_body(refusal)["errors"]
                    payload = errors if frame["type"] == "subscribe" else errors[0]
                    await send({"type": "websocket.send", "text": json.dumps(
                        {"id": frame.get("id"), "type": "error", "payload": payload})})
                    continue
                frame["payload"]["query"] = resolved.query
                return {"type": "websocket.receive", "text": json.dumps(frame)}

        await self.app(scope, checked_receive, send)


async def _read_body(receive: Receive) -> bytes:
    """The whole request body (what the client sent before a disconnect)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _no_store(send: Send) -> Send:
    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
            message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
        await send(message)

    return send_no_store


def wrap_graphql(graphql_app: ASGIApp, *, settings, redis) -> tuple[ASGIApp, ASGIApp]:
    """(HTTP app, websocket app) of `/graphql` with the settings' persisted-operation policy.
    Websockets pass through untouched unless trusted-documents mode is on."""
    store: DocumentStore | None = None
    if settings.persisted_queries and not settings.trusted_documents:
        store = (RedisDocuments(redis, prefix=settings.persisted_queries_prefix,
                                ttl_seconds=settings.persisted_queries_ttl_seconds)
                 if redis is not None else MemoryDocuments(settings.persisted_queries_max))
    policy = build_policy(store=store, manifest_path=settings.trusted_documents)
    live = TrustedWebSocket(graphql_app, policy) if policy.trusted_only else graphql_app
    return PersistedHttp(graphql_app, policy), live
