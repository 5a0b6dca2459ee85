"""updateSession: the session edit form (start, event type, visit type, fee)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.services.sessions import SessionEdit
from resolvers import global_ids
from resolvers.use_cases import run
from schema.mutations.sessions.shared import SessionPayload
from schema.sessions import SessionVisit


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

    def to_command(self) -> SessionEdit:
        return SessionEdit(
            session_id=global_ids.decode_as(self.session_id, "Session"),
            start=self.start,
            event_type_id=(
                global_ids.decode_as(self.event_type_id, "EventType") if self.event_type_id else None
            ),
            event_type_given=self.event_type_id is not None,
            visit=self.visit_type, fee_cents=self.fee_cents, fee_currency=self.fee_currency,
            clear_fee=self.clear_fee,
        )


@strawberry.mutation(description="Edit a session: start, event type, visit type, fee.")
async def update_session(
    info: strawberry.Info,
    input: Annotated[
        UpdateSessionInput, strawberry.argument(description="The session and the fields to change.")
    ],
) -> SessionPayload:
    return await SessionPayload.of(info, await run(info.context, input.to_command()))
