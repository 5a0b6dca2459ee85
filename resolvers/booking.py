"""The public booking page: profile, free slots, booking. No sign-in; nothing about clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import booking
from domain.accounts import is_time_zone, normalize_username
from domain.model import EventType, Therapist
from persistence import queries
from resolvers import global_ids
from resolvers.context import Context
from resolvers.errors import ApiError, check_text_argument

BAD_USER_INPUT, NOT_FOUND = "BAD_USER_INPUT", "NOT_FOUND"


@dataclass(frozen=True)
class PublicPage:
    therapist: Therapist
    event_types: list[EventType]

    @property
    def shows_office(self) -> bool:
        """The office address is public only when some event type allows in-person visits."""
        return any(e.visit_type.allows_in_person for e in self.event_types)


async def page(ctx: Context, username: str) -> PublicPage | None:
    check_text_argument(username, "username")
    therapist = await queries.therapist_by_username(ctx.services.db, normalize_username(username))
    if therapist is None:
        return None
    event_types = await ctx.loaders.event_types_by_therapist.load(therapist.id)
    return PublicPage(therapist, event_types)


async def free_slots(
    ctx: Context, *, username: str, event_type_id: str, start: datetime, end: datetime,
    time_zone: str,
) -> list[datetime]:
    """Bookable starts in [start, end): loads the facts `domain.booking.slot_rules` needs (the
    booking re-checks with the same function) and maps bad arguments to GraphQL errors."""
    check_text_argument(username, "username")
    errors = booking.range_errors(start, end)
    if errors:
        raise ApiError(errors[0].message, BAD_USER_INPUT, field=errors[0].field[-1])
    if not is_time_zone(time_zone):
        raise ApiError("Use an IANA time zone such as Europe/London.", BAD_USER_INPUT, field="timeZone")
    raw_id = global_ids.decode_as(event_type_id, "EventType")
    async with queries.reading(ctx.services.db) as conn:  # the three reads on one connection
        found = (
            await queries.therapist_and_event_type(conn, normalize_username(username), raw_id)
            if raw_id else None
        )
        if found is None:
            raise ApiError("No such booking page or event type.", NOT_FOUND)
        therapist, event_type = found
        window = booking.facts_window(event_type, start, end)
        weekly, active_series, overrides = await queries.hours_and_series(
            conn, therapist.id, overrides_from=(window.start - timedelta(days=1)).date())
        busy = await queries.busy_intervals(conn, therapist.id, window.start, window.end)
    facts = booking.SlotFacts(
        therapist=therapist, event_type=event_type, weekly=weekly, busy=busy,
        active_series=active_series, window=window, overrides=overrides,
    )
    rules = booking.slot_rules(facts, ctx.services.clock.now())
    return rules.free_starts(start, end)
