"""The `couchtime` command: serve, migrate, export-schema, schema-check, worker, scheduler, reencrypt-secrets,
audit (verify, link, prune), trusted-documents.

Every failure a user can cause (bad URL, unreachable database, refused option) prints one
clear line and exits non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from couchtime.settings import Settings, SettingsError

EXIT_USAGE, EXIT_UNAVAILABLE = 2, 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


def _check_database(settings: Settings) -> None:
    """Fail fast with a readable message when the database URL is wrong or unreachable."""
    from persistence.database import Database, DatabaseUrlError

    try:
        db = Database(settings.database_url)
    except DatabaseUrlError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - e.g. a driver that is not installed
        raise CliError(f"COUCHTIME_DATABASE_URL cannot be used ({type(exc).__name__})") from None

    async def ping() -> None:
        try:
            await asyncio.wait_for(db.ping(), timeout=10)
        finally:
            await db.dispose()

    try:
        asyncio.run(ping())
    except Exception as exc:  # noqa: BLE001 - reported as one line, not a traceback
        raise CliError(
            f"cannot reach the database at COUCHTIME_DATABASE_URL ({type(exc).__name__}); "
            "is it running, and does the database exist?",
            EXIT_UNAVAILABLE,
        ) from None


def _migrate(settings: Settings) -> None:
    from persistence import migrate

    try:
        migrate.upgrade(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - reported as one line, not a traceback
        raise CliError(f"migration failed ({type(exc).__name__}: {exc})", EXIT_UNAVAILABLE) from None


def _check_redis(settings: Settings) -> None:
    """Fail fast with a readable message when Redis is unreachable (the URL is never echoed)."""
    import redis

    try:
        client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError:
        raise CliError("COUCHTIME_REDIS_URL is not a valid Redis URL (redis://host:6379/0)") from None
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - reported as one line, not a traceback
        raise CliError(
            f"cannot reach Redis at COUCHTIME_REDIS_URL ({type(exc).__name__}); is it running?",
            EXIT_UNAVAILABLE,
        ) from None
    finally:
        client.close()


def _check_tracing(settings: Settings) -> None:
    import importlib.util

    if settings.otlp_endpoint and importlib.util.find_spec("opentelemetry.instrumentation.starlette") is None:
        raise CliError("COUCHTIME_OTLP_ENDPOINT is set but the tracing packages are not installed: "
                       "pip install 'couchtime[tracing]'")


def _check_trusted_documents(settings: Settings) -> None:
    if settings.trusted_documents:
        from couchtime.persisted import Manifest, ManifestError

        try:
            Manifest.load(settings.trusted_documents)
        except ManifestError as exc:
            raise CliError(f"COUCHTIME_TRUSTED_DOCUMENTS: {exc}") from None


def _needs_workers_setup(settings: Settings, command: str) -> None:
    if not settings.external_workers:
        raise CliError(
            f"{command} needs PostgreSQL (COUCHTIME_DATABASE_URL=postgresql+psycopg://...) and "
            "Redis (COUCHTIME_REDIS_URL): the embedded default runs jobs and the scheduler "
            "inside couchtime serve"
        )
    _check_database(settings)
    _check_redis(settings)


def cmd_worker(args: argparse.Namespace) -> None:
    from couchtime.logs import configure_logging

    settings = _settings()
    processes = args.processes if args.processes is not None else settings.worker_processes
    threads = args.threads if args.threads is not None else settings.worker_threads
    if processes < 1 or threads < 1:
        raise CliError("--processes and --threads must be at least 1")
    _needs_workers_setup(settings, "couchtime worker")
    _check_tracing(settings)
    from dramatiq import cli as dramatiq_cli

    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    print(f"Couchtime worker: {processes} process(es) × {threads} thread(s)", flush=True)
    code = dramatiq_cli.main(dramatiq_cli.make_argument_parser().parse_args([
        "couchtime.wiring:boot_worker", "--processes", str(processes), "--threads", str(threads),
        "--skip-logging", "--worker-shutdown-timeout", "30000",
        "--path",  # no paths: the working directory must not shadow our packages
    ]))
    if code:  # a worker process failed to start, or died (its log says why)
        raise CliError(f"worker stopped: a worker process exited with code {code}", EXIT_UNAVAILABLE)


def cmd_scheduler(_: argparse.Namespace) -> None:
    from couchtime.logs import configure_logging
    from couchtime.wiring import run_scheduler

    settings = _settings()
    _needs_workers_setup(settings, "couchtime scheduler")
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    print(
        f"Couchtime scheduler: periodic jobs every {settings.scheduler_tick_seconds} s, "
        f"outbox relay every {settings.outbox_relay_seconds} s", flush=True,
    )
    asyncio.run(run_scheduler(settings))


def cmd_migrate(_: argparse.Namespace) -> None:
    settings = _settings()
    _check_database(settings)
    _migrate(settings)
    print("database migrated to the latest schema")


def cmd_reencrypt_secrets(_: argparse.Namespace) -> None:
    from couchtime.outlook_routes import reencrypt_secrets

    settings = _settings()
    if not settings.secret_keys:
        raise CliError("COUCHTIME_SECRET_KEYS is empty: put the new key first, the old ones after it")
    _check_database(settings)
    done, unreadable = asyncio.run(reencrypt_secrets(settings))
    print(f"re-encrypted {done} Outlook token set(s) with the first key; {unreadable} unreadable "
          "with any configured key (those therapists must connect Outlook again)")


EXIT_TAMPERED = 1


def cmd_audit(args: argparse.Namespace) -> None:
    """`couchtime audit verify|link|prune`: the audit log's chain (README: "Audit log")."""
    from datetime import UTC, datetime, timedelta

    from persistence import audit as audit_store
    from persistence.database import Database

    settings = _settings()
    _check_database(settings)

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            if args.action == "link":
                return f"linked {await audit_store.link_all(db)} audit entries"
            if args.action == "prune":
                if settings.audit_retention_days <= 0:
                    return "COUCHTIME_AUDIT_RETENTION_DAYS is 0: the audit log is kept for ever"
                before = datetime.now(UTC) - timedelta(days=settings.audit_retention_days)
                pruned = await audit_store.prune(db, before)
                return f"pruned {pruned} audit entries older than {before:%Y-%m-%d}"
            report = await audit_store.verify(db)
        finally:
            await db.dispose()
        if not report.intact:
            for problem in report.problems:
                print(f"couchtime audit verify: {problem}", file=sys.stderr)
            raise CliError(f"audit log chain broken: {len(report.problems)} problem(s) in "
                           f"{report.practices} practice(s)", EXIT_TAMPERED)
        return (f"audit log intact: {report.entries} linked entries in {report.practices} practice(s); "
                f"{report.unlinked} not linked yet")

    print(asyncio.run(run()))


def cmd_trusted_documents(args: argparse.Namespace) -> None:
    """Checks app manifests (hashes, and every document valid against this release's schema)
    and merges them into the file COUCHTIME_TRUSTED_DOCUMENTS names (servers read it at start)."""
    from graphql import GraphQLError, parse, validate

    from couchtime.persisted import Manifest, ManifestError
    from schema.schema import SchemaLimits, build_schema

    settings = _settings()
    if not args.check and not settings.trusted_documents:
        raise CliError("COUCHTIME_TRUSTED_DOCUMENTS is not set: name the manifest file the servers read")
    try:
        incoming = [Manifest.load(path) for path in args.manifests]
    except ManifestError as exc:
        raise CliError(str(exc)) from None
    schema = build_schema(SchemaLimits(
        max_depth=settings.max_query_depth, max_tokens=settings.max_query_tokens,
        max_aliases=settings.max_aliases, introspection=not settings.is_production,
    ))
    combined = Manifest.from_documents({})
    for manifest in incoming:
        for key, document in manifest.documents.items():
            try:
                errors = validate(schema._schema, parse(document, max_tokens=settings.max_query_tokens),
                                  schema._rules)
            except GraphQLError as exc:
                errors = [exc]
            if errors:
                raise CliError(f"manifest entry {key} does not run on this schema: {errors[0].message}")
        combined = combined.merged(manifest)
    if args.check:
        print(f"{len(combined.documents)} trusted document(s) checked")
        return
    current = Manifest.from_documents({})
    if not args.replace and os.path.exists(settings.trusted_documents):
        try:
            current = Manifest.load(settings.trusted_documents)
        except ManifestError as exc:
            raise CliError(f"the current manifest: {exc}") from None
    merged = current.merged(combined)
    merged.save(settings.trusted_documents)
    print(f"wrote {settings.trusted_documents}: {len(merged.documents)} trusted document(s) "
          f"({len(merged.documents) - len(current.documents)} new); restart the servers to use them")


def cmd_export_schema(args: argparse.Namespace) -> None:
    from schema.schema import SDL_PATH, sdl

    path = args.output or SDL_PATH
    with open(path, "w", encoding="utf-8") as f:
        f.write(sdl())
    print(f"wrote {path}")


def cmd_schema_check(args: argparse.Namespace) -> None:
    """Fail on breaking changes not deprecated first; `--release` cuts a new released schema."""
    from schema import compatibility as c

    first_cut = args.release and not c.RELEASED_SDL.exists()
    if not first_cut and not c.RELEASED_SDL.exists():
        raise CliError(f"{c.RELEASED_SDL} is missing: cut the first one with --release")
    broken = [] if first_cut else c.unannounced_breaking_changes(
        c.RELEASED_SDL.read_text(), c.CURRENT_SDL.read_text())
    for change in broken:
        print(f"breaking, not deprecated first: {change}")
    if broken:
        raise CliError(f"{len(broken)} breaking change(s): deprecate first, release, then remove", 1)
    if args.release:
        c.RELEASED_SDL.write_text(c.CURRENT_SDL.read_text(), encoding="utf-8")
        print(f"wrote {c.RELEASED_SDL}; add a CHANGELOG.md entry with the line\n"
              f"  released.graphql sha256: {c.sha256_of(c.RELEASED_SDL)}")
    else:
        print("no breaking change that was not deprecated first")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from couchtime.live_sockets import SERVER_OPTIONS

    settings = _settings()
    if args.processes < 1:
        raise CliError("--processes must be at least 1")
    if args.processes > 1 and (settings.is_sqlite or not settings.redis_url):
        raise CliError(
            "--processes > 1 needs PostgreSQL (COUCHTIME_DATABASE_URL=postgresql+psycopg://...) "
            "and Redis (COUCHTIME_REDIS_URL): the embedded default keeps its event bus and "
            "jobs in one process"
        )
    _check_database(settings)
    _check_trusted_documents(settings)
    _check_tracing(settings)
    if settings.is_sqlite:
        _migrate(settings)  # the embedded default migrates itself
    print(f"Couchtime on http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run(
        "couchtime.serving:create_serving_app", factory=True, host=args.host, port=args.port,
        workers=args.processes if args.processes > 1 else None, access_log=False,
        proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips, log_config=None,
        **SERVER_OPTIONS,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="couchtime", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (and GraphiQL in development)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--processes", type=int, default=1, help="API processes (needs PG+Redis)")
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1",
        help="proxies whose X-Forwarded-For is trusted for the client address",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    export = sub.add_parser("export-schema", help="write the SDL to schema/schema.graphql")
    export.add_argument("--output", default=None)
    export.set_defaults(func=cmd_export_schema)
    check = sub.add_parser(
        "schema-check", help="compare schema/schema.graphql with schema/released.graphql")
    check.add_argument("--release", action="store_true",
                       help="then copy schema.graphql to released.graphql (add a CHANGELOG entry)")
    check.set_defaults(func=cmd_schema_check)
    sub.add_parser(
        "reencrypt-secrets", help="re-encrypt stored Outlook tokens with the first COUCHTIME_SECRET_KEYS key"
    ).set_defaults(func=cmd_reencrypt_secrets)
    trusted = sub.add_parser(
        "trusted-documents", help="check app manifests and add them to COUCHTIME_TRUSTED_DOCUMENTS",
    )
    trusted.add_argument("manifests", nargs="+", metavar="MANIFEST.json",
                         help="hash → document JSON, or Apollo's persisted-query-manifest.json")
    trusted.add_argument(
        "--replace", action="store_true",
        help="drop the documents already trusted (default: keep them for older app versions)")
    trusted.add_argument("--check", action="store_true", help="only check the manifests; write nothing")
    trusted.set_defaults(func=cmd_trusted_documents)
    worker = sub.add_parser("worker", help="run job workers (needs PostgreSQL and Redis)")
    worker.add_argument("--processes", type=int, default=None,
                        help="worker processes (default COUCHTIME_WORKER_PROCESSES)")
    worker.add_argument("--threads", type=int, default=None,
                        help="worker threads per process (default COUCHTIME_WORKER_THREADS)")
    worker.set_defaults(func=cmd_worker)
    sub.add_parser(
        "scheduler", help="run the periodic scheduler and outbox relay (one per deployment)"
    ).set_defaults(func=cmd_scheduler)
    audit = sub.add_parser("audit", help="the audit log: verify its hash chain, link, prune")
    audit.add_argument("action", choices=("verify", "link", "prune"),
                       help="verify: check every practice's chain (exit 1 when broken); link: chain "
                       "new entries now; prune: delete entries past COUCHTIME_AUDIT_RETENTION_DAYS")
    audit.set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CliError as exc:
        print(f"couchtime: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
