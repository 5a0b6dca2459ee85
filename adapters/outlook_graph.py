"""Outlook through Microsoft's identity platform (authorize/token endpoints, via httpx) and
Microsoft Graph's /me/events (via msgraph-sdk's GraphServiceClient).

- Token endpoint: the authorization code flow with PKCE and the refresh grant, posted with
  httpx (MSAL and azure-identity insist on an https authority; this accepts http only for a
  loopback host, which is what tests and benches use).
- Graph: a GraphServiceClient per call (it holds the caller's access token) over one shared
  httpx client carrying Graph's default middleware, with the request adapter's base URL set
  from COUCHTIME_GRAPH_BASE_URL. Kiota's RetryHandler is switched off: it retries neither
  500 nor 502 and adds up to a second of jitter; `RetryPolicy` below retries 429, 408 and
  5xx (and network errors), honouring `Retry-After`, with waits tests can shrink.
- Errors become `domain.outlook` errors holding the status code only: Graph's and the token
  endpoint's messages are never logged or surfaced (they may echo account data).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit
from uuid import UUID

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_http.middleware.options import RetryHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.graph_request_adapter import options as graph_default_options
from msgraph_core import GraphClientFactory

from domain.external_busy import DeltaPage
from domain.outlook import (
    SCOPES,
    SESSION_PROPERTY_ID,
    Grant,
    OutlookEvent,
    OutlookGrantRevoked,
    OutlookRejected,
    OutlookUnauthorized,
    OutlookUnavailable,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
RETRYABLE = {408, 429, 500, 502, 503, 504}


def check_endpoint(name: str, url: str) -> None:
    """https, or http on a loopback host only (local test servers): a client secret or a token
    never travels in clear text over a network."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return
    raise ValueError(f"{name} must be an https URL (http only for localhost/127.0.0.1/::1)")


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of one request on 429/408/5xx and network errors.

    The wait is the response's Retry-After when given (seconds or an HTTP date), otherwise
    `base_delay · 2^(n-1)` with ±20 % jitter, capped at `max_delay`. A Retry-After longer than
    `max_retry_after` is not slept on: the job gives up with OutlookUnavailable and Dramatiq
    retries it later (its own backoff), so a worker thread is not held for minutes.
    """

    attempts: int = 5  # in all, the first included
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def backoff(self, attempt: int) -> float:
        wait = self.base_delay * 2 ** (attempt - 1)
        return min(self.max_delay, wait * random.uniform(0.8, 1.2))


@dataclass(frozen=True)
class GraphConfig:
    client_id: str
    client_secret: str
    authority: str  # e.g. https://login.microsoftonline.com/common (tenant or common/organizations)
    redirect_url: str
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    scopes: tuple[str, ...] = SCOPES
    timeout_seconds: float = 20.0
    retry: RetryPolicy = RetryPolicy()

    def __post_init__(self) -> None:
        check_endpoint("COUCHTIME_OUTLOOK_AUTHORITY", self.authority)
        check_endpoint("COUCHTIME_GRAPH_BASE_URL", self.graph_base_url)

    @property
    def authorize_endpoint(self) -> str:
        return f"{self.authority.rstrip('/')}/oauth2/v2.0/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.authority.rstrip('/')}/oauth2/v2.0/token"

    def __repr__(self) -> str:
        return f"GraphConfig(authority={self.authority!r}, graph={self.graph_base_url!r})"


class _NotFound(Exception):
    pass


class _Token:
    """Kiota's AccessTokenProvider for one call: the therapist's current access token."""

    def __init__(self, token: str, host: str) -> None:
        self._token = token
        self._hosts = AllowedHostsValidator([host])

    async def get_authorization_token(self, uri: str, additional_authentication_context=None) -> str:
        return self._token if self._hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts


def _retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    raw = None
    try:
        raw = headers.get("retry-after") or headers.get("Retry-After")
    except AttributeError:
        return None
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class GraphOutlook:
    """The `OutlookGateway` port. One instance per event loop (it owns httpx clients)."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config
        self._graph_host = urlsplit(config.graph_base_url).hostname or ""
        self._http: httpx.AsyncClient | None = None
        self._graph_http: httpx.AsyncClient | None = None

    # --- clients ---------------------------------------------------------------------

    def _token_http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.config.timeout_seconds, follow_redirects=False)
        return self._http

    def _graph(self, access_token: str) -> GraphServiceClient:
        if self._graph_http is None:
            options = dict(graph_default_options)
            options[RetryHandlerOption.get_key()] = RetryHandlerOption(max_retries=0, should_retry=False)
            self._graph_http = GraphClientFactory.create_with_default_middleware(
                client=httpx.AsyncClient(timeout=self.config.timeout_seconds), options=options
            )
        adapter = GraphRequestAdapter(
            BaseBearerTokenAuthenticationProvider(_Token(access_token, self._graph_host)),
            client=self._graph_http,
        )
        adapter.base_url = self.config.graph_base_url.rstrip("/")
        return GraphServiceClient(request_adapter=adapter)

    async def aclose(self) -> None:
        for client in (self._http, self._graph_http):
            if client is not None:
                await client.aclose()
        self._http = self._graph_http = None

    # --- retries ---------------------------------------------------------------------

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        policy = self.config.retry
        for attempt in range(1, policy.attempts + 1):
            try:
                return await call()
            except APIError as exc:
                status = exc.response_status_code or 0
                if status == 401:
                    raise OutlookUnauthorized(f"{what}: 401") from None
                if status == 404:
                    raise _NotFound() from None
                if status not in RETRYABLE:
                    raise OutlookRejected(f"{what}: {status}", status) from None
                retry_after = _retry_after(exc.response_headers)
                reason = str(status)
            except _Retryable as exc:
                retry_after, reason = exc.retry_after, exc.reason
            except httpx.TransportError as exc:
                retry_after, reason = None, type(exc).__name__
            wait = retry_after if retry_after is not None else policy.backoff(attempt)
            if attempt == policy.attempts or wait > policy.max_retry_after:
                raise OutlookUnavailable(f"{what}: {reason} after {attempt} attempt(s)", retry_after)
            log.info("outlook %s: %s, retrying in %.2f s", what, reason, wait,
                     extra={"outlook_call": what, "attempt": attempt, "wait_seconds": round(wait, 3)})
            await policy.sleep(wait)
        raise AssertionError("unreachable")

    # --- identity platform -------------------------------------------------------------

    def authorize_url(self, *, state: str, code_challenge: str) -> str:
        query = urlencode({
            "client_id": self.config.client_id, "response_type": "code",
            "redirect_uri": self.config.redirect_url, "response_mode": "query",
            "scope": " ".join(self.config.scopes), "state": state,
            "code_challenge": code_challenge, "code_challenge_method": "S256",
            "prompt": "select_account",
        })
        return f"{self.config.authorize_endpoint}?{query}"

    async def exchange_code(self, code: str, code_verifier: str) -> Grant:
        return await self._token({
            "grant_type": "authorization_code", "code": code, "code_verifier": code_verifier,
            "redirect_uri": self.config.redirect_url,
        })

    async def refresh(self, refresh_token: str) -> Grant:
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def _token(self, form: dict[str, str]) -> Grant:
        body = {"client_id": self.config.client_id, "scope": " ".join(self.config.scopes), **form}
        if self.config.client_secret:
            body["client_secret"] = self.config.client_secret
        what = f"token ({form['grant_type']})"

        async def post() -> Grant:
            response = await self._token_http().post(self.config.token_endpoint, data=body)
            if response.status_code in RETRYABLE:
                raise _Retryable(str(response.status_code), _retry_after(response.headers))
            data = _json(response)
            if response.status_code != 200:
                error = str(data.get("error", ""))
                if error in {"invalid_grant", "interaction_required", "consent_required"}:
                    raise OutlookGrantRevoked(f"{what}: {error}")
                raise OutlookRejected(f"{what}: {response.status_code} {error}".strip(),
                                      response.status_code)
            try:
                return Grant(str(data["access_token"]), data.get("refresh_token"),
                             int(data.get("expires_in", 3600)))
            except (KeyError, TypeError, ValueError):
                raise OutlookRejected(f"{what}: malformed token response", response.status_code) from None

        return await self._retrying(what, post)

    # --- Graph -------------------------------------------------------------------------

    async def account(self, access_token: str) -> str:
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["userPrincipalName", "mail"]
        )
        me = await self._retrying("GET /me", lambda: self._graph(access_token).me.get(
            request_configuration=RequestConfiguration(query_parameters=query)
        ))
        return (me.user_principal_name or me.mail or "") if me else ""

    async def create_event(self, access_token: str, event: OutlookEvent, *, transaction_id: str) -> str:
        body = _graph_event(event, transaction_id=transaction_id)

        async def post() -> bytes | None:
            # the request builder's own request, but the response read raw for its ID: parsing it
            # into msgraph's Event model costs ~8 ms of CPU per call, a third of a sync's time
            client = self._graph(access_token)
            request = client.me.events.to_post_request_information(body)
            return await client.request_adapter.send_primitive_async(request, "bytes", _errors())

        raw = await self._retrying("POST /me/events", post)
        try:
            event_id = json.loads(raw or b"{}").get("id")
        except ValueError:
            event_id = None
        if not event_id:
            raise OutlookRejected("POST /me/events: no event ID in the response")
        return str(event_id)

    async def find_event(self, access_token: str, session_id: UUID) -> str | None:
        from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

        query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
            filter=(f"singleValueExtendedProperties/Any(ep: ep/id eq '{SESSION_PROPERTY_ID}' "
                    f"and ep/value eq '{session_id}')"),
            select=["id"], top=2,
        )
        found = await self._retrying("GET /me/events", lambda: self._graph(access_token).me.events.get(
            request_configuration=RequestConfiguration(query_parameters=query)
        ))
        events = (found.value or []) if found else []
        return events[0].id if events else None

    async def patch_event(self, access_token: str, event_id: str, event: OutlookEvent) -> bool:
        body = _graph_event(event)

        async def patch() -> None:
            client = self._graph(access_token)
            request = client.me.events.by_event_id(event_id).to_patch_request_information(body)
            await client.request_adapter.send_no_response_content_async(request, _errors())

        try:
            await self._retrying("PATCH /me/events/{id}", patch)
        except _NotFound:
            return False
        return True

    async def delete_event(self, access_token: str, event_id: str) -> None:
        try:
            await self._retrying("DELETE /me/events/{id}", lambda: self._graph(access_token).me.events
                                 .by_event_id(event_id).delete())
        except _NotFound:
            return  # already gone: deleting is idempotent

    async def busy_delta(self, access_token: str, *, delta_link: str | None, start: datetime,
                         end: datetime) -> DeltaPage:
        """calendarView delta (`OutlookGateway.busy_delta`): adapters/outlook_busy.py."""
        from adapters import outlook_busy

        return await outlook_busy.read_delta(self._graph(access_token), self._retrying, _errors(),
                                             delta_link=delta_link, start=start, end=end)

    def __repr__(self) -> str:
        return f"GraphOutlook({self.config!r})"


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


def _errors() -> dict:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    return {"XXX": ODataError}


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _graph_event(event: OutlookEvent, *, transaction_id: str | None = None):
    """The msgraph model. Private, busy, no attendees (Outlook never mails the client: our
    own notifications do), times in UTC (Outlook shows them in the mailbox's zone)."""
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.free_busy_status import FreeBusyStatus
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.location import Location
    from msgraph.generated.models.sensitivity import Sensitivity
    from msgraph.generated.models.single_value_legacy_extended_property import (
        SingleValueLegacyExtendedProperty,
    )

    def when(instant: datetime) -> DateTimeTimeZone:
        return DateTimeTimeZone(
            date_time=instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
            time_zone="UTC",
        )

    body = Event(
        subject=event.subject,
        body=ItemBody(content_type=BodyType.Text, content=event.body),
        start=when(event.start), end=when(event.end),
        location=Location(display_name=event.location or ""),
        sensitivity=Sensitivity.Private, show_as=FreeBusyStatus.Busy,
        allow_new_time_proposals=False, response_requested=False,
        single_value_extended_properties=[
            SingleValueLegacyExtendedProperty(id=SESSION_PROPERTY_ID, value=str(event.session_id))
        ],
    )
    if transaction_id is not None:
        body.transaction_id = transaction_id
    return body
