"""The client portal's rules: accounts, invites, the 24-hour cancellation rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

CANCEL_NOTICE = timedelta(hours=24)
INVITE_TTL = timedelta(days=7)


@dataclass(slots=True)
class PortalAccount:
    """A client's portal access. `password_hash` is None until an invite is accepted."""

    client_id: UUID
    password_hash: str | None = None
    invited_at: datetime | None = None
    accepted_at: datetime | None = None
    unsubscribed_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.accepted_at is not None and self.password_hash is not None


@dataclass(slots=True)
class PortalInvite:
    id: UUID
    client_id: UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


def may_cancel(now: datetime, start: datetime) -> bool:
    """Clients cancel at least 24 hours ahead: exactly 24 h before the start still may."""
    return now <= start - CANCEL_NOTICE
