"""Sending the emails of domain/notifications.py, at most once each, and finding due reminders.

Protocol per email: claim (kind, key) — a unique record, committed — then send, then mark
sent. A failed send releases the claim (Dramatiq retries the job); a crash after sending
leaves it claimed, so a retry never sends twice (at most once; a crash between claim and
send loses that one email).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import notifications as n
from domain import reminders
from domain.job_names import REMINDER_JOB
from domain.ports.outside_world import Clock, Mailer
from domain.ports.repositories import EmailLog, NotificationReads
from domain.ports.unit_of_work import UnitOfWork
from domain.reminders import ReminderKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationSetup:
    """The ports of email (mailer, email log, reads) and the signing of links, built per event
    loop by the composition root."""

    mailer: Mailer
    log: EmailLog  # claims commit on their own: visible to every worker before the send
    reads: NotificationReads
    links: n.Links = field(default_factory=lambda: n.Links("http://localhost:3000"))
    signing_key: bytes = b""
    grace: timedelta = reminders.DEFAULT_GRACE


async def deliver(setup: NotificationSetup, clock: Clock, kind: str, key: str, email: n.Email) -> bool:
    """Claim, send, mark sent. True when this call sent it."""
    if not await setup.log.claim(kind, key, clock.now()):
        return False
    try:
        await setup.mailer.send(email)
    except BaseException:
        await setup.log.release(kind, key)
        raise
    await setup.log.sent(kind, key, clock.now())
    log.info("email sent", extra={"email_kind": kind})
    return True


def manage_url(setup: NotificationSetup, facts: n.SessionFactsForEmail) -> str:
    return setup.links.manage(n.sign_manage(setup.signing_key, facts.session_id, facts.client_email))


async def send_booking(setup: NotificationSetup, clock: Clock, session_id: UUID) -> int:
    """New booking: the client's confirmation and the therapist's notice (one each, ever)."""
    facts = await setup.reads.session_facts(session_id)
    if facts is None:  # rejected meanwhile: nothing to confirm
        return 0
    sent = await deliver(setup, clock, n.EmailKind.BOOKING_CLIENT, str(session_id),
                         n.booking_for_client(facts, manage_url(setup, facts)))
    sent += await deliver(setup, clock, n.EmailKind.BOOKING_THERAPIST, str(session_id),
                          n.booking_for_therapist(facts))
    return int(sent)


async def send_cancelled_by_therapist(setup: NotificationSetup, clock: Clock, session_id: UUID) -> bool:
    facts = await setup.reads.session_facts(session_id)
    if facts is None or not facts.cancelled or not facts.notify_client:
        return False
    return await deliver(setup, clock, n.EmailKind.CANCELLED_BY_THERAPIST, _revision(facts),
                         n.cancelled_by_therapist(facts))


def _revision(facts: n.SessionFactsForEmail) -> str:
    """The email log's key of a message about one revision of a session (cancel, restore,
    move): a session cancelled, restored and cancelled again is told each time."""
    return f"{facts.session_id}:{facts.sequence}"


async def send_restored(setup: NotificationSetup, clock: Clock, session_id: UUID) -> bool:
    """The therapist uncancelled a session the client knew was cancelled: it is back on, with
    the invite that puts it back in their calendar; while still scheduled and ahead."""
    facts = await setup.reads.session_facts(session_id)
    if facts is None or facts.cancelled or facts.end <= clock.now():
        return False
    return await deliver(setup, clock, n.EmailKind.RESTORED_CLIENT, _revision(facts),
                         n.restored_for_client(facts, manage_url(setup, facts)))


async def send_rescheduled(setup: NotificationSetup, clock: Clock, session_id: UUID) -> bool:
    """A moved session the client booked (and so holds in their calendar): one update per
    revision, while it is still scheduled and ahead."""
    facts = await setup.reads.session_facts(session_id)
    if (facts is None or facts.cancelled or not facts.booked_by_client
            or facts.end <= clock.now()):
        return False
    return await deliver(setup, clock, n.EmailKind.RESCHEDULED_CLIENT, _revision(facts),
                         n.rescheduled_for_client(facts, manage_url(setup, facts)))


async def send_cancelled_by_client(
    setup: NotificationSetup, clock: Clock, session_id: UUID, *, via_link: bool = False
) -> bool:
    facts = await setup.reads.session_facts(session_id)
    if facts is None or not facts.cancelled:
        return False
    sent = await deliver(setup, clock, n.EmailKind.CANCELLED_BY_CLIENT, _revision(facts),
                         n.cancelled_by_client(facts))
    if via_link:
        rebook = setup.links.booking_page(facts.therapist_username)
        sent |= await deliver(setup, clock, n.EmailKind.CANCELLED_CLIENT_CONFIRMATION, _revision(facts),
                              n.cancellation_for_client(facts, rebook))
    return sent


async def send_portal_invite(setup: NotificationSetup, clock: Clock, invite_id: UUID) -> bool:
    found = await setup.reads.invite_facts(invite_id)
    if found is None:
        return False
    invite, to, first_name, therapist_name = found
    if not invite.usable(clock.now()):
        return False
    token = n.sign(setup.signing_key, n.INVITE, invite.id)
    email = n.portal_invite(to=to, first_name=first_name, therapist_name=therapist_name,
                            link=setup.links.invite(token))
    return await deliver(setup, clock, n.EmailKind.PORTAL_INVITE, str(invite_id), email)


async def send_reminder(
    setup: NotificationSetup, clock: Clock, session_id: UUID, kind: ReminderKind, start: datetime
) -> bool:
    """Re-checks everything at send time: the session is still scheduled at `start`, the
    reminder is due, reminders are on, the client has portal access and did not unsubscribe."""
    key = reminders.key(session_id, start)
    facts = await setup.reads.session_facts(session_id)
    now = clock.now()
    if facts is not None and facts.start == start:
        settings = await setup.reads.reminder_settings(facts.therapist_id)
        if (not facts.cancelled and facts.portal_access and not facts.unsubscribed
                and reminders.is_due(now, start=facts.start, created_at=facts.created_at, kind=kind,
                                     settings=settings, grace=setup.grace)):
            token = n.sign(setup.signing_key, n.UNSUBSCRIBE, facts.client_id)
            today = now.astimezone(ZoneInfo(facts.client_display_zone)).date()
            return await deliver(setup, clock, kind.value, key,
                                 n.reminder(facts, setup.links, token, today))
    await setup.log.skip(kind.value, key, now)
    return False


async def enqueue_due_reminders(
    uow: UnitOfWork, setup: NotificationSetup, clock: Clock
) -> int:
    """The scheduler's periodic job: one indexed query for candidates, the due rule, then in one
    transaction a reservation per (kind, key) — unique, so a reminder is queued once however
    many schedulers, ticks or restarts — and an outbox job per reservation."""
    now = clock.now()
    candidates = await setup.reads.reminder_candidates(
        now, reminders.max_lookahead(setup.grace), reminders.DAY_BEFORE, setup.grace
    )
    due = reminders.due_reminders(candidates, now, setup.grace)
    if not due:
        return 0
    async with uow:
        wanted = {(kind.value, reminders.key(c.session_id, c.start)): (c, kind) for c, kind in due}
        reserved = await uow.email_log.reserve(list(wanted), now)
        for item in wanted:
            if item in reserved:
                c, kind = wanted[item]
                uow.enqueue(REMINDER_JOB, {"session_id": str(c.session_id), "kind": kind.value,
                                             "start": c.start.isoformat()})
        await uow.commit()
    return len(reserved)


