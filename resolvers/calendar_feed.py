"""The calendar feed: its URL for `me.calendarFeedUrl`, rotating and disabling it, and the
feed itself (the HTTP route in couchtime/calendar_feed_routes.py hands off here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from adapters import icalendar_feed
from domain import audit
from domain import calendar_feed as feed
from domain.dependencies import Dependencies
from domain.services import calendar_feed
from persistence import audit as audit_store
from persistence.calendar_rows import calendar_rows
from persistence.database import Database
from persistence.read_models.calendar_feed import SqlCalendarFeedReads
from resolvers.context import Context

Services = Dependencies[Database]


def _key(services: Services) -> bytes:
    return services.notifications.signing_key


def url_of(services: Services, token: str) -> str:
    return f"{services.config.public_app_url.rstrip('/')}{feed.feed_path(token)}"


async def url(ctx: Context, therapist_id: UUID) -> str | None:
    reads = SqlCalendarFeedReads(ctx.services.db)
    token = await calendar_feed.token_of(reads, _key(ctx.services), therapist_id)
    return url_of(ctx.services, token) if token else None


@dataclass(frozen=True)
class Served:
    body: bytes
    etag: str
    events: list[feed.FeedEvent]
    therapist_id: UUID


async def serve(services: Services, token: str) -> Served | None:
    """The feed's body and ETag, or None when the token opens no feed."""
    therapist = await calendar_feed.owner_of(SqlCalendarFeedReads(services.db), _key(services), token)
    if therapist is None:
        return None
    therapist_id = therapist.id
    start, end = feed.window(services.clock.now())
    rows = await calendar_rows(services.db, therapist_id, start, end)
    events = feed.events_for(
        (feed.FeedSession(r.session, r.client, r.event_type) for r in rows
         if r.session.end > start and r.session.start < end),
        therapist, full_names=services.outlook.full_names,
    )
    body = icalendar_feed.render(events, name=f"Couchtime · {therapist.display_name}")
    return Served(body, icalendar_feed.etag_of(body), events, therapist_id)


async def audit_read(services: Services, served: Served, at: datetime, source: audit.Origin) -> None:
    """One READ entry naming the sessions and clients the body exposed (never their content).
    The actor is anonymous: whoever holds the URL (a calendar app) reads it, not a sign-in."""
    subjects = {audit.subject("session", e.session_id) for e in served.events}
    subjects |= {audit.subject("client", e.client_id) for e in served.events}
    entry = audit.entry(served.therapist_id, audit.READ, subjects, at, source, actor=audit.ANONYMOUS_ACTOR)
    await audit_store.append(services.db, [audit_store.row_of(entry)])
