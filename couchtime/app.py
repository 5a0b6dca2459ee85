"""The Starlette ASGI app: /graphql (HTTP, websockets, GraphiQL), /healthz, /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from adapters.connection_slots import MemorySlots
from couchtime import gc_pauses, graphiql, outlook_routes, persisted, unsubscribe_routes
from couchtime.logs import RequestLogMiddleware, configure_logging, request_id_var
from couchtime.metrics import GraphQLMetrics, Metrics, WebSocketMetrics, metrics_route
from couchtime.settings import Settings
from couchtime.socket_auth import GuardedTransportWSHandler, GuardedWSHandler, SocketGuard
from couchtime.wiring import Runtime, build_runtime
from domain import audit, tokens
from domain.ports.outside_world import Clock
from persistence import migrate
from resolvers.context import Context, Services, bearer_token
from schema.budget import CostBudget
from schema.schema import SchemaLimits, budget_spent, build_schema

log = logging.getLogger("couchtime.app")


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


def error_response(status: int, message: str, code: str, media: str = persisted.LEGACY_JSON,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """An HTTP-level refusal in the GraphQL error shape, so clients parse one format. (After a
    413 the connection stays open: uvicorn's C parser skips the rest of the body cheaply, and
    clients that are still uploading get their answer instead of a reset.)"""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status, media_type=media, headers=headers)


MEDIA_SCOPE_KEY = "couchtime.media"  # the negotiated response media type (persisted.response_media)
REQUEST_ERROR_SCOPE_KEY = "couchtime.request-error"


def is_request_error(result: ExecutionResult) -> bool:
    """A GraphQL request error: the document did not parse or validate, the variables did not
    coerce, or no operation could be chosen, so execution never began (no data, and no error
    carries a path; a field error always does)."""
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors)


def _selection_error(message: str) -> ExecutionResult:
    """An operation-selection failure: a request error (200 for application/json clients, 400
    for application/graphql-response+json ones)."""
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "BAD_REQUEST"})])


TARPIT_SECONDS = 1.0  # how long a caller with a spent budget waits for its 429


def _spent_response(retry_after: int, media: str) -> Response:
    error = budget_spent(retry_after)
    return JSONResponse({"errors": [{"message": error.message, "extensions": error.extensions}]},
                        status_code=429, headers={"retry-after": str(retry_after)}, media_type=media)


_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE",
          414: "REQUEST_TOO_LARGE", 415: "BAD_REQUEST"}


class CouchtimeGraphQL(GraphQL):
    """Strawberry's ASGI app with our context, a GraphiQL page that needs no CDN, and the
    HTTP limits: a body limit (413 before the body is read when Content-Length says so), JSON
    refusals instead of plain text, 429 with Retry-After when the cost budget is spent, and
    subscriptions only over websockets. Anything unexpected is a JSON 500 with an error id. Its
    websocket handlers re-check the token before every operation (couchtime.socket_auth).

    GraphQL over HTTP: every answer, refusals included, is in the media type Accept asks for
    (`persisted.response_media`). `application/graphql-response+json` answers a request error
    (no parse, no validation, variables that do not coerce, no single operation to run) with
    400 and no `data`; `application/json` keeps 200 with `data: null` (the spec's legacy rule).
    Several operations need an `operationName`; a mutation over GET is 405 with `Allow: POST`.
    graphql-http's audit: tests/api/test_http_audit.py."""

    graphql_transport_ws_handler_class = GuardedTransportWSHandler
    graphql_ws_handler_class = GuardedWSHandler

    def __init__(
        self, schema, services: Services, *, ide_html: str | None, slots=None,
        max_connections_per_token: int = 10, max_public_connections_per_address: int = 50,
        guard: SocketGuard | None = None, max_body_bytes: int = 65_536,
        budget: CostBudget | None = None, max_tokens: int = 2000, **kwargs,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if ide_html else None, **kwargs)
        self.services = services
        self.guard = guard
        self._ide_html = ide_html
        self._slots = slots or MemorySlots()
        self._max_connections = max_connections_per_token
        self._max_public_connections = max_public_connections_per_address
        self._max_body = max_body_bytes
        self._budget = budget
        self._max_tokens = max_tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        address = scope["client"][0] if scope.get("client") else "unknown"
        anonymous = not any(name == b"authorization" for name, _ in scope.get("headers") or [])
        media = scope[MEDIA_SCOPE_KEY] = persisted.scope_media(scope)
        refused = True  # an HTTP-level refusal, not a GraphQL result
        try:
            response = await self._refuse_spent(address, media) if anonymous else None
            response = response or self._refuse_early(scope, media)
            if response is None:
                request = Request(scope, receive=self._limited(receive))
                try:
                    response = await self.run(request)
                    refused = False
                except RecursionError:
                    raise HTTPException(400, "The request nests too deeply.") from None
        except HTTPException as e:
            # a mutation over GET: 405, and POST is what would work (the spec's Allow header)
            allow = {"allow": "POST"} if e.status_code == 405 and scope["method"] == "GET" else None
            response = error_response(e.status_code, e.reason, _CODES.get(e.status_code, "BAD_REQUEST"),
                                      media, allow)
        except Exception:
            error_id = uuid.uuid4().hex
            log.exception("unexpected error %s in /graphql", error_id, extra={"error_id": error_id})
            response = JSONResponse({"errors": [{
                "message": f"Internal server error (id {error_id}).",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
            }]}, status_code=500, media_type=media)
        if anonymous and refused and self._budget is not None and response.status_code in (400, 413, 414):
            await self._budget.penalise_address(address)  # probing the limits is not free
        await response(scope, receive, send)

    async def _refuse_spent(self, address: str, media: str) -> Response | None:
        """An address whose refusals have overdrawn its budget is answered 429 before its body
        is read, after a pause (TARPIT_SECONDS): a client that keeps trying costs a waiting
        coroutine, not CPU, and a client in a loop slows down with it."""
        retry_after = await self._budget.address_spent(address) if self._budget is not None else None
        if retry_after is None:
            return None
        await asyncio.sleep(min(retry_after, TARPIT_SECONDS))
        return _spent_response(retry_after, media)

    def _refuse_early(self, scope: Scope, media: str) -> Response | None:
        if len(scope.get("query_string", b"")) > self._max_body:
            return error_response(414, f"The query string is longer than {self._max_body} bytes.",
                                  "REQUEST_TOO_LARGE", media)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self._max_body:
            return error_response(413, f"The request body is larger than {self._max_body} bytes.",
                                  "REQUEST_TOO_LARGE", media)
        return None

    def _limited(self, receive: Receive) -> Receive:
        """The body as it arrives, refused once it passes the limit (chunked uploads too)."""
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self._max_body:
                raise _TooLarge(self._max_body)
            return message

        return limited_receive

    def parse_json(self, data: str | bytes):
        """Request bodies (bytes) must be one JSON object in UTF-8; GET parameters (str) may be
        any JSON value (Strawberry checks `variables` is an object or null)."""
        try:
            value = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
        except UnicodeDecodeError:
            raise HTTPException(400, "The request body is not valid UTF-8.") from None
        except (ValueError, RecursionError):
            raise HTTPException(400, "The request is not valid JSON (or nests too deeply).") from None
        if isinstance(data, bytes) and isinstance(value, list):
            raise HTTPException(400, "Batched operations are not supported: send one per request.")
        if isinstance(data, bytes) and not isinstance(value, dict):
            raise HTTPException(400, 'The request body must be a JSON object: {"query": "…", '
                                '"variables": {…}}.')
        return value

    async def parse_http_body(self, request):
        data = await super().parse_http_body(request)
        name = getattr(data, "operation_name", None)
        if name is not None and not isinstance(name, str):
            raise HTTPException(400, "The request's `operationName` must be a string or null.")
        return data

    async def execute_operation(self, request, request_adapter, request_data, context, root_value,
                                sub_response):
        """Over HTTP only queries (GET, POST) and mutations (POST): subscriptions need a
        websocket (graphql-transport-ws)."""
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        if getattr(request_data, "protocol", "http") != "http":
            raise HTTPException(400, "Streaming over HTTP is not supported: subscribe over a websocket "
                                "(graphql-transport-ws).")
        if self._budget is not None and (retry_after := await self._budget.spent(context)):
            await asyncio.sleep(min(retry_after, TARPIT_SECONDS))  # see _refuse_spent
            return ExecutionResult(data=None, errors=[budget_spent(retry_after)])
        if request_data.operation_name is None and isinstance(request_data.query, str) \
                and self._operation_count(request_data.query) > 1:
            # Strawberry would run the first one; the spec (and graphql-js) refuse to guess
            return _selection_error("The document has several operations: name the one to run "
                                    "with `operationName`.")
        try:
            result = await self.schema.execute(
                request_data.query, root_value=root_value, variable_values=request_data.variables,
                context_value=context, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions,
            )
        except MissingQueryError:
            raise HTTPException(400, "No GraphQL query found in the request.") from None
        except CannotGetOperationTypeError as e:
            return _selection_error(e.as_http_error_reason())
        except InvalidOperationTypeError as e:
            if e.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, "Subscriptions run over websockets (graphql-transport-ws), "
                                    "not over HTTP.") from None
            raise HTTPException(405, e.as_http_error_reason(request_adapter.method)) from None
        if self._budget is not None and result.errors:
            await self._budget.penalise(context, {(e.extensions or {}).get("code") for e in result.errors})
        return result

    def _operation_count(self, query: str) -> int:
        """How many operations the document defines (0 if it does not parse: the schema says
        why). Parsed through CouchtimeSchema's parse cache, which the execution then reuses:
        no second parse (a plain Strawberry schema, in tests, parses here once more)."""
        parsed = getattr(self.schema, "_parsed", None)
        try:
            document = parsed(query)[0] if parsed is not None else parse(
                query, no_location=True, max_tokens=self._max_tokens)
        except (GraphQLError, RecursionError):
            return 0
        return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)

    async def process_result(self, request, result):
        """`application/graphql-response+json` answers omit `data` on a request error (`run`
        then answers 400); `application/json` ones keep today's shape (200, `data: null`)."""
        response = await super().process_result(request, result)
        if is_request_error(result):
            request.scope[REQUEST_ERROR_SCOPE_KEY] = True
            if request.scope.get(MEDIA_SCOPE_KEY) == persisted.GRAPHQL_RESPONSE_JSON:
                response.pop("data", None)
        return response

    async def get_context(self, request: Request | WebSocket, response) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        client = request.client.host if request.client else "unknown"
        context = Context(self.services, token=token, client_address=client, request=request)
        audit.origin.set(audit.Origin(actor=context.audit_actor, request_id=request_id_var.get(),
                                      address=client))  # this request's (or socket's) audit entries
        request.scope["couchtime.context"] = context
        return context

    async def on_ws_connect(self, context: Context) -> None:
        """Reads the token from connection_init; a token that opens nothing, or one already
        holding its quota of connections, closes the socket with 4403. Sockets without a token
        (public booking pages) have a quota per client address instead."""
        context.use_connection_params(context.connection_params or {})
        if context.token:
            if await context.viewer() is None:
                raise ConnectionRejectionError()
            key, quota = tokens.rate_key("ws", context.token), self._max_connections
        else:
            key, quota = tokens.rate_key("ws-public", context.client_address), self._max_public_connections
        slot = await self._slots.acquire(key, quota)
        if slot is None:
            raise ConnectionRejectionError()
        context.memo["ws-slot"] = (key, slot)

    async def run(self, request, *args, **kwargs):
        try:
            response = await super().run(request, *args, **kwargs)
            media = request.scope.get(MEDIA_SCOPE_KEY)
            if media == persisted.GRAPHQL_RESPONSE_JSON and isinstance(response, Response) \
                    and response.headers.get("content-type", "").startswith(persisted.LEGACY_JSON):
                response.headers["content-type"] = media
                if request.scope.get(REQUEST_ERROR_SCOPE_KEY):
                    response.status_code = 400  # the spec: a request error, no execution
            context = request.scope.get("couchtime.context")
            retry_after = context.memo.get("retry-after") if context is not None else None
            if retry_after is not None and isinstance(response, Response):  # the cost budget is spent
                response.status_code = 429
                response.headers["Retry-After"] = str(retry_after)
            return response
        finally:
            context = request.scope.get("couchtime.context") if isinstance(request, WebSocket) else None
            held = context.memo.pop("ws-slot", None) if context is not None else None
            if held is not None:
                self._slots.release(*held)  # queued: sent in batches, retried (connection_slots)
                gc_pauses.socket_closed()

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_html or "")


class CouchtimeApp(Starlette):
    """The Starlette app, except that /graphql websockets skip its middleware stack.

    A live connection stays open for hours, and each ASGI layer it passes through keeps a
    suspended frame for all that time: the error, exception and routing layers cost ~3 KiB per
    open calendar and do nothing for a socket (Strawberry speaks the protocol and closes with its
    codes). The request log still wraps it, so a connection gets its request id and log line.
    """

    def __init__(self, *, live_endpoint: ASGIApp, **kwargs) -> None:
        super().__init__(**kwargs)
        self._live_endpoint = RequestLogMiddleware(live_endpoint)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            scope["app"] = self
            await self._live_endpoint(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None,
               tracer_provider=None) -> Starlette:
    """`tracer_provider` (tests: the SDK's in-memory exporter) turns tracing on as
    COUCHTIME_OTLP_ENDPOINT does."""
    settings = settings or Settings.from_env()
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    metrics = Metrics() if settings.metrics_served else None
    tracing = None
    if settings.otlp_endpoint or tracer_provider is not None:
        from couchtime.tracing import Tracing

        tracing = Tracing.from_settings(settings, tracer_provider)
    runtime = build_runtime(settings, clock=clock, metrics=metrics, tracing=tracing)
    assets_dir = Path(settings.graphiql_assets_dir) if settings.graphiql_assets_dir else (
        graphiql.ASSETS_DIR_DEFAULT
    )
    assets_present = graphiql.graphiql_assets_present(assets_dir)
    ide_html = None
    if settings.graphiql_enabled:
        ide_html = graphiql.graphiql_html(
            asset_base=graphiql.ASSETS_MOUNT_PATH_DEFAULT if assets_present else None
        )
    budget = CostBudget(
        runtime.services.limiter, per_token=settings.cost_budget_per_token,
        per_address=settings.cost_budget_per_address, penalty=settings.max_query_cost,
    )
    schema = build_schema(
        SchemaLimits(
            max_depth=settings.max_query_depth, max_tokens=settings.max_query_tokens,
            max_aliases=settings.max_aliases, max_fields=settings.max_query_fields,
            max_cost=settings.max_query_cost, max_variables_bytes=settings.max_body_bytes,
            deadline_seconds=settings.request_deadline_ms / 1000,
            introspection=not settings.is_production,
        ),
        budget=budget,
        extensions=tracing.schema_extensions() if tracing is not None else (),
    )
    protocols = (GRAPHQL_TRANSPORT_WS_PROTOCOL,) + (
        (GRAPHQL_WS_PROTOCOL,) if settings.ws_legacy_protocol else ()
    )
    guard = SocketGuard(runtime.services.clock)
    runtime.bus.tap(guard.on_message)
    graphql_app = CouchtimeGraphQL(
        schema, runtime.services, ide_html=ide_html, allowed_origins=settings.allowed_origins,
        subscription_protocols=protocols,
        max_subscriptions_per_connection=settings.ws_max_subscriptions,
        connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
        slots=runtime.slots,
        max_connections_per_token=settings.ws_max_connections_per_token,
        max_public_connections_per_address=settings.ws_max_public_connections_per_address,
        guard=guard, max_body_bytes=settings.max_body_bytes, budget=budget,
        max_tokens=settings.max_query_tokens,
    )
    graphql_http, graphql_live = persisted.wrap_graphql(graphql_app, settings=settings, redis=runtime.redis)

    async def healthz(_: Request) -> Response:
        """Liveness, how many live subscriptions this process holds, and (under `couchtime
        serve`) the garbage collector's pauses (counts only, no PHI)."""
        return JSONResponse({"status": "ok", "liveSubscribers": runtime.bus.subscriber_count,
                             **({"gc": gc} if (gc := gc_pauses.report()) else {})})

    async def readyz(_: Request) -> Response:
        try:
            await asyncio.wait_for(runtime.db.ping(), timeout=3)
        except Exception:  # noqa: BLE001 - any failure means not ready
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_sqlite:
            await asyncio.to_thread(migrate.upgrade, settings.database_url)
        if settings.graphiql_enabled and not assets_present:
            graphiql.log_missing_assets(log, assets_dir)
        try:
            await runtime.start()  # embedded default: the in-process worker and scheduler
            yield
        finally:
            await guard.stop()
            await runtime.close()

    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_http, methods=["GET", "POST"]),  # websockets: CouchtimeApp
        outlook_routes.callback_route(runtime.services),
        unsubscribe_routes.unsubscribe_route(runtime.services),
    ]
    if settings.graphiql_enabled and assets_present:
        routes.append(graphiql.graphiql_static_mount(assets_dir))
    if metrics is not None:
        routes.append(metrics_route(metrics, token=settings.metrics_token, db=runtime.db))
        graphql_live = WebSocketMetrics(graphql_live, metrics)
    app = CouchtimeApp(live_endpoint=graphql_live, routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    app.add_middleware(RequestLogMiddleware)
    if metrics is not None:
        app.add_middleware(GraphQLMetrics, metrics=metrics)
    if tracing is not None:
        tracing.instrument_app(app)
    return app


def runtime_of(app: Starlette) -> Runtime:
    return app.state.runtime
