"""Opaque bearer tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

THERAPIST = "therapist"
CLIENT = "client"  # client portal tokens: open the portal's fields only, never a therapist's
_PREFIX = {THERAPIST: "ct_t_", CLIENT: "ct_c_"}


def new_token(kind: str = THERAPIST) -> tuple[str, str]:
    """(the token to hand out, the hash to store). 256 random bits make SHA-256 enough."""
    plain = _PREFIX[kind] + secrets.token_urlsafe(32)
    return plain, hash_token(plain)


def kind_of(plain: str) -> str | None:
    """Which kind of token this claims to be, by its prefix (a lookup still decides if it is live)."""
    return next((kind for kind, prefix in _PREFIX.items() if plain.startswith(prefix)), None)


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def rate_key(*parts: str) -> str:
    """A rate-limit key that never holds an email or address in clear (no PHI in Redis)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
