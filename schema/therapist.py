"""The signed-in therapist and their profile, weekly hours and event types."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import strawberry

from domain import model
from domain.availability import MAX_SLOTS_PER_DAY, format_minute
from domain.event_types import MAX_EVENT_TYPES
from domain.services import date_overrides
from resolvers import (
    accounts,
    calendar_feed,
    external_busy,
    global_ids,
    reminders,
    time_off,
)
from resolvers import date_overrides as date_override_reads
from schema import waitlist as waitlist_schema
from schema.common import CalendarView, Node, RangeEnd, RangeStart, Weekday
from schema.cost import SESSIONS_PER_DAY, bound
from schema.event_types import EventType
from schema.external_busy import ExternalBusyInterval
from schema.outlook import Integrations
from schema.portal import ReminderSettings
from schema.time_off import TimeOff


@strawberry.type(description="Office address, shown to clients of in-person event types.")
class OfficeAddress:
    street: str = strawberry.field(description="Street and number.")
    city: str = strawberry.field(description="City.")
    state: str = strawberry.field(description="State or region.")
    zip: str = strawberry.field(description="ZIP or postal code.")


@strawberry.type(description="A wall-clock time slot in the therapist's time zone.")
class TimeSlot:
    start: str = strawberry.field(description="Start, \"HH:MM\" (24-hour).")
    end: str = strawberry.field(description="End, \"HH:MM\"; \"24:00\" is the end of the day.")


@strawberry.type(description="One weekday's availability.")
class DayAvailability:
    day: Weekday = strawberry.field(description="The weekday these slots repeat on.")
    slots: list[TimeSlot] = strawberry.field(description="Sorted by start; 0 to 15 slots. Cost: 15.",
                                             metadata=bound(items=MAX_SLOTS_PER_DAY))
    unavailable: bool = strawberry.field(description="True when the day has no slot.")


@strawberry.type(description="One date whose hours replace its weekday's on the booking page (time off "
                 "still applies on top).")
class DateOverride:
    date: dt.date = strawberry.field(description="The date, on the therapist's clock.")
    slots: list[TimeSlot] = strawberry.field(
        description="Its hours, by start; empty = no hours that date. Cost: 15.",
        metadata=bound(items=MAX_SLOTS_PER_DAY))
    unavailable: bool = strawberry.field(description="True when the date has no hours at all.")

    @classmethod
    def from_domain(cls, o: date_overrides.DateOverride) -> DateOverride:
        return cls(date=o.day, unavailable=not o.slots, slots=[
            TimeSlot(start=format_minute(s.start_minute), end=format_minute(s.end_minute)) for s in o.slots])


def week_of(hours: dict[int, list[model.TimeSlot]]) -> list[DayAvailability]:
    return [
        DayAvailability(
            day=Weekday(day),
            slots=[
                TimeSlot(start=format_minute(s.start_minute), end=format_minute(s.end_minute))
                for s in hours.get(day, [])
            ],
            unavailable=not hours.get(day),
        )
        for day in range(7)
    ]


@strawberry.type(description="A therapist's account. Only its owner can read it.")
class Therapist(Node):
    email: str = strawberry.field(description="Sign-in email, stored lower-case; unique.")
    display_name: str = strawberry.field(
        description="Name shown to clients on the booking page and in confirmations."
    )
    username: str = strawberry.field(description="The booking-page slug.")
    time_zone: str = strawberry.field(description="IANA zone; all wall-clock rules use it.")
    office_address: OfficeAddress | None = strawberry.field(
        description="Null until entered. Clients see it only when some event type allows in-person visits."
    )
    calendar_view: CalendarView = strawberry.field(  # type: ignore[valid-type]
        description="The calendar layout last chosen, so every device opens it."
    )
    booking_horizon_days: int | None = strawberry.field(
        description="Days ahead clients may book; null = no limit."
    )
    locale: str = strawberry.field(
        description="How emails write dates and times (a Babel/CLDR locale such as en_US or de_DE)."
    )
    booking_page_url: str = strawberry.field(
        description="The public booking link to share: <COUCHTIME_PUBLIC_APP_URL>/book/<username>."
    )
    therapist_id: strawberry.Private[UUID]

    @classmethod
    def from_domain(cls, t: model.Therapist, info: strawberry.Info) -> Therapist:
        address = t.office_address
        return cls(
            id=strawberry.ID(global_ids.encode("Therapist", t.id)), email=t.email,
            display_name=t.display_name, username=t.username, time_zone=t.time_zone,
            office_address=OfficeAddress(
                street=address.street, city=address.city, state=address.state, zip=address.zip
            ) if address else None,
            calendar_view=t.calendar_view, booking_horizon_days=t.booking_horizon_days, locale=t.locale,
            booking_page_url=accounts.booking_page_url(info.context, t),
            therapist_id=t.id,
        )

    @strawberry.field(description="Availability for each weekday, Monday first. Cost: 7, times what "
                      "each day selects.", metadata=bound(items=7))
    async def weekly_availability(self, info: strawberry.Info) -> list[DayAvailability]:
        return week_of(await info.context.loaders.weekly_hours_by_therapist.load(self.therapist_id))

    @strawberry.field(description="Date overrides from today on, by date (at most 400). Cost: counted "
                      "as 400, times what each selects.", metadata=bound(items=date_overrides.LISTED_AHEAD))
    async def date_overrides(self, info: strawberry.Info) -> list[DateOverride]:
        return [DateOverride.from_domain(o) for o in await date_override_reads.upcoming(info.context)]

    @strawberry.field(description="Time off: upcoming first (soonest first), then past entries. Cost: "
                      "counted as 50.", metadata=bound(items=50))
    async def time_off(self, info: strawberry.Info) -> list[TimeOff]:
        return [TimeOff.from_domain(t) for t in await time_off.listing(info.context, self.therapist_id)]

    @strawberry.field(description="Event types in the order they were created (at most 15). Cost: "
                      "counted as 15, times what each selects.", metadata=bound(items=MAX_EVENT_TYPES))
    async def event_types(self, info: strawberry.Info) -> list[EventType]:
        found = await info.context.loaders.event_types_by_therapist.load(self.therapist_id)
        return [EventType.from_domain(e) for e in found]

    waitlist = waitlist_schema.WAITLIST_FIELD(waitlist_schema.waitlist)

    @strawberry.field(description="Connected calendars and services (My Profile > Integrations).")
    def integrations(self) -> Integrations:
        return Integrations(therapist_id=self.therapist_id)

    @strawberry.field(description="The secret iCalendar URL of this therapist's sessions (for Google "
                      "or Apple calendars); null until rotateCalendarFeed turns it on. Whoever has "
                      "it can read the feed: rotate it if it was shared by mistake.")
    async def calendar_feed_url(self, info: strawberry.Info) -> str | None:
        return await calendar_feed.url(info.context, self.therapist_id)

    @strawberry.field(
        description="Busy times from the connected Outlook calendar overlapping [from, to) (at most 62 "
        "days), by start, to grey out on the calendar; empty without Outlook. They hide booking "
        "slots (blocksBooking). How fresh they are: integrations.outlook.busyTimesSyncedAt. "
        "Errors: BAD_USER_INPUT for an inverted or too long range. Cost: counted as 16 per day.",
        metadata=bound(per_day=SESSIONS_PER_DAY),
    )
    async def external_busy(
        self, info: strawberry.Info,
        from_: RangeStart,
        to: RangeEnd,
    ) -> list[ExternalBusyInterval]:
        found, tentative_blocks = await external_busy.between(info.context, self.therapist_id, from_, to)
        return [ExternalBusyInterval.from_domain(b, tentative_blocks) for b in found]

    @strawberry.field(description="Practice Settings > Reminders (off until turned on).")
    async def reminder_settings(self, info: strawberry.Info) -> ReminderSettings:
        settings = await reminders.reminder_settings(info.context, self.therapist_id)
        return ReminderSettings.from_domain(settings)
