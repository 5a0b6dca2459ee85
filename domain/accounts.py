"""Rules for therapist accounts: emails, passwords, booking-page usernames, time zones."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones

from domain.errors import ErrorCode, UserError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # bounds the hashing cost an attacker can ask for
MAX_DISPLAY_NAME = 100
MAX_ADDRESS_PART = 200
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
_USERNAME = re.compile(r"^[a-z0-9-]{3,40}$")
RESERVED_USERNAMES = frozenset(
    {
        "admin", "administrator", "api", "graphql", "graphiql", "app", "apps", "assets",
        "static", "book", "booking", "bookings", "login", "logout", "signin", "signup",
        "signout", "register", "portal", "invite", "unsubscribe", "settings", "account",
        "help", "support", "about", "privacy", "terms", "www", "mail", "root", "system",
        "healthz", "readyz", "oauth", "auth", "callback", "me", "couchtime", "null",
        "undefined",
    }
)


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively; we store the lower-cased, trimmed form."""
    return email.strip().lower()


def email_errors(email: str, field: tuple[str, ...] = ("email",)) -> list[UserError]:
    if len(email) > 254 or not _EMAIL.match(email):
        return [UserError(field, ErrorCode.INVALID_EMAIL, "Enter a valid email address.")]
    return []


def password_errors(password: str, field: tuple[str, ...] = ("password",)) -> list[UserError]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            UserError(
                field,
                ErrorCode.PASSWORD_TOO_SHORT,
                f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            )
        ]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [UserError(field, ErrorCode.TOO_LONG, "The password is too long.")]
    return []


def normalize_username(username: str) -> str:
    return username.strip().lower()


def username_errors(username: str, field: tuple[str, ...] = ("username",)) -> list[UserError]:
    if not _USERNAME.match(username):
        return [
            UserError(
                field,
                ErrorCode.INVALID_USERNAME,
                "Use 3 to 40 characters: lowercase letters, digits and '-'.",
            )
        ]
    if username in RESERVED_USERNAMES:
        return [UserError(field, ErrorCode.USERNAME_RESERVED, "This username is reserved.")]
    return []


def text_errors(
    value: str, field: tuple[str, ...], *, max_length: int, required: bool = True
) -> list[UserError]:
    if required and not value.strip():
        return [UserError(field, ErrorCode.REQUIRED, "This field is required.")]
    if len(value) > max_length:
        return [UserError(field, ErrorCode.TOO_LONG, f"Use at most {max_length} characters.")]
    return []


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """True for IANA zone names tzdata knows ("Europe/London"), not for "localtime" etc."""
    return name in _zone_names()


def time_zone_errors(name: str, field: tuple[str, ...] = ("timeZone",)) -> list[UserError]:
    if not is_time_zone(name):
        return [
            UserError(
                field, ErrorCode.INVALID_TIME_ZONE, "Use an IANA time zone such as Europe/London."
            )
        ]
    return []
