"""disconnectOutlook: forget the tokens at once and stop syncing (idempotent)."""

from __future__ import annotations

import strawberry

from domain.services.outlook_connection import DisconnectOutlook
from resolvers import outlook
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.outlook import OutlookIntegration


@strawberry.type(description="The integration after disconnecting.")
class DisconnectOutlookPayload:
    outlook: OutlookIntegration | None = strawberry.field(
        description="Now disconnected; events already in Outlook stay there."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty: disconnecting always works.")

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> DisconnectOutlookPayload:
        return cls(
            outlook=OutlookIntegration.from_domain(outcome.value, outlook.available(info.context))
            if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(
    description="Disconnect Outlook: Couchtime forgets the tokens at once and stops syncing. "
    "Idempotent."
)
async def disconnect_outlook(info: strawberry.Info) -> DisconnectOutlookPayload:
    return DisconnectOutlookPayload.of(info, await run(info.context, DisconnectOutlook()))
