"""A local stand-in for Microsoft: the identity platform's authorize and token endpoints and
Graph's /me, /me/events and /me/calendarView/delta, over real sockets on 127.0.0.1 (two servers, like the real two
hosts), in a thread of their own so the code under test and the fake never share a loop.

What it checks like Microsoft does: client ID and secret, redirect URI, single-use codes, PKCE
S256 (the verifier must hash to the challenge), bearer tokens (known, unexpired, unrevoked),
refresh tokens (rotating; old ones stay valid until revoked), `transactionId` dedup of event
creation, `singleValueExtendedProperties/Any(...)` filters. Faults are scripted per path:
`fail(429, headers={"Retry-After": "1"})`, `fail(500)`, `latency=0.02`.

calendarView delta works like Graph's: a first round lists the events overlapping the window
(pages of `Prefer: odata.maxpagesize`, `@odata.nextLink`, then `@odata.deltaLink`); a round
from a delta link lists what changed since (`@removed` for deleted events and events moved out
of the window). Like Graph, delta items carry no extended properties. `add_event`,
`change_event` and `remove_event` play the therapist editing Outlook; `forget_delta_links()`
makes every old delta link answer 410 (syncStateNotFound).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

ACCOUNT = "dr.jones@contoso.example"


@dataclass
class Fault:
    status: int
    times: int
    headers: dict = field(default_factory=dict)
    method: str | None = None
    path: str | None = None  # a substring of the path

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or self.path in path)


@dataclass
class Seen:
    at: float  # time.monotonic()
    method: str
    path: str
    status: int
    token: str | None = None


class _Thread:
    def __init__(self, app) -> None:
        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, lifespan="off", access_log=False,
            timeout_keep_alive=30,
        ))
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("fake Microsoft server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class FakeMicrosoft:
    def __init__(self, *, client_id: str = "couchtime-client", client_secret: str = "s3cret",
                 latency: float = 0.0, access_ttl: int = 3600) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.latency = latency
        self.access_ttl = access_ttl
        self.account = ACCOUNT  # who signs in next at /authorize
        self.deny_next = False
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token → (account, expires monotonic)
        self.refresh_tokens: dict[str, str] = {}  # token → account
        self.revoked_accounts: set[str] = set()
        self.events: dict[str, dict[str, dict]] = {}  # account → id → event JSON
        self.transactions: dict[tuple[str, str], str] = {}
        self._versions = itertools.count(1)
        self.changed: dict[str, dict[str, int]] = {}  # account → event ID → version of its last change
        self.deleted: dict[str, dict[str, int]] = {}  # account → event ID → version of its deletion
        self.delta_epoch = 0  # bumped by forget_delta_links(): older delta links answer 410
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.token_requests: list[dict] = []
        self.login_app = Starlette(routes=[
            Route("/{tenant}/oauth2/v2.0/authorize", self.authorize),
            Route("/{tenant}/oauth2/v2.0/token", self.token, methods=["POST"]),
        ])
        self.graph_app = Starlette(routes=[
            Route("/v1.0/me", self.me),
            Route("/v1.0/me/events", self.events_collection, methods=["GET", "POST"]),
            Route("/v1.0/me/events/{event_id}", self.event_item, methods=["GET", "PATCH", "DELETE"]),
            Route("/v1.0/me/calendarView/delta", self.calendar_view_delta),
            Route("/v1.0/me/calendarView/delta()", self.calendar_view_delta),  # msgraph-sdk's spelling
        ])
        self._servers: list[_Thread] = []
        self.login_url = self.graph_url = ""

    # --- running ----------------------------------------------------------------------

    def start(self) -> FakeMicrosoft:
        login, graph = _Thread(self.login_app), _Thread(self.graph_app)
        self.login_url, self.graph_url = login.start(), graph.start()
        self._servers = [login, graph]
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.stop()

    @property
    def authority(self) -> str:
        return f"{self.login_url}/contoso-tenant"

    @property
    def graph_base_url(self) -> str:
        return f"{self.graph_url}/v1.0"

    def settings(self) -> dict:
        """Settings overrides pointing Couchtime at this fake."""
        return {"outlook_client_id": self.client_id, "outlook_client_secret": self.client_secret,
                "outlook_authority": self.authority, "graph_base_url": self.graph_base_url}

    # --- scripting and inspecting -------------------------------------------------------

    def fail(self, status: int, *, times: int = 1, headers: dict | None = None,
             method: str | None = None, path: str | None = None) -> None:
        with self._lock:
            self.faults.append(Fault(status, times, headers or {}, method, path))

    def revoke(self, account: str = ACCOUNT) -> None:
        """The user removed the app's consent (or an admin revoked sessions)."""
        with self._lock:
            self.revoked_accounts.add(account)

    def expire_access_tokens(self) -> None:
        with self._lock:
            self.access_tokens = {t: (a, 0.0) for t, (a, _) in self.access_tokens.items()}

    def mailbox(self, account: str = ACCOUNT) -> dict[str, dict]:
        with self._lock:
            return dict(self.events.get(account, {}))

    def event_for_session(self, session_id: str, account: str = ACCOUNT) -> dict | None:
        for event in self.mailbox(account).values():
            if _session_of(event) == session_id:
                return event
        return None

    def add_event(self, start: datetime, end: datetime, *, show_as: str = "busy", all_day: bool = False,
                  subject: str = "Dentist", account: str = ACCOUNT) -> str:
        """An appointment the therapist made in Outlook itself (not by Couchtime)."""
        with self._lock:
            event_id = f"AAMkAD{next(self._ids):06d}{secrets.token_hex(8)}="
            self.events.setdefault(account, {})[event_id] = {
                "id": event_id, "subject": subject, "showAs": show_as, "isAllDay": all_day,
                "isCancelled": False, "start": _graph_time(start), "end": _graph_time(end),
                "attendees": [{"emailAddress": {"address": "someone@example.com"}}],
            }
            self._touch(account, event_id)
            return event_id

    def change_event(self, event_id: str, account: str = ACCOUNT, **fields) -> None:
        """e.g. change_event(id, showAs="free") or start=…, end=… (datetimes)."""
        with self._lock:
            event = self.events[account][event_id]
            for name, value in fields.items():
                event[name] = _graph_time(value) if isinstance(value, datetime) else value
            self._touch(account, event_id)

    def remove_event(self, event_id: str, account: str = ACCOUNT) -> None:
        with self._lock:
            self.events[account].pop(event_id, None)
            self._tombstone(account, event_id)

    def forget_delta_links(self) -> None:
        with self._lock:
            self.delta_epoch += 1

    def _touch(self, account: str, event_id: str) -> None:
        self.changed.setdefault(account, {})[event_id] = next(self._versions)
        self.deleted.get(account, {}).pop(event_id, None)

    def _tombstone(self, account: str, event_id: str) -> None:
        self.changed.get(account, {}).pop(event_id, None)
        self.deleted.setdefault(account, {})[event_id] = next(self._versions)

    def requests(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        with self._lock:
            seen = list(self.seen)
        return [s for s in seen if (method is None or s.method == method) and (path is None or path in s.path)]

    def reset_log(self) -> None:
        with self._lock:
            self.seen.clear()
            self.token_requests.clear()

    def _fault(self, request: Request) -> Response | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(request.method, request.url.path):
                    fault.times -= 1
                    return JSONResponse(
                        {"error": {"code": "Injected", "message": f"injected {fault.status}"}},
                        fault.status, headers=fault.headers,
                    )
        return None

    def _log(self, request: Request, status: int, token: str | None = None) -> None:
        with self._lock:
            self.seen.append(Seen(time.monotonic(), request.method, request.url.path, status, token))

    # --- identity platform -------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("code_challenge_method") != "S256" \
                or not q.get("code_challenge") or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, 400)
        redirect, state = q["redirect_uri"], q.get("state", "")
        if self.deny_next:
            self.deny_next = False
            return RedirectResponse(f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}", 302)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": redirect,
                                "account": self.account, "scope": q.get("scope", "")}
        return RedirectResponse(f"{redirect}?{urlencode({'code': code, 'state': state})}", 302)

    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        with self._lock:
            self.token_requests.append(form)
        fault = self._fault(request)
        if fault is not None:
            self._log(request, fault.status_code)
            return fault
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client"}, 401)
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)  # single use
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if code is None or code["redirect_uri"] != form.get("redirect_uri") or code["challenge"] != challenge:
                    return JSONResponse({"error": "invalid_grant", "error_description": "AADSTS70008"}, 400)
                account = code["account"]
            elif grant == "refresh_token":
                account = self.refresh_tokens.get(form.get("refresh_token", ""))
                if account is None or account in self.revoked_accounts:
                    return JSONResponse({"error": "invalid_grant", "error_description": "AADSTS700082"}, 400)
            else:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            access, refresh = f"at-{secrets.token_urlsafe(24)}", f"rt-{secrets.token_urlsafe(32)}"
            self.access_tokens[access] = (account, time.monotonic() + self.access_ttl)
            self.refresh_tokens[refresh] = account
        return JSONResponse({"token_type": "Bearer", "scope": form.get("scope", ""), "expires_in": self.access_ttl,
                             "access_token": access, "refresh_token": refresh})

    # --- Graph --------------------------------------------------------------------------

    async def _graph_gate(self, request: Request) -> tuple[str | None, str | None, Response | None]:
        if self.latency:
            await asyncio.sleep(self.latency)
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else None
        fault = self._fault(request)
        if fault is not None:
            self._log(request, fault.status_code, token)
            return None, token, fault
        with self._lock:
            found = self.access_tokens.get(token or "")
            valid = found is not None and found[1] > time.monotonic() and found[0] not in self.revoked_accounts
        if not valid:
            self._log(request, 401, token)
            return None, token, JSONResponse(
                {"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}}, 401)
        return found[0], token, None

    async def me(self, request: Request) -> Response:
        account, token, refused = await self._graph_gate(request)
        if refused:
            return refused
        self._log(request, 200, token)
        return JSONResponse({"id": "user-1", "userPrincipalName": account, "mail": account})

    async def events_collection(self, request: Request) -> Response:
        account, token, refused = await self._graph_gate(request)
        if refused:
            return refused
        if request.method == "GET":
            wanted = re.search(r"ep/value eq '([^']+)'", request.query_params.get("$filter", ""))
            with self._lock:
                mailbox = self.events.get(account, {})
                value = [{"id": e["id"]} for e in mailbox.values()
                         if wanted and _session_of(e) == wanted.group(1)]
            self._log(request, 200, token)
            return JSONResponse({"value": value})
        body = await request.json()
        with self._lock:
            tx = body.get("transactionId")
            mailbox = self.events.setdefault(account, {})
            existing = self.transactions.get((account, tx)) if tx else None
            if existing and existing in mailbox:
                event = mailbox[existing]
            else:
                event = {**body, "id": f"AAMkAD{next(self._ids):06d}{secrets.token_hex(8)}="}
                mailbox[event["id"]] = event
                self._touch(account, event["id"])
                if tx:
                    self.transactions[(account, tx)] = event["id"]
        self._log(request, 201, token)
        return JSONResponse(event, 201)

    async def event_item(self, request: Request) -> Response:
        account, token, refused = await self._graph_gate(request)
        if refused:
            return refused
        event_id = request.path_params["event_id"]
        with self._lock:
            mailbox = self.events.setdefault(account, {})
            event = mailbox.get(event_id)
        if event is None:
            self._log(request, 404, token)
            return JSONResponse({"error": {"code": "ErrorItemNotFound", "message": "Not found."}}, 404)
        if request.method == "DELETE":
            with self._lock:
                mailbox.pop(event_id, None)
                self._tombstone(account, event_id)
            self._log(request, 204, token)
            return Response(status_code=204)
        if request.method == "PATCH":
            body = await request.json()
            with self._lock:
                event = {**event, **body, "id": event_id}
                mailbox[event_id] = event
                self._touch(account, event_id)
        self._log(request, 200, token)
        return JSONResponse(event)


    async def calendar_view_delta(self, request: Request) -> Response:
        account, token, refused = await self._graph_gate(request)
        if refused:
            return refused
        params = request.query_params
        size = 10
        match = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("prefer", ""))
        if match:
            size = max(1, int(match.group(1)))
        if "$deltatoken" in params or "$skiptoken" in params:
            state = json.loads(base64.urlsafe_b64decode(params.get("$deltatoken") or params["$skiptoken"]))
            if state["epoch"] != self.delta_epoch:
                self._log(request, 410, token)
                return JSONResponse({"error": {"code": "SyncStateNotFound", "message": "Gone."}}, 410)
        else:
            try:
                start, end = (_parse_utc(params["startDateTime"]), _parse_utc(params["endDateTime"]))
            except (KeyError, ValueError):
                self._log(request, 400, token)
                return JSONResponse({"error": {"code": "ErrorInvalidParameter", "message": "window"}}, 400)
            state = {"s": start.isoformat(), "e": end.isoformat(), "since": 0, "offset": 0,
                     "epoch": self.delta_epoch, "v": None}
        if "$deltatoken" in params:  # a new round: changes since the link's version
            state = {**state, "since": state["v"], "offset": 0, "v": None}
        start, end = datetime.fromisoformat(state["s"]), datetime.fromisoformat(state["e"])
        with self._lock:
            version = max([0, *self.changed.get(account, {}).values(), *self.deleted.get(account, {}).values()])
            mailbox = self.events.get(account, {})
            items = []
            for event_id, v in sorted(self.changed.get(account, {}).items(), key=lambda kv: kv[1]):
                if v <= state["since"] or event_id not in mailbox:
                    continue
                event = mailbox[event_id]
                inside = _parse_utc(event["start"]["dateTime"]) < end and _parse_utc(event["end"]["dateTime"]) > start
                if inside:
                    items.append({k: val for k, val in event.items()
                                  if k not in ("singleValueExtendedProperties", "transactionId")})
                elif state["since"]:
                    items.append({"id": event_id, "@removed": {"reason": "deleted"}})
            if state["since"]:
                items += [{"id": event_id, "@removed": {"reason": "deleted"}}
                          for event_id, v in self.deleted.get(account, {}).items() if v > state["since"]]
        if state["v"] is None:  # a round's first page: what its delta link will be "since"
            state["v"] = version
        page = items[state["offset"]:state["offset"] + size]
        base = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
        body: dict = {"value": page}
        if state["offset"] + size < len(items):
            nxt = {**state, "offset": state["offset"] + size}
            body["@odata.nextLink"] = f"{base}?$skiptoken={_encode(nxt)}"
        else:
            body["@odata.deltaLink"] = f"{base}?$deltatoken={_encode(state)}"
        self._log(request, 200, token)
        return JSONResponse(body)


def _encode(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def _graph_time(instant: datetime) -> dict:
    return {"dateTime": instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + ".0000000",
            "timeZone": "UTC"}


def _parse_utc(raw: str) -> datetime:
    raw = raw.removesuffix("Z").split(".")[0]
    parsed = datetime.fromisoformat(raw)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _session_of(event: dict) -> str | None:
    for prop in event.get("singleValueExtendedProperties") or []:
        if "CouchtimeSessionId" in prop.get("id", ""):
            return prop.get("value")
    return None
