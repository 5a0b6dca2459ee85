"""Settings from `COUCHTIME_*` environment variables, each with a documented default.

The README's settings table is the reference; keep both in step.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import MISSING, dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./couchtime.db"


OUTLOOK_APP_PATH = "/settings/integrations/outlook"  # the web app's page Microsoft returns to


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable, never a secret."""


def _get(env: dict[str, str], name: str, default: Any, cast: type) -> Any:
    raw = env.get(f"COUCHTIME_{name}")
    if raw is None or raw == "":
        return default
    if cast is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"COUCHTIME_{name} must be true or false")
    if cast is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"COUCHTIME_{name} must be an integer") from None
    if cast is tuple:
        parts = tuple(part.strip() for part in raw.split(",") if part.strip())
        if name == "GC_THRESHOLDS":
            try:
                return tuple(int(part) for part in parts)
            except ValueError:
                raise SettingsError(f"COUCHTIME_{name} must be integers, e.g. 700,10,10") from None
        return parts
    return raw


@dataclass(frozen=True)
class Settings:
    """Every knob of the service. Build with `Settings.from_env()`; tests use `replace()`."""

    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    database_pool_size: int = 10  # PostgreSQL connections kept per process (and per worker loop)
    database_max_overflow: int = 10
    public_app_url: str = "http://localhost:3000"
    log_format: str = ""  # "json" or "text"; empty = json in production, text in development
    log_level: str = "INFO"
    graphiql: bool | None = None  # None = on in development, off in production
    graphiql_assets_dir: str = ""  # empty = graphiql/node_modules beside the project
    token_ttl_hours: int = 24 * 30
    token_cache_seconds: int = 5  # therapist-token answers kept in memory; 0 = look up every time
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    password_hash_threads: int = 2  # Argon2 runs in this many threads, off the event loop
    password_min_strength: int = 3  # zxcvbn score (0-4) a new password needs
    # sign-in limits per window, keyed on the submitted email (README: "Sign-in limits")
    signin_limit_per_email_and_address: int = 10
    signin_limit_per_address: int = 30
    signin_limit_per_email: int = 100  # ceiling across all addresses
    signin_window_seconds: int = 900
    signup_limit_per_address: int = 10
    signup_window_seconds: int = 3600
    booking_limit_per_address: int = 20
    booking_window_seconds: int = 3600
    video_base_url: str = "https://meet.jit.si"
    live_channel: str = ""  # Redis pub/sub channel of live events; empty = live_events_channel
    ws_legacy_protocol: bool = False  # also accept the legacy `graphql-ws` subprotocol
    ws_max_subscriptions: int = 20  # per websocket connection
    ws_max_connections_per_token: int = 10
    ws_max_public_connections_per_address: int = 50  # sockets without a token (booking pages)
    ws_init_timeout_seconds: int = 10  # close sockets that send no connection_init
    ws_slot_lifetime_seconds: int = 60  # a dead process's connection slots free themselves
    ws_slot_prefix: str = "couchtime:ws:"  # Redis keys of the connection quotas
    gc_freeze: bool = True  # `couchtime serve`: the freeze policy of couchtime/gc_pauses.py
    gc_compact_after_closes: int = 1000  # closed sockets between two compactions of frozen garbage
    gc_thresholds: tuple[int, ...] = field(default_factory=tuple)  # empty = Python's (700, 10, 10)
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 30
    # request limits (README: "Limits")
    max_query_fields: int = 2_000  # fields one operation selects, fragments spread where used
    max_query_cost: int = 20_000  # objects one request may return (schema.cost)
    cost_budget_per_token: int = 200_000  # query cost a signed-in token may spend per minute
    cost_budget_per_address: int = 100_000  # per minute, per address, without a valid token
    max_body_bytes: int = 65_536  # HTTP request body (and GET query string); larger: 413
    request_deadline_ms: int = 10_000  # a query still running after this is stopped
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # jobs, workers and the scheduler (README: "Workers and the scheduler")
    series_horizon_weeks: int = 8
    series_extend_batch: int = 500
    scheduler_tick_seconds: int = 60  # 0 = no periodic jobs (the outbox relay still runs)
    outbox_relay_seconds: int = 5
    worker_processes: int = 1
    worker_threads: int = 8
    jobs_namespace: str = "couchtime:jobs"
    # Outlook sync (README: "Outlook sync"); unset client ID / redirect URL / keys = not offered
    outlook_client_id: str = ""
    outlook_client_secret: str = field(default="", repr=False)
    outlook_authority: str = "https://login.microsoftonline.com/common"
    outlook_redirect_url: str = ""
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    outlook_full_names: bool = False
    secret_keys: tuple[str, ...] = field(default_factory=tuple, repr=False)
    outlook_retry_attempts: int = 5
    outlook_retry_base_ms: int = 500
    outlook_max_retry_after_seconds: int = 120
    # webhooks (README: "Webhooks"); without secret_keys, registering endpoints is refused
    webhooks_allow_private: bool = False  # http:// and private/loopback endpoints; never in production
    webhooks_timeout_seconds: int = 10  # one attempt's HTTP timeout
    # email, reminders, client portal (README: "Notifications, reminders and the portal")
    smtp_host: str = ""  # empty = no SMTP: emails are written as .eml files to mail_dir
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | tls | none
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    mail_from: str = "Couchtime <no-reply@localhost>"
    mail_dir: str = ""  # empty = "mail" beside the SQLite file, else <temp dir>/couchtime-mail
    mail_files: bool = False  # true = write .eml files even with SMTP unset in production
    signing_key: str = field(default="", repr=False)  # required in production
    reminder_grace_minutes: int = 10
    # the audit log (README: "Audit log")
    audit_retention_days: int = 6 * 365 + 2  # six years; 0 = keep for ever
    audit_link_seconds: int = 2  # how often new entries are chained (read entries wait this long)
    # persisted operations and operating (README: "For client developers", "Operating")
    persisted_queries: bool = True  # Apollo's automatic persisted queries (APQ)
    persisted_queries_max: int = 10_000  # documents kept in memory (LRU) without Redis
    persisted_queries_ttl_seconds: int = 7 * 24 * 3600  # in Redis, renewed by each use
    persisted_queries_prefix: str = "couchtime:apq:"  # Redis key prefix
    trusted_documents: str = ""  # path of the manifest; set = only its operations run
    metrics: bool = True  # /metrics (in production only with metrics_token set)
    metrics_token: str = field(default="", repr=False)  # bearer token /metrics requires
    worker_metrics_port: int = 0  # `couchtime worker` processes serve /metrics from here up; 0 = off
    otlp_endpoint: str = ""  # OTLP/HTTP collector, e.g. http://collector:4318; empty = no tracing
    otel_service_name: str = "couchtime"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
            if f.name == "graphiql":
                raw = env.get("COUCHTIME_GRAPHIQL")
                values[f.name] = None if not raw else _get(env, "GRAPHIQL", None, bool)
                continue
            cast = {int: int, bool: bool, tuple: tuple}.get(type(default), str)
            values[f.name] = _get(env, f.name.upper(), default, cast)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.env not in {"development", "production"}:
            raise SettingsError("COUCHTIME_ENV must be development or production")
        if self.log_format not in {"", "json", "text"}:
            raise SettingsError("COUCHTIME_LOG_FORMAT must be json or text")
        for name, low in (("series_horizon_weeks", 1), ("series_extend_batch", 1),
                          ("scheduler_tick_seconds", 0), ("outbox_relay_seconds", 1),
                          ("worker_processes", 1), ("worker_threads", 1),
                          ("password_hash_threads", 1), ("signin_window_seconds", 1),
                          ("signup_window_seconds", 1), ("audit_retention_days", 0),
                          ("audit_link_seconds", 1), ("token_cache_seconds", 0),
                          ("max_query_cost", 1), ("max_query_fields", 1),
                          ("max_body_bytes", 1024), ("request_deadline_ms", 1)):
            if getattr(self, name) < low:
                raise SettingsError(f"COUCHTIME_{name.upper()} must be at least {low}")
        if not 0 <= self.password_min_strength <= 4:
            raise SettingsError("COUCHTIME_PASSWORD_MIN_STRENGTH must be 0 to 4")
        for name in ("cost_budget_per_token", "cost_budget_per_address"):
            if getattr(self, name) < self.max_query_cost:
                raise SettingsError(f"COUCHTIME_{name.upper()} must be at least COUCHTIME_MAX_QUERY_COST")
        if self.gc_thresholds and (len(self.gc_thresholds) != 3 or min(self.gc_thresholds) < 1):
            raise SettingsError("COUCHTIME_GC_THRESHOLDS must be three positive integers (700,10,10)")
        if self.gc_compact_after_closes < 1:
            raise SettingsError("COUCHTIME_GC_COMPACT_AFTER_CLOSES must be at least 1")
        if self.ws_slot_lifetime_seconds < 3:
            raise SettingsError("COUCHTIME_WS_SLOT_LIFETIME_SECONDS must be at least 3")
        if not self.jobs_namespace.strip():
            raise SettingsError("COUCHTIME_JOBS_NAMESPACE must not be empty")
        self._validate_outlook()
        if self.is_production and self.webhooks_allow_private:
            raise SettingsError("COUCHTIME_WEBHOOKS_ALLOW_PRIVATE is for development only (SSRF)")
        if self.webhooks_timeout_seconds < 1:
            raise SettingsError("COUCHTIME_WEBHOOKS_TIMEOUT_SECONDS must be at least 1")
        self._validate_mail()
        self._validate_operations()

    def _validate_operations(self) -> None:
        if not 0 <= self.worker_metrics_port < 65536:
            raise SettingsError("COUCHTIME_WORKER_METRICS_PORT must be a port number (0 = off)")
        for name in ("persisted_queries_max", "persisted_queries_ttl_seconds"):
            if getattr(self, name) < 1:
                raise SettingsError(f"COUCHTIME_{name.upper()} must be at least 1")
        if self.metrics_token and len(self.metrics_token) < 16:
            raise SettingsError("COUCHTIME_METRICS_TOKEN must be at least 16 characters")
        if self.otlp_endpoint:
            parts = urlsplit(self.otlp_endpoint)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise SettingsError("COUCHTIME_OTLP_ENDPOINT must be an http(s) URL")

    def _validate_mail(self) -> None:
        if self.smtp_security not in {"starttls", "tls", "none"}:
            raise SettingsError("COUCHTIME_SMTP_SECURITY must be starttls, tls or none")
        if not 0 < self.smtp_port < 65536:
            raise SettingsError("COUCHTIME_SMTP_PORT must be a port number")
        if self.is_production and not self.smtp_host and not self.mail_files:
            raise SettingsError("COUCHTIME_SMTP_HOST must be set in production (or choose .eml files "
                                "explicitly with COUCHTIME_MAIL_FILES=true)")
        if self.is_production and len(self.signing_key) < 32:
            raise SettingsError("COUCHTIME_SIGNING_KEY must be set in production (at least 32 characters)")
        if self.reminder_grace_minutes < 1:
            raise SettingsError("COUCHTIME_REMINDER_GRACE_MINUTES must be at least 1")

    def _validate_outlook(self) -> None:
        for name in ("outlook_authority", "graph_base_url"):
            parts = urlsplit(getattr(self, name))
            loopback = parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1", "::1"}
            if not ((parts.scheme == "https" and parts.hostname) or loopback):
                raise SettingsError(f"COUCHTIME_{name.upper()} must be an https URL "
                                    "(http only for localhost)")
        if self.outlook_redirect_url:
            parts = urlsplit(self.outlook_redirect_url)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise SettingsError("COUCHTIME_OUTLOOK_REDIRECT_URL must be an absolute http(s) URL")
        for position, key in enumerate(self.secret_keys, start=1):
            try:
                valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
            except (ValueError, UnicodeEncodeError):
                valid = False
            if not valid:
                raise SettingsError(f"COUCHTIME_SECRET_KEYS: key {position} is not a Fernet key "
                                    "(32 bytes, URL-safe base64)")
        for name, low in (("outlook_retry_attempts", 1), ("outlook_retry_base_ms", 0),
                          ("outlook_max_retry_after_seconds", 0)):
            if getattr(self, name) < low:
                raise SettingsError(f"COUCHTIME_{name.upper()} must be at least {low}")

    @property
    def outlook_missing(self) -> str | None:
        """Why Outlook cannot be connected on this server, or None when it can."""
        missing = [name for name, value in (
            ("COUCHTIME_OUTLOOK_CLIENT_ID", self.outlook_client_id),
            ("COUCHTIME_SECRET_KEYS", self.secret_keys),
        ) if not value]
        if not missing:
            return None
        return ("Outlook is not set up on this server (missing " + ", ".join(missing) +
                "). Ask your administrator.")

    @property
    def live_events_channel(self) -> str:
        """The Redis pub/sub channel of live events: `COUCHTIME_LIVE_CHANNEL`, else
        `couchtime:live:` + 12 hex digits of a hash of the database's address (host, port,
        database; no driver, user or password). Pub/sub channels ignore Redis's database
        number, so two deployments on one Redis would otherwise hear each other's events; every
        process of one deployment reaches the same database and so derives the same name."""
        if self.live_channel:
            return self.live_channel
        parts = urlsplit(self.database_url)
        if self.is_sqlite:
            where = os.path.abspath(parts.path[1:] if parts.path.startswith("/") else parts.path)
        else:
            where = (f"{(parts.hostname or '').lower()}:{parts.port or ''}{parts.path}"
                     f"?{'&'.join(sorted(parts.query.split('&')))}")
        digest = hashlib.sha256(f"{parts.scheme.split('+')[0]}://{where}".encode()).hexdigest()
        return f"couchtime:live:{digest[:12]}"

    @property
    def outlook_redirect(self) -> str:
        """Where Microsoft sends the browser back: the web app's Outlook page (which calls
        completeOutlookConnection with the therapist's token), unless set explicitly."""
        return self.outlook_redirect_url or (
            f"{self.public_app_url.rstrip('/')}{OUTLOOK_APP_PATH}"
        )

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.is_production) if self.graphiql is None else self.graphiql

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format == "" and self.is_production)

    @property
    def metrics_served(self) -> bool:
        """/metrics exists: on in development; in production only behind COUCHTIME_METRICS_TOKEN."""
        return self.metrics and (bool(self.metrics_token) or not self.is_production)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def external_workers(self) -> bool:
        """Jobs go to Redis for `couchtime worker` processes (PostgreSQL and Redis configured);
        otherwise the embedded default runs them inside `couchtime serve`."""
        return bool(self.redis_url) and not self.is_sqlite
