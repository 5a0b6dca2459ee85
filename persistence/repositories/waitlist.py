"""Waitlist entries and slot holds (domain/waitlist.py), and the busy arm of active holds."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.model import SessionVisit
from domain.waitlist import EntryStatus, HoldStatus, SlotHold, WaitlistEntry
from persistence.tables.accounts import TherapistRow
from persistence.tables.waitlist import SlotHoldRow, WaitlistEntryRow

_OPEN = (EntryStatus.WAITING.value, EntryStatus.OFFERED.value)


def entry_from_row(row: WaitlistEntryRow) -> WaitlistEntry:
    return WaitlistEntry(
        id=row.id, therapist_id=row.therapist_id, event_type_id=row.event_type_id,
        first_name=row.first_name, last_name=row.last_name, email=row.email, phone=row.phone,
        time_zone=row.time_zone, first_date=_date(row.first_date), last_date=_date(row.last_date),
        created_at=row.created_at, status=EntryStatus(row.status), ended_at=row.ended_at,
        visit=SessionVisit(row.visit) if row.visit else None,
    )


def _entry_values(e: WaitlistEntry) -> dict:
    return dict(
        id=e.id, therapist_id=e.therapist_id, event_type_id=e.event_type_id, first_name=e.first_name,
        last_name=e.last_name, email=e.email, phone=e.phone, time_zone=e.time_zone,
        visit=e.visit.value if e.visit else None, first_date=e.first_date, last_date=e.last_date,
        created_at=e.created_at, status=e.status.value, ended_at=e.ended_at,
    )


def hold_from_row(row: SlotHoldRow) -> SlotHold:
    return SlotHold(
        id=row.id, entry_id=row.entry_id, therapist_id=row.therapist_id, event_type_id=row.event_type_id,
        start=row.start_at, end=row.end_at, created_at=row.created_at, expires_at=row.expires_at,
        status=HoldStatus(row.status), session_id=row.session_id,
    )


def _hold_values(h: SlotHold) -> dict:
    return dict(
        id=h.id, entry_id=h.entry_id, therapist_id=h.therapist_id, event_type_id=h.event_type_id,
        start_at=h.start, end_at=h.end, created_at=h.created_at, expires_at=h.expires_at,
        status=h.status.value, session_id=h.session_id,
    )


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def active_holds_select(therapist_id: UUID, start: datetime, end: datetime, *columns):
    """The busy statement's arm (persistence/repositories/sessions.busy_intervals): ACTIVE holds
    overlapping [start, end). A hold stays ACTIVE until the sweep or a claim ends it; the claim
    refuses it after its 15 minutes whatever the sweep did."""
    return select(SlotHoldRow.start_at, SlotHoldRow.end_at, *columns).where(
        SlotHoldRow.therapist_id == therapist_id,
        SlotHoldRow.status == HoldStatus.ACTIVE.value,
        SlotHoldRow.start_at < end,
        SlotHoldRow.end_at > start,
    )


class SqlWaitlist:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_entry(self, entry: WaitlistEntry) -> None:
        self.session.add(WaitlistEntryRow(**_entry_values(entry)))
        await self.session.flush()

    async def save_entry(self, entry: WaitlistEntry) -> None:
        row = await self.session.get(WaitlistEntryRow, entry.id)
        assert row is not None
        row.status, row.ended_at = entry.status.value, entry.ended_at
        await self.session.flush()

    async def entry(self, entry_id: UUID) -> WaitlistEntry | None:
        """Read afresh (a use case reads again after taking the therapist's lock)."""
        row = await self.session.get(WaitlistEntryRow, entry_id, populate_existing=True)
        return entry_from_row(row) if row else None

    async def open_entries(self, therapist_id: UUID) -> list[WaitlistEntry]:
        """WAITING and OFFERED entries, oldest first."""
        rows = await self.session.execute(
            select(WaitlistEntryRow).where(WaitlistEntryRow.therapist_id == therapist_id,
                                           WaitlistEntryRow.status.in_(_OPEN))
            .order_by(WaitlistEntryRow.created_at, WaitlistEntryRow.id))
        return [entry_from_row(r) for r in rows.scalars()]

    async def add_hold(self, hold: SlotHold) -> None:
        self.session.add(SlotHoldRow(**_hold_values(hold)))
        await self.session.flush()

    async def save_hold(self, hold: SlotHold) -> None:
        row = await self.session.get(SlotHoldRow, hold.id)
        assert row is not None
        row.status, row.session_id = hold.status.value, hold.session_id
        await self.session.flush()

    async def hold(self, hold_id: UUID) -> SlotHold | None:
        """Read afresh (a use case reads again after taking the therapist's lock)."""
        row = await self.session.get(SlotHoldRow, hold_id, populate_existing=True)
        return hold_from_row(row) if row else None

    async def holds_of(self, therapist_id: UUID, entry_ids: list[UUID]) -> list[SlotHold]:
        """Every hold (any status) of these entries: who was offered which start before."""
        if not entry_ids:
            return []
        rows = await self.session.execute(
            select(SlotHoldRow).where(SlotHoldRow.therapist_id == therapist_id,
                                      SlotHoldRow.entry_id.in_(entry_ids)))
        return [hold_from_row(r) for r in rows.scalars()]

    async def purge_ended(self, before: datetime) -> int:
        """Delete entries (and their holds) that ended before `before`: their PHI goes."""
        result = await self.session.execute(delete(WaitlistEntryRow).where(
            WaitlistEntryRow.ended_at.is_not(None), WaitlistEntryRow.ended_at < before))
        return result.rowcount or 0

    async def expired_hold_owners(self, now: datetime) -> list[UUID]:
        """Therapists with an ACTIVE hold past its expiry (an index range scan)."""
        rows = await self.session.execute(select(SlotHoldRow.therapist_id).distinct().where(
            SlotHoldRow.status == HoldStatus.ACTIVE.value, SlotHoldRow.expires_at <= now))
        return [r[0] for r in rows]

    async def lapse_candidates(self, before: date) -> list[tuple[UUID, str, date]]:
        """(therapist, their zone, the earliest last date) of therapists with an open entry whose
        last date is before `before`: the caller decides in each therapist's zone."""
        rows = await self.session.execute(
            select(WaitlistEntryRow.therapist_id, TherapistRow.time_zone,
                   func.min(WaitlistEntryRow.last_date))
            .join(TherapistRow, TherapistRow.id == WaitlistEntryRow.therapist_id)
            .where(WaitlistEntryRow.status.in_(_OPEN), WaitlistEntryRow.last_date < before)
            .group_by(WaitlistEntryRow.therapist_id, TherapistRow.time_zone))
        return [(t, zone, _date(last)) for t, zone, last in rows]
