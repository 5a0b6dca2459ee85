"""Time off: private blocks when the therapist is not bookable."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain import model
from domain.availability import format_minute
from resolvers import global_ids
from schema.common import Node


@strawberry.type(description="Time off in the therapist's zone. Never moves booked sessions.")
class TimeOff(Node):
    start_date: str = strawberry.field(description="First local date, YYYY-MM-DD.")
    end_date: str = strawberry.field(description="Last local date, YYYY-MM-DD.")
    all_day: bool = strawberry.field(description="Whole days from start date through end date.")
    start_time: str | None = strawberry.field(description="\"HH:MM\" when not all day.")
    end_time: str | None = strawberry.field(description="\"HH:MM\" when not all day.")
    reason: str | None = strawberry.field(description="Private note; never shown to clients.")
    start: datetime = strawberry.field(description="The block's first instant (UTC).")
    end: datetime = strawberry.field(description="The instant the block ends (UTC).")

    @classmethod
    def from_domain(cls, t: model.TimeOff) -> TimeOff:
        return cls(
            id=strawberry.ID(global_ids.encode("TimeOff", t.id)),
            start_date=t.start_date.isoformat(), end_date=t.end_date.isoformat(),
            all_day=t.all_day,
            start_time=format_minute(t.start_minute) if t.start_minute is not None else None,
            end_time=format_minute(t.end_minute) if t.end_minute is not None else None,
            reason=t.reason, start=t.interval.start, end=t.interval.end,
        )
