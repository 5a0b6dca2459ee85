"""The payloads the calendar mutations share: the session, and for moves its overlaps."""

from __future__ import annotations

import strawberry

from domain.services.sessions import SessionResult
from resolvers import sessions as resolve
from resolvers.outcome import Outcome
from schema.calendar import ConflictChange, conflict_change
from schema.common import UserError, user_errors
from schema.sessions import Session


@strawberry.type(description="The session after the change and the overlaps it made or cleared.")
class SessionPayload:
    session: Session | None = strawberry.field(description="The session; null when userErrors is not empty.")
    conflicts: ConflictChange | None = strawberry.field(
        description="Overlaps that appeared or cleared; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")

    @classmethod
    async def of(cls, info: strawberry.Info, outcome: Outcome[SessionResult]) -> SessionPayload:
        if outcome.value is None:
            return cls(session=None, conflicts=None, user_errors=user_errors(outcome.errors))
        result = outcome.value
        resolve.fresh(info.context, result.session)
        return cls(
            session=Session.from_domain(result.session),
            conflicts=await conflict_change(info, result),
            user_errors=[],
        )


@strawberry.type(description="The session after recording paperwork.")
class SessionWorkPayload:
    session: Session | None = strawberry.field(description="The session; null when userErrors is not empty.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed; empty on success.")

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> SessionWorkPayload:
        """`outcome.value` is the session, or (session, facts) when the use case read them."""
        if outcome.value is None:
            return cls(session=None, user_errors=user_errors(outcome.errors))
        session, facts = outcome.value if isinstance(outcome.value, tuple) else (outcome.value, None)
        resolve.fresh(info.context, session, facts)
        return cls(session=Session.from_domain(session), user_errors=[])
