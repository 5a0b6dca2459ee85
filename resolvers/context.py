"""The per-request context every field receives: the dependencies (`services`), the caller,
fresh loaders."""

from __future__ import annotations

import asyncio
from datetime import datetime

from domain import audit, tokens
from domain.dependencies import Dependencies
from domain.model import Client, Therapist
from persistence.database import Database
from persistence.read_models import auth as auth_queries
from persistence.read_models import portal as portal_queries
from resolvers.errors import unauthenticated
from resolvers.loaders import Loaders

LINK_CLIENT = "manage_link_client"  # memo: (client ID, therapist ID[, actor name]) a link proved


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


class Context:
    def __init__(
        self, services: Dependencies[Database], *, token: str | None, client_address: str,
        request: object = None,
    ) -> None:
        self.services = services
        self.token = token
        self.client_address = client_address
        self.request = request
        self._loaders: Loaders | None = None  # made on first use: idle websockets hold none
        self.memo: dict[object, object] = {}  # per-request results shared by sibling fields
        self._viewer: Therapist | None = None
        self._viewer_loaded = False
        self._viewer_pending: asyncio.Future | None = None
        self.connection_params: dict | None = None  # set by the websocket connection_init
        # when the token stops working: its expiry, or now once it was revoked (websockets)
        self.token_expires_at: datetime | None = None
        self.token_revoked = False
        self._bypass_cache = False

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.services.db)
        return self._loaders

    @loaders.setter
    def loaders(self, value: Loaders) -> None:
        self._loaders = value

    def forget_loaders(self) -> None:
        """Drop the loaders and their caches (the next `loaders` makes new ones)."""
        self._loaders = None

    def use_connection_params(self, params: dict) -> None:
        """Websockets carry the token in connection_init: {"authorization": "Bearer …"}."""
        raw = params.get("authorization") or params.get("Authorization")
        self.token = bearer_token(raw) if isinstance(raw, str) else None
        self._viewer, self._viewer_loaded, self._viewer_pending = None, False, None

    async def reauthenticate(self) -> bool:
        """A websocket's context lives as long as the connection: before each operation on it,
        look the token up again (the same single statement HTTP uses, never the token cache), so
        that a token revoked or expired since connection_init opens nothing, announced or not.
        False when it is no longer live."""
        self._viewer, self._viewer_loaded, self._viewer_pending = None, False, None
        self.memo.pop("portal_client", None)
        self._bypass_cache = True  # a socket's operations always ask the database (rare, long-lived)
        viewer = await self.viewer()
        if viewer is None:
            self.token_revoked = True
        return viewer is not None

    def token_live(self) -> bool:
        """No database: not revoked (as far as this process heard) and not expired. Live
        subscriptions check it before each delivery."""
        if self.token_revoked:
            return False
        return self.token_expires_at is None or self.services.clock.now() < self.token_expires_at

    async def viewer(self) -> Therapist | None:
        """The signed-in therapist, looked up once per request (sibling fields share it)."""
        if self._viewer_loaded:
            return self._viewer
        if self._viewer_pending is None:  # the first caller looks up; siblings await the same
            self._viewer_pending = asyncio.ensure_future(self._look_up_viewer())
        pending = self._viewer_pending
        viewer = await pending
        if self._viewer_pending is pending:  # keep the answer, drop the task (idle sockets)
            self._viewer, self._viewer_loaded, self._viewer_pending = viewer, True, None
        return viewer

    async def _look_up_viewer(self) -> Therapist | None:
        if not self.token:
            return None
        token_hash, now = tokens.hash_token(self.token), self.services.clock.now()
        cache = self.services.token_cache
        if cache is not None and not self._bypass_cache:
            found = await cache.therapist(token_hash, tokens.THERAPIST, now)
        else:
            found = await auth_queries.therapist_by_live_token(
                self.services.db, token_hash, tokens.THERAPIST, now)
        if found is None:
            return None
        therapist, self.token_expires_at = found
        return therapist

    async def therapist(self) -> Therapist:
        viewer = await self.viewer()
        if viewer is None:
            raise unauthenticated()
        return viewer

    async def portal_client(self) -> Client:
        """The client signed in to the portal (a token of kind "client"); UNAUTHENTICATED
        otherwise. A therapist token opens nothing here, as a client token opens no therapist
        field (`viewer()` only accepts kind "therapist")."""
        if "portal_client" not in self.memo:
            found = None
            if self.token:
                found = await portal_queries.client_by_token(
                    self.services.db, tokens.hash_token(self.token), tokens.CLIENT,
                    self.services.clock.now(),
                )
            self.memo["portal_client"] = found
        client = self.memo["portal_client"]
        if client is None:
            raise unauthenticated()
        return client  # type: ignore[return-value]

    def audit_actor(self) -> audit.Actor:
        """Who the audit log names for this request: the therapist or portal client it has
        signed in as so far, else anonymous (README: "Audit log")."""
        if self._viewer is not None:
            return audit.Actor(audit.THERAPIST, self._viewer.id)
        client = self.memo.get("portal_client")
        if client is not None:
            return audit.Actor(audit.CLIENT, client.id)  # type: ignore[attr-defined]
        link = self.memo.get(LINK_CLIENT)
        if link is not None:  # a manage-booking link: the client it was sent to
            name = link[2] if len(link) > 2 else audit.MANAGE_LINK  # type: ignore[arg-type]
            return audit.Actor(audit.CLIENT, link[0], name=name)  # type: ignore[index]
        return audit.ANONYMOUS_ACTOR
