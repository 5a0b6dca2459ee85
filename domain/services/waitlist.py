"""The waitlist's use cases (README "Waitlist"; rules in domain/waitlist.py).

Race safety: everything that places, claims or ends a hold runs with the therapist's row locked
(the lock bookSession takes), and re-reads the entries and holds after taking it; a hold is a
busy fact of the one slot function, so a booking, a claim and an offer for one therapist queue
up and each sees what the previous one committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from uuid import UUID

from domain import booking, tokens
from domain import waitlist as rules
from domain.accounts import normalize_username
from domain.errors import ErrorCode, RateLimited, RuleViolation
from domain.events import WaitlistHoldChanged
from domain.job_names import WAITLIST_JOINED_EMAIL_JOB, WAITLIST_OFFER_EMAIL_JOB, WAITLIST_OFFER_JOB
from domain.model import EventType, SessionVisit, Therapist
from domain.ports.outside_world import Clock, RateLimiter, VideoRooms
from domain.ports.unit_of_work import UnitOfWork
from domain.services.booking import Booker, BookingLimits, Confirmation, booker_errors, place, start_facts
from domain.waitlist import EntryStatus, HoldStatus, SlotHold, WaitlistEntry
from domain.wallclock import local_date


@dataclass(frozen=True)
class JoinWaitlist:
    username: str
    event_type_id: UUID | None  # None: not an event type ID at all
    first_date: date
    last_date: date
    visit: SessionVisit | None
    first_name: str
    last_name: str
    email: str
    phone: str | None
    time_zone: str


@dataclass(frozen=True)
class ClaimWaitlistHold:
    token: str


@dataclass(frozen=True)
class LeaveWaitlist:
    token: str


@dataclass(frozen=True)
class RemoveWaitlistEntry:
    entry_id: UUID | None


@dataclass(frozen=True)
class OfferView:
    """What a claim link shows: the held time, what it is, until when; nothing else."""

    hold: SlotHold
    entry: WaitlistEntry
    therapist: Therapist
    event_type: EventType


async def join(uow: UnitOfWork, clock: Clock, limiter: RateLimiter, c: JoinWaitlist, *,
               client_address: str, limits: BookingLimits) -> WaitlistEntry:
    """Public: wait for a free start of one event type between two local dates. The answer is
    the same whatever the calendar holds (nothing about it is revealed); the client gets a
    "you're on the waitlist" email with a link to leave."""
    retry_after = await limiter.hit(tokens.rate_key("waitlist", client_address), limits.per_address,
                                    limits.window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)
    errors = booker_errors(c)
    if errors:
        raise RuleViolation(errors)
    now = clock.now()
    async with uow:
        therapist = await uow.therapists.by_username(normalize_username(c.username), for_update=True)
        if therapist is None:
            raise RuleViolation.one(("username",), ErrorCode.NOT_FOUND, "No such booking page.")
        event_type = await uow.event_types.get(c.event_type_id) if c.event_type_id else None
        if event_type is None or event_type.therapist_id != therapist.id:
            raise RuleViolation.one(("eventTypeId",), ErrorCode.NOT_FOUND, "No such event type.")
        visit = event_type.visit_for(c.visit)
        errors = rules.range_errors(c.first_date, c.last_date, therapist.time_zone, now)
        if errors:
            raise RuleViolation(errors)
        if len(await uow.waitlist.open_entries(therapist.id)) >= rules.MAX_WAITING_PER_THERAPIST:
            raise RuleViolation.one((), ErrorCode.LIMIT_REACHED, "This waitlist is full. Try again later.")
        who = Booker.of(c)
        entry = WaitlistEntry(
            id=uuid.uuid4(), therapist_id=therapist.id, event_type_id=event_type.id,
            first_name=who.first_name, last_name=who.last_name, email=who.email, phone=who.phone,
            time_zone=who.time_zone, first_date=c.first_date, last_date=c.last_date, created_at=now,
            visit=visit,
        )
        await uow.waitlist.add_entry(entry)
        uow.enqueue(WAITLIST_JOINED_EMAIL_JOB, {"entry_id": str(entry.id)})
        await uow.commit()
    return entry


async def refresh(uow: UnitOfWork, clock: Clock, therapist_id: UUID) -> list[SlotHold]:
    """The offer job (after a slot freed up) and the sweep: in one transaction with the
    therapist's row locked, expire holds past their 15 minutes, lapse entries whose range ended,
    then hold each free start of a waiting entry's range for the earliest entry that covers it
    (one hold per entry; never the same start twice to one entry). Returns the new holds; their
    emails are queued in the same transaction."""
    async with uow:
        therapist = await uow.therapists.get(therapist_id, for_update=True)
        if therapist is None:
            return []
        now = clock.now()
        entries = {e.id: e for e in await uow.waitlist.open_entries(therapist_id)}
        holds = await uow.waitlist.holds_of(therapist_id, list(entries))
        for hold in holds:
            entry = entries[hold.entry_id]
            ending = hold.expired(now) or rules.lapsed(entry, therapist.time_zone, now)
            if hold.status is HoldStatus.ACTIVE and ending:
                await uow.waitlist.save_hold(hold.move(HoldStatus.EXPIRED))
                uow.record(WaitlistHoldChanged(therapist_id, hold.start, hold.end, held=False))
                entries[entry.id] = entry.move(EntryStatus.WAITING, now)
                await uow.waitlist.save_entry(entries[entry.id])
        for entry in list(entries.values()):
            if rules.lapsed(entry, therapist.time_zone, now):
                await uow.waitlist.save_entry(entry.move(EntryStatus.LAPSED, now))
                del entries[entry.id]
        placed: list[SlotHold] = []
        offered = {(h.entry_id, h.start) for h in holds}
        for event_type_id in sorted({e.event_type_id for e in entries.values()
                                     if e.status is EntryStatus.WAITING}):
            placed += await _offer_type(uow, therapist, event_type_id, entries, offered, now)
        for hold in placed:
            uow.enqueue(WAITLIST_OFFER_EMAIL_JOB, {"hold_id": str(hold.id)})
        await uow.commit()
    return placed


async def _offer_type(uow: UnitOfWork, therapist: Therapist, event_type_id: UUID,
                      entries: dict[UUID, WaitlistEntry], offered: set[tuple[UUID, datetime]],
                      now: datetime) -> list[SlotHold]:
    event_type = await uow.event_types.get(event_type_id)
    waiting = [e for e in entries.values()
               if e.status is EntryStatus.WAITING and e.event_type_id == event_type_id]
    span = rules.search_span(waiting, therapist.time_zone, now)
    if event_type is None or span is None:  # a deleted event type: its entries wait until they lapse
        return []
    facts = await start_facts(uow, therapist, event_type, span[0], span[1])
    slot_rules = booking.slot_rules(facts, now)
    placed: list[SlotHold] = []
    for start in slot_rules.free_starts(*span):
        day = local_date(start, slot_rules.zone)
        entry = rules.next_entry(entries.values(), event_type_id, day, offered, start)
        if entry is None or not slot_rules.is_bookable(start):
            continue
        hold = SlotHold(id=uuid.uuid4(), entry_id=entry.id, therapist_id=therapist.id,
                        event_type_id=event_type_id, start=start,
                        end=start + timedelta(minutes=event_type.minutes), created_at=now,
                        expires_at=rules.hold_expiry(now))
        await uow.waitlist.add_hold(hold)
        uow.record(WaitlistHoldChanged(therapist.id, hold.start, hold.end, held=True))
        entries[entry.id] = entry.move(EntryStatus.OFFERED, now)
        await uow.waitlist.save_entry(entries[entry.id])
        placed.append(hold)
        held = booking.Busy(hold.interval, booking.BusyKind.HOLD, event_type_id)
        facts = replace(facts, busy=[*facts.busy, held])
        slot_rules = booking.slot_rules(facts, now)
    return placed


async def _open_hold(uow: UnitOfWork, key: bytes, token: str) -> tuple[SlotHold, Therapist]:
    """The link's hold, read again after locking its therapist's row."""
    hold_id = rules.hold_of(key, token)
    found = await uow.waitlist.hold(hold_id)
    if found is None:
        raise rules.invalid_link()
    therapist = await uow.therapists.get(found.therapist_id, for_update=True)
    hold = await uow.waitlist.hold(hold_id)
    if therapist is None or hold is None:
        raise rules.invalid_link()
    return hold, therapist


async def view(uow: UnitOfWork, key: bytes, token: str) -> OfferView:
    """What a claim link shows (the caller audits the read as the client's)."""
    async with uow:
        hold = await uow.waitlist.hold(rules.hold_of(key, token))
        entry = await uow.waitlist.entry(hold.entry_id) if hold else None
        therapist = await uow.therapists.get(hold.therapist_id) if hold else None
        event_type = await uow.event_types.get(hold.event_type_id, include_deleted=True) if hold else None
    if hold is None or entry is None or therapist is None or event_type is None:
        raise rules.invalid_link()
    return OfferView(hold, entry, therapist, event_type)


async def claim(uow: UnitOfWork, key: bytes, clock: Clock, rooms: VideoRooms,
                command: ClaimWaitlistHold) -> Confirmation:
    """Book the held start for the entry's client, through bookSession's path (`place`), with
    the facts minus this hold. Idempotent: a claimed hold answers with its booking."""
    async with uow:
        hold, therapist = await _open_hold(uow, key, command.token)
        entry = await uow.waitlist.entry(hold.entry_id)
        event_type = await uow.event_types.get(hold.event_type_id, include_deleted=True)
        assert entry is not None and event_type is not None
        if hold.status is HoldStatus.CLAIMED:
            session = await uow.sessions.get(hold.session_id) if hold.session_id else None
            if session is None:  # the booking was rejected since
                raise _ended()
            return Confirmation(session, therapist, event_type, entry.time_zone)
        if hold.status is HoldStatus.EXPIRED or (
                hold.status is HoldStatus.ACTIVE and hold.expired(clock.now())):
            raise RuleViolation.one(("token",), ErrorCode.HOLD_EXPIRED,
                                    "This offer has expired; the time went to the next person waiting.")
        if hold.status is not HoldStatus.ACTIVE or event_type.deleted:
            raise _ended()
        facts = await start_facts(uow, therapist, event_type, hold.start)
        facts = replace(facts, busy=booking.without_hold(facts.busy, hold.interval))
        session = await place(uow, clock, rooms, facts, hold.start, event_type.visit_for(entry.visit), Booker(
            entry.first_name, entry.last_name, entry.email, entry.phone, entry.time_zone))
        await uow.waitlist.save_hold(hold.move(HoldStatus.CLAIMED, session.id))
        await uow.waitlist.save_entry(entry.move(EntryStatus.BOOKED, clock.now()))
        await uow.commit()
    return Confirmation(session, therapist, event_type, entry.time_zone)


def _ended() -> RuleViolation:
    return RuleViolation.one(("token",), ErrorCode.HOLD_ENDED, "This offer is no longer open.")


async def _end(uow: UnitOfWork, entry: WaitlistEntry, to: EntryStatus, now: datetime) -> WaitlistEntry:
    """Leave or remove: the entry ends; a hold it has is released and the offer job passes the
    start to the next entry after commit."""
    for hold in await uow.waitlist.holds_of(entry.therapist_id, [entry.id]):
        if hold.status is HoldStatus.ACTIVE:
            await uow.waitlist.save_hold(hold.move(HoldStatus.RELEASED))
            uow.record(WaitlistHoldChanged(entry.therapist_id, hold.start, hold.end, held=False))
            uow.enqueue(WAITLIST_OFFER_JOB, {"therapist_id": str(entry.therapist_id)})
    ended = entry.move(to, now)
    await uow.waitlist.save_entry(ended)
    return ended


async def leave(uow: UnitOfWork, key: bytes, clock: Clock, command: LeaveWaitlist) -> WaitlistEntry:
    """Public, with the link of any waitlist email. Leaving twice is fine."""
    entry_id = rules.entry_of(key, command.token)
    async with uow:
        found = await uow.waitlist.entry(entry_id)
        if found is None:
            raise rules.invalid_link()
        await uow.therapists.get(found.therapist_id, for_update=True)
        entry = await uow.waitlist.entry(entry_id)
        assert entry is not None
        if entry.status is EntryStatus.LEFT:
            return entry
        if not entry.status.open:
            raise RuleViolation.one(("token",), ErrorCode.NOT_WAITING, "You are no longer on this waitlist.")
        entry = await _end(uow, entry, EntryStatus.LEFT, clock.now())
        await uow.commit()
    return entry


async def remove(uow: UnitOfWork, clock: Clock, therapist_id: UUID,
                 command: RemoveWaitlistEntry) -> WaitlistEntry:
    """The therapist removes an entry of theirs (another's is NOT_FOUND)."""
    async with uow:
        await uow.therapists.get(therapist_id, for_update=True)
        entry = await uow.waitlist.entry(command.entry_id) if command.entry_id else None
        if entry is None or entry.therapist_id != therapist_id:
            raise RuleViolation.one(("id",), ErrorCode.NOT_FOUND, "No such waitlist entry.")
        if not entry.status.open:
            raise RuleViolation.one(("id",), ErrorCode.NOT_WAITING, "This entry is no longer waiting.")
        entry = await _end(uow, entry, EntryStatus.REMOVED, clock.now())
        await uow.commit()
    return entry


async def sweep(uow_factory, clock: Clock) -> int:
    """The scheduler's periodic job: each therapist with a hold past its 15 minutes or an entry
    past its range gets a `refresh` (which passes expired holds to the next entry); entries that
    ended more than 30 days ago are deleted (their names, emails and phones with them)."""
    now = clock.now()
    async with uow_factory() as uow:
        await uow.waitlist.purge_ended(now - timedelta(days=rules.KEEP_ENDED_DAYS))
        await uow.commit()
    async with uow_factory() as uow:
        due = set(await uow.waitlist.expired_hold_owners(now))
        # a local date is at most a day ahead of UTC's: these may have passed somewhere
        for therapist_id, zone, last in await uow.waitlist.lapse_candidates(now.date() + timedelta(days=1)):
            if rules.today_of(zone, now) > last:
                due.add(therapist_id)
    placed = 0
    for therapist_id in sorted(due):
        placed += len(await refresh(uow_factory(), clock, therapist_id))
    return placed
