"""The client portal's rules: accounts, invites, the 24-hour cancellation rule."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
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
    sent_to: str | None = None  # address_digest() of the email it was sent to

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def usable_by(self, now: datetime, client_email: str) -> bool:
        """Unused, unexpired, and the client's email is still the one it was sent to: a
        corrected address voids the links sent to the wrong one (an invite made before this
        rule has no address and is void too)."""
        return self.usable(now) and self.sent_to is not None and self.sent_to == address_digest(client_email)


def address_digest(email: str) -> str:
    """SHA-256 of a normalised email: enough to tell "same address", and no PHI in the row."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PortalStatus(StrEnum):
    """Whether a client will get reminders: only ACTIVE ones do."""

    NOT_INVITED = "NOT_INVITED"
    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    UNSUBSCRIBED = "UNSUBSCRIBED"


def portal_status(account: PortalAccount | None) -> PortalStatus:
    if account is None:
        return PortalStatus.NOT_INVITED
    if account.unsubscribed_at is not None:
        return PortalStatus.UNSUBSCRIBED
    return PortalStatus.ACTIVE if account.active else PortalStatus.INVITED


def may_cancel(now: datetime, start: datetime) -> bool:
    """Clients cancel at least 24 hours ahead: exactly 24 h before the start still may."""
    return now <= start - CANCEL_NOTICE
