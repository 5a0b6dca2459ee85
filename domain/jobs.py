"""Which background jobs a committed change needs: decided here, written to the outbox in
the same transaction as the change (so none is lost), run by the workers after commit.

Each feature adds a rule: a function from a domain event to (job name, payload) pairs.
Payloads hold IDs only — never names, emails or notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from domain.events import DomainEvent
from domain.notifications import jobs_for_event as notification_jobs
from domain.outlook import jobs_for_event as outlook_jobs
from domain.waitlist import jobs_for_event as waitlist_jobs
from domain.webhooks import jobs_for_events as webhook_jobs

Job = tuple[str, dict]
Rule = Callable[[DomainEvent], Iterable[Job]]

RULES: list[Rule] = []
RULES.append(outlook_jobs)  # session changes sync Outlook (a no-op without a connection)
RULES.append(notification_jobs)  # bookings, cancellations and portal invites send emails
RULES.append(waitlist_jobs)  # a freed time is offered to the waitlist


def jobs_for(event: DomainEvent) -> list[Job]:
    return [job for rule in RULES for job in rule(event)]


def jobs_for_all(events: Sequence[DomainEvent]) -> list[Job]:
    """The jobs of one unit of work's events, each distinct job once (a booking records both
    `BookingReceived` and `SessionChanged`, and both ask for the same Outlook sync)."""
    seen: set[tuple[str, tuple]] = set()
    found: list[Job] = []
    for event in events:
        for name, payload in jobs_for(event):
            key = (name, tuple(sorted(payload.items())))
            if key not in seen:
                seen.add(key)
                found.append((name, payload))
    # webhooks read the whole batch (a client's cancellation is two events, one message)
    events = list(events)
    found.extend(webhook_jobs(events))
    return found
