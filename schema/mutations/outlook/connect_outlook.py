"""connectOutlook: the Microsoft sign-in URL that starts connecting Outlook."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.services.outlook_connection import ConnectOutlook
from resolvers.outcome import Outcome
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.type(description="Where to send the browser to connect Outlook, or why not.")
class ConnectOutlookPayload:
    authorize_url: str | None = strawberry.field(
        description="Microsoft's sign-in page (authorization code flow with PKCE). Open it in "
        "the browser; Microsoft sends it back to the web app (COUCHTIME_PUBLIC_APP_URL + "
        "/settings/integrations/outlook, with `code` and `state`), which then calls "
        "completeOutlookConnection with the same therapist's token. Single use; null when "
        "userErrors is not empty."
    )
    expires_at: datetime | None = strawberry.field(
        description="The sign-in must finish before this instant (10 minutes); null on error."
    )
    user_errors: list[UserError] = strawberry.field(
        description="OUTLOOK_NOT_CONFIGURED when this server does not offer Outlook sync."
    )

    @classmethod
    def of(cls, outcome: Outcome) -> ConnectOutlookPayload:
        start = outcome.value
        return cls(
            authorize_url=start.authorize_url if start else None,
            expires_at=start.expires_at if start else None,
            user_errors=user_errors(outcome.errors),
        )


@strawberry.mutation(
    description="Start connecting Microsoft Outlook: returns the Microsoft sign-in URL. Once "
    "connected, upcoming sessions are copied to Outlook and kept up to date."
)
async def connect_outlook(info: strawberry.Info) -> ConnectOutlookPayload:
    return ConnectOutlookPayload.of(await run(info.context, ConnectOutlook()))
