"""Calendar mutations: schedule by hand, edit, drag, cancel; note, payment, claim."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain import model
from domain.services.sessions import SessionEdit
from resolvers import global_ids
from resolvers import sessions as resolve
from schema.common import CalendarView, UserError
from schema.mutations.sessions.cancel_session import cancel_session
from schema.mutations.sessions.payloads import SessionPayload, SessionWorkPayload
from schema.mutations.sessions.uncancel_session import uncancel_session
from schema.sessions import ClaimStatus, PaymentMethod, Repeats, SessionVisit


@strawberry.input(description="A session scheduled by hand from a client's profile.")
class CreateSessionInput:
    client_id: strawberry.ID = strawberry.field(description="An active client (not an intake).")
    event_type_id: strawberry.ID = strawberry.field(description="Its length and fee come from here.")
    start: datetime = strawberry.field(description="Start instant, with a UTC offset.")
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Must be allowed by the event type; may be omitted when only one is."
    )
    repeats: Repeats = strawberry.field(  # type: ignore[valid-type]
        default=model.Repeats.NONE,
        description="Make it the first occurrence of a series on its weekday and wall-clock time. "
        "Occurrences up to the horizon (8 weeks by default) are created at once; their overlaps come "
        "back in `conflicts.appeared` (allowed, never skipped).",
    )


@strawberry.input(description="The session edit form. Fields left out (null) stay as they are.")
class UpdateSessionInput:
    session_id: strawberry.ID = strawberry.field(description="The session to edit.")
    start: datetime | None = strawberry.field(default=None, description="New start (not when cancelled).")
    event_type_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="New event type: the length follows it, and so does the fee unless it was set by hand.",
    )
    visit_type: SessionVisit | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Switch telehealth ↔ in person at any time (if the event type allows)."
    )
    fee_cents: int | None = strawberry.field(default=None, description="This session's fee, in cents (≥ 0).")
    fee_currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the fee.")
    clear_fee: bool = strawberry.field(default=False, description="No fee for this session.")


@strawberry.input(description="A drop on the calendar.")
class RescheduleSessionInput:
    session_id: strawberry.ID = strawberry.field(description="The dragged session.")
    target: str = strawberry.field(
        description="WEEK: the drop position as an ISO 8601 date-time (an offset-less one is read "
        "on the therapist's wall clock); it snaps to the nearest quarter hour (ties forward; a time "
        "in a spring-forward gap moves to the first valid quarter hour after it). MONTH: a date "
        "YYYY-MM-DD; the session keeps its wall-clock start time on that date."
    )
    view: CalendarView = strawberry.field(description="The view the drop happened in.")  # type: ignore[valid-type]


@strawberry.input(description="The clinical note of a session (replaces the previous text).")
class WriteSessionNoteInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    text: str = strawberry.field(description="PHI: only you can read it; never logged. ≤ 20,000 chars. Line "
        "breaks and tabs are kept; other control characters are INVALID_CHARACTERS.")


@strawberry.input(description="A payment towards a session's fee.")
class RecordPaymentInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    amount_cents: int = strawberry.field(description="Positive amount in cents.")
    currency: str = strawberry.field(description="ISO 4217 code; must match the session fee's.")
    method: PaymentMethod = strawberry.field(description="How it was paid.")


@strawberry.input(description="The insurance claim status of a session.")
class SetClaimStatusInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    status: ClaimStatus = strawberry.field(description="The new status.")  # type: ignore[valid-type]


@strawberry.input(description="Which calendar layout to open next time, on every device.")
class SetCalendarViewInput:
    view: CalendarView = strawberry.field(description="MONTH or WEEK.")  # type: ignore[valid-type]


@strawberry.type(description="The calendar view now remembered.")
class SetCalendarViewPayload:
    view: CalendarView = strawberry.field(description="The view saved.")  # type: ignore[valid-type]
    user_errors: list[UserError] = strawberry.field(
        description="Always empty: any CalendarView value is accepted. Present so every payload has "
        "the same shape."
    )


@strawberry.type
class SessionMutations:
    @strawberry.mutation(
        description="Schedule a session by hand. Overlaps are allowed and come back as conflicts."
    )
    async def create_session(
        self,
        info: strawberry.Info,
        input: Annotated[
            CreateSessionInput,
            strawberry.argument(description="The client, event type, start and visit type."),
        ],
    ) -> SessionPayload:
        return await SessionPayload.of(
            info,
            await resolve.create(
                info.context,
                client_id=input.client_id,
                event_type_id=input.event_type_id,
                start=input.start,
                visit=input.visit_type,
                repeats=input.repeats,
            ),
        )

    @strawberry.mutation(description="Edit a session: start, event type, visit type, fee.")
    async def update_session(
        self,
        info: strawberry.Info,
        input: Annotated[
            UpdateSessionInput, strawberry.argument(description="The session and the fields to change.")
        ],
    ) -> SessionPayload:
        edit = SessionEdit(
            start=input.start,
            event_type_id=global_ids.decode_as(input.event_type_id, "EventType")
            if input.event_type_id
            else None,
            event_type_given=input.event_type_id is not None,
            visit=input.visit_type,
            fee_cents=input.fee_cents,
            fee_currency=input.fee_currency,
            clear_fee=input.clear_fee,
        )
        return await SessionPayload.of(info, await resolve.update(info.context, input.session_id, edit))

    @strawberry.mutation(
        description="Drag-and-drop: move a session in the week or month view (see `target`). A "
        "cancelled session does not move (SESSION_CANCELLED)."
    )
    async def reschedule_session(
        self,
        info: strawberry.Info,
        input: Annotated[
            RescheduleSessionInput,
            strawberry.argument(description="The session, where it was dropped and in which view."),
        ],
    ) -> SessionPayload:
        return await SessionPayload.of(
            info, await resolve.reschedule(info.context, input.session_id, input.target, input.view)
        )

    cancel_session = cancel_session
    uncancel_session = uncancel_session

    @strawberry.mutation(description="Write the session's clinical note.")
    async def write_session_note(
        self,
        info: strawberry.Info,
        input: Annotated[
            WriteSessionNoteInput, strawberry.argument(description="The session and the note text.")
        ],
    ) -> SessionWorkPayload:
        outcome = await resolve.write_note(info.context, input.session_id, input.text)
        return SessionWorkPayload.of(info, outcome)

    @strawberry.mutation(description="Record a payment; the payment status is derived from the fee.")
    async def record_payment(
        self,
        info: strawberry.Info,
        input: Annotated[RecordPaymentInput, strawberry.argument(description="The session and the payment.")],
    ) -> SessionWorkPayload:
        outcome = await resolve.record_payment(
            info.context,
            input.session_id,
            amount_cents=input.amount_cents,
            currency=input.currency,
            method=input.method.value,
        )
        return SessionWorkPayload.of(info, outcome)

    @strawberry.mutation(description="Set the session's claim status.")
    async def set_claim_status(
        self,
        info: strawberry.Info,
        input: Annotated[
            SetClaimStatusInput, strawberry.argument(description="The session and its claim status.")
        ],
    ) -> SessionWorkPayload:
        outcome = await resolve.set_claim(info.context, input.session_id, input.status)
        return SessionWorkPayload.of(info, outcome)

    @strawberry.mutation(description="Remember the Month / Week toggle for this therapist.")
    async def set_calendar_view(
        self,
        info: strawberry.Info,
        input: Annotated[SetCalendarViewInput, strawberry.argument(description="The view to remember.")],
    ) -> SetCalendarViewPayload:
        await resolve.set_view(info.context, input.view)
        return SetCalendarViewPayload(view=input.view, user_errors=[])
