"""Types of the client portal and of reminder settings."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

import strawberry

from domain import audit, model
from domain.clients import client_zone
from domain.portal import CANCEL_NOTICE
from domain.reminders import ReminderSettings as DomainReminderSettings
from resolvers import global_ids, portal
from resolvers.portal import PortalSessionRow
from schema.cost import bound
from schema.enums import described
from schema.sessions import SessionVisit


@described(
    "How long before a session its reminder goes out: the three choices the settings screen offers.",
    MINUTES_15="15 minutes before the start.", MINUTES_30="30 minutes before the start.",
    MINUTES_45="45 minutes before the start.",
)
class ReminderLead(Enum):
    MINUTES_15 = 15
    MINUTES_30 = 30
    MINUTES_45 = 45


@strawberry.type(description="Practice Settings > Reminders: emails to clients with portal access.")
class ReminderSettings:
    enabled: bool = strawberry.field(description="Reminders are sent (off until turned on).")
    lead_minutes: int = strawberry.field(description="Minutes before the start: 15, 30 or 45.",
                                         deprecation_reason="Use `lead`.")
    lead: ReminderLead = strawberry.field(description="When before the start the reminder goes out.")
    also_day_before: bool = strawberry.field(description="Also the day before, 24 hours before the start.")

    @classmethod
    def from_domain(cls, s: DomainReminderSettings) -> ReminderSettings:
        return cls(enabled=s.enabled, lead_minutes=s.lead_minutes, lead=ReminderLead(s.lead_minutes),
                   also_day_before=s.also_day_before)


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
    event_type_title: str = strawberry.field(description="What was booked (the event type's title).")
    office_address: str | None = strawberry.field(
        description="Where to go, for an in-person visit; null for telehealth.")
    cancellable_until: datetime = strawberry.field(
        description="The last instant cancelMySession accepts (24 hours before the start): the app "
        "shows the Cancel button until then, without re-implementing the rule.")
    can_cancel: bool = strawberry.field(
        description="Not cancelled and `cancellableUntil` not passed.")

    @classmethod
    def from_domain(
        cls, row: PortalSessionRow, zone: str, therapist_name: str, now: datetime
    ) -> PortalSession:
        s = row.session
        audit.saw("session", s.id, s.client_id)
        until = s.start - CANCEL_NOTICE
        return cls(
            id=strawberry.ID(global_ids.encode("Session", s.id)), start=s.start, end=s.end,
            local_start=s.start.astimezone(ZoneInfo(zone)).isoformat(), time_zone=zone,
            visit_type=s.visit, meeting_url=s.meeting_url, cancelled=s.cancelled,
            upcoming=s.end > now, therapist_display_name=therapist_name,
            event_type_title=row.event_type_title,
            office_address=row.office_address if s.visit is model.SessionVisit.IN_PERSON else None,
            cancellable_until=until, can_cancel=not s.cancelled and now <= until,
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
    views = [PortalSession.from_domain(
                 row, client_zone(row.session.client_time_zone, client.time_zone, row.therapist_zone),
                 await portal.therapist_name(info.context, row.session.therapist_id), now)
             for row in found]
    return MySessions(
        first_name=client.first_name,
        upcoming=[v for v in views if v.upcoming],
        past=sorted((v for v in views if not v.upcoming), key=lambda v: v.start, reverse=True),
    )


async def portal_session(info: strawberry.Info, session_id) -> PortalSession | None:
    client, found = await portal.my_session(info.context, session_id)
    if found is None:
        return None
    s = found.session
    return PortalSession.from_domain(
        found, client_zone(s.client_time_zone, client.time_zone, found.therapist_zone),
        await portal.therapist_name(info.context, s.therapist_id), info.context.services.clock.now(),
    )
