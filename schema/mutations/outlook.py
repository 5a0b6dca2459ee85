"""Outlook mutations: connect (a Microsoft sign-in URL) and disconnect."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import outlook
from schema.common import UserError, user_errors
from schema.outlook import OutlookIntegration


@strawberry.type(description="Where to send the browser to connect Outlook, or why not.")
class ConnectOutlookPayload:
    authorize_url: str | None = strawberry.field(
        description="Microsoft's sign-in page (authorization code flow with PKCE). Open it in "
        "the browser; Microsoft sends it back to Couchtime's callback, which connects the account "
        "and redirects to the app's Integrations page. Single use; null when userErrors is not empty."
    )
    expires_at: datetime | None = strawberry.field(
        description="The sign-in must finish before this instant (10 minutes); null on error."
    )
    user_errors: list[UserError] = strawberry.field(
        description="OUTLOOK_NOT_CONFIGURED when this server does not offer Outlook sync."
    )


@strawberry.type(description="The integration after disconnecting.")
class DisconnectOutlookPayload:
    outlook: OutlookIntegration | None = strawberry.field(
        description="Now disconnected; events already in Outlook stay there."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty: disconnecting always works.")


@strawberry.type
class OutlookMutations:
    @strawberry.mutation(
        description="Start connecting Microsoft Outlook: returns the Microsoft sign-in URL. Once "
        "connected, upcoming sessions are copied to Outlook and kept up to date."
    )
    async def connect_outlook(self, info: strawberry.Info) -> ConnectOutlookPayload:
        outcome = await outlook.connect(info.context)
        start = outcome.value
        return ConnectOutlookPayload(
            authorize_url=start.authorize_url if start else None,
            expires_at=start.expires_at if start else None,
            user_errors=user_errors(outcome.errors),
        )

    @strawberry.mutation(
        description="Disconnect Outlook: Couchtime forgets the tokens at once and stops syncing. "
        "Idempotent."
    )
    async def disconnect_outlook(self, info: strawberry.Info) -> DisconnectOutlookPayload:
        outcome = await outlook.disconnect(info.context)
        return DisconnectOutlookPayload(
            outlook=OutlookIntegration.from_domain(outcome.value, outlook.available(info.context))
            if outcome.value else None,
            user_errors=user_errors(outcome.errors),
        )
