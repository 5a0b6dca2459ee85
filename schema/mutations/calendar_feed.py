"""Calendar feed mutations: turn the secret iCalendar URL on (or replace it), turn it off."""

from __future__ import annotations

import strawberry

from domain.services.calendar_feed import DisableCalendarFeed, RotateCalendarFeed
from resolvers.calendar_feed import url_of
from resolvers.use_cases import run
from schema.common import UserError, user_errors


@strawberry.type(description="The calendar feed's new URL.")
class RotateCalendarFeedPayload:
    calendar_feed_url: str | None = strawberry.field(
        description="The new secret URL (<COUCHTIME_PUBLIC_APP_URL>/calendar-feed.ics?token=…): "
        "subscribe to it in Google Calendar, Apple Calendar or any app that reads iCalendar. "
        "The previous URL stopped working. Null only when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty: rotating always works.")


@strawberry.type(description="The calendar feed after turning it off.")
class DisableCalendarFeedPayload:
    disabled: bool = strawberry.field(
        description="True when a feed was on and its URL now answers 404; false when there was none."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty: disabling always works.")


@strawberry.type
class CalendarFeedMutations:
    @strawberry.mutation(
        description="Turn the calendar feed on, or replace its URL with a new one (do this when "
        "the URL may have been shared by mistake): the old URL stops working at once. The feed "
        "lists scheduled sessions from 60 days back to a year ahead, each with the event type and "
        "the client's initials (full names only when the server's Outlook full-names setting is "
        "on), never notes; cancelled sessions disappear."
    )
    async def rotate_calendar_feed(self, info: strawberry.Info) -> RotateCalendarFeedPayload:
        outcome = await run(info.context, RotateCalendarFeed())
        return RotateCalendarFeedPayload(
            calendar_feed_url=url_of(info.context.services, outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.errors))

    @strawberry.mutation(description="Turn the calendar feed off: its URL answers 404 from now on. "
                         "Idempotent.")
    async def disable_calendar_feed(self, info: strawberry.Info) -> DisableCalendarFeedPayload:
        outcome = await run(info.context, DisableCalendarFeed())
        return DisableCalendarFeedPayload(disabled=bool(outcome.value),
                                          user_errors=user_errors(outcome.errors))
