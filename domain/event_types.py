"""Rules for bookable event types: what a client can book and for how long."""

from __future__ import annotations

from domain.errors import ErrorCode, UserError
from domain.text import text_errors

MAX_EVENT_TYPES = 15
MIN_MINUTES, MAX_MINUTES = 5, 720
COMMON_LENGTHS = (15, 30, 45, 50, 60, 90)
MAX_TITLE, MAX_DESCRIPTION = 120, 2000


def title_errors(title: str) -> list[UserError]:
    return text_errors(title, ("title",), max_length=MAX_TITLE)


def minutes_errors(minutes: int) -> list[UserError]:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return [
            UserError(
                ("minutes",),
                ErrorCode.OUT_OF_RANGE,
                f"A session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.",
            )
        ]
    return []


def description_errors(description: str | None) -> list[UserError]:
    if description is None:
        return []
    return text_errors(description, ("description",), max_length=MAX_DESCRIPTION, required=False,
                       multiline=True)
