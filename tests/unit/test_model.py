"""A session's own behaviour (`domain/model.Session`): how it is made, cancelled, uncancelled,
moved, re-typed and priced; and the visit an event type allows."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ErrorCode, RuleViolation
from domain.model import (
    CancelledBy,
    EventType,
    Session,
    SessionSource,
    SessionStatus,
    SessionVisit,
    VisitType,
)

T0 = datetime(2026, 6, 10, 14, tzinfo=UTC)


def event_type(minutes: int = 50, visit: VisitType = VisitType.TELEHEALTH_AND_IN_PERSON,
               price: int | None = 10000) -> EventType:
    return EventType(
        id=uuid.uuid4(), therapist_id=uuid.uuid4(), title="Session", minutes=minutes,
        visit_type=visit, description=None, created_at=T0, price_cents=price,
        currency="USD" if price is not None else None,
    )


def session(e: EventType | None = None, **kw) -> Session:
    e = e or event_type()
    args = dict(therapist_id=uuid.uuid4(), client_id=uuid.uuid4(), event_type=e, start=T0,
                visit=SessionVisit.TELEHEALTH, meeting_url="https://video.example/r",
                source=SessionSource.MANUAL, created_at=T0, client_time_zone="Europe/Paris")
    return Session.new(**(args | kw))


def code_of(error: pytest.ExceptionInfo[RuleViolation]) -> ErrorCode:
    return error.value.errors[0].code


def test_a_new_session_is_scheduled_for_the_event_types_length_and_price() -> None:
    e = event_type(minutes=45, price=12000)
    s = session(e)
    assert (s.status, s.end - s.start, s.fee_cents, s.fee_currency) == (
        SessionStatus.SCHEDULED, timedelta(minutes=45), 12000, "USD")
    assert s.event_type_id == e.id and session(e).id != s.id


def test_a_booking_carries_no_fee_and_a_series_its_own_length() -> None:
    assert session(priced=False).fee_cents is None
    s = session(minutes=30, series_id=uuid.uuid4(), occurrence_date=date(2026, 6, 10))
    assert s.minutes == 30 and s.occurrence_date == date(2026, 6, 10)


def test_cancel_and_uncancel() -> None:
    s = session()
    s.cancel("  Flu ", notify_client=True)
    assert s.cancelled and s.cancel_reason == "Flu" and s.notify_client and s.live_interval is None
    with pytest.raises(RuleViolation) as again:
        s.cancel()
    assert code_of(again) is ErrorCode.SESSION_CANCELLED
    s.uncancel()
    assert not s.cancelled and s.cancel_reason is None and not s.notify_client
    assert s.live_interval == s.interval
    with pytest.raises(RuleViolation) as twice:
        s.uncancel()
    assert code_of(twice) is ErrorCode.NOT_CANCELLED


def test_the_client_knows_of_a_cancellation_they_were_told_of_or_made() -> None:
    told, quiet, theirs = session(), session(), session()
    told.cancel(notify_client=True)
    quiet.cancel(notify_client=False)
    theirs.cancel(by=CancelledBy.CLIENT)
    assert told.client_knows_cancelled and theirs.client_knows_cancelled
    assert not quiet.client_knows_cancelled
    told.uncancel()
    assert not told.client_knows_cancelled  # scheduled again: nothing to know


def test_a_blank_reason_is_no_reason() -> None:
    s = session()
    s.cancel("   ")
    assert s.cancel_reason is None


def test_a_cancelled_session_does_not_move() -> None:
    s = session()
    s.cancel()
    with pytest.raises(RuleViolation) as refused:
        s.move(T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    assert code_of(refused) is ErrorCode.SESSION_CANCELLED and s.start == T0


def test_fee_follows_the_event_type_unless_set_by_hand() -> None:
    old, new = event_type(price=10000), event_type(price=15000)
    s = session(old)
    s.change_event_type(old, new)
    assert (s.event_type_id, s.fee_cents) == (new.id, 15000)
    s.set_fee(9000, "USD")
    s.change_event_type(new, old)
    assert (s.event_type_id, s.fee_cents) == (old.id, 9000)
    s.set_fee(None, "USD")
    assert (s.fee_cents, s.fee_currency) == (None, None)


def test_visit_rules() -> None:
    in_person = event_type(visit=VisitType.IN_PERSON_ONLY)
    assert in_person.visit_for(None) is SessionVisit.IN_PERSON
    with pytest.raises(RuleViolation) as not_allowed:
        in_person.visit_for(SessionVisit.TELEHEALTH)
    assert code_of(not_allowed) is ErrorCode.VISIT_TYPE_NOT_ALLOWED
    with pytest.raises(RuleViolation) as missing:
        event_type().visit_for(None)
    assert code_of(missing) is ErrorCode.REQUIRED
    s = session()  # telehealth; its type becomes in-person only: the visit must follow
    with pytest.raises(RuleViolation):
        s.change_visit(in_person, None)  # keeps telehealth, which the new type refuses
    s.change_visit(in_person, SessionVisit.IN_PERSON)
    assert s.visit is SessionVisit.IN_PERSON


@given(st.lists(st.sampled_from(["cancel", "uncancel", "move"]), max_size=12),
       st.integers(-600, 600))
def test_any_sequence_of_actions_keeps_the_session_whole(actions: list[str], shift: int) -> None:
    """Whatever is tried, a refused action changes nothing, the length never changes, and a
    cancelled session blocks no time."""
    s = session(event_type(minutes=50, price=None))
    for action in actions:
        before = (s.status, s.start, s.end, s.cancel_reason)
        try:
            if action == "cancel":
                s.cancel("why")
            elif action == "uncancel":
                s.uncancel()
            else:
                s.move(s.start + timedelta(minutes=shift), s.end + timedelta(minutes=shift))
        except RuleViolation:
            assert (s.status, s.start, s.end, s.cancel_reason) == before
        assert s.minutes == 50
        assert (s.live_interval is None) == s.cancelled
