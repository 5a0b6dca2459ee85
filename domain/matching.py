"""When an intake client is probably someone the therapist already has: same email, same phone
(digits only, so "(555) 010-0100" and "555.010.0100" match), or same full name (case and
surrounding spaces aside). New bookings offers these as merge candidates; nothing merges by
itself (two people can share a name, a family can share an email)."""

from __future__ import annotations

from enum import StrEnum

from domain.model import Client

MAX_MATCHES = 10
MIN_PHONE_DIGITS = 7  # shorter numbers (extensions, typos) match too much


class MatchReason(StrEnum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    NAME = "NAME"


def phone_digits(phone: str | None) -> str:
    return "".join(ch for ch in (phone or "") if ch.isdigit())


def _name(c: Client) -> tuple[str, str]:
    return c.first_name.strip().casefold(), c.last_name.strip().casefold()


def reasons(intake: Client, candidate: Client) -> list[MatchReason]:
    found = []
    if intake.email.strip().lower() == candidate.email.strip().lower():
        found.append(MatchReason.EMAIL)
    digits = phone_digits(intake.phone)
    if len(digits) >= MIN_PHONE_DIGITS and digits == phone_digits(candidate.phone):
        found.append(MatchReason.PHONE)
    if _name(intake) == _name(candidate):
        found.append(MatchReason.NAME)
    return found
