"""`/unsubscribe?token=…`: GET shows a confirmation page (mail scanners that follow links change
nothing), POST applies it (the page's button, or a mail client's RFC 8058 one-click POST).
The token is signed with COUCHTIME_SIGNING_KEY for this one purpose and names the client only;
unsubscribing stops reminders for every future session of that client."""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from domain.dependencies import Dependencies
from domain.services import portal
from persistence.database import Database

PATH = "/unsubscribe"
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"}


def _page(title: str, body: str, status: int = 200) -> Response:
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family: sans-serif; max-width: 480px; margin: 3em auto'>"
        f"<h1 style='font-size: 1.4em'>{html.escape(title)}</h1>{body}</body></html>",
        status_code=status, headers=_HEADERS,
    )


def _invalid() -> Response:
    return _page("This link is not valid", "<p>Check that you copied the whole link from the email.</p>", 400)


def unsubscribe_route(services: Dependencies[Database]) -> Route:
    async def unsubscribe(request: Request) -> Response:
        token = request.query_params.get("token", "")
        if request.method == "POST":
            form = parse_qs((await request.body())[:4096].decode("utf-8", "replace"))  # urlencoded
            token = (form.get("token") or [token])[0]
            done = await portal.unsubscribe(services.uow(), services.notifications, services.clock, token)
            if not done:
                return _invalid()
            return _page("You are unsubscribed",
                         "<p>You will not get session reminders any more. Your sessions are unchanged.</p>")
        if not portal.unsubscribe_token_valid(services.notifications, token):
            return _invalid()
        return _page(
            "Stop session reminders?",
            "<p>You will no longer get reminder emails before your sessions.</p>"
            f"<form method='post' action='{PATH}'><input type='hidden' name='token' "
            f"value='{html.escape(token, quote=True)}'><button type='submit'>Unsubscribe</button></form>",
        )

    return Route(PATH, unsubscribe, methods=["GET", "POST"])
