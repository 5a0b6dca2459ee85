"""The OAuth callback of "Connect Outlook": Microsoft redirects the browser here with `code` and
`state`; we take the state (single use, 10 minutes, bound to the therapist who started), exchange
the code with the PKCE verifier, store the tokens encrypted, and send the browser back to the
web app's Integrations page with `?outlook=connected|denied|invalid_state|failed|not_configured`.

COUCHTIME_OUTLOOK_REDIRECT_URL must be this route as the browser reaches it, e.g.
`https://api.example.com/integrations/outlook/callback`, and be registered on the Entra app.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.services import outlook
from resolvers.context import Services

CALLBACK_PATH = "/integrations/outlook/callback"
APP_PAGE = "/settings/integrations"
log = logging.getLogger("couchtime.outlook")


def callback_route(services: Services) -> Route:
    async def callback(request: Request) -> Response:
        query = request.query_params
        result, _ = await outlook.complete_connect(
            services.uow, services.clock, services.outlook,
            state=query.get("state"), code=query.get("code"), error=query.get("error"),
        )
        target = (f"{services.config.public_app_url.rstrip('/')}{APP_PAGE}?"
                  f"{urlencode({'outlook': result.value})}")
        # no-referrer: the code and state in this URL never leak to the next page
        return RedirectResponse(target, status_code=303,
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    return Route(CALLBACK_PATH, callback, methods=["GET"])


async def reencrypt_secrets(settings) -> tuple[int, int]:
    """`couchtime reencrypt-secrets`: after putting a new key first in COUCHTIME_SECRET_KEYS,
    re-encrypt every stored Outlook token set with it; then the old keys can be dropped."""
    from adapters.event_bus import InProcessBus
    from adapters.secrets import FernetBox
    from persistence.database import Database
    from persistence.unit_of_work import UnitOfWorkFactory

    db = Database(settings.database_url)
    try:
        return await outlook.reencrypt_tokens(UnitOfWorkFactory(db, InProcessBus()),
                                              FernetBox(settings.secret_keys))
    finally:
        await db.dispose()
