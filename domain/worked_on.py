"""When a session counts as "worked on": it has a clinical note, a payment, or an insurance
claim. Such an occurrence survives the end of its series (`domain/services/series.py`), and
recording the work raises `SessionWorkedOn` with its kind.

The rule lives here only: storage derives its SQL from `Work` and `NO_CLAIM`
(`persistence/repositories/sessions.worked_on_clause`, one condition per kind of work), and
tests/integration/test_worked_on.py checks that the SQL and `worked_on` agree on both backends.
"""

from __future__ import annotations

from enum import StrEnum

from domain.money import ClaimStatus


class Work(StrEnum):
    """The kinds of work that make a session worked on."""

    NOTE = "NOTE"  # a clinical note was written
    PAYMENT = "PAYMENT"  # a payment was recorded
    CLAIM = "CLAIM"  # a claim status other than NO_CLAIM was set


NO_CLAIM = ClaimStatus.NONE  # the one claim status that is no work


def work_done(*, has_note: bool, payment_count: int, claim_status: ClaimStatus) -> frozenset[Work]:
    """Which kinds of work a session has."""
    done = {Work.NOTE: has_note, Work.PAYMENT: payment_count > 0, Work.CLAIM: claim_status is not NO_CLAIM}
    return frozenset(kind for kind in Work if done[kind])


def worked_on(*, has_note: bool, payment_count: int, claim_status: ClaimStatus) -> bool:
    return bool(work_done(has_note=has_note, payment_count=payment_count, claim_status=claim_status))
