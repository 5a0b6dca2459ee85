"""Prometheus metrics, counted at the edges: the HTTP and websocket wrappers of `/graphql`, the
Dramatiq middleware (`workers.metrics`), the mailer port, the live bus and the outbox table.

Each app has its own registry (one process may run several apps: tests, a restart in-process).
No label holds personal data or an ID: `operation` is a name from the trusted-documents
manifest or `other` (clients cannot grow the label set), `code` is an error code the server
made (`OTHER` if it does not look like one), `actor` a registered job name.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from dataclasses import replace
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from couchtime.persisted import OPERATION_SCOPE_KEY, OTHER_OPERATION
from domain.services.notifications import NotificationSetup
from persistence.database import Database
from persistence.tables.outbox import OutboxRow
from workers.metrics import JobMetrics

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,47}")
_OUTBOX = OutboxRow.__table__
_POISONED = 1_000_000  # workers.outbox.POISONED: rows never sent again do not count as lag


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        process_collector.ProcessCollector(registry=r)
        platform_collector.PlatformCollector(registry=r)
        gc_collector.GCCollector(registry=r)
        self.request_duration = Histogram(
            "couchtime_graphql_request_duration_seconds",
            "GraphQL HTTP requests, from the first byte in to the last byte out, by operation "
            "(a trusted-documents manifest name, else `other`)",
            ["operation"], registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.graphql_errors = Counter(
            "couchtime_graphql_errors", "GraphQL errors in HTTP responses, by extensions.code "
            "(NONE: no code, e.g. a syntax error; HTTP_<status>: a non-GraphQL error response)",
            ["code"], registry=r,
        )
        self.websockets_open = Gauge("couchtime_websockets_open", "Accepted /graphql websockets", registry=r)
        self.live_subscriptions = Gauge(
            "couchtime_live_subscriptions", "Live subscriptions listening on this process's bus", registry=r)
        self.outbox_unsent = Gauge(
            "couchtime_outbox_unsent_jobs", "Outbox rows not yet handed to the broker (whole database)",
            registry=r)
        self.outbox_lag = Gauge(
            "couchtime_outbox_lag_seconds", "Age of the oldest outbox row not yet handed to the broker "
            "(0 when none)", registry=r)
        self.jobs_run = Counter("couchtime_jobs_run", "Job attempts, by actor", ["actor"], registry=r)
        self.jobs_failed = Counter("couchtime_jobs_failed", "Job attempts that raised, by actor",
                                   ["actor"], registry=r)
        self.emails_sent = Counter("couchtime_emails_sent", "Emails handed to SMTP (or the mail folder)",
                                   registry=r)
        self.emails_failed = Counter("couchtime_emails_failed", "Emails the mailer could not send",
                                     registry=r)
        self.outlook_sync_failures = Counter(
            "couchtime_outlook_sync_failures", "Outlook sync jobs that raised, by exception type",
            ["reason"], registry=r)

    def job_middleware(self) -> JobMetrics:
        return JobMetrics(
            run=lambda actor: self.jobs_run.labels(actor).inc(),
            failed=lambda actor: self.jobs_failed.labels(actor).inc(),
            outlook_failed=lambda reason: self.outlook_sync_failures.labels(reason).inc(),
        )

    def counted(self, setup: NotificationSetup) -> NotificationSetup:
        if setup.mailer is None:
            return setup
        return replace(setup, mailer=CountingMailer(setup.mailer, self))

    def watch_bus(self, bus) -> None:
        self.live_subscriptions.set_function(lambda: bus.subscriber_count)

    async def refresh_outbox(self, db: Database) -> None:
        query = select(func.count(), func.min(_OUTBOX.c.created_at)).where(
            _OUTBOX.c.sent_at.is_(None), _OUTBOX.c.attempts < _POISONED)
        async with db.read_session() as session:
            count, oldest = (await session.execute(query)).one()
        self.outbox_unsent.set(count)
        if oldest is None:
            self.outbox_lag.set(0)
        else:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            self.outbox_lag.set(max(0.0, (datetime.now(UTC) - oldest).total_seconds()))

    def observe_errors(self, status: int, media: bytes, body: bytes) -> None:
        if b"json" not in media:
            if status >= 400:
                self.graphql_errors.labels(f"HTTP_{status}").inc()
            return
        if b'"errors"' not in body:
            return
        try:
            errors = json.loads(body).get("errors") or []
        except (ValueError, AttributeError):
            return
        for error in errors if isinstance(errors, list) else []:
            extensions = error.get("extensions") if isinstance(error, dict) else None
            code = extensions.get("code") if isinstance(extensions, dict) else None
            if code is None:
                label = "NONE"
            else:
                label = code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"
            self.graphql_errors.labels(label).inc()


class CountingMailer:
    """The Mailer port, counting what the wrapped mailer sends and fails to send."""

    def __init__(self, mailer, metrics: Metrics) -> None:
        self.mailer = mailer
        self.metrics = metrics

    async def send(self, email) -> None:
        try:
            await self.mailer.send(email)
        except BaseException:
            self.metrics.emails_failed.inc()
            raise
        self.metrics.emails_sent.inc()

    def __getattr__(self, name: str):
        return getattr(self.mailer, name)


class GraphQLMetrics:
    """Times `/graphql` HTTP requests and counts the error codes in their responses."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen = {"status": 0, "media": b""}
        chunks: list[bytes] = []

        async def send_and_look(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["media"] = dict(message.get("headers") or []).get(b"content-type", b"")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_and_look)
        finally:
            operation = scope.get(OPERATION_SCOPE_KEY, OTHER_OPERATION)
            self.metrics.request_duration.labels(operation).observe(time.perf_counter() - started)
            self.metrics.observe_errors(seen["status"] or 500, seen["media"], b"".join(chunks))


class WebSocketMetrics:
    """Counts accepted `/graphql` websockets while they are open."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accepted = False
        gauge = self.metrics.websockets_open

        async def send_and_count(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                gauge.inc()
            await send(message)

        try:
            await self.app(scope, receive, send_and_count)
        finally:
            if accepted:
                gauge.dec()


def metrics_route(metrics: Metrics, *, token: str, db: Database) -> Route:
    """GET /metrics in Prometheus' text format; with a token set, only for `Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    async def endpoint(request: Request) -> Response:
        if token and not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return PlainTextResponse("unauthorized\n", 401, headers={"WWW-Authenticate": "Bearer"})
        try:
            await metrics.refresh_outbox(db)
        except Exception:  # noqa: BLE001 - the rest of the metrics still matter when the database is down
            metrics.outbox_lag.set(float("nan"))
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})

    return Route("/metrics", endpoint, methods=["GET"])


def serve_worker_metrics(metrics: Metrics, settings) -> int:
    """`couchtime worker` processes: /metrics on a thread of each worker process, on the first
    free port from COUCHTIME_WORKER_METRICS_PORT up (process 1 on the port, process 2 on the
    next, …), with the same bearer-token rule as the API. Returns the port."""
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from prometheus_client import make_wsgi_app

    inner = make_wsgi_app(metrics.registry)
    expected = f"Bearer {settings.metrics_token}".encode()

    def app(environ, start_response):
        given = environ.get("HTTP_AUTHORIZATION", "").encode("latin-1")
        if settings.metrics_token and not hmac.compare_digest(given, expected):
            start_response("401 Unauthorized",
                           [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")])
            return [b"unauthorized\n"]
        return inner(environ, start_response)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:  # no access lines on stderr
            pass

    for port in range(settings.worker_metrics_port, min(settings.worker_metrics_port + 64, 65536)):
        try:
            server = make_server("0.0.0.0", port, app, WSGIServer, handler_class=QuietHandler)
        except OSError:
            continue
        threading.Thread(target=server.serve_forever, name="couchtime-metrics", daemon=True).start()
        return port
    raise OSError(f"no free port for worker metrics from {settings.worker_metrics_port}")
