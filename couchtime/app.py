"""The Starlette ASGI app: /graphql (HTTP, websockets, GraphiQL), /healthz, /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from couchtime import gc_pauses, graphiql, outlook_routes, persisted, unsubscribe_routes
from couchtime.graphql_http import CouchtimeGraphQL
from couchtime.logs import RequestLogMiddleware, configure_logging
from couchtime.metrics import GraphQLMetrics, Metrics, WebSocketMetrics, metrics_route
from couchtime.settings import Settings
from couchtime.socket_auth import SocketGuard
from couchtime.wiring import Runtime, build_runtime
from domain.ports.outside_world import Clock
from persistence import migrate
from schema.budget import CostBudget
from schema.schema import SchemaLimits, build_schema

log = logging.getLogger("couchtime.app")


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
    runtime.bus.watch(guard.on_event)
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
