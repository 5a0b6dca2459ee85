"""The therapist's calendar feed (iCalendar over a secret URL): what it holds and who it is.

For therapists on Google or Apple calendars, who subscribe to a URL instead of connecting an
account. The URL is the only credential: `<COUCHTIME_PUBLIC_APP_URL>/calendar-feed.ics?token=…`
(in the query string, which request logs and traces never show). The token is a random feed ID
signed with COUCHTIME_SIGNING_KEY (the database alone never yields a working URL); rotating
replaces the feed ID, so the old URL stops working at once.

What a session says follows the Outlook rule (`domain.outlook.event_for`): the event type's
title and the client's initials (full names only with COUCHTIME_OUTLOOK_FULL_NAMES), the video
link or the office, never a note, email or reason. Cancelled sessions are left out, so a
subscribed calendar drops them on its next poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain import notifications
from domain.model import Client, EventType, Session, Therapist
from domain.outlook import event_for

PURPOSE = "calendar-feed"  # the signing purpose: a feed token opens nothing else
PAST = timedelta(days=60)  # recent sessions stay in the feed this long
AHEAD = timedelta(days=366)  # upcoming sessions, a year ahead
PRODUCT_ID = "-//Couchtime//Calendar feed//EN"


def session_uid(session_id: UUID) -> str:
    """The one iCalendar UID of a session, everywhere Couchtime writes one (this feed, client
    invitations): derived from the session ID only, so a rescheduled session updates the
    event a calendar already has instead of adding a second one."""
    return f"session-{session_id}@couchtime"


def feed_token(signing_key: bytes, feed_id: UUID) -> str:
    return notifications.sign(signing_key, PURPOSE, feed_id)


def feed_id_of(signing_key: bytes, token: str) -> UUID | None:
    """The feed a token names, or None for a forged or mangled one (constant-time check)."""
    return notifications.verify(signing_key, PURPOSE, token)


PATH = "/calendar-feed.ics"


def feed_path(token: str) -> str:
    return f"{PATH}?token={token}"


def window(now: datetime) -> tuple[datetime, datetime]:
    return now - PAST, now + AHEAD


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One VEVENT. `stamp` is the session's creation time: a fixed DTSTAMP keeps the body
    (and so its ETag) unchanged while nothing in the calendar changed."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    description: str
    location: str | None
    url: str | None
    stamp: datetime
    session_id: UUID
    client_id: UUID


@dataclass(frozen=True, slots=True)
class FeedSession:
    session: Session
    client: Client
    event_type: EventType


def events_for(rows: Iterable[FeedSession], therapist: Therapist, *, full_names: bool = False
               ) -> list[FeedEvent]:
    """The feed's events, by start: scheduled sessions only, each said as Outlook says it."""
    events = []
    for row in rows:
        if row.session.cancelled:
            continue
        said = event_for(row.session, row.event_type, row.client, therapist, full_names=full_names)
        events.append(FeedEvent(
            uid=session_uid(row.session.id), summary=said.subject, start=said.start, end=said.end,
            description=said.body, location=said.location, url=said.online_meeting_url,
            stamp=row.session.created_at, session_id=row.session.id, client_id=row.client.id,
        ))
    events.sort(key=lambda e: (e.start, e.uid))
    return events
