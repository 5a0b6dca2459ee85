"""The calendar invite an email to a client carries: what the client's calendar app needs to add,
move or remove the session. Data only; adapters/calendar_invite.py renders it with `icalendar`.

One UID per session, everywhere it is exported (`session_uid`); SEQUENCE is the session's
revision, bumped by storage whenever its time or status changes, so a later email always wins
and an old one never undoes a newer change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

UID_DOMAIN = "couchtime"


class InviteMethod(StrEnum):
    REQUEST = "REQUEST"  # add or update
    CANCEL = "CANCEL"  # remove


def session_uid(session_id: UUID) -> str:
    """The session's iCalendar UID: the same in every invite, update and cancellation."""
    return f"session-{session_id}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class CalendarInvite:
    uid: str
    sequence: int
    method: InviteMethod
    start: datetime
    end: datetime
    summary: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    location: str | None = None
    url: str | None = None
    description: str | None = None
