"""Structured logs with a request id and no PHI: never variables, results, emails or names."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import traceback
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def exception_without_messages(error: BaseException) -> str:
    """A logged exception as its chain of tracebacks and types, without the messages.

    Messages echo data: a database error's DETAIL holds the row ("Key (email)=(…)"), an SMTP
    refusal the recipient's address, a SQL error the statement's values. Operating-system
    errors (refused connections, timeouts, missing files) keep theirs: they describe the
    machine, not a person, and are what an operator needs most.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for exc in reversed(chain):
        name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
        detail = f": {exc}" if isinstance(exc, OSError) else " (message withheld: it may hold PHI)"
        parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(exc.__traceback__))
                     + name + detail)
    return "\n\nwhich led to:\n\n".join(parts)


class _WithheldMessages:
    """Formatter mixin: exceptions are formatted by `exception_without_messages`."""

    def formatException(self, ei) -> str:
        return exception_without_messages(ei[1]) if ei and ei[1] is not None else ""


class TextFormatter(_WithheldMessages, logging.Formatter):
    """One line per record (and the traceback, messages withheld, under it)."""

    def format(self, record: logging.LogRecord) -> str:
        # logging caches the first handler's traceback text on the record (with the message,
        # if that handler is not ours): format our own, and leave theirs as it was
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


class JsonFormatter(_WithheldMessages, logging.Formatter):
    """One JSON object per line; extra= fields are included as keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _NoWebSocketLines(logging.Filter):
    """uvicorn logs every websocket handshake with its query string ("WebSocket /graphql?…"
    [accepted] or 403), which a client could fill with PHI; the request log already has one
    line per socket, without the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and '"WebSocket %s"' in record.msg)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record is emitted, not when logging was
    configured: a process that swaps stderr (a test runner's capture, a daemon) never leaves a
    worker thread writing to a closed stream ("--- Logging error ---")."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr


def configure_logging(*, json_lines: bool, level: str = "INFO") -> None:
    handler = _StderrHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else TextFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler._couchtime = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "_couchtime", False)]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # it logs query strings: PHI risk
    quiet_drivers(level)
    uvicorn_error = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _NoWebSocketLines) for f in uvicorn_error.filters):
        uvicorn_error.addFilter(_NoWebSocketLines())


# Loggers whose DEBUG and INFO lines carry data: aiosqlite logs every call with its SQL and bound
# values ("executing functools.partial(<execute>, 'INSERT …', ('the note text', …))"),
# SQLAlchemy's engine logs statements (INFO) and fetched rows (DEBUG), psycopg connection
# attempts. Whatever COUCHTIME_LOG_LEVEL says (DEBUG included) they stay at WARNING — where
# SQLAlchemy puts its own loggers on import — so debugging the service never writes a note, a
# name or an email to the log. Their warnings and errors still show.
DRIVER_LOGGERS = ("aiosqlite", "psycopg", "sqlalchemy", "aiosmtplib", "mail.log")


def quiet_drivers(level: str | int) -> None:
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    floor = max(numeric if isinstance(numeric, int) else logging.WARNING, logging.WARNING)
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(floor)


class RequestLogMiddleware:
    """Gives every request an id (X-Request-ID, echoed back) and logs one line per request.

    The line holds method, path (never the query string: GET queries carry variables),
    status and duration.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger("couchtime.request")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = {"code": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.log.info(
                "%s %s %s", scope.get("method", "WS"), scope["path"], status["code"],
                extra={
                    "method": scope.get("method", "WS"), "path": scope["path"],
                    "status": status["code"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)
