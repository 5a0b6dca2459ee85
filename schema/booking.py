"""The public booking page: what a prospective client may see. Nothing about other clients."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import strawberry

from domain.event_types import MAX_EVENT_TYPES
from domain.services.booking import Confirmation
from resolvers import booking
from schema.cost import bound
from schema.event_types import EventType
from schema.sessions import SessionVisit
from schema.therapist import OfficeAddress


@strawberry.type(description="A therapist's public profile and bookable event types.")
class BookingPage:
    username: str = strawberry.field(description="The booking-page slug (lower-case).")
    display_name: str = strawberry.field(description="The therapist's name as shown to clients.")
    time_zone: str = strawberry.field(description="The therapist's IANA zone.")
    office_address: OfficeAddress | None = strawberry.field(
        description="Only when some event type allows in-person visits."
    )
    event_types: list[EventType] = strawberry.field(
        description="The event types clients can book, in the order created; retired ones are left out. "
        "Cost: at most 15 (a therapist's limit), times what each selects.",
        metadata=bound(items=MAX_EVENT_TYPES),
    )

    @classmethod
    def from_page(cls, page: booking.PublicPage) -> BookingPage:
        t = page.therapist
        address = t.office_address if page.shows_office else None
        return cls(
            username=t.username, display_name=t.display_name, time_zone=t.time_zone,
            office_address=OfficeAddress(
                street=address.street, city=address.city, state=address.state, zip=address.zip
            ) if address else None,
            event_types=[EventType.from_domain(e) for e in page.event_types],
        )


@strawberry.type(description="A bookable start, in UTC and on the client's wall clock.")
class AvailableSlot:
    start: datetime = strawberry.field(description="The start instant (UTC); book with this.")
    local_start: str = strawberry.field(
        description="ISO 8601 with offset, in the zone the client asked for."
    )
    local_date: str = strawberry.field(description="YYYY-MM-DD in the client's zone.")
    local_time: str = strawberry.field(description="HH:MM in the client's zone.")

    @classmethod
    def at(cls, start: datetime, zone: ZoneInfo) -> AvailableSlot:
        local = start.astimezone(zone).isoformat()  # YYYY-MM-DDTHH:MM:SS±HH:MM
        return cls(start=start, local_start=local, local_date=local[:10], local_time=local[11:16])


@strawberry.type(description="What the client needs after booking.")
class BookingConfirmation:
    reference: str = strawberry.field(description="Booking reference to quote.")
    start: datetime = strawberry.field(description="Start instant (UTC).")
    local_start: str = strawberry.field(description="Start in the client's zone, ISO 8601.")
    time_zone: str = strawberry.field(description="The client's zone used for `localStart`.")
    minutes: int = strawberry.field(description="Session length in minutes.")
    visit_type: SessionVisit = strawberry.field(  # type: ignore[valid-type]
        description="Telehealth or in person, as booked."
    )
    meeting_url: str = strawberry.field(description="The video room; every session has one.")
    therapist_display_name: str = strawberry.field(description="The therapist's name.")
    event_type_title: str = strawberry.field(description="Title of the event type booked.")
    office_address: OfficeAddress | None = strawberry.field(
        description="Where to go, for an in-person visit when the address is known."
    )
    address_to_be_announced: bool = strawberry.field(
        description="In person, but the therapist has not entered an office address yet."
    )

    @classmethod
    def from_domain(cls, c: Confirmation) -> BookingConfirmation:
        s, t = c.session, c.therapist
        in_person = s.visit.value == "IN_PERSON"
        address = t.office_address if in_person else None
        return cls(
            reference=s.id.hex[:12].upper(), start=s.start,
            local_start=s.start.astimezone(ZoneInfo(c.client_time_zone)).isoformat(),
            time_zone=c.client_time_zone, minutes=c.event_type.minutes, visit_type=s.visit,
            meeting_url=s.meeting_url, therapist_display_name=t.display_name,
            event_type_title=c.event_type.title,
            office_address=OfficeAddress(
                street=address.street, city=address.city, state=address.state, zip=address.zip
            ) if address else None,
            address_to_be_announced=in_person and t.office_address is None,
        )
