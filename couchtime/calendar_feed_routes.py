"""`GET /calendar-feed.ics?token=…`: the therapist's sessions as iCalendar, for calendar apps
that subscribe to a URL (Google, Apple). The token sits in the query string, which request
logs and traces never show. Answers carry an ETag; a poll with a matching If-None-Match gets
304 with no body (and no audit entry: nothing new was exposed). A 200 is audited as a READ of
the sessions and clients it names. A token that opens nothing gets 404, whatever the reason
(forged, rotated away, disabled), so the answer tells nothing about which."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from couchtime.logs import request_id_var
from domain import audit
from domain.calendar_feed import PATH
from domain.dependencies import Dependencies
from persistence.database import Database
from resolvers import calendar_feed

Services = Dependencies[Database]

CONTENT_TYPE = "text/calendar; charset=utf-8"
# private: the body is one therapist's calendar; no-cache: revalidate (cheaply) on every poll
_HEADERS = {"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff"}


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def calendar_feed_route(services: Services) -> Route:
    async def feed(request: Request) -> Response:
        served = await calendar_feed.serve(services, request.query_params.get("token", "")[:200])
        if served is None:
            return PlainTextResponse("No calendar feed at this address.", status_code=404,
                                     headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        headers = {**_HEADERS, "ETag": served.etag}
        if _matches(request.headers.get("if-none-match"), served.etag):
            return Response(status_code=304, headers=headers)
        if request.method == "GET":
            source = audit.Origin(operation="calendar feed", request_id=request_id_var.get(),
                                  address=request.client.host if request.client else None)
            await calendar_feed.audit_read(services, served, services.clock.now(), source)
        return Response(served.body, media_type=CONTENT_TYPE, headers=headers)

    return Route(PATH, feed, methods=["GET"])
