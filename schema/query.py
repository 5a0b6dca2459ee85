"""The root Query."""

from __future__ import annotations

import strawberry

from domain.event_types import COMMON_LENGTHS
from resolvers import nodes
from schema.common import Node
from schema.event_types import EventType
from schema.therapist import Therapist


@strawberry.type(description="Everything you can read.")
class Query:
    @strawberry.field(description="The signed-in therapist. UNAUTHENTICATED without a token.")
    async def me(self, info: strawberry.Info) -> Therapist:
        return Therapist.from_domain(await info.context.therapist(), info)

    @strawberry.field(
        description="Any object by global ID. Another therapist's objects read as null."
    )
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        found = await nodes.resolve(info.context, id)
        if found is None:
            return None
        type_name, value = found
        if type_name == "Therapist":
            return Therapist.from_domain(value, info)  # type: ignore[arg-type]
        return EventType.from_domain(value)  # type: ignore[arg-type]

    @strawberry.field(description="Session lengths most practices use, as a hint for forms.")
    def common_session_lengths(self) -> list[int]:
        return list(COMMON_LENGTHS)
