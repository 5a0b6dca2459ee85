"""Weekly hours: up to 15 non-overlapping wall-clock slots per weekday.

Inputs arrive as strings ("MONDAY", "09:00") so that every malformed value becomes a user
error with a field path instead of a transport error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.errors import ErrorCode, UserError
from domain.model import TimeSlot

MAX_SLOTS_PER_DAY = 15
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")  # "9:00" as well as "09:00"


def parse_day(value: str) -> int | None:
    """Weekday index (0 = Monday) for a day name, case-insensitive; None if unknown."""
    try:
        return WEEKDAYS.index(value.strip().upper())
    except ValueError:
        return None


def parse_minute(value: str) -> int | None:
    """Minutes after midnight for "HH:MM" or "H:MM" (24-hour; "24:00" means the end of the day)."""
    match = _TIME.match(value.strip())
    if not match:
        return None
    minutes = int(match[1]) * 60 + int(match[2])
    return minutes if minutes <= 1440 else None


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_errors(value: str, field: tuple[str, ...]) -> list[UserError]:
    if parse_day(value) is None:
        return [UserError(field, ErrorCode.UNKNOWN_DAY, "Use a day name such as MONDAY.")]
    return []


def parse_slots(
    raw: Sequence[tuple[str, str]], field: tuple[str, ...] = ("slots",)
) -> tuple[list[TimeSlot], list[UserError]]:
    """Validate one day's slots; returns them sorted by start, or the errors found."""
    errors: list[UserError] = []
    if len(raw) > MAX_SLOTS_PER_DAY:
        errors.append(
            UserError(
                field,
                ErrorCode.TOO_MANY_SLOTS,
                f"A day holds at most {MAX_SLOTS_PER_DAY} time slots.",
            )
        )
    slots: list[tuple[int, TimeSlot]] = []
    for i, (start_raw, end_raw) in enumerate(raw):
        start, end = parse_minute(start_raw), parse_minute(end_raw)
        here = (*field, str(i))
        if start is None or start == 1440:
            errors.append(UserError((*here, "start"), ErrorCode.INVALID_TIME, "Use HH:MM."))
        if end is None:
            errors.append(UserError((*here, "end"), ErrorCode.INVALID_TIME, "Use HH:MM."))
        if start is None or end is None or start == 1440:
            continue
        if start >= end:
            errors.append(
                UserError((*here, "end"), ErrorCode.INVALID_RANGE, "The end must be after the start.")
            )
            continue
        slots.append((i, TimeSlot(start, end)))
    slots.sort(key=lambda pair: pair[1].start_minute)
    for (_, before), (i, after) in zip(slots, slots[1:], strict=False):
        if after.start_minute < before.end_minute:
            errors.append(
                UserError(
                    (*field, str(i)),
                    ErrorCode.OVERLAPPING_SLOTS,
                    "Time slots of one day may not overlap.",
                )
            )
    return ([slot for _, slot in slots], errors) if not errors else ([], errors)
