"""My Profile > Integrations: the therapist's Outlook calendar sync."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from domain import outlook as domain_outlook
from resolvers import external_busy, outlook


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

    therapist_id: strawberry.Private[UUID]

    @classmethod
    def from_domain(cls, i: domain_outlook.OutlookIntegration, available: bool) -> OutlookIntegration:
        return cls(available=available, connected=i.connected, account=i.account,
                   connected_at=i.connected_at, last_sync_at=i.last_sync_at, last_error=i.last_error,
                   therapist_id=i.therapist_id)

    @strawberry.field(description="When Couchtime last read the busy times of the Outlook calendar "
                      "(every 10 minutes while connected); null before the first read.")
    async def busy_times_synced_at(self, info: strawberry.Info) -> datetime | None:
        return (await external_busy.state(info.context, self.therapist_id)).synced_at

    @strawberry.field(description="True when the busy times are older than 30 minutes (Outlook did "
                      "not answer): the last known ones still hide booking slots.")
    async def busy_times_stale(self, info: strawberry.Info) -> bool:
        found = await external_busy.state(info.context, self.therapist_id)
        return self.connected and found.stale(info.context.services.clock.now())

    @strawberry.field(description="Why the last read of busy times failed, in words safe to show; "
                      "null when it worked.")
    async def busy_times_error(self, info: strawberry.Info) -> str | None:
        return (await external_busy.state(info.context, self.therapist_id)).last_error

    @strawberry.field(description="Whether tentative Outlook appointments hide booking slots "
                      "(setTentativeEventsBlock; default true).")
    async def tentative_events_block(self, info: strawberry.Info) -> bool:
        return (await external_busy.state(info.context, self.therapist_id)).tentative_blocks


@strawberry.type(description="Calendars and services connected to the therapist's account.")
class Integrations:
    therapist_id: strawberry.Private[UUID]

    @strawberry.field(description="Microsoft Outlook calendar sync.")
    async def outlook(self, info: strawberry.Info) -> OutlookIntegration:
        found = await outlook.status(info.context, self.therapist_id)
        return OutlookIntegration.from_domain(found, outlook.available(info.context))
