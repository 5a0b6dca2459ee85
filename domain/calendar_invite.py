"""The calendar invite an email to a client carries: what the client's calendar app needs to add,
move or remove the session. Data only; adapters/calendar_invite.py renders it with `icalendar`.

One UID per session, everywhere it is exported: `domain.calendar_feed.session_uid` (the feed's
rule, so an invite and the feed name the same event). SEQUENCE is the session's revision, bumped
by storage whenever its time or status changes, so a later email always wins and an old one never
undoes a newer change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class InviteMethod(StrEnum):
    REQUEST = "REQUEST"  # add or update
    CANCEL = "CANCEL"  # remove


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
