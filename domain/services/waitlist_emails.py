"""Sending the waitlist's emails (domain/waitlist_emails.py), at most once each, through the
email log like every other email (`notifications.deliver`)."""

from __future__ import annotations

from uuid import UUID

from domain import waitlist as rules
from domain import waitlist_emails as emails
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.services.notifications import NotificationSetup, deliver
from domain.waitlist import HoldStatus

JOINED_KIND = "waitlist.joined"  # key: the entry
OFFER_KIND = "waitlist.offer"  # key: the hold


def _links(setup: NotificationSetup) -> emails.WaitlistLinks:
    return emails.WaitlistLinks(setup.links)


async def send_joined(uow: UnitOfWork, setup: NotificationSetup, clock: Clock, entry_id: UUID) -> bool:
    async with uow:
        entry = await uow.waitlist.entry(entry_id)
        therapist = await uow.therapists.get(entry.therapist_id) if entry else None
        event_type = await uow.event_types.get(entry.event_type_id, include_deleted=True) if entry else None
    if entry is None or therapist is None or event_type is None or not entry.status.open:
        return False
    leave = _links(setup).leave(rules.leave_token(setup.signing_key, entry.id))
    return await deliver(setup, clock, JOINED_KIND, str(entry.id),
                         emails.joined(entry, therapist, event_type, leave))


async def send_offer(uow: UnitOfWork, setup: NotificationSetup, clock: Clock, hold_id: UUID) -> bool:
    """Sent while the hold is still active and unexpired (a late retry sends nothing)."""
    async with uow:
        hold = await uow.waitlist.hold(hold_id)
        entry = await uow.waitlist.entry(hold.entry_id) if hold else None
        therapist = await uow.therapists.get(hold.therapist_id) if hold else None
        event_type = await uow.event_types.get(hold.event_type_id, include_deleted=True) if hold else None
    if (hold is None or entry is None or therapist is None or event_type is None
            or hold.status is not HoldStatus.ACTIVE or hold.expired(clock.now())):
        return False
    links = _links(setup)
    email = emails.offer(entry, hold, therapist, event_type,
                         links.claim(rules.claim_token(setup.signing_key, hold.id)),
                         links.leave(rules.leave_token(setup.signing_key, entry.id)))
    return await deliver(setup, clock, OFFER_KIND, str(hold.id), email)
