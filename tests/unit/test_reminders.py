"""Reminder rules (`domain/reminders.py`): when each reminder is due, which ones are on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.reminders import ReminderKind, ReminderSettings, due_at, is_due, kinds, settings_errors

START = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("lead", [15, 30, 45])
def test_lead_reminders_are_due_from_their_time_until_the_grace_ends(lead):
    settings = ReminderSettings(True, lead, False)
    due = due_at(START, ReminderKind.LEAD, settings)
    assert due == START - timedelta(minutes=lead)
    created = START - timedelta(days=3)
    check = lambda now, created=created: is_due(now, start=START, created_at=created,  # noqa: E731
                                                kind=ReminderKind.LEAD, settings=settings)
    assert not check(due - timedelta(seconds=1))
    assert check(due) and check(due + timedelta(minutes=10))
    assert not check(due + timedelta(minutes=10, seconds=1))
    assert not check(due, created=due + timedelta(seconds=1))  # booked inside the window


def test_day_before_only_when_asked_and_nothing_when_off():
    assert kinds(ReminderSettings(True, 30, True)) == [ReminderKind.LEAD, ReminderKind.DAY_BEFORE]
    assert kinds(ReminderSettings(False, 30, True)) == []
    assert due_at(START, ReminderKind.DAY_BEFORE, ReminderSettings(True, 30, True)) == START - timedelta(hours=24)
    assert [e.code for e in settings_errors(20)] == ["INVALID"]
