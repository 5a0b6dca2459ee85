"""Series mutations: start repeating (or change the cadence) and stop repeating."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.sessions import SessionResult
from resolvers import global_ids
from resolvers import series as resolve
from resolvers import sessions as sessions_resolver
from schema.calendar import ConflictChange, conflict_change
from schema.common import UserError, user_errors
from schema.sessions import Repeats, SeriesInfo, Session


@strawberry.input(description="Repeat a session from here on (or change the cadence from here on).")
class StartRepeatingInput:
    session_id: strawberry.ID = strawberry.field(
        description="Its weekday and wall-clock time (in your zone) become the series' rule."
    )
    repeats: Repeats = strawberry.field(description="WEEKLY … EVERY_4_WEEKS (not NONE).")  # type: ignore[valid-type]


@strawberry.input(description="End the series a session belongs to.")
class StopRepeatingInput:
    session_id: strawberry.ID = strawberry.field(description="Any session of the series.")


@strawberry.type(description="The session that now heads a series, and what its occurrences overlap.")
class StartRepeatingPayload:
    session: Session | None = strawberry.field(description="The session; null on userErrors.")
    series: SeriesInfo | None = strawberry.field(description="The new series; null on userErrors.")
    conflicts: ConflictChange | None = strawberry.field(
        description="Overlaps the new occurrences brought (allowed, flagged); null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")


@strawberry.type(description="The ended series and the upcoming occurrences removed.")
class StopRepeatingPayload:
    series: SeriesInfo | None = strawberry.field(description="The series, now inactive; null on userErrors.")
    removed_session_ids: list[strawberry.ID] = strawberry.field(
        description="Upcoming occurrences deleted (those with a note, payment or claim are kept)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")


@strawberry.type
class SeriesMutations:
    @strawberry.mutation(
        description="Start a series from a session: occurrences on its weekday and wall-clock time, "
        "every 1–4 weeks, materialised up to the horizon and extended as time goes on. On a session "
        "already in a series, that series ends there and a new one starts with the new cadence."
    )
    async def start_repeating(
        self, info: strawberry.Info,
        input: Annotated[StartRepeatingInput, strawberry.argument(description="The session and cadence.")],
    ) -> StartRepeatingPayload:
        outcome = await resolve.start(info.context, input.session_id, input.repeats)
        if outcome.value is None:
            return StartRepeatingPayload(session=None, series=None, conflicts=None,
                                         user_errors=user_errors(outcome.errors))
        session, series, appeared = outcome.value
        sessions_resolver.fresh(info.context, session)
        return StartRepeatingPayload(
            session=Session.from_domain(session), series=SeriesInfo.from_domain(series),
            conflicts=await conflict_change(info, SessionResult(session, appeared)), user_errors=[],
        )

    @strawberry.mutation(
        description="Stop repeating: upcoming occurrences are deleted except those worked on (a note, "
        "a payment or a claim); past ones stay; the series is never extended again."
    )
    async def stop_repeating(
        self, info: strawberry.Info,
        input: Annotated[StopRepeatingInput, strawberry.argument(description="A session of the series.")],
    ) -> StopRepeatingPayload:
        outcome = await resolve.stop(info.context, input.session_id)
        if outcome.value is None:
            return StopRepeatingPayload(series=None, removed_session_ids=[],
                                        user_errors=user_errors(outcome.errors))
        series, removed = outcome.value
        return StopRepeatingPayload(
            series=SeriesInfo.from_domain(series),
            removed_session_ids=[strawberry.ID(global_ids.encode("Session", s.id)) for s in removed],
            user_errors=[],
        )
