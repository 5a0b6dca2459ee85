"""completeOutlookConnection: the web app, back from Microsoft, finishes connecting."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.outlook_connection import CompleteOutlookConnection
from resolvers import outlook
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.outlook import OutlookIntegration


@strawberry.input(description="What Microsoft put in the URL it sent the browser back to.")
class CompleteOutlookConnectionInput:
    code: str | None = strawberry.field(
        default=None, description="The `code` parameter (absent on a refusal)."
    )
    state: str = strawberry.field(description="The `state` parameter: single use, 10 minutes, bound to "
                                  "the therapist who called connectOutlook.")
    error: str | None = strawberry.field(default=None, description="The `error` parameter, if Microsoft "
                                         "sent one (the user cancelled or refused consent).")

    def to_command(self) -> CompleteOutlookConnection:
        return CompleteOutlookConnection(state=self.state, code=self.code, error=self.error)


@strawberry.type(description="The integration once connected, or why not.")
class CompleteOutlookConnectionPayload:
    outlook: OutlookIntegration | None = strawberry.field(
        description="Now connected (upcoming sessions are being copied); null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        description="INVALID on state (unknown, used, expired, or started by another account: the "
        "code is then not used); OUTLOOK_CONNECT_FAILED on code (refused at Microsoft, or the "
        "exchange failed); OUTLOOK_NOT_CONFIGURED."
    )

    @classmethod
    def of(cls, info: strawberry.Info, outcome: Outcome) -> CompleteOutlookConnectionPayload:
        return cls(
            outlook=OutlookIntegration.from_domain(outcome.value, outlook.available(info.context))
            if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(
    description="Finish connecting Outlook: the web app calls this with the `code` and `state` "
    "Microsoft sent the browser back with, under the token of the therapist who called "
    "connectOutlook. A state started by another account is refused, so a sign-in link sent "
    "to someone else can never attach their calendar to your account (or yours to theirs)."
)
async def complete_outlook_connection(
    info: strawberry.Info,
    input: Annotated[CompleteOutlookConnectionInput, strawberry.argument(description="From the URL.")],
) -> CompleteOutlookConnectionPayload:
    return CompleteOutlookConnectionPayload.of(info, await run(info.context, input.to_command()))
