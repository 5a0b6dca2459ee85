"""bench_http's plumbing: wrk with a POST body, and the other servers it starts beside
`couchtime serve` (the floors of bench/floors.py, and another build's serve for --before)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import processes

THREADS, CONNECTIONS = 2, 16
ROOT = Path(__file__).resolve().parent.parent
UVICORN = str(Path(sys.executable).with_name("uvicorn"))
HELLO = "query Hello { hello }"
PRODUCTION = {  # couchtime serve as deployed; budgets raised (see bench_http)
    "COUCHTIME_ENV": "production",
    "COUCHTIME_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123456789",
    "COUCHTIME_MAIL_FILES": "true",
    "COUCHTIME_LOG_LEVEL": "WARNING",
    "COUCHTIME_COST_BUDGET_PER_TOKEN": "1000000000",
    "COUCHTIME_COST_BUDGET_PER_ADDRESS": "1000000000",
    "COUCHTIME_DATABASE_POOL_SIZE": "10",
}


@dataclass
class Load:
    rps: float
    bad: int  # non-2xx responses and socket errors


def wrk(url: str, query: str, variables: dict | None, token: str | None, seconds: float) -> Load:
    body = json.dumps({"query": query, "variables": variables or {}})
    lines = ['wrk.method = "POST"', f"wrk.body = {_lua_string(body)}",
             'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", "--timeout", "30s", "-s", script.name,
                f"{url}/graphql"]
        subprocess.run([*args, "-d1s"], capture_output=True, check=True)  # warm-up
        out = subprocess.run([*args, f"-d{round(seconds)}s"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return Load(rps, bad)


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def start_before(database_url: str, source: str) -> processes.ServeProcess:
    """`couchtime serve` of the source tree `source` (its modules shadow this checkout's)."""
    port = processes.free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="bench-before-", suffix=".log", delete=False)
    env = {**processes.process_env(database_url, **PRODUCTION), "PYTHONPATH": source}
    popen = subprocess.Popen([sys.executable, "-m", "couchtime.cli", "serve", "--port", str(port)],
                             cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
    return processes.ServeProcess(port, popen, Path(log.name))


def start_floor(app: str, data_path: str) -> processes.ServeProcess:
    port = processes.free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="bench-floor-", suffix=".log", delete=False)
    env = {**os.environ, "BENCH_FLOOR_DATA": data_path}
    popen = subprocess.Popen(
        [UVICORN, f"bench.floors:{app}", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    return processes.ServeProcess(port, popen, Path(log.name))


async def wait_port(proc: processes.ServeProcess) -> None:
    async with httpx.AsyncClient(timeout=2) as http:
        for _ in range(300):
            try:
                await http.post(f"{proc.base_url}/graphql", json={"query": HELLO})
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"floor not up: {proc.log()}")
