"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`), keys rotatable.

COUCHTIME_SECRET_KEYS holds one or more Fernet keys, comma-separated: the first encrypts,
every one decrypts (MultiFernet). Rotation: put a new key first, keep the old ones after it
until `rotate` (or the tokens' own refreshes) re-encrypted everything, then drop them.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from domain.errors import SecretUnreadable


class SecretKeyError(ValueError):
    """A configured key is not a Fernet key. The message never echoes the key."""


def new_key() -> str:
    """A fresh key for COUCHTIME_SECRET_KEYS (32 random bytes, URL-safe base64)."""
    return Fernet.generate_key().decode("ascii")


class FernetBox:
    """The `SecretBox` port."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SecretKeyError("COUCHTIME_SECRET_KEYS is empty")
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise SecretKeyError(
                    f"COUCHTIME_SECRET_KEYS: key {position} is not a Fernet key "
                    "(32 bytes, URL-safe base64, 44 characters)"
                ) from None
        self._fernet = MultiFernet(fernets)

    def encrypt(self, plain: bytes) -> str:
        return self._fernet.encrypt(plain).decode("ascii")

    def decrypt(self, sealed: str) -> bytes:
        try:
            return self._fernet.decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise SecretUnreadable("no configured key opens this secret") from None

    def rotate(self, sealed: str) -> str:
        """The same secret encrypted with the first key (for key rotation)."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise SecretUnreadable("no configured key opens this secret") from None

    def __repr__(self) -> str:
        return "FernetBox(<keys hidden>)"
