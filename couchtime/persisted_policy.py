"""What a persisted-operation request becomes: APQ (a hash stands for a stored document) and
trusted-documents mode (only the manifest's documents run), decided without parsing GraphQL.
The ASGI wrappers that apply it to HTTP and websockets are in couchtime/persisted.py."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from couchtime.trusted_documents import HASH_PATTERN, OTHER_OPERATION, Manifest, sha256_hex

log = logging.getLogger("couchtime.persisted")

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
BAD_REQUEST = "BAD_REQUEST"
MAX_STORED_DOCUMENT = 64 * 1024  # characters; a longer document still runs but is not stored


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
        if not isinstance(key, str) or not HASH_PATTERN.fullmatch(key):
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


def build_policy(*, store: DocumentStore | None, manifest_path: str) -> PersistedOperations:
    manifest = Manifest.load(manifest_path) if manifest_path else None
    if manifest is not None:
        log.info("trusted-documents mode: %d operations in the manifest", len(manifest.documents))
    return PersistedOperations(store, manifest)
