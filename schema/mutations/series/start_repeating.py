"""startRepeating: a series from a session (or a new cadence from it on)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.series import StartRepeating
from domain.services.sessions import SessionResult
from resolvers import global_ids
from resolvers import sessions as sessions_resolver
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.calendar import ConflictChange, conflict_change
from schema.common import UserError, user_errors
from schema.sessions import Repeats, SeriesInfo, Session


@strawberry.input(description="Repeat a session from here on (or change the cadence from here on).")
class StartRepeatingInput:
    session_id: strawberry.ID = strawberry.field(
        description="Its weekday and wall-clock time (in your zone) become the series' rule."
    )
    repeats: Repeats = strawberry.field(description="WEEKLY … EVERY_4_WEEKS (not NONE).")  # type: ignore[valid-type]

    def to_command(self) -> StartRepeating:
        return StartRepeating(global_ids.decode_as(self.session_id, "Session"), self.repeats)


@strawberry.type(description="The session that now heads a series, and what its occurrences overlap.")
class StartRepeatingPayload:
    session: Session | None = strawberry.field(description="The session; null on userErrors.")
    series: SeriesInfo | None = strawberry.field(description="The new series; null on userErrors.")
    conflicts: ConflictChange | None = strawberry.field(
        description="Overlaps the new occurrences brought (allowed, flagged); null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")

    @classmethod
    async def of(cls, info: strawberry.Info, outcome: Outcome) -> StartRepeatingPayload:
        if outcome.value is None:
            return cls(session=None, series=None, conflicts=None, user_errors=user_errors(outcome.errors))
        session, series, appeared = outcome.value
        sessions_resolver.fresh(info.context, session)
        return cls(
            session=Session.from_domain(session), series=SeriesInfo.from_domain(series),
            conflicts=await conflict_change(info, SessionResult(session, appeared)), user_errors=[],
        )


@strawberry.mutation(
    description="Start a series from a session: occurrences on its weekday and wall-clock time, "
    "every 1–4 weeks, materialised up to the horizon and extended as time goes on. On a session "
    "already in a series, that series ends there and a new one starts with the new cadence."
)
async def start_repeating(
    info: strawberry.Info,
    input: Annotated[StartRepeatingInput, strawberry.argument(description="The session and cadence.")],
) -> StartRepeatingPayload:
    return await StartRepeatingPayload.of(info, await run(info.context, input.to_command()))
