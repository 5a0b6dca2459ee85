"""The waitlist: what a claim link shows (public) and the therapist's list of who waits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry

from domain import audit
from domain import waitlist as rules
from domain.services.waitlist import OfferView
from domain.waitlist_emails import what
from resolvers import global_ids
from resolvers import waitlist as waitlist_reads
from schema.common import Node
from schema.cost import bound
from schema.enums import described

WaitlistEntryStatus = described(
    "Where a waitlist entry stands.",
    WAITING="Waiting for a time in its range to free up.",
    OFFERED="A freed time is held for this client (15 minutes) and offered by email.",
    BOOKED="The client claimed a held time: it is a booking (in New bookings).",
    LEFT="The client left with the link in a waitlist email.",
    REMOVED="You removed it.",
    LAPSED="Its last date passed.",
)(rules.EntryStatus)
WaitlistHoldStatus = described(
    "Where a held time stands.",
    ACTIVE="Held for this client until `expiresAt` (the claim may still fail after it).",
    CLAIMED="Claimed: booked.",
    EXPIRED="Not claimed within 15 minutes: passed to the next person waiting.",
    RELEASED="The client left the waitlist, or the therapist removed them.",
)(rules.HoldStatus)


@strawberry.type(description="A held time as the client's claim link shows it: no IDs, no other clients.")
class WaitlistOffer:
    start: dt.datetime = strawberry.field(description="Start instant (UTC).")
    end: dt.datetime = strawberry.field(description="End instant (UTC).")
    local_start: str = strawberry.field(description="Start on the client's wall clock, ISO 8601 with offset.")
    time_zone: str = strawberry.field(description="The zone of `localStart`: the client's, from joining.")
    expires_at: dt.datetime = strawberry.field(
        description="Until when it is held (15 minutes from the offer).")
    status: WaitlistHoldStatus = strawberry.field(  # type: ignore[valid-type]
        description="ACTIVE while it can be claimed (and `expiresAt` has not passed).")
    what: str = strawberry.field(description="\"session\", or the event type's title + \" session\" where "
                                 "the therapist names it in emails.")
    therapist_display_name: str = strawberry.field(description="Who the session would be with.")

    @classmethod
    def of(cls, v: OfferView) -> WaitlistOffer:
        audit.saw("waitlist_entry", v.entry.id)
        zone = ZoneInfo(v.entry.time_zone)
        return cls(start=v.hold.start, end=v.hold.end, local_start=v.hold.start.astimezone(zone).isoformat(),
                   time_zone=v.entry.time_zone, expires_at=v.hold.expires_at, status=v.hold.status,
                   what=what(v.event_type), therapist_display_name=v.therapist.display_name)


@strawberry.type(description="Someone waiting for a time of one of your event types. Audited when read.")
class WaitlistEntry(Node):
    event_type_id: strawberry.ID = strawberry.field(description="The event type they wait for.")
    first_name: str = strawberry.field(description="As they typed it.")
    last_name: str = strawberry.field(description="As they typed it.")
    email: str = strawberry.field(description="Lower-case.")
    phone: str | None = strawberry.field(description="Optional.")
    time_zone: str = strawberry.field(description="Their zone (emails show times in it).")
    first_date: dt.date = strawberry.field(description="First date of their range, on your clock.")
    last_date: dt.date = strawberry.field(description="Last date of their range (inclusive), on your clock.")
    status: WaitlistEntryStatus = strawberry.field(  # type: ignore[valid-type]
        description="WAITING or OFFERED here.")
    joined_at: dt.datetime = strawberry.field(
        description="When they joined: earlier entries are offered first.")

    @classmethod
    def from_domain(cls, e: rules.WaitlistEntry) -> WaitlistEntry:
        audit.saw("waitlist_entry", e.id)
        return cls(id=strawberry.ID(global_ids.encode("WaitlistEntry", e.id)),
                   event_type_id=strawberry.ID(global_ids.encode("EventType", e.event_type_id)),
                   first_name=e.first_name, last_name=e.last_name, email=e.email, phone=e.phone,
                   time_zone=e.time_zone, first_date=e.first_date, last_date=e.last_date, status=e.status,
                   joined_at=e.created_at)


TokenArgument = Annotated[str, strawberry.argument(
    description="The `token` parameter of the claim link in the waitlist email.")]


async def waitlist_offer(info: strawberry.Info, token: str) -> WaitlistOffer:
    return WaitlistOffer.of(await waitlist_reads.view(info.context, token))


WAITLIST_FIELD = strawberry.field(
    description=f"Who waits (WAITING or OFFERED), earliest first (at most {rules.MAX_WAITING_PER_THERAPIST}, "
    f"the most a waitlist takes). Cost: counted as {rules.MAX_WAITING_PER_THERAPIST}. Audited.",
    metadata=bound(items=rules.MAX_WAITING_PER_THERAPIST))


async def waitlist(info: strawberry.Info) -> list[WaitlistEntry]:
    found = await waitlist_reads.listing(info.context, rules.MAX_WAITING_PER_THERAPIST)
    return [WaitlistEntry.from_domain(e) for e in found]
