"""The DateTime scalar: every instant goes out in one form, UTC with `Z`.

Input keeps accepting any ISO 8601 offset ("2027-03-02T14:00:00-05:00"); output is always
"2027-03-02T19:00:00Z" (microseconds only when there are any), so clients compare and sort
instants as text and never meet "+00:00" beside "Z".
"""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition


def utc_z(value: datetime) -> str:
    """Aware instants in UTC with "Z"; a naive value (none should reach here) is taken as UTC."""
    if value.tzinfo is UTC:  # what the database gives: one call, no conversion
        return value.isoformat()[:-6] + "Z"  # "+00:00" → "Z"
    instant = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return instant.replace(tzinfo=None).isoformat() + "Z"


DateTime = ScalarDefinition(
    name="DateTime",
    description="An instant, ISO 8601. Sent back always in UTC with `Z` (2027-03-02T19:00:00Z); "
    "accepted with any UTC offset.",
    specified_by_url=None,
    serialize=utc_z,
    parse_value=DateTimeDefinition.parse_value,
    parse_literal=None,
    origin=datetime,
)

SCALAR_OVERRIDES = {datetime: DateTime}
