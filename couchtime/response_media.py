"""The media type of a `/graphql` answer (GraphQL over HTTP): one rule for Strawberry's answers
(couchtime/app.py) and the refusals the persisted-operation wrappers send (couchtime/persisted.py)."""

from __future__ import annotations

from starlette.types import Scope

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
