"""Sessions: one appointment of a client with the therapist."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from domain import audit, model, money
from resolvers import global_ids
from resolvers.calendar import Prefetched
from schema.common import Money, Node
from schema.cost import bound
from schema.enums import described
from schema.event_types import EventType
from schema.lean_fields import context_only

if TYPE_CHECKING:
    from schema.clients import Client

T = TypeVar("T")

SessionVisit = described(
    "Where this session takes place.",
    TELEHEALTH="A video session (see `meetingUrl`).", IN_PERSON="At the therapist's office.",
)(model.SessionVisit)
SessionStatus = described(
    "Scheduled or cancelled.",
    SCHEDULED="Will take place (or took place).",
    CANCELLED="Cancelled: kept for the record, frees its slot, never conflicts; can be uncancelled.",
)(model.SessionStatus)
SessionSource = described(
    "How the session came to be: a public booking, by hand, or a recurring series.",
    BOOKING="Booked on the therapist's public booking page.",
    MANUAL="Scheduled by the therapist.",
    SERIES="Created by a recurring series.",
)(model.SessionSource)
ClaimStatus = described(
    "Insurance claim status of a session.",
    NONE="No claim filed.", SUBMITTED="Claim sent to the insurer, no answer yet.",
    PAID="The insurer paid the claim.", DENIED="The insurer denied the claim.",
)(money.ClaimStatus)
PaymentStatus = described(
    "Derived from the session fee and the payments recorded: NO_FEE when there is no fee, else "
    "UNPAID, PARTIALLY_PAID or PAID.",
    NO_FEE="The session has no fee.", UNPAID="A fee and no payment recorded.",
    PARTIALLY_PAID="Payments recorded cover part of the fee.",
    PAID="Payments recorded cover the whole fee.",
)(money.PaymentStatus)


Repeats = described(
    "How often a series repeats; NONE = once.",
    NONE="Once: no series.", WEEKLY="Every week, same local day and time.",
    EVERY_2_WEEKS="Every second week.", EVERY_3_WEEKS="Every third week.",
    EVERY_4_WEEKS="Every fourth week.",
)(model.Repeats)


@strawberry.type(description="A recurring series: a standing weekly-based session with no end date.")
class SeriesInfo:
    id: strawberry.ID = strawberry.field(description="The series' global ID.")
    repeats: Repeats = strawberry.field(description="Its cadence.")  # type: ignore[valid-type]
    active: bool = strawberry.field(description="False once stopped: it is never extended again.")
    materialised_until: str = strawberry.field(
        description="Occurrences exist as sessions up to this local date (YYYY-MM-DD)."
    )

    @classmethod
    def from_domain(cls, s: model.Series) -> SeriesInfo:
        return cls(
            id=strawberry.ID(global_ids.encode("Series", s.id)), repeats=s.repeats, active=s.active,
            materialised_until=s.materialised_until.isoformat(),
        )


@described(
    "How a payment was made.",
    CASH="Cash.", CARD="Credit or debit card.", CHECK="Check.", BANK_TRANSFER="Bank transfer.",
    INSURANCE="Paid by the client's insurer.", OTHER="Any other way.",
)
class PaymentMethod(Enum):
    CASH = "CASH"
    CARD = "CARD"
    CHECK = "CHECK"
    BANK_TRANSFER = "BANK_TRANSFER"
    INSURANCE = "INSURANCE"
    OTHER = "OTHER"


CancelledBy = described(
    "Who cancelled a session.",
    THERAPIST="The therapist cancelled it (calendar or client profile).",
    CLIENT="The client cancelled it: in the client portal or with the link in their confirmation.",
)(model.CancelledBy)


@strawberry.type(description="A payment recorded against a session.")
class Payment:
    amount_cents: int = strawberry.field(description="Amount paid, in cents.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    method: str = strawberry.field(
        description="CASH, CARD, CHECK, BANK_TRANSFER, INSURANCE or OTHER, as text.",
        deprecation_reason="Use `paymentMethod`, the same value as the PaymentMethod enum.")
    recorded_at: datetime = strawberry.field(description="When it was recorded (UTC).")

    @strawberry.field(description="How it was paid.")
    def payment_method(self) -> PaymentMethod:
        return PaymentMethod(self.method)


@strawberry.type(description="One appointment on the therapist's calendar.")
class Session(Node):
    start: datetime = strawberry.field(description="Start instant (UTC).")
    end: datetime = strawberry.field(description="End instant (UTC).")
    minutes: int = strawberry.field(description="Length in minutes.")
    visit_type: SessionVisit = strawberry.field(description="Telehealth or in person.")  # type: ignore[valid-type]
    meeting_url: str = strawberry.field(description="The session's video room; every session has one.")
    status: SessionStatus = strawberry.field(description="Scheduled or cancelled.")  # type: ignore[valid-type]
    source: SessionSource = strawberry.field(description="Booking, manual or series.")  # type: ignore[valid-type]
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled (private).")
    client_time_zone: str | None = strawberry.field(
        description="The zone the client booked in, used to show them times."
    )
    cancelled: bool = strawberry.field(
        description="True when cancelled: it stays on the calendar, marked, and frees its slot."
    )
    cancelled_by: CancelledBy | None = strawberry.field(  # type: ignore[valid-type]
        description="Who cancelled it; null while scheduled (and for sessions cancelled before this "
        "was recorded).")
    cancelled_at: datetime | None = strawberry.field(
        description="When it was cancelled (UTC); null while scheduled.")
    fee: Money | None = strawberry.field(
        description="This session's fee: starts from the event type's price; null = no fee."
    )
    claim_status: ClaimStatus = strawberry.field(description="Insurance claim status.")  # type: ignore[valid-type]
    has_claim: bool = strawberry.field(description="True when a claim status other than NONE is set.")
    domain: strawberry.Private[model.Session]
    known: strawberry.Private[Prefetched | None] = None

    @classmethod
    def from_domain(cls, s: model.Session, known: Prefetched | None = None) -> Session:
        """`known` carries what a calendar read already fetched, so fields answer at once."""
        audit.saw("session", s.id, s.client_id)
        return cls(
            id=strawberry.ID(global_ids.encode("Session", s.id)), start=s.start, end=s.end,
            minutes=round((s.end - s.start).total_seconds() / 60), visit_type=s.visit,
            meeting_url=s.meeting_url, status=s.status, source=s.source,
            cancel_reason=s.cancel_reason, client_time_zone=s.client_time_zone,
            cancelled=s.cancelled, cancelled_by=s.cancelled_by, cancelled_at=s.cancelled_at,
            fee=Money.of(s.fee_cents, s.fee_currency), claim_status=s.claim_status,
            has_claim=s.claim_status is not money.ClaimStatus.NONE, domain=s, known=known,
        )

    def _with_facts(
        self, info: strawberry.Info, answer: Callable[[model.SessionFacts], T]
    ) -> T | Awaitable[T]:
        """Answer from prefetched facts without a task per field, else through the loader."""
        if self.known is not None:
            return answer(self.known.facts)

        async def later() -> T:
            return answer(await info.context.loaders.facts_by_session.load(self.domain.id))

        return later()

    @strawberry.field(description="True while it belongs to a series that still repeats (the repeat "
                      "icon): false once stopRepeating ended the series, also for the sessions it kept.")
    @context_only
    def recurring(self, info: strawberry.Info) -> bool:
        series_id = self.domain.series_id
        if series_id is None:  # most sessions: answered at once, no task
            return False

        async def active() -> bool:
            series = await info.context.loaders.series_by_id.load(series_id)
            return series is not None and series.active

        return active()  # type: ignore[return-value]

    @strawberry.field(description="NO_FEE, UNPAID, PARTIALLY_PAID or PAID.")
    @context_only
    def payment_status(self, info: strawberry.Info) -> PaymentStatus:  # type: ignore[valid-type]
        return self._with_facts(info, lambda f: money.payment_status(self.domain.fee_cents, [f.paid_cents]))

    @strawberry.field(description="Sum of the payments recorded, in cents.")
    @context_only
    def amount_paid_cents(self, info: strawberry.Info) -> int:
        return self._with_facts(info, lambda f: f.paid_cents)

    @strawberry.field(description="True when at least one payment is recorded.")
    @context_only
    def has_payment(self, info: strawberry.Info) -> bool:
        return self._with_facts(info, lambda f: f.payment_count > 0)

    @strawberry.field(description="True when a clinical note is written.")
    @context_only
    def has_note(self, info: strawberry.Info) -> bool:
        return self._with_facts(info, lambda f: f.has_note)

    @strawberry.field(description="The clinical note (PHI; only the owner can read it); null if none.")
    async def note(self, info: strawberry.Info) -> str | None:
        note = await info.context.loaders.note_by_session.load(self.domain.id)
        if note is not None:
            audit.saw("note", self.domain.id, self.domain.client_id)
        return note

    @strawberry.field(description="Payments recorded, oldest first. Cost: counted as 10.",
                      metadata=bound(items=10))
    async def payments(self, info: strawberry.Info) -> list[Payment]:
        found = await info.context.loaders.payments_by_session.load(self.domain.id)
        for p in found:
            audit.saw("payment", p.id, self.domain.client_id)
        return [Payment(amount_cents=p.amount_cents, currency=p.currency, method=p.method,
                        recorded_at=p.recorded_at) for p in found]

    @strawberry.field(
        description="True when it overlaps another scheduled session of the therapist "
        "(back-to-back is not an overlap; cancelled sessions never conflict)."
    )
    @context_only
    def conflict(self, info: strawberry.Info) -> bool:
        if self.domain.cancelled:
            return False
        if self.known is not None and self.known.overlapping is not None:
            return bool(self.known.overlapping)

        async def later() -> bool:
            return bool(await info.context.loaders.overlapping_by_session.load(self.domain.id))

        return later()

    @strawberry.field(description="The scheduled sessions it overlaps. Cost: counted as 10 sessions, "
                      "times what each selects.", metadata=bound(items=10))
    @context_only
    def conflicts_with(self, info: strawberry.Info) -> list[Session]:
        if self.domain.cancelled:
            return []
        known = self.known
        if known is not None and known.overlapping is not None:
            return [Session.from_domain(known.lookup[i], known.siblings.get(i)) for i in known.overlapping]

        async def later() -> list[Session]:
            ids = await info.context.loaders.overlapping_by_session.load(self.domain.id)
            found = await info.context.loaders.session_by_id.load_many(ids)
            ordered = sorted((s for s in found if s is not None), key=lambda s: (s.start, str(s.id)))
            return [Session.from_domain(s) for s in ordered]

        return later()

    @strawberry.field(description="The series it belongs to (null for a one-off session).")
    @context_only
    def series(self, info: strawberry.Info) -> SeriesInfo | None:
        if self.domain.series_id is None:
            return None

        async def later() -> SeriesInfo | None:
            found = await info.context.loaders.series_by_id.load(self.domain.series_id)
            return SeriesInfo.from_domain(found) if found else None

        return later()

    @strawberry.field(description="The series' original local date of this occurrence (YYYY-MM-DD).")
    def occurrence_date(self) -> str | None:
        return self.domain.occurrence_date.isoformat() if self.domain.occurrence_date else None

    @strawberry.field(description="The event type booked (kept even if since retired).")
    @context_only
    def event_type(self, info: strawberry.Info) -> EventType:
        known = self.known
        if known is not None:  # the same event type's object for every session of the read
            return known.view(("EventType", known.event_type.id),
                              lambda: EventType.from_domain(known.event_type))

        async def later() -> EventType:
            return EventType.from_domain(
                await info.context.loaders.event_type_by_id.load(self.domain.event_type_id)
            )

        return later()

    @strawberry.field(description="The client this session is with.")
    @context_only
    def client(
        self, info: strawberry.Info
    ) -> Annotated[Client, strawberry.lazy("schema.clients")]:
        from schema.clients import Client

        if self.known is not None:
            return Client.from_domain(self.known.client, self.known)

        async def later() -> Client:
            return Client.from_domain(await info.context.loaders.client_by_id.load(self.domain.client_id))

        return later()
