"""My Profile > Integrations: the therapist's Outlook calendar sync."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from domain import outlook as domain_outlook
from resolvers import outlook


@strawberry.type(description="Sync of the therapist's sessions to their Microsoft Outlook calendar.")
class OutlookIntegration:
    available: bool = strawberry.field(
        description="Whether this server offers Outlook sync (set up by its administrator); "
        "connectOutlook answers OUTLOOK_NOT_CONFIGURED when false."
    )
    connected: bool = strawberry.field(
        description="True while Couchtime holds a working grant for the account: new, changed "
        "and cancelled sessions reach Outlook."
    )
    account: str | None = strawberry.field(
        description="The Microsoft account last connected (its sign-in name); null before the first connect."
    )
    connected_at: datetime | None = strawberry.field(
        description="When the account was last connected; null before the first connect."
    )
    last_sync_at: datetime | None = strawberry.field(
        description="When a session last reached Outlook successfully; null before the first sync."
    )
    last_error: str | None = strawberry.field(
        description="Why sync stopped or failed last, in words safe to show (e.g. access revoked "
        "at Microsoft: connect again); null while all is well."
    )

    @classmethod
    def from_domain(cls, i: domain_outlook.OutlookIntegration, available: bool) -> OutlookIntegration:
        return cls(available=available, connected=i.connected, account=i.account,
                   connected_at=i.connected_at, last_sync_at=i.last_sync_at, last_error=i.last_error)


@strawberry.type(description="Calendars and services connected to the therapist's account.")
class Integrations:
    therapist_id: strawberry.Private[UUID]

    @strawberry.field(description="Microsoft Outlook calendar sync.")
    async def outlook(self, info: strawberry.Info) -> OutlookIntegration:
        found = await outlook.status(info.context, self.therapist_id)
        return OutlookIntegration.from_domain(found, outlook.available(info.context))
