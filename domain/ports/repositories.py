"""Storage ports: one repository per aggregate, implemented in persistence/repositories/
on the unit of work's transaction, plus the stores that run their own transactions (email
log, notification reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.booking import Busy
from domain.intervals import Interval
from domain.model import (
    Client,
    EventType,
    Payment,
    Series,
    Session,
    SessionFacts,
    Therapist,
    TimeOff,
    TimeSlot,
)
from domain.notifications import SessionFactsForEmail
from domain.portal import PortalAccount, PortalInvite
from domain.recovery import PasswordReset, ResetFacts
from domain.reminders import Candidate, ReminderSettings
from domain.waitlist import SlotHold, WaitlistEntry


class TherapistRepository(Protocol):
    async def get(self, therapist_id: UUID, *, for_update: bool = False) -> Therapist | None: ...

    async def by_email(self, email: str) -> Therapist | None: ...

    async def by_username(self, username: str, *, for_update: bool = False) -> Therapist | None: ...

    async def email_taken(self, email: str) -> bool: ...

    async def username_taken(self, username: str, *, except_id: UUID | None = None) -> bool: ...

    async def add(self, therapist: Therapist) -> None: ...

    async def save(self, therapist: Therapist) -> None: ...


class TokenRepository(Protocol):
    async def add(
        self, *, token_hash: str, kind: str, subject_id: UUID, created_at: datetime,
        expires_at: datetime,
    ) -> None: ...

    async def revoke(self, token_hash: str, at: datetime) -> UUID | None:
        """Revoke a live token; returns whose it was (None if it was not live)."""
        ...

    async def revoke_all(
        self, subject_id: UUID, kind: str, at: datetime, *, keep: str | None = None
    ) -> list[str]:
        """Revoke every live token of the account (but `keep`, a token hash); returns the
        hashes revoked, so that their open sockets can be closed."""
        ...

    async def subject_of(self, token_hash: str, kind: str, now: datetime) -> UUID | None:
        """Whose live token of `kind` this is (None when it is not live)."""
        ...


class AvailabilityRepository(Protocol):
    async def week(self, therapist_id: UUID) -> Mapping[int, Sequence[TimeSlot]]: ...

    async def replace_days(
        self, therapist_id: UUID, days: Mapping[int, Sequence[TimeSlot]]
    ) -> None: ...

    async def overrides(self, therapist_id: UUID, start: date, end: date) -> dict[date, list[TimeSlot]]:
        """Date overrides in [start, end] (inclusive); a closed date maps to []."""
        ...

    async def set_override(self, therapist_id: UUID, day: date, slots: Sequence[TimeSlot]) -> None: ...

    async def remove_override(self, therapist_id: UUID, day: date) -> bool: ...


class EventTypeRepository(Protocol):
    async def active(self, therapist_id: UUID) -> list[EventType]: ...

    async def get(self, event_type_id: UUID, *, include_deleted: bool = False) -> EventType | None: ...

    async def get_many(self, event_type_ids: set[UUID]) -> dict[UUID, EventType]:
        """Retired ones included: sessions keep theirs."""
        ...

    async def add(self, event_type: EventType) -> None: ...

    async def save(self, event_type: EventType) -> None: ...

    async def delete(self, event_type_id: UUID, at: datetime) -> None: ...


class ClientRepository(Protocol):
    async def get(self, client_id: UUID, *, for_update: bool = False) -> Client | None: ...

    async def get_many(self, client_ids: set[UUID]) -> dict[UUID, Client]: ...

    async def add(self, client: Client) -> None: ...

    async def save(self, client: Client) -> None: ...

    async def delete(self, client_id: UUID) -> None: ...


class SessionRepository(Protocol):
    async def get(self, session_id: UUID, *, for_update: bool = False) -> Session | None: ...

    async def add(self, session: Session) -> None: ...

    async def of_client(self, client_id: UUID) -> list[Session]: ...

    async def move_to_client(self, from_client: UUID, to_client: UUID) -> None: ...

    async def delete_of_client(self, client_id: UUID) -> list[Session]: ...

    async def save(self, session: Session) -> None: ...

    async def overlapping(
        self, therapist_id: UUID, interval: Interval, *, exclude: UUID | None = None
    ) -> list[Session]:
        """Scheduled sessions of the therapist overlapping `interval`."""
        ...

    async def overlapping_any(self, therapist_ids: set[UUID], interval: Interval) -> list[Session]:
        """Scheduled sessions of any of these therapists overlapping `interval` (one statement)."""
        ...

    async def write_note(self, session_id: UUID, text: str, at: datetime) -> None: ...

    async def add_payment(self, payment: Payment) -> None: ...

    async def payments(self, session_id: UUID) -> list[Payment]: ...

    async def facts(self, session_id: UUID) -> SessionFacts: ...

    async def busy(self, therapist_id: UUID, start: datetime, end: datetime) -> list[Busy]:
        """Scheduled sessions, time off and blocking Outlook busy times overlapping [start, end)."""
        ...


class SeriesRepository(Protocol):
    async def add(self, series: Series) -> None: ...

    async def get(self, series_id: UUID, *, for_update: bool = False) -> Series | None: ...

    async def save(self, series: Series) -> None: ...

    async def active_of(self, therapist_id: UUID) -> list[Series]: ...

    async def due(self, until: date, limit: int) -> list[tuple[Series, str]]:
        """Active series materialised short of `until`, least materialised first, each with
        its therapist's time zone."""
        ...

    async def add_occurrences(self, sessions: Sequence[Session]) -> list[Session]:
        """Insert occurrences; one that already exists (series, date) is skipped, not an error.
        Returns those actually inserted."""
        ...

    async def advance(self, series_ids: Sequence[UUID], until: date) -> None:
        """Move `materialised_until` forward to `until` (never back)."""
        ...

    async def delete_upcoming_unworked(
        self, series_id: UUID, *, after: datetime, keep: UUID | None = None
    ) -> list[Session]:
        """Delete occurrences starting after `after` with no note, payment or claim."""
        ...


class TimeOffRepository(Protocol):
    async def add(self, time_off: TimeOff) -> None: ...

    async def get(self, time_off_id: UUID) -> TimeOff | None: ...

    async def delete(self, time_off_id: UUID) -> None: ...

    async def of_therapist(self, therapist_id: UUID) -> list[TimeOff]: ...

    async def save_interval(self, time_off: TimeOff) -> None: ...


class WaitlistRepository(Protocol):
    """Waitlist entries and their holds (domain/waitlist.py)."""

    async def add_entry(self, entry: WaitlistEntry) -> None: ...

    async def save_entry(self, entry: WaitlistEntry) -> None: ...

    async def entry(self, entry_id: UUID) -> WaitlistEntry | None: ...

    async def open_entries(self, therapist_id: UUID) -> list[WaitlistEntry]:
        """WAITING and OFFERED entries, oldest first."""
        ...

    async def add_hold(self, hold: SlotHold) -> None: ...

    async def save_hold(self, hold: SlotHold) -> None: ...

    async def hold(self, hold_id: UUID) -> SlotHold | None: ...

    async def holds_of(self, therapist_id: UUID, entry_ids: list[UUID]) -> list[SlotHold]: ...

    async def purge_ended(self, before: datetime) -> int:
        """Delete entries (and their holds) that ended before `before`."""
        ...

    async def expired_hold_owners(self, now: datetime) -> list[UUID]:
        """Therapists with an ACTIVE hold past its expiry."""
        ...

    async def lapse_candidates(self, before: date) -> list[tuple[UUID, str, date]]:
        """(therapist, zone, earliest last date) of open entries whose last date is before `before`."""
        ...


class BookingRequestRepository(Protocol):
    async def session_for(self, key_hash: str) -> tuple[UUID, str | None] | None:
        """(the session booked with this key, the hash of that booking's details)."""
        ...

    async def add(self, key_hash: str, session_id: UUID, at: datetime, details_hash: str) -> None: ...


class PortalRepository(Protocol):
    """The client portal's accounts and invites, inside a unit of work."""

    async def account(self, client_id: UUID, *, for_update: bool = False) -> PortalAccount | None: ...

    async def save_account(self, account: PortalAccount) -> None: ...

    async def active_accounts_by_email(self, email: str) -> list[PortalAccount]: ...

    async def add_invite(self, invite: PortalInvite) -> None: ...

    async def invite(self, invite_id: UUID, *, for_update: bool = False) -> PortalInvite | None: ...

    async def use_invites(self, client_id: UUID, at: datetime) -> None:
        """Every open invite of the client is used up (single use; a newer one included)."""
        ...


class ReminderSettingsRepository(Protocol):
    """Practice Settings > Reminders, inside a unit of work (none saved = reminders off)."""

    async def get(self, therapist_id: UUID) -> ReminderSettings: ...

    async def save(self, therapist_id: UUID, settings: ReminderSettings) -> None: ...


class EmailLogRepository(Protocol):
    """The email log inside a unit of work: reservations written in the use case's transaction
    (the sender's claims go through `EmailLog`, whose calls commit on their own)."""

    async def reserve(self, items: Sequence[tuple[str, str]], now: datetime) -> set[tuple[str, str]]:
        """Insert (kind, key) records as queued, skipping existing ones; returns those inserted."""
        ...


class PasswordResetRepository(Protocol):
    """Password resets inside a unit of work."""

    async def add(self, reset: PasswordReset) -> None: ...

    async def get(self, reset_id: UUID, *, for_update: bool = False) -> PasswordReset | None: ...

    async def use_all(self, kind: str, subject_id: UUID, at: datetime) -> None:
        """Every open reset of the account is used up (a newer one included)."""
        ...

    async def facts(self, reset_id: UUID) -> ResetFacts | None:
        """The reset with its account's email and name (None when it opens no account)."""
        ...


class EmailLog(Protocol):
    """Idempotency of emails: one record per (kind, key), unique in the database. Each call
    commits on its own, so a claim is visible to every other worker before the send starts."""

    async def claim(self, kind: str, key: str, now: datetime) -> bool:
        """Take the right to send (a new record, or a reserved one); False when another worker
        has it or it was sent."""
        ...

    async def sent(self, kind: str, key: str, now: datetime) -> None: ...

    async def release(self, kind: str, key: str) -> None:
        """The send failed: a retry may claim it again."""
        ...

    async def skip(self, kind: str, key: str, now: datetime) -> None:
        """Never to be sent (no longer due, cancelled, unsubscribed)."""
        ...


class NotificationReads(Protocol):
    async def session_facts(self, session_id: UUID) -> SessionFactsForEmail | None: ...

    async def invite_facts(self, invite_id: UUID) -> tuple[PortalInvite, str, str, str] | None:
        """(invite, client email, client first name, therapist name)."""
        ...

    async def reminder_candidates(self, now: datetime, lookahead: timedelta,
                                  day_before: timedelta, grace: timedelta) -> list[Candidate]:
        """Scheduled sessions starting in (now, now + lookahead] or in
        [now + day_before - grace, now + day_before], of therapists with reminders on and clients
        with portal access who did not unsubscribe."""
        ...

    async def reminder_settings(self, therapist_id: UUID) -> ReminderSettings: ...
