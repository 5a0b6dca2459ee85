"""rescheduleSession: a drop on the calendar (the same rule as the `reschedulePreview` query)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import RescheduleSession
from resolvers import global_ids
from resolvers.use_cases import run
from schema.common import CalendarView
from schema.mutations.sessions.shared import SessionPayload


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

    def to_command(self) -> RescheduleSession:
        return RescheduleSession(
            session_id=global_ids.decode_as(self.session_id, "Session"), view=self.view, target=self.target
        )


@strawberry.mutation(
    description="Drag-and-drop: move a session in the week or month view (see `target`). A "
    "cancelled session does not move (SESSION_CANCELLED)."
)
async def reschedule_session(
    info: strawberry.Info,
    input: Annotated[
        RescheduleSessionInput,
        strawberry.argument(description="The session, where it was dropped and in which view."),
    ],
) -> SessionPayload:
    return await SessionPayload.of(info, await run(info.context, input.to_command()))
