"""Client portal rules (`domain/portal.py`): the 24-hour cancellation notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.portal import may_cancel

START = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


def test_24_hour_cancellation_boundary():
    assert may_cancel(START - timedelta(hours=24), START)
    assert not may_cancel(START - timedelta(hours=24) + timedelta(microseconds=1), START)
