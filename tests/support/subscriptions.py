"""Subscription documents several test modules open (the calendar, its conflicts, a booking
page's availability)."""

from __future__ import annotations

CONFLICTS = """subscription($from: DateTime!, $to: DateTime!) { conflictsChanged(from: $from, to: $to) {
  appeared { first { id } second { id } } cleared { first { id } second { id } } } }"""
AVAILABILITY = """subscription($u: String!, $e: ID!) { availabilityChanged(username: $u, eventTypeId: $e) {
  username eventTypeId days } }"""
CALENDAR = """subscription($from: DateTime!, $to: DateTime!) { calendarChanged(from: $from, to: $to) {
  kind sessionId session { id start recurring client { firstName status } } before { start } after { start } } }"""
CONFLICTS_ALL = CONFLICTS.replace("second { id } } } }", "second { id } } deletedSessionIds } }")
