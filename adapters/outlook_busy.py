"""Outlook busy times through Graph's calendarView delta query, read raw (no msgraph models).

Only an event's ID, start, end, show-as, all-day and cancelled flags, `@removed` and Couchtime's
session property are looked at; subjects, attendees, locations and bodies are dropped unread and
never stored. Times are asked for in UTC (`Prefer: outlook.timezone`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphServiceClient

from domain.external_busy import CalendarItem, DeltaPage
from domain.outlook import SESSION_PROPERTY_ID, OutlookRejected

MAX_DELTA_PAGES = 200  # 200 × 200 events: a calendar fuller than any therapist's
DELTA_PAGE_SIZE = 200


def _json_bytes(raw: bytes | None) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _graph_instant(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_graph_time(value: object) -> datetime | None:
    """{"dateTime": "2026-03-10T14:00:00.0000000", "timeZone": "UTC"} → an aware instant."""
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        return None
    raw = value["dateTime"]
    whole, _, fraction = raw.partition(".")
    try:
        naive = datetime.fromisoformat(whole + (f".{fraction[:6]}" if fraction else ""))
    except ValueError:
        return None
    zone = value.get("timeZone") or "UTC"
    if zone in ("UTC", "Etc/UTC", "tzone://Microsoft/Utc"):
        return naive.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    except (ValueError, KeyError, OSError):
        return naive.replace(tzinfo=UTC)  # we asked for UTC: another zone name is unexpected


def _calendar_item(event: dict) -> CalendarItem:
    ours = any(SESSION_PROPERTY_ID.lower() == str(p.get("id", "")).lower()
               for p in event.get("singleValueExtendedProperties") or [] if isinstance(p, dict))
    return CalendarItem(
        event_id=str(event["id"]), start=_parse_graph_time(event.get("start")),
        end=_parse_graph_time(event.get("end")), show_as=event.get("showAs"),
        all_day=bool(event.get("isAllDay")), cancelled=bool(event.get("isCancelled")),
        removed="@removed" in event, ours=ours,
    )


async def read_delta(client: GraphServiceClient, retrying: Callable, errors: dict, *,
                     delta_link: str | None, start: datetime, end: datetime) -> DeltaPage:
    """calendarView delta, every page of one round (`OutlookGateway.busy_delta`). The
    pages are read raw: only ID, times, show-as, all-day, cancelled, removed and our session
    property are looked at; subjects and attendees are dropped unread, never stored."""
    from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
        DeltaRequestBuilder,
    )

    builder = client.me.calendar_view.delta
    if delta_link is None:
        query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
            start_date_time=_graph_instant(start), end_date_time=_graph_instant(end))
        request = builder.to_get_request_information(RequestConfiguration(query_parameters=query))
    else:
        request = builder.with_url(delta_link).to_get_request_information()
    items: list[CalendarItem] = []
    for _ in range(MAX_DELTA_PAGES):
        request.headers.try_add("Prefer", f"odata.maxpagesize={DELTA_PAGE_SIZE}")
        request.headers.try_add("Prefer", 'outlook.timezone="UTC"')
        page = _json_bytes(await retrying(
            "GET /me/calendarView/delta",
            lambda r=request: client.request_adapter.send_primitive_async(r, "bytes", errors)))
        items.extend(_calendar_item(e) for e in page.get("value") or []
                     if isinstance(e, dict) and e.get("id"))
        if page.get("@odata.deltaLink"):
            return DeltaPage(items, str(page["@odata.deltaLink"]))
        next_link = page.get("@odata.nextLink")
        if not next_link:
            raise OutlookRejected("GET /me/calendarView/delta: neither nextLink nor deltaLink")
        request = builder.with_url(str(next_link)).to_get_request_information()
    raise OutlookRejected("GET /me/calendarView/delta: too many pages")

