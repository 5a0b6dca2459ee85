"""What a manage-booking link shows: one session, in the client's zone, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry

from domain import audit
from domain.model import SessionVisit as DomainVisit
from domain.notifications import SessionFactsForEmail
from domain.portal import CANCEL_NOTICE
from resolvers import manage_links
from schema.sessions import SessionVisit


@strawberry.type(description="The session a manage-booking link is for, as its client sees it: no "
                             "IDs, notes, fees or anything else of the therapist's.")
class ManagedBooking:
    start: datetime = strawberry.field(description="Start instant (UTC).")
    end: datetime = strawberry.field(description="End instant (UTC).")
    local_start: str = strawberry.field(description="Start on the client's wall clock, ISO 8601 with offset.")
    time_zone: str = strawberry.field(description="The zone of `localStart`: the one the client booked in.")
    event_type_title: str = strawberry.field(description="What was booked, as the booking page named it.")
    visit_type: SessionVisit = strawberry.field(description="Telehealth or in person.")  # type: ignore[valid-type]
    meeting_url: str | None = strawberry.field(description="The video link; null for an in-person visit.")
    office_address: str | None = strawberry.field(
        description="Where to go, for an in-person visit; null for telehealth.")
    therapist_display_name: str = strawberry.field(description="Who the session is with.")
    cancelled: bool = strawberry.field(description="True once cancelled (by either side).")
    cancellable_until: datetime = strawberry.field(
        description="The last instant the client may cancel online (24 hours before the start).")
    can_cancel: bool = strawberry.field(
        description="Not cancelled and `cancellableUntil` not passed: cancelManagedBooking will work.")
    booking_page_url: str = strawberry.field(
        description="The therapist's booking page, to book another time after cancelling.")

    @classmethod
    def of(cls, f: SessionFactsForEmail, booking_page_url: str, now: datetime) -> ManagedBooking:
        audit.saw("session", f.session_id, f.client_id)
        zone = f.client_display_zone
        in_person = f.visit is DomainVisit.IN_PERSON
        until = f.start - CANCEL_NOTICE
        return cls(
            start=f.start, end=f.end, local_start=f.start.astimezone(ZoneInfo(zone)).isoformat(),
            time_zone=zone, event_type_title=f.event_type_title, visit_type=f.visit,
            meeting_url=None if in_person else f.meeting_url,
            office_address=f.office_address if in_person else None,
            therapist_display_name=f.therapist_name, cancelled=f.cancelled, cancellable_until=until,
            can_cancel=not f.cancelled and now <= until, booking_page_url=booking_page_url,
        )


TokenArgument = Annotated[str, strawberry.argument(
    description="The `token` parameter of the link in the booking confirmation.")]


async def managed_booking(info: strawberry.Info, token: str) -> ManagedBooking:
    ctx = info.context
    facts = await manage_links.view(ctx, token)
    return ManagedBooking.of(facts, manage_links.booking_page_url(ctx, facts), ctx.services.clock.now())
