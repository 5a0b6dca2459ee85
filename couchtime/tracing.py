"""OpenTelemetry traces, exported over OTLP/HTTP when COUCHTIME_OTLP_ENDPOINT is set.

Off by default, and then free: nothing of OpenTelemetry is imported (this module imports it
inside functions only). When on:

- HTTP requests: the official ASGI/Starlette instrumentation, with the query string hidden
  from it (GET queries carry variables) and without its per-message `http send`/`receive`
  spans; websockets are not wrapped (they live for hours).
- GraphQL: Strawberry's `OpenTelemetryExtension`, minus what would leak: no `query`
  attribute (the document text) and no `graphql.param.*` (resolver arguments: names, notes).
- SQL: the official SQLAlchemy instrumentation on each engine; statements carry placeholders,
  never bound values.
- Jobs: the relay puts the request's `traceparent` into the Dramatiq message's options, and a
  worker middleware continues the trace with one `job <actor>` span (its SQL spans under it).
  A row sent late by the relay loop starts a trace of its own.
Exceptions are recorded on spans by type only: their messages can hold personal data.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Mapping
from typing import Any

import dramatiq
from starlette.types import ASGIApp, Receive, Scope, Send

HIDDEN_QUERY_KEY = "couchtime.query_string"


def tracer_provider_for(settings):
    """The process's OTLP provider (set as the global one, which Strawberry's tracer uses)."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
    endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    return provider


class Tracing:
    def __init__(self, provider) -> None:
        from opentelemetry import trace

        self.provider = provider
        self.tracer = trace.get_tracer("couchtime", tracer_provider=provider)

    @classmethod
    def from_settings(cls, settings, provider=None) -> Tracing | None:
        if provider is None and not settings.otlp_endpoint:
            return None
        return cls(provider or tracer_provider_for(settings))

    def schema_extensions(self) -> list[type]:
        return [private_graphql_extension(self.provider)]

    def instrument_app(self, app) -> None:
        """Starlette's instrumentation between two shims that hide the query string from it."""
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
        from opentelemetry.instrumentation.starlette import StarletteInstrumentor

        app.add_middleware(_RestoreQuery)
        StarletteInstrumentor.instrument_app(app, tracer_provider=self.provider)
        for middleware in app.user_middleware:  # one span per request, not three
            if middleware.cls is OpenTelemetryMiddleware:
                middleware.kwargs["exclude_spans"] = ["receive", "send"]
        app.add_middleware(_HideQuery)

    def instrument_engine(self, db) -> None:
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
        from opentelemetry.metrics import get_meter

        usage = get_meter("couchtime.sqlalchemy").create_up_down_counter("db.client.connections.usage")
        EngineTracer(self.tracer, db.engine.sync_engine, usage)

    @staticmethod
    def current_context() -> dict[str, str]:
        """The current trace as W3C headers (`traceparent`), for a job's message options."""
        from opentelemetry import propagate

        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return carrier

    def job_middleware(self) -> dramatiq.Middleware:
        return JobTracing(self.tracer)


class _HideQuery:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            scope = {**scope, "query_string": b"", HIDDEN_QUERY_KEY: scope["query_string"]}
        await self.app(scope, receive, send)


class _RestoreQuery:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if HIDDEN_QUERY_KEY in scope:
            scope["query_string"] = scope.pop(HIDDEN_QUERY_KEY)
        await self.app(scope, receive, send)


def private_graphql_extension(provider) -> type:
    """Strawberry's OpenTelemetry extension bound to `provider`, recording no document text
    and no resolver arguments."""
    from opentelemetry.trace import SpanKind
    from strawberry.extensions.tracing.opentelemetry import LifecycleStep, OpenTelemetryExtension

    class PrivateOpenTelemetryExtension(OpenTelemetryExtension):
        def __init__(self, *, execution_context=None) -> None:
            super().__init__(execution_context=execution_context, arg_filter=_no_arguments,
                             tracer_provider=provider)

        def on_operation(self) -> Generator[None, None, None]:  # the parent's, minus `query`
            name = self.execution_context.operation_name
            span = self._tracer.start_span(f"GraphQL Query: {name}" if name else "GraphQL Query",
                                           kind=SpanKind.SERVER)
            span.set_attribute("component", "graphql")
            self._span_holder[LifecycleStep.OPERATION] = span
            yield
            if not name and self.execution_context.operation_name:
                span.update_name(f"GraphQL Query: {self.execution_context.operation_name}")
            span.end()

    return PrivateOpenTelemetryExtension


def _no_arguments(arguments: dict[str, Any], info) -> dict[str, Any]:
    return {}


class JobTracing(dramatiq.Middleware):
    """One span per job attempt, continuing the trace carried in the message options."""

    def __init__(self, tracer) -> None:
        self.tracer = tracer
        self._local = threading.local()

    def before_process_message(self, broker, message) -> None:
        from opentelemetry import context, propagate, trace

        carrier: Mapping[str, str] = message.options.get("trace") or {}
        span = self.tracer.start_span(
            f"job {message.actor_name}", context=propagate.extract(dict(carrier)),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "dramatiq", "messaging.destination.name": message.queue_name,
                        "couchtime.job": message.actor_name,
                        "couchtime.job.retries": message.options.get("retries", 0)},
        )
        self._local.active = (span, context.attach(trace.set_span_in_context(span)))

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        from opentelemetry import context
        from opentelemetry.trace import Status, StatusCode

        active = getattr(self._local, "active", None)
        if active is None:
            return
        self._local.active = None
        span, token = active
        if exception is not None:
            span.set_status(Status(StatusCode.ERROR, type(exception).__name__))
            span.set_attribute("exception.type", type(exception).__name__)
        span.end()
        context.detach(token)

    def after_skip_message(self, broker, message) -> None:
        self.after_process_message(broker, message)
