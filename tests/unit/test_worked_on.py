"""domain/worked_on.py: any note, payment or claim makes a session worked on; nothing else does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.money import ClaimStatus
from domain.worked_on import NO_CLAIM, Work, work_done, worked_on


@given(has_note=st.booleans(), payment_count=st.integers(0, 5), claim=st.sampled_from(ClaimStatus))
def test_worked_on_means_some_work_was_done(has_note, payment_count, claim):
    done = work_done(has_note=has_note, payment_count=payment_count, claim_status=claim)
    assert (Work.NOTE in done) == has_note
    assert (Work.PAYMENT in done) == (payment_count > 0)
    assert (Work.CLAIM in done) == (claim is not NO_CLAIM)
    assert worked_on(has_note=has_note, payment_count=payment_count, claim_status=claim) == bool(done)


def test_a_bare_session_is_not_worked_on():
    assert not worked_on(has_note=False, payment_count=0, claim_status=ClaimStatus.NONE)
