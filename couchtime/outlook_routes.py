"""The old OAuth callback route of "Connect Outlook", kept as a redirect only.

Microsoft now sends the browser back to the web app (`COUCHTIME_OUTLOOK_REDIRECT_URL`, by
default `<COUCHTIME_PUBLIC_APP_URL>/settings/integrations/outlook`), whose page calls
`completeOutlookConnection(input: {code, state})` with the signed-in therapist's token: the
state is bound to the therapist who started, so a code obtained in someone else's browser is
refused. This route used to complete the connection for whoever held the state, which let a
therapist connect a victim's calendar to their own account by sending them the sign-in link
(issue 13). A deployment that still registers `/integrations/outlook/callback` at Microsoft
keeps working: the route only forwards `code`, `state` and `error` to that app page, which
completes under the therapist's token; it never connects anything itself.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from couchtime.settings import OUTLOOK_APP_PATH
from domain.dependencies import Dependencies
from domain.services import outlook_connection
from persistence.database import Database

CALLBACK_PATH = "/integrations/outlook/callback"
FORWARDED = ("code", "state", "error")
log = logging.getLogger("couchtime.outlook")


def callback_route(services: Dependencies[Database]) -> Route:
    async def callback(request: Request) -> Response:
        query = {k: request.query_params[k] for k in FORWARDED if request.query_params.get(k)}
        target = f"{services.config.public_app_url.rstrip('/')}{OUTLOOK_APP_PATH}"
        if query:
            target += "?" + urlencode(query)
        # no-referrer: the code and state in these URLs never leak to another site
        return RedirectResponse(target, status_code=303,
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    return Route(CALLBACK_PATH, callback, methods=["GET"])


async def _reencrypt(settings, run) -> tuple[int, int]:
    from adapters.event_bus import InProcessBus
    from adapters.secrets import FernetBox
    from persistence.database import Database
    from persistence.unit_of_work import UnitOfWorkFactory

    db = Database(settings.database_url)
    try:
        return await run(UnitOfWorkFactory(db, InProcessBus()), FernetBox(settings.secret_keys))
    finally:
        await db.dispose()


async def reencrypt_secrets(settings) -> tuple[int, int]:
    """`couchtime reencrypt-secrets`: after putting a new key first in COUCHTIME_SECRET_KEYS,
    re-encrypt every stored Outlook token set with it; then the old keys can be dropped."""
    return await _reencrypt(settings, outlook_connection.reencrypt_tokens)


async def reencrypt_webhook_secrets(settings) -> tuple[int, int]:
    """The same for webhook endpoints' signing secrets (README: "Webhooks")."""
    from domain.services import webhooks

    return await _reencrypt(settings, webhooks.reencrypt_secrets)
