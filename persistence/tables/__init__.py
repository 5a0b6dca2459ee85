"""SQLModel tables, one module per aggregate. Alembic migrations under persistence/migrations
must match them (tests/integration/test_migrations.py fails on drift).

Importing this package registers every table, so `metadata` here is always complete; code that
needs a table imports it from its module (`persistence.tables.sessions.SessionRow`)."""

from persistence.tables import (  # noqa: F401  (registers every table on the metadata)
    accounts,
    audit,
    availability,
    booking_requests,
    calendar_feed,
    clients,
    email_log,
    event_types,
    external_busy,
    outbox,
    outlook,
    portal,
    recovery,
    reminders,
    series,
    sessions,
    time_off,
    waitlist,
    webhooks,
)
from persistence.tables.metadata import metadata

__all__ = ["metadata"]
