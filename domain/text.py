"""The one rule for text people type: names, titles, notes, reasons, addresses, usernames, emails.

Every use case that takes free text checks it here, so the rule cannot differ between a sign-up,
a booking page and a note:

- **Lone surrogates** (U+D800–U+DFFF on their own, which JSON's `\\udc00` escapes can produce)
  are refused everywhere: they cannot be stored, hashed or emailed (UTF-8 has no form for them).
- **Control characters** (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) are refused
  everywhere, except tab, line feed and carriage return in multi-line fields (notes,
  descriptions, cancel reasons).
- **Line breaks** never appear in single-line fields (names, titles, display names, addresses,
  emails, time-off reasons): CR and LF are control characters, and U+2028/U+2029 (line and
  paragraph separators) are refused there too, so a name can never split an email header.
- Format characters (category Cf, e.g. the zero-width joiner of emoji and Indic scripts) are
  allowed: scripts need them.
- Lengths are counted in code points, after the character check.

Messages never echo the value (it may be PHI).
"""

from __future__ import annotations

import re

from domain.errors import ErrorCode, UserError

_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BAD_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_bad_characters(value: str, *, multiline: bool = False) -> bool:
    """True when the value holds a character the rule above refuses."""
    pattern = _BAD_MULTI_LINE if multiline else _BAD_SINGLE_LINE
    return pattern.search(value) is not None


def encodable(value: str) -> bool:
    """True when the value has no lone surrogate, i.e. it can be encoded as UTF-8."""
    return _SURROGATE.search(value) is None


def scrub(value: str) -> str:
    """The value with every lone surrogate replaced by U+FFFD: safe to hash or look up with
    (for sign-in keys, where a bad value must fail like any unknown one, not crash)."""
    return _SURROGATE.sub("\ufffd", value)


def character_errors(value: str, field: tuple[str, ...], *, multiline: bool = False) -> list[UserError]:
    if has_bad_characters(value, multiline=multiline):
        allowed = " (line breaks and tabs are allowed)" if multiline else ""
        return [UserError(field, ErrorCode.INVALID_CHARACTERS,
                          f"Remove control characters and invalid characters{allowed}.")]
    return []


def text_errors(
    value: str, field: tuple[str, ...], *, max_length: int, required: bool = True,
    multiline: bool = False,
) -> list[UserError]:
    """The rule for one free-text value: characters, then required, then length."""
    errors = character_errors(value, field, multiline=multiline)
    if errors:
        return errors
    if required and not value.strip():
        return [UserError(field, ErrorCode.REQUIRED, "This field is required.")]
    if len(value) > max_length:
        return [UserError(field, ErrorCode.TOO_LONG, f"Use at most {max_length} characters.")]
    return []


def optional_text_errors(
    value: str | None, field: tuple[str, ...], *, max_length: int, multiline: bool = False
) -> list[UserError]:
    """As `text_errors` for a value that may be omitted or blank."""
    if value is None:
        return []
    return text_errors(value, field, max_length=max_length, required=False, multiline=multiline)
