"""Which background jobs a committed change needs: decided here, written to the outbox in
the same transaction as the change (so none is lost), run by the workers after commit.

Each feature adds a rule: a function from a domain event to (job name, payload) pairs.
Payloads hold IDs only — never names, emails or notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.events import DomainEvent

Job = tuple[str, dict]
Rule = Callable[[DomainEvent], Iterable[Job]]

RULES: list[Rule] = []


def jobs_for(event: DomainEvent) -> list[Job]:
    return [job for rule in RULES for job in rule(event)]
