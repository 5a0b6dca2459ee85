"""The payload both weekly-hours mutations answer with: the whole week as stored now."""

from __future__ import annotations

import strawberry

from resolvers.outcome import Outcome
from schema.common import UserError, user_errors
from schema.cost import bound
from schema.therapist import DayAvailability, week_of


@strawberry.type(description="The whole week as it is after the mutation (or unchanged).")
class AvailabilityPayload:
    weekly_availability: list[DayAvailability] = strawberry.field(
        description="All seven days, Monday first, as stored now. Cost: 7.", metadata=bound(items=7)
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    async def of(cls, info: strawberry.Info, outcome: Outcome) -> AvailabilityPayload:
        """The week after the change, or unchanged with the user errors."""
        me = await info.context.therapist()
        loader = info.context.loaders.weekly_hours_by_therapist
        loader.clear_all()  # the mutation changed what an earlier field may have loaded
        hours = await loader.load(me.id)
        return cls(weekly_availability=week_of(hours), user_errors=user_errors(outcome.errors))
