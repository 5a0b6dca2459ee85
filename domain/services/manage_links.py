"""The "manage this booking" link of every confirmation: see the session, cancel it (at least
24 hours ahead, the portal's rule), then rebook from the booking page.

The token (`notifications.sign_manage`) names one session and is bound to the client's current
email: tampering, another session's ID, or a corrected address all fail the same way
(INVALID_MANAGE_LINK, which says nothing about whether the session exists). A genuine link stops
working when the session has ended (MANAGE_LINK_EXPIRED). Nothing else is reachable with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain import notifications as n
from domain.errors import ErrorCode, RuleViolation
from domain.events import ClientCancelledSession
from domain.model import CancelledBy
from domain.portal import may_cancel
from domain.ports.outside_world import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.services.notifications import NotificationSetup
from domain.services.session_events import record_change


@dataclass(frozen=True)
class CancelManagedBooking:
    token: str  # the link's token, as given: the only credential


def _invalid() -> RuleViolation:
    return RuleViolation.one(("token",), ErrorCode.INVALID_MANAGE_LINK,
                             "This link is not valid. Use the newest email about your session.")


def _check(setup: NotificationSetup, clock: Clock, token: str, facts: n.SessionFactsForEmail | None,
           session_id: UUID) -> n.SessionFactsForEmail:
    if facts is None or not n.verify_manage(setup.signing_key, token, session_id, facts.client_email):
        raise _invalid()
    if clock.now() >= facts.end:
        raise RuleViolation.one(("token",), ErrorCode.MANAGE_LINK_EXPIRED,
                                "This session has ended, so its link no longer works.")
    return facts


async def view(setup: NotificationSetup, clock: Clock, token: str) -> n.SessionFactsForEmail:
    """What the manage page shows (the caller audits the read)."""
    session_id = n.manage_subject(token)
    if session_id is None:
        raise _invalid()
    return _check(setup, clock, token, await setup.reads.session_facts(session_id), session_id)


async def cancel(
    uow: UnitOfWork, setup: NotificationSetup, clock: Clock, command: CancelManagedBooking
) -> n.SessionFactsForEmail:
    """Cancel with the link: the therapist is told, the client gets the calendar cancellation
    and a link to book another time (the `ClientCancelledSession` job)."""
    token = command.token
    facts = await view(setup, clock, token)
    async with uow:
        session = await uow.sessions.get(facts.session_id, for_update=True)
        client = await uow.clients.get(facts.client_id) if session else None
        if session is None or client is None or not n.verify_manage(
                setup.signing_key, token, session.id, client.email):  # changed meanwhile
            raise _invalid()
        if session.cancelled:
            raise RuleViolation.one(("token",), ErrorCode.SESSION_CANCELLED, "Already cancelled.")
        if not may_cancel(clock.now(), session.start):
            raise RuleViolation.one(
                ("token",), ErrorCode.TOO_LATE_TO_CANCEL,
                "Sessions can be cancelled up to 24 hours before they start. Contact your therapist.")
        before = session.interval
        session.cancel(by=CancelledBy.CLIENT, at=clock.now())
        await record_change(uow, session, "CANCELLED", before, None)
        uow.record(ClientCancelledSession(session.therapist_id, session.id, via_link=True))
        await uow.commit()
    after = await setup.reads.session_facts(facts.session_id)
    assert after is not None
    return after
