"""The `couchtime` command: clear one-line errors and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import httpx

from schema.schema import sdl
from tests.support.processes import COUCHTIME, run_couchtime


def test_bad_database_url_is_one_clear_line():
    result = run_couchtime("migrate", env={"COUCHTIME_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert "COUCHTIME_DATABASE_URL must start with" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_couchtime("migrate", env={"COUCHTIME_DATABASE_URL": "::not a url::"})
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = run_couchtime("migrate", env={
        "COUCHTIME_DATABASE_URL": "postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing"})
    assert result.returncode == 3
    assert "cannot reach the database" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
    result = run_couchtime("serve", "--port", "1", env={
        "COUCHTIME_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing"})
    assert result.returncode == 3 and "Traceback" not in result.stderr


def test_several_processes_need_postgres_and_redis(tmp_path):
    result = run_couchtime("serve", "--processes", "2", cwd=tmp_path)
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr and "Redis" in result.stderr


def test_bad_setting_is_named():
    result = run_couchtime("migrate", env={"COUCHTIME_TOKEN_TTL_HOURS": "soon"})
    assert result.returncode == 2 and "COUCHTIME_TOKEN_TTL_HOURS" in result.stderr


def test_export_schema(tmp_path):
    out = tmp_path / "schema.graphql"
    result = run_couchtime("export-schema", "--output", str(out))
    assert result.returncode == 0
    assert out.read_text() == sdl()


def test_migrate_then_serve_the_embedded_default(tmp_path):
    assert run_couchtime("migrate", cwd=tmp_path).returncode == 0
    assert (tmp_path / "couchtime.db").exists()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUCHTIME_")}
    proc = subprocess.Popen([COUCHTIME, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/graphql",
                                      json={"query": "{ commonSessionLengths }"})
                break
            except httpx.ConnectError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert response.json() == {"data": {"commonSessionLengths": [15, 30, 45, 50, 60, 90]}}
        page = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"})
        assert "Couchtime GraphiQL" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
