"""setCalendarView: the Month / Week toggle, remembered per therapist on every device."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import SetCalendarView
from resolvers.use_cases import run
from schema.common import CalendarView, UserError


@strawberry.input(description="Which calendar layout to open next time, on every device.")
class SetCalendarViewInput:
    view: CalendarView = strawberry.field(description="MONTH or WEEK.")  # type: ignore[valid-type]

    def to_command(self) -> SetCalendarView:
        return SetCalendarView(view=self.view)


@strawberry.type(description="The calendar view now remembered.")
class SetCalendarViewPayload:
    view: CalendarView = strawberry.field(description="The view saved.")  # type: ignore[valid-type]
    user_errors: list[UserError] = strawberry.field(
        description="Always empty: any CalendarView value is accepted. Present so every payload has "
        "the same shape."
    )


@strawberry.mutation(description="Remember the Month / Week toggle for this therapist.")
async def set_calendar_view(
    info: strawberry.Info,
    input: Annotated[SetCalendarViewInput, strawberry.argument(description="The view to remember.")],
) -> SetCalendarViewPayload:
    await run(info.context, input.to_command())
    return SetCalendarViewPayload(view=input.view, user_errors=[])
