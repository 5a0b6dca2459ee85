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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("couchtime.persisted")

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
BAD_REQUEST = "BAD_REQUEST"
OTHER_OPERATION = "other"  # the metrics label of every operation not named by the manifest
MAX_STORED_DOCUMENT = 64 * 1024  # characters; a longer document still runs but is not stored
OPERATION_SCOPE_KEY = "couchtime.operation"  # the manifest's operation name (metrics label)

_HASH = re.compile(r"[0-9a-f]{64}")
_OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
LEGACY_JSON = "application/json"
_MAX_ACCEPT_ENTRIES = 32  # a longer Accept header is read up to here


def response_media(accept: str) -> str:
    """The media type of a `/graphql` answer, from the request's Accept header (GraphQL over
    HTTP): `application/graphql-response+json` when the client lists it (highest q wins; on a
    tie it is preferred), else `application/json` — also for no Accept, `*/*`, `application/*`
    or only unsupported types (the spec's rules for legacy clients: never 406)."""
    best, best_q = LEGACY_JSON, -1.0
    for entry in accept.split(",", _MAX_ACCEPT_ENTRIES)[:_MAX_ACCEPT_ENTRIES]:
        media, _, params = entry.partition(";")
        media = media.strip().lower()
        if media not in (GRAPHQL_RESPONSE_JSON, LEGACY_JSON):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if q > 0 and (q > best_q or (q == best_q and media == GRAPHQL_RESPONSE_JSON)):
            best, best_q = media, q
    return best


def scope_media(scope: Scope) -> str:
    accept = b",".join(value for name, value in scope.get("headers") or [] if name == b"accept")
    return response_media(accept.decode("latin-1"))


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class ManifestError(ValueError):
    """A manifest we refuse to load (the message names the entry, never a document)."""


@dataclass(frozen=True)
class Manifest:
    """Trusted documents: hash → document text, and each document's operation names."""

    documents: Mapping[str, str]
    names: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_documents(cls, documents: Mapping[str, str]) -> Manifest:
        for key, document in documents.items():
            if not isinstance(key, str) or not _HASH.fullmatch(key):
                raise ManifestError(f"manifest key {str(key)[:80]!r} is not a lower-case SHA-256 hex hash")
            if not isinstance(document, str) or sha256_hex(document) != key:
                raise ManifestError(f"manifest entry {key}: the hash is not the SHA-256 of its document")
        return cls(dict(documents), {key: operation_names(doc) for key, doc in documents.items()})

    @classmethod
    def parse(cls, data: Any) -> Manifest:
        """Either a JSON object of hash → document (graphql-codegen's `persisted-documents.json`,
        urql, Relay) or Apollo's `persisted-query-manifest.json`
        (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}`)."""
        if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
            operations = data.get("operations")
            if not isinstance(operations, list):
                raise ManifestError("an Apollo manifest needs an `operations` list")
            documents: dict[str, str] = {}
            for position, op in enumerate(operations):
                if not isinstance(op, dict) or not isinstance(op.get("id"), str):
                    raise ManifestError(f"operation {position} of the Apollo manifest has no `id`")
                documents[op["id"]] = op.get("body")  # type: ignore[assignment]  # checked below
            return cls.from_documents(documents)
        if not isinstance(data, dict):
            raise ManifestError("a manifest is a JSON object of SHA-256 hash → document")
        return cls.from_documents(data)

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ManifestError(f"cannot read the manifest {path} ({exc.strerror})") from None
        except ValueError:
            raise ManifestError(f"the manifest {path} is not JSON") from None
        return cls.parse(data)

    def merged(self, other: Manifest) -> Manifest:
        return Manifest.from_documents({**self.documents, **other.documents})

    def save(self, path: str | Path) -> None:
        """Written atomically (a temporary file renamed over the old one)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(dict(sorted(self.documents.items())), f, indent=1)
            f.write("\n")
        os.replace(tmp, target)

    def operation_label(self, key: str, operation_name: object) -> str:
        names = self.names.get(key, ())
        if isinstance(operation_name, str) and operation_name in names:
            return operation_name
        return names[0] if len(names) == 1 and not operation_name else OTHER_OPERATION


def operation_names(document: str) -> tuple[str, ...]:
    """The named operations of a document, found without a GraphQL parser (the label of a
    trusted document; a name inside a string or comment could only add a label that the
    manifest itself holds)."""
    return tuple(dict.fromkeys(name for _, name in _OPERATION.findall(document)))


class DocumentStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, document: str) -> None: ...


class MemoryDocuments:
    """An LRU of at most `max_entries` documents (one process; the embedded default)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[str, str] = OrderedDict()

    async def get(self, key: str) -> str | None:
        document = self._items.get(key)
        if document is not None:
            self._items.move_to_end(key)
        return document

    async def put(self, key: str, document: str) -> None:
        self._items[key] = document
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class RedisDocuments:
    """Shared by every API process; each read renews the entry's TTL (unused ones expire)."""

    def __init__(self, redis, *, prefix: str, ttl_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl_seconds

    async def get(self, key: str) -> str | None:
        value = await self.redis.getex(self.prefix + key, ex=self.ttl)
        return value.decode("utf-8") if value is not None else None

    async def put(self, key: str, document: str) -> None:
        await self.redis.set(self.prefix + key, document.encode("utf-8"), ex=self.ttl)


class Refusal(Exception):
    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Resolved:
    query: str | None  # the document to run; None = leave the request as it is
    label: str = OTHER_OPERATION


class PersistedOperations:
    """The policy, shared by the HTTP and websocket wrappers."""

    def __init__(self, store: DocumentStore | None, manifest: Manifest | None) -> None:
        self.store = store  # None = APQ off
        self.manifest = manifest  # None = any document may run

    @property
    def trusted_only(self) -> bool:
        return self.manifest is not None

    async def resolve(self, request: Mapping[str, Any]) -> Resolved:
        query = request.get("query")
        key = self._requested_hash(request)
        if query is not None and not isinstance(query, str):
            raise Refusal(BAD_REQUEST, "`query` must be a string", 400)
        if self.manifest is not None:
            if key is None:
                if query is None:
                    return Resolved(None)  # no operation at all: Strawberry answers that
                key = sha256_hex(query)
            elif query is not None and sha256_hex(query) != key:
                raise Refusal(HASH_MISMATCH, "provided sha does not match query", 400)
            document = self.manifest.documents.get(key)
            if document is None:
                raise Refusal(NOT_IN_LIST, "PersistedQueryNotInList: only the operations of the "
                              "apps' manifest run on this server")
            return Resolved(document, self.manifest.operation_label(key, request.get("operationName")))
        if key is None:
            return Resolved(None)
        if self.store is None:
            raise Refusal(NOT_SUPPORTED, "PersistedQueryNotSupported")
        if query is None:
            document = await self._get(key)
            if document is None:
                raise Refusal(NOT_FOUND, "PersistedQueryNotFound")
            return Resolved(document)
        if sha256_hex(query) != key:
            raise Refusal(HASH_MISMATCH, "provided sha does not match query", 400)
        if len(query) <= MAX_STORED_DOCUMENT:
            await self._put(key, query)
        return Resolved(None)

    @staticmethod
    def _requested_hash(request: Mapping[str, Any]) -> str | None:
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is not None:
            if not isinstance(persisted, dict) or persisted.get("version") != 1:
                raise Refusal(BAD_REQUEST, "persistedQuery: only version 1 is supported", 400)
            key = persisted.get("sha256Hash")
        elif request.get("documentId") is not None:  # the trusted-documents proposal
            key = request["documentId"]
            key = key.removeprefix("sha256:") if isinstance(key, str) else key
        else:
            return None
        if not isinstance(key, str) or not _HASH.fullmatch(key):
            raise Refusal(BAD_REQUEST, "persistedQuery: sha256Hash must be 64 lower-case hex digits", 400)
        return key

    async def _get(self, key: str) -> str | None:
        try:
            return await self.store.get(key)  # type: ignore[union-attr]
        except Exception:  # a store outage makes clients send the document
            log.warning("the persisted-query store failed on a read", exc_info=True)
            return None

    async def _put(self, key: str, document: str) -> None:
        try:
            await self.store.put(key, document)  # type: ignore[union-attr]
        except Exception:  # the operation still runs; the next request retries
            log.warning("the persisted-query store failed on a write", exc_info=True)


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


def build_policy(*, store: DocumentStore | None, manifest_path: str) -> PersistedOperations:
    manifest = Manifest.load(manifest_path) if manifest_path else None
    if manifest is not None:
        log.info("trusted-documents mode: %d operations in the manifest", len(manifest.documents))
    return PersistedOperations(store, manifest)


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
