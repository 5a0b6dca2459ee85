"""Outlook busy times on the therapist's calendar (greyed out) and their state."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain import external_busy as domain_busy
from schema.enums import described

ExternalShowAs = described(
    "How an Outlook appointment shows the therapist's time.",
    BUSY="Busy: blocks booking slots.",
    TENTATIVE="Tentative (e.g. an invitation not yet answered): blocks booking slots when the "
    "therapist chose so (setTentativeEventsBlock; default: yes).",
    OUT_OF_OFFICE="Away: blocks booking slots.",
)(domain_busy.ShowAs)


@strawberry.type(description="Time taken by an appointment in the therapist's Outlook calendar that "
                 "Couchtime did not create. Only times are kept: never its subject, place or attendees.")
class ExternalBusyInterval:
    start: datetime = strawberry.field(description="Start (UTC).")
    end: datetime = strawberry.field(description="End (UTC).")
    show_as: ExternalShowAs = strawberry.field(description="How Outlook shows it.")  # type: ignore[valid-type]
    blocks_booking: bool = strawberry.field(
        description="Whether it hides booking slots (tentative ones follow the therapist's choice)."
    )

    @classmethod
    def from_domain(cls, b: domain_busy.BusyInterval, tentative_blocks: bool) -> ExternalBusyInterval:
        return cls(start=b.start, end=b.end, show_as=b.show_as, blocks_booking=b.blocks(tentative_blocks))
