"""stopRepeating: end a series; upcoming occurrences not worked on are deleted."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.series import StopRepeating
from resolvers import global_ids
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.sessions import SeriesInfo


@strawberry.input(description="End the series a session belongs to.")
class StopRepeatingInput:
    session_id: strawberry.ID = strawberry.field(description="Any session of the series.")

    def to_command(self) -> StopRepeating:
        return StopRepeating(global_ids.decode_as(self.session_id, "Session"))


@strawberry.type(description="The ended series and the upcoming occurrences removed.")
class StopRepeatingPayload:
    series: SeriesInfo | None = strawberry.field(description="The series, now inactive; null on userErrors.")
    removed_session_ids: list[strawberry.ID] = strawberry.field(
        description="Upcoming occurrences deleted (those with a note, payment or claim are kept)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome) -> StopRepeatingPayload:
        if outcome.value is None:
            return cls(series=None, removed_session_ids=[], user_errors=user_errors(outcome.errors))
        series, removed = outcome.value
        return cls(
            series=SeriesInfo.from_domain(series),
            removed_session_ids=[strawberry.ID(global_ids.encode("Session", s.id)) for s in removed],
            user_errors=[],
        )


@strawberry.mutation(
    description="Stop repeating: upcoming occurrences are deleted except those worked on (a note, "
    "a payment or a claim); past ones stay; the series is never extended again."
)
async def stop_repeating(
    info: strawberry.Info,
    input: Annotated[StopRepeatingInput, strawberry.argument(description="A session of the series.")],
) -> StopRepeatingPayload:
    return StopRepeatingPayload.of(await run(info.context, input.to_command()))
