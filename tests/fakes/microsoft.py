"""A local stand-in for Microsoft: the identity platform's authorize and token endpoints and
Graph's /me and /me/events, over real sockets on 127.0.0.1 (two servers, like the real two
hosts), in a thread of their own so the code under test and the fake never share a loop.

What it checks like Microsoft does: client ID and secret, redirect URI, single-use codes, PKCE
S256 (the verifier must hash to the challenge), bearer tokens (known, unexpired, unrevoked),
refresh tokens (rotating; old ones stay valid until revoked), `transactionId` dedup of event
creation, `singleValueExtendedProperties/Any(...)` filters. Faults are scripted per path:
`fail(429, headers={"Retry-After": "1"})`, `fail(500)`, `latency=0.02`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
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
            self._log(request, 204, token)
            return Response(status_code=204)
        if request.method == "PATCH":
            body = await request.json()
            with self._lock:
                event = {**event, **body, "id": event_id}
                mailbox[event_id] = event
        self._log(request, 200, token)
        return JSONResponse(event)


def _session_of(event: dict) -> str | None:
    for prop in event.get("singleValueExtendedProperties") or []:
        if "CouchtimeSessionId" in prop.get("id", ""):
            return prop.get("value")
    return None
