"""Opaque connection cursors that carry no personal data.

A cursor is `base64url("<list>:<id>")`: the kind of list it belongs to and the ID of the item it
points at (a UUID, or an audit row number) — never a name, email, time or other field of the
item. Where a list is ordered by such a field (clients by last name, first name, id; a client's
sessions by start, id), the resolver looks the item up by its ID server-side, scoped to the
caller, to rebuild the keyset position. So a cursor logged by a proxy or put in a URL reveals
only an opaque ID, which is no use without the owner's token.

Consequences (README, "Cursors"): a cursor whose item has since gone (a client merged or
rejected, a session deleted) or belongs to another practice is a BAD_REQUEST error — start
again from the first page; an item renamed or moved between pages is found at its new place
(items between its old and new place may be skipped or repeated once).
"""

from __future__ import annotations

import base64
import binascii

from resolvers.errors import ApiError, bad_request

CLIENTS = "client"
SESSIONS = "session"
AUDIT = "audit"


def encode(kind: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str) -> str:
    """The key of a cursor of this kind of list; BAD_REQUEST when it is not one."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        found, _, key = raw.decode().partition(":")
    except (binascii.Error, ValueError, UnicodeError):
        raise not_from_this_list() from None
    if found != kind or not key:
        raise not_from_this_list()
    return key


def not_from_this_list() -> ApiError:
    return bad_request("`after` is not a cursor from this list, or its item is gone: start from "
                       "the first page.")
