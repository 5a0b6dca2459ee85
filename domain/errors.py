"""How a business rule says no: user errors with a field path and a stable code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable, machine-readable reasons; clients switch on these, never on messages."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_SHORT = "TOO_SHORT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NOT_FOUND = "NOT_FOUND"
    INVALID_EMAIL = "INVALID_EMAIL"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    INVALID_USERNAME = "INVALID_USERNAME"
    USERNAME_RESERVED = "USERNAME_RESERVED"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    INVALID_TIME_ZONE = "INVALID_TIME_ZONE"
    INVALID_LOCALE = "INVALID_LOCALE"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    UNKNOWN_DAY = "UNKNOWN_DAY"
    INVALID_TIME = "INVALID_TIME"
    INVALID_RANGE = "INVALID_RANGE"
    OVERLAPPING_SLOTS = "OVERLAPPING_SLOTS"
    TOO_MANY_SLOTS = "TOO_MANY_SLOTS"
    LIMIT_REACHED = "LIMIT_REACHED"
    RANGE_TOO_LONG = "RANGE_TOO_LONG"
    SLOT_UNAVAILABLE = "SLOT_UNAVAILABLE"
    VISIT_TYPE_NOT_ALLOWED = "VISIT_TYPE_NOT_ALLOWED"
    OFFICE_ADDRESS_MISSING = "OFFICE_ADDRESS_MISSING"
    NOT_INTAKE = "NOT_INTAKE"
    NOT_ACTIVE = "NOT_ACTIVE"
    SESSION_CANCELLED = "SESSION_CANCELLED"
    NOT_CANCELLED = "NOT_CANCELLED"
    UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    NOT_IN_SERIES = "NOT_IN_SERIES"
    OUTLOOK_NOT_CONFIGURED = "OUTLOOK_NOT_CONFIGURED"
    TOO_LATE_TO_CANCEL = "TOO_LATE_TO_CANCEL"
    INVALID_INVITE = "INVALID_INVITE"
    INVALID_MANAGE_LINK = "INVALID_MANAGE_LINK"
    MANAGE_LINK_EXPIRED = "MANAGE_LINK_EXPIRED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_RESET_LINK = "INVALID_RESET_LINK"
    OUTLOOK_CONNECT_FAILED = "OUTLOOK_CONNECT_FAILED"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"
    PRIVATE_ADDRESS = "PRIVATE_ADDRESS"
    WEBHOOKS_NOT_CONFIGURED = "WEBHOOKS_NOT_CONFIGURED"
    INVALID_WAITLIST_LINK = "INVALID_WAITLIST_LINK"
    HOLD_EXPIRED = "HOLD_EXPIRED"
    HOLD_ENDED = "HOLD_ENDED"
    NOT_WAITING = "NOT_WAITING"


@dataclass(frozen=True, slots=True)
class UserError:
    """One thing wrong with the input. Messages never echo user data (no PHI)."""

    field: tuple[str, ...]
    code: ErrorCode
    message: str


class RuleViolation(Exception):
    """Raised by use cases before anything is written; the API turns it into `userErrors`."""

    def __init__(self, errors: Sequence[UserError]) -> None:
        super().__init__(", ".join(e.code for e in errors))
        self.errors = list(errors)

    @classmethod
    def one(cls, field: Sequence[str], code: ErrorCode, message: str) -> RuleViolation:
        return cls([UserError(tuple(str(p) for p in field), code, message)])


class RateLimited(Exception):
    """Too many attempts; `retry_after` seconds until the window frees up."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the configured keys (key removed, data altered)."""
