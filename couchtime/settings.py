"""Settings from `COUCHTIME_*` environment variables, each with a documented default.

The README's settings table is the reference; keep both in step.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./couchtime.db"


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
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


@dataclass(frozen=True)
class Settings:
    """Every knob of the service. Build with `Settings.from_env()`; tests use `replace()`."""

    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    public_app_url: str = "http://localhost:3000"
    log_format: str = ""  # "json" or "text"; empty = json in production, text in development
    log_level: str = "INFO"
    graphiql: bool | None = None  # None = on in development, off in production
    graphiql_assets_dir: str = ""  # empty = graphiql/node_modules beside the project
    token_ttl_hours: int = 24 * 30
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    signin_limit_per_account: int = 10
    signin_limit_per_address: int = 30
    signin_window_seconds: int = 900
    booking_limit_per_address: int = 20
    booking_window_seconds: int = 3600
    video_base_url: str = "https://meet.jit.si"
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 30
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)

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
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
