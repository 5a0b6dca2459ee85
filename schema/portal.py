"""Types of the client portal and of reminder settings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import strawberry

from domain import audit, model
from domain.clients import client_zone
from domain.reminders import ReminderSettings as DomainReminderSettings
from resolvers import global_ids, portal
from schema.cost import bound
from schema.sessions import SessionVisit


@strawberry.type(description="Practice Settings > Reminders: emails to clients with portal access.")
class ReminderSettings:
    enabled: bool = strawberry.field(description="Reminders are sent (off until turned on).")
    lead_minutes: int = strawberry.field(description="Minutes before the start: 15, 30 or 45.")
    also_day_before: bool = strawberry.field(description="Also 24 hours before the start.")

    @classmethod
    def from_domain(cls, s: DomainReminderSettings) -> ReminderSettings:
        return cls(enabled=s.enabled, lead_minutes=s.lead_minutes, also_day_before=s.also_day_before)


@strawberry.type(description="The portal client's own view of one of their sessions: time, visit "
                             "type and meeting link; no notes, fees or other clients.")
class PortalSession:
    id: strawberry.ID = strawberry.field(description="The session's global ID (for cancelMySession).")
    start: datetime = strawberry.field(description="Start instant (UTC offset).")
    end: datetime = strawberry.field(description="End instant (UTC offset).")
    local_start: str = strawberry.field(description="Start on the client's wall clock, ISO 8601 with offset.")
    time_zone: str = strawberry.field(
        description="The zone of `localStart`: the client's booking zone, else their zone, else the "
        "therapist's."
    )
    visit_type: SessionVisit = strawberry.field(description="Telehealth or in person.")  # type: ignore[valid-type]
    meeting_url: str = strawberry.field(description="Where to join the video meeting.")
    cancelled: bool = strawberry.field(description="True when the session was cancelled.")
    upcoming: bool = strawberry.field(description="True until the session has ended.")
    therapist_display_name: str = strawberry.field(description="Who the session is with.")

    @classmethod
    def from_domain(cls, s: model.Session, zone: str, therapist_name: str, now: datetime) -> PortalSession:
        audit.saw("session", s.id, s.client_id)
        return cls(
            id=strawberry.ID(global_ids.encode("Session", s.id)), start=s.start, end=s.end,
            local_start=s.start.astimezone(ZoneInfo(zone)).isoformat(), time_zone=zone,
            visit_type=s.visit, meeting_url=s.meeting_url, cancelled=s.cancelled,
            upcoming=s.end > now, therapist_display_name=therapist_name,
        )


@strawberry.type(description="The client signed in to the portal and their sessions.")
class MySessions:
    first_name: str = strawberry.field(description="The client's first name.")
    upcoming: list[PortalSession] = strawberry.field(
        description="Sessions not yet ended, soonest first. Cost: counted as 100.", metadata=bound(items=100))
    past: list[PortalSession] = strawberry.field(
        description="Ended sessions, most recent first. Cost: counted as 100.", metadata=bound(items=100))


async def my_sessions(info: strawberry.Info) -> MySessions:
    client, found = await portal.my_sessions(info.context)
    audit.saw("client", client.id, client.id)  # their own name is in the answer
    now = info.context.services.clock.now()
    views = [PortalSession.from_domain(s, client_zone(s.client_time_zone, client.time_zone, tz),
                                       await portal.therapist_name(info.context, s.therapist_id), now)
             for s, tz in found]
    return MySessions(
        first_name=client.first_name,
        upcoming=[v for v in views if v.upcoming],
        past=sorted((v for v in views if not v.upcoming), key=lambda v: v.start, reverse=True),
    )


async def portal_session(info: strawberry.Info, session_id) -> PortalSession | None:
    client, found = await portal.my_session(info.context, session_id)
    if found is None:
        return None
    s, therapist_zone = found
    return PortalSession.from_domain(
        s, client_zone(s.client_time_zone, client.time_zone, therapist_zone),
        await portal.therapist_name(info.context, s.therapist_id), info.context.services.clock.now(),
    )
