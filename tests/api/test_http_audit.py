"""graphql-http's GraphQL-over-HTTP audit (`auditServer`, tools/http-audit) against a real
`couchtime serve`: 0 warnings and 0 errors (issue 19). Needs Node and
`npm ci --prefix tools/http-audit`; under CI=true a missing one fails the test, never skips.

Before issue 19: 51 ok, 2 notices, 8 warnings (all about application/graphql-response+json).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.app import BACKENDS, IN_CI, fresh_database

COUCHTIME = str(Path(sys.executable).with_name("couchtime"))
AUDIT_DIR = Path(__file__).resolve().parents[2] / "tools" / "http-audit"


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture
def node() -> str:
    node = shutil.which("node")
    if node is None:
        _skip_or_fail("node not found (Node 20 runs graphql-http's audit)")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        _skip_or_fail("graphql-http is not installed: npm ci --prefix tools/http-audit")
    return node


@pytest.fixture(params=BACKENDS)
def served(request, tmp_path, tmp_path_factory):
    """`couchtime serve` on a free port over a fresh database; yields its /graphql URL."""
    cleanups: list = []
    database_url = fresh_database(request.param, tmp_path_factory, cleanups)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    env.update({
        "COUCHTIME_DATABASE_URL": database_url,
        # The audit sends ~40 deliberately malformed requests from one address: with the default
        # budget the refusals spend it (each costs COUCHTIME_MAX_QUERY_COST) and the rest of the
        # audit meets 429s — the budget working, not a protocol fault.
        "COUCHTIME_COST_BUDGET_PER_ADDRESS": str(10**9),
        "COUCHTIME_LOG_LEVEL": "WARNING",
    })
    proc = subprocess.Popen([COUCHTIME, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() - started < 60, "couchtime serve did not start"
            time.sleep(0.2)
        yield f"{url}/graphql"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        for cleanup in cleanups:
            cleanup()


def test_graphql_http_audit_has_no_warnings_or_errors(node, served):
    result = subprocess.run([node, str(AUDIT_DIR / "audit.mjs"), served], capture_output=True,
                            text=True, timeout=300, cwd=AUDIT_DIR)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert report["failures"] == [] and result.returncode == 0, json.dumps(report, indent=1)
    assert report["counts"] == {"ok": report["total"], "notice": 0, "warn": 0, "error": 0}
    assert report["total"] >= 61  # the audits of graphql-http 1.23 all ran
