"""Outlook mutations: connect (a Microsoft sign-in URL) and disconnect."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers import external_busy, outlook
from schema.common import UserError, user_errors
from schema.outlook import OutlookIntegration


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


@strawberry.type(description="The integration after disconnecting.")
class DisconnectOutlookPayload:
    outlook: OutlookIntegration | None = strawberry.field(
        description="Now disconnected; events already in Outlook stay there."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty: disconnecting always works.")


@strawberry.input(description="What Microsoft put in the URL it sent the browser back to.")
class CompleteOutlookConnectionInput:
    code: str | None = strawberry.field(
        default=None, description="The `code` parameter (absent on a refusal)."
    )
    state: str = strawberry.field(description="The `state` parameter: single use, 10 minutes, bound to "
                                  "the therapist who called connectOutlook.")
    error: str | None = strawberry.field(default=None, description="The `error` parameter, if Microsoft "
                                         "sent one (the user cancelled or refused consent).")


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


@strawberry.input(description="Whether tentative Outlook appointments block booking slots.")
class SetTentativeEventsBlockInput:
    block: bool = strawberry.field(description="True: a tentative appointment hides the slots it "
                                   "overlaps, like a busy one; false: only busy and away ones do.")


@strawberry.type(description="The Outlook integration with the choice applied.")
class SetTentativeEventsBlockPayload:
    outlook: OutlookIntegration | None = strawberry.field(description="The integration; applies at once "
                                                          "to the booking page's slots.")
    user_errors: list[UserError] = strawberry.field(description="Empty: the choice can always be made.")


@strawberry.type
class OutlookMutations:
    @strawberry.mutation(description="Choose whether tentative Outlook appointments hide booking "
                         "slots (busy and away ones always do; free ones never).")
    async def set_tentative_events_block(
        self, info: strawberry.Info,
        input: Annotated[SetTentativeEventsBlockInput, strawberry.argument(description="The choice.")],
    ) -> SetTentativeEventsBlockPayload:
        therapist_id = await external_busy.set_tentative_blocks(info.context, input.block)
        found = await outlook.status(info.context, therapist_id)
        return SetTentativeEventsBlockPayload(
            outlook=OutlookIntegration.from_domain(found, outlook.available(info.context)), user_errors=[])

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
        description="Finish connecting Outlook: the web app calls this with the `code` and `state` "
        "Microsoft sent the browser back with, under the token of the therapist who called "
        "connectOutlook. A state started by another account is refused, so a sign-in link sent "
        "to someone else can never attach their calendar to your account (or yours to theirs)."
    )
    async def complete_outlook_connection(
        self, info: strawberry.Info,
        input: Annotated[CompleteOutlookConnectionInput, strawberry.argument(description="From the URL.")],
    ) -> CompleteOutlookConnectionPayload:
        outcome = await outlook.complete(info.context, input.code, input.state, input.error)
        return CompleteOutlookConnectionPayload(
            outlook=OutlookIntegration.from_domain(outcome.value, outlook.available(info.context))
            if outcome.value else None,
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
