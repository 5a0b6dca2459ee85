"""Issue 12 figures: one `couchtime serve` process (the embedded default, SQLite) under attack.

Four attacking clients (each its own process, one request in flight each, as fast as the
server answers) send for 30 s, in turn: the 1.2 KB fragment document (30 fragments each
spreading the next twice; a fresh operation name each time, so no cache helps), a query
30 aliases wide over the cost limit (fresh names too), and a 1 MB body. Meanwhile a fifth,
signed-in client asks `{ me { displayName } }` in a loop and a probe asks `/healthz` every
50 ms. Prints what the attackers got back, the fifth client's latency (p50, p99, max) and
the slowest `/healthz`.

    .venv/bin/python -m bench.bench_abuse [--seconds 30] [--attackers 4]

`--attackers 0` gives the baseline: the same two clients with nobody attacking (on a shared
machine, what its load alone does to the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from tests.support.processes import start_serve, wait_ready


def fragment_document(n: int) -> str:
    spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30))
    return f"query Q{n} {{ ...F0 }} {spreads} fragment F30 on Query {{ commonSessionLengths }}"


def costly_document(n: int) -> str:
    fields = " ".join(
        f"a{i}: sessions(from: $from, to: $to) {{ client {{ sessions(first: 100) {{ nodes {{ id }} }} }} }}"
        for i in range(30))
    return f"query C{n}($from: DateTime!, $to: DateTime!) {{ {fields} }}"


RANGE = {"from": "2026-03-01T00:00:00Z", "to": "2026-05-02T00:00:00Z"}
BIG_BODY = b'{"query": "# ' + b"x" * 1_000_000 + b'\\n{ commonSessionLengths }"}'


class RawHttp:
    """A keep-alive HTTP/1.1 client over one socket, a few lines of asyncio: the attackers run on
    the same 2 cores as the server, and httpx would spend more CPU per request than the server
    does refusing it (a real attacker's CPU is on other machines)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes, extra: bytes = b"") -> tuple[int, bytes]:
        for _ in range(3):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                self.writer.write(b"POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: %d\r\n%s\r\n" % (self.host.encode(), len(body), extra) + body)
                await self.writer.drain()
                status = int((await self.reader.readline()).split()[1])
                length, close = 0, False
                while (line := await self.reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    close |= name.lower() == "connection" and "close" in value.lower()
                data = await self.reader.readexactly(length)
                if close:
                    await self.close()
                return status, data
            except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
                await self.close()
        raise ConnectionError("the server keeps closing the connection")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _attack(base_url: str, seconds: float, token: str) -> Counter:
    seen: Counter = Counter()
    host, port = base_url.removeprefix("http://").split(":")
    http = RawHttp(host, int(port))
    auth = f"Authorization: Bearer {token}\r\n".encode()
    variables = json.dumps(RANGE)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        kind = ("fragments", "costly", "big body")[n % 3]
        if kind == "fragments":
            status, data = await http.post(json.dumps({"query": fragment_document(n)}).encode())
        elif kind == "costly":
            status, data = await http.post(
                f'{{"query": {json.dumps(costly_document(n))}, "variables": {variables}}}'.encode(), auth)
        else:
            status, data = await http.post(BIG_BODY)
        try:
            code = json.loads(data)["errors"][0]["extensions"]["code"]
        except (ValueError, KeyError, IndexError, TypeError):
            code = "-"
        seen[f"{kind}: HTTP {status} {code}"] += 1
    await http.close()
    return seen


def attacker(base_url: str, seconds: float, token: str, results) -> None:
    results.put(dict(asyncio.run(_attack(base_url, seconds, token))))


async def sign_up(http: httpx.AsyncClient) -> str:
    s = uuid.uuid4().hex[:8]
    body = (await http.post("/graphql", json={"query": """mutation($i: SignUpInput!) {
        signUp(input: $i) { token userErrors { code } } }""", "variables": {"i": {
        "email": f"a{s}@example.com", "password": "correct horse battery", "displayName": "Dr Abuse",
        "username": f"a-{s}", "timeZone": "UTC"}}})).json()
    return body["data"]["signUp"]["token"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(seconds: float, attackers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'couchtime.db'}"
        proc = start_serve(url, COUCHTIME_MAIL_DIR=str(Path(tmp) / "mail"))
        try:
            await wait_ready(proc)
            async with httpx.AsyncClient(base_url=proc.base_url, timeout=30) as http:
                victim = await sign_up(http)
                attacker_token = await sign_up(http)
                me = {"authorization": f"Bearer {victim}"}
                for _ in range(20):  # warm up
                    await http.post("/graphql", json={"query": "{ me { displayName } }"}, headers=me)

                results = multiprocessing.get_context("spawn").Queue()
                workers = [multiprocessing.get_context("spawn").Process(
                    target=attacker, args=(proc.base_url, seconds, attacker_token, results))
                    for _ in range(attackers)]
                for w in workers:
                    w.start()
                await asyncio.sleep(1.5)  # the attackers' interpreters start
                cpu_before, wall_before = cpu_seconds(proc.popen.pid), time.monotonic()

                me_ms: list[float] = []
                health_ms: list[float] = []
                failures = Counter()
                stop = time.monotonic() + seconds - 3

                async def fifth_client() -> None:
                    async with httpx.AsyncClient(base_url=proc.base_url, timeout=30) as own:
                        while time.monotonic() < stop:
                            t = time.perf_counter()
                            response = await own.post("/graphql", json={"query": "{ me { displayName } }"},
                                                       headers=me)
                            me_ms.append((time.perf_counter() - t) * 1000)
                            body = response.json()
                            if response.status_code != 200 or body.get("errors"):
                                failures[f"me: HTTP {response.status_code}"] += 1

                async def probe() -> None:
                    async with httpx.AsyncClient(base_url=proc.base_url, timeout=30) as own:
                        while time.monotonic() < stop:
                            t = time.perf_counter()
                            response = await own.get("/healthz")
                            health_ms.append((time.perf_counter() - t) * 1000)
                            if response.status_code != 200:
                                failures[f"healthz: HTTP {response.status_code}"] += 1
                            await asyncio.sleep(0.05)

                await asyncio.gather(fifth_client(), probe())
                server_cpu = cpu_seconds(proc.popen.pid) - cpu_before
                wall = time.monotonic() - wall_before
                attacks: Counter = Counter()
                for _ in workers:
                    attacks.update(await asyncio.to_thread(results.get, True, seconds + 60))
                for w in workers:
                    w.join(30)
        finally:
            proc.stop()

    print(f"one couchtime serve (SQLite), {attackers} attackers for {seconds:.0f} s:")
    for key, count in sorted(attacks.items()):
        print(f"  attack {key}: {count}")
    print(f"  attack requests answered: {sum(attacks.values())} "
          f"({sum(attacks.values()) / seconds:.0f}/s)")
    print(f"  fifth client {{ me {{ displayName }} }}: {len(me_ms)} requests, "
          f"p50 {statistics.median(me_ms):.1f} ms, p99 {pct(me_ms, 0.99):.1f} ms, max {max(me_ms):.1f} ms")
    over = sum(1 for v in health_ms if v > 20)
    print(f"  /healthz: {len(health_ms)} probes, p50 {statistics.median(health_ms):.1f} ms, "
          f"p99 {pct(health_ms, 0.99):.1f} ms, max {max(health_ms):.1f} ms, over 20 ms: {over}")
    answered = sum(attacks.values()) + len(me_ms) + len(health_ms)
    print(f"  server CPU: {server_cpu:.1f} s over {wall:.1f} s ({server_cpu / wall * 100:.0f} % of a core), "
          f"{server_cpu / answered * 1000:.2f} ms per request; machine load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  failures: {dict(failures) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--attackers", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.attackers))


if __name__ == "__main__":
    main()
