"""Relay global IDs: base64url("Type:uuid"), opaque to clients and unguessable (UUID4)."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from uuid import UUID


@lru_cache(maxsize=16_384)  # a month view encodes ~220 IDs, the same ones on every refresh
def encode(type_name: str, raw_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode().rstrip("=")


def decode(global_id: str) -> tuple[str, UUID] | None:
    """(type name, UUID), or None for anything that is not one of our IDs."""
    if not isinstance(global_id, str) or len(global_id) > 200:
        return None
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def decode_as(global_id: str, type_name: str) -> UUID | None:
    decoded = decode(global_id)
    return decoded[1] if decoded and decoded[0] == type_name else None
