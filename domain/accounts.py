"""Rules for accounts: emails, passwords, booking-page usernames, time zones.

Free text follows the one rule of `domain.text`; emails are checked by `email-validator`
(syntax only, no DNS), password strength by `zxcvbn`, zones against the tzdata package.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

from domain import text
from domain.errors import ErrorCode, UserError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # bounds the hashing cost an attacker can ask for
STRENGTH_CHARS = 72  # zxcvbn's own limit: the strength of a longer password is that of its start
MAX_DISPLAY_NAME = 100
MAX_ADDRESS_PART = 200
MAX_EMAIL = 254
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


def _validated(email: str) -> str | None:
    """The address's ASCII form (an IDN domain in punycode), or None when it is not one."""
    if len(email) > MAX_EMAIL or text.has_bad_characters(email):
        return None
    try:
        found = validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return found.ascii_email


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively: we store (and look up by) the trimmed, lower-cased
    ASCII form. Something that is not an address is only trimmed, lower-cased and scrubbed of
    lone surrogates, so a sign-in with it looks up nothing instead of failing."""
    cleaned = text.scrub(email).strip()
    valid = _validated(cleaned)
    return (valid or cleaned).lower()


def email_errors(email: str, field: tuple[str, ...] = ("email",)) -> list[UserError]:
    """A real address by `email-validator`'s rules (no DNS look-up; no quoted local parts, IP
    literals or special-use domains such as .local and .test; an ASCII local part)."""
    if not text.encodable(email) or _validated(email.strip()) is None:
        return [UserError(field, ErrorCode.INVALID_EMAIL, "Enter a valid email address.")]
    return []


@dataclass(frozen=True)
class PasswordPolicy:
    """`min_strength` is zxcvbn's score (0 too guessable … 4 very unguessable)."""

    min_strength: int = 3


def password_errors(
    password: str, field: tuple[str, ...] = ("password",), *,
    policy: PasswordPolicy = PasswordPolicy(), user_inputs: Sequence[str] = (),
) -> list[UserError]:
    """A new password: no control characters, 10 to 1,024 characters, and strong enough by
    zxcvbn (its first 72 characters scored, with the account's own email, name and username
    counted as guessable words)."""
    if text.has_bad_characters(password):
        return text.character_errors(password, field)
    if len(password) < MIN_PASSWORD_LENGTH:
        return [UserError(field, ErrorCode.PASSWORD_TOO_SHORT,
                          f"Use at least {MIN_PASSWORD_LENGTH} characters.")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [UserError(field, ErrorCode.TOO_LONG, "The password is too long.")]
    if policy.min_strength > 0:
        hints = [h[:STRENGTH_CHARS] for h in user_inputs if h and text.encodable(h)]
        result = zxcvbn(password[:STRENGTH_CHARS], user_inputs=hints)
        if result["score"] < policy.min_strength:
            return [UserError(field, ErrorCode.PASSWORD_TOO_WEAK,
                              "This password is easy to guess. Add words or characters "
                              "that are not common phrases, names or sequences.")]
    return []


def normalize_username(username: str) -> str:
    return text.scrub(username).strip().lower()


def username_errors(username: str, field: tuple[str, ...] = ("username",)) -> list[UserError]:
    if not _USERNAME.fullmatch(username):
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


text_errors = text.text_errors  # the one rule for free text (domain/text.py)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every name tzdata defines → its canonical zone: Zone lines map to themselves, Link lines
    (backward names such as US/Eastern, Asia/Calcutta, UTC) to their target. Read from the tzdata
    package, never the system's zoneinfo (which adds "localtime", "posixrules", "right/…")."""
    source = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text("utf-8")
    zones: dict[str, str] = {}
    links: dict[str, str] = {}
    for line in source.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "Z" and parts[1] != "Factory":
            zones[parts[1]] = parts[1]
        elif len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    for name, target in links.items():
        while target in links:  # a link to a link (none today; cheap to allow)
            target = links[target]
        if target in zones:
            zones[name] = target
    return zones


def canonical_time_zone(name: str) -> str | None:
    """The canonical IANA name for `name` ("US/Eastern" → "America/New_York"), None when tzdata
    does not define it ("localtime", "Factory", "Mars/Olympus"). Decision: backward links are
    accepted (browsers still report some, e.g. Asia/Calcutta) and stored as their target; the
    one exception is UTC, which stays "UTC" (what browsers and APIs call it) for Etc/UTC."""
    found = _zones().get(name)
    return "UTC" if found == "Etc/UTC" else found


def is_time_zone(name: str) -> bool:
    return canonical_time_zone(name) is not None


def time_zone_errors(name: str, field: tuple[str, ...] = ("timeZone",)) -> list[UserError]:
    if not is_time_zone(name):
        return [
            UserError(
                field, ErrorCode.INVALID_TIME_ZONE, "Use an IANA time zone such as Europe/London."
            )
        ]
    return []
