"""Rules for client records: names, contact details, zone."""

from __future__ import annotations

import re

from domain import text
from domain.accounts import email_errors, time_zone_errors
from domain.errors import ErrorCode, UserError

MAX_NAME = 100
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,40}$")


def contact_errors(
    *, first_name: str | None, last_name: str | None, email: str | None, phone: str | None,
    time_zone: str | None, prefix: tuple[str, ...] = (),
) -> list[UserError]:
    """Checks the fields given (None = not given); messages never echo the values. Names are
    single-line text (domain/text.py): no line breaks, so they can never split an email header."""
    errors: list[UserError] = []
    if first_name is not None:
        errors += text.text_errors(first_name, (*prefix, "firstName"), max_length=MAX_NAME)
    if last_name is not None:
        errors += text.text_errors(last_name, (*prefix, "lastName"), max_length=MAX_NAME)
    if email is not None:
        errors += email_errors(email, (*prefix, "email"))
    if phone and (text.has_bad_characters(phone) or not _PHONE.fullmatch(phone.strip())):
        errors.append(UserError((*prefix, "phone"), ErrorCode.INVALID, "Enter a valid phone number."))
    if time_zone is not None:
        errors += time_zone_errors(time_zone, (*prefix, "timeZone"))
    return errors


def client_zone(booked_in: str | None, own: str | None, therapist: str) -> str:
    """The zone a client sees a session's times in: the zone they booked it in, else their own,
    else their therapist's (the portal and the emails to clients alike)."""
    return booked_in or own or therapist
