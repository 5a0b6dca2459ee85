"""What the garbage collector walks per live socket: the data behind the GC decision.

Starts one server (the embedded default: SQLite, in-process bus) with `couchtime serve`'s app,
its start-up objects frozen (`gc.freeze()`, or not with --no-freeze): opens SOCKETS websockets
with one `calendarChanged` subscription each, and prints the objects the collector tracks
(outside the frozen generation) before and after, per socket, by type (largest first), and how
long a full collection takes in each state; then what each socket still holds after one event
was delivered to it, and the cyclic garbage each closed socket leaves (what only a collection
frees: were the sockets' objects frozen, it would stay).

    .venv/bin/python -m bench.bench_live_gc [--sockets 300] [--no-freeze]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_live import CALENDAR, RANGE, practice
from tests.support.live_client import LiveClient
from tests.support.processes import ServeProcess, free_port, process_env, wait_ready

TOP = 25


def serve(port: int, folder: str, mode: str) -> None:
    """The server side: `couchtime serve`'s app; SIGUSR1 writes what the collector tracks."""
    import uvicorn

    from couchtime import gc_pauses
    from couchtime.live_sockets import SERVER_OPTIONS
    from couchtime.serving import create_serving_app

    taken = [0]

    def census(*_: object) -> None:
        if Path(f"{folder}/unfreeze").exists():
            gc.unfreeze()  # what a compaction finds: frozen garbage included
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds, to name its types
        started = time.perf_counter()
        collected = gc.collect()
        full_ms = (time.perf_counter() - started) * 1000
        gc.set_debug(0)
        garbage = collections.Counter(type(o).__qualname__ for o in gc.garbage)
        gc.garbage.clear()
        objects = gc.get_objects()
        types = collections.Counter(type(o).__qualname__ for o in objects)
        taken[0] += 1
        Path(f"{folder}/{taken[0]}.json").write_text(json.dumps(
            {"full_ms": full_ms, "collected": collected, "garbage": garbage, "tracked": len(objects), "frozen": gc.get_freeze_count(),
             "types": types}))

    signal.signal(signal.SIGUSR1, census)
    app = create_serving_app()  # COUCHTIME_GC_FREEZE=false: no refreezing policy
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with started(app):
            if mode == "freeze":  # start-up objects only ("policy": couchtime serve's own policy)
                gc.collect()
                gc.freeze()
                gc_pauses.PAUSES.reset()
            yield

    app.router.lifespan_context = lifespan
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False,
                log_config=None, **SERVER_OPTIONS)


async def census(proc: ServeProcess, folder: str, n: int) -> dict:
    path = Path(folder) / f"{n}.json"
    proc.popen.send_signal(signal.SIGUSR1)
    for _ in range(600):
        await asyncio.sleep(0.1)
        if path.exists():
            await asyncio.sleep(0.3)
            return json.loads(path.read_text())
    raise RuntimeError("no census from the server")


async def main(sockets: int, freeze: bool, policy: int | None, startup_only: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = process_env(f"sqlite+aiosqlite:///{folder}/bench.db", COUCHTIME_LOG_LEVEL="WARNING",
                          COUCHTIME_SIGNIN_LIMIT_PER_ADDRESS="100000",
                          COUCHTIME_WS_MAX_CONNECTIONS_PER_TOKEN="1000",
                          COUCHTIME_GC_FREEZE="true" if policy is not None and not startup_only else "false")
        log = open(f"{folder}/serve.log", "w")
        popen = subprocess.Popen([sys.executable, "-m", "bench.bench_live_gc", "--serve", str(port), folder,
                                  "freeze" if startup_only or (freeze and policy is None)
                                  else "policy" if policy is not None else "no-freeze"],
                                 env=env, stdout=log, stderr=subprocess.STDOUT)
        proc = ServeProcess(port, popen, Path(log.name))
        try:
            await wait_ready(proc, timeout=60)
            async with httpx.AsyncClient(timeout=30) as http:
                practices = [await practice(http, proc.base_url) for _ in range(max(1, sockets // 10))]
            tokens = [p[0] for p in practices]
            if policy is not None:
                await refreezing(proc, folder, practices, sockets, policy, startup_only)
                return
            warm = await LiveClient(proc.base_url, tokens[0]).__aenter__()  # first-use caches
            await warm.subscribe(CALENDAR, RANGE)
            await asyncio.sleep(0.5)
            await warm.__aexit__(None, None, None)
            await asyncio.sleep(0.5)
            before = await census(proc, folder, 1)
            clients = []
            for i in range(sockets):
                live = await LiveClient(proc.base_url, tokens[i // 10]).__aenter__()
                await live.subscribe(CALENDAR, RANGE)
                clients.append(live)
            await asyncio.sleep(2)
            after = await census(proc, folder, 2)
            print(f"collector census [sqlite, in-process bus, gc.freeze() {'on' if freeze else 'off'}]: "
                  f"{sockets} idle sockets, one calendarChanged each")
            print(f"  frozen objects: {after['frozen']}; tracked outside it: {before['tracked']} -> "
                  f"{after['tracked']} ({(after['tracked'] - before['tracked']) / sockets:.1f} per socket)")
            print(f"  full collection: {before['full_ms']:.1f} ms -> {after['full_ms']:.1f} ms")
            diff = collections.Counter(after["types"])
            diff.subtract(before["types"])
            for name, count in diff.most_common(TOP):
                print(f"  {count / sockets:7.1f} per socket  {name}")
            async with httpx.AsyncClient(timeout=30) as http:  # one event for every socket
                for n, (token, et, client) in enumerate(practices):
                    await http.post(f"{proc.base_url}/graphql", headers={"Authorization": f"Bearer {token}"}, json={
                        "query": "mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }",
                        "variables": {"i": {"clientId": client, "eventTypeId": et,
                                            "start": f"2026-03-{1 + n // 24:02d}T{n % 24:02d}:00:00Z"}}})
            for live in clients:
                await live.next("1", timeout=30)
            await asyncio.sleep(1)
            evented = await census(proc, folder, 3)
            print(f"  after one event each: {(evented['tracked'] - after['tracked']) / sockets:.1f} more per "
                  f"socket (what a socket keeps from its last event); full collection {evented['full_ms']:.1f} ms")
            diff = collections.Counter(evented["types"])
            diff.subtract(after["types"])
            for name, count in diff.most_common(8):
                print(f"  {count / sockets:7.1f} per socket  {name}")
            for live in clients:
                await live.__aexit__(None, None, None)
            await asyncio.sleep(2)
            closed = await census(proc, folder, 4)
            print(f"  after closing them: a full collection found {closed['collected']} unreachable "
                  f"objects ({closed['collected'] / sockets:.1f} per closed socket: cyclic garbage that "
                  f"only a collection frees); tracked outside the frozen generation: {closed['tracked']}")
            for name, count in collections.Counter(closed["garbage"]).most_common(TOP):
                print(f"  {count / sockets:7.1f} per closed socket  {name}")
        finally:
            proc.stop()
            log.close()


async def refreezing(proc: ServeProcess, folder: str, practices: list, sockets: int, rounds: int,
                     startup_only: bool) -> None:
    """couchtime serve's FreezePolicy: open the sockets, `rounds` times deliver one event to
    every socket, close them all; then what a compaction frees (the frozen garbage the policy
    holds until then) and the collector's pauses meanwhile."""
    clients = []
    for i in range(sockets):
        live = await LiveClient(proc.base_url, practices[i // 10][0]).__aenter__()
        await live.subscribe(CALENDAR, RANGE)
        clients.append(live)
    async with httpx.AsyncClient(timeout=30) as http:
        for r in range(rounds):
            for n, (token, et, client) in enumerate(practices):
                await http.post(f"{proc.base_url}/graphql", headers={"Authorization": f"Bearer {token}"}, json={
                    "query": "mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }",
                    "variables": {"i": {"clientId": client, "eventTypeId": et,
                                        "start": f"2026-03-{1 + r:02d}T{n % 24:02d}:{n // 24 * 5:02d}:00Z"}}})
            for live in clients:
                await live.next("1", timeout=30)
        health = (await http.get(f"{proc.base_url}/healthz")).json()["gc"]
    for live in clients:
        await live.__aexit__(None, None, None)
    await asyncio.sleep(2)
    Path(f"{folder}/unfreeze").touch()
    found = await census(proc, folder, 1)
    print(f"{'start-up freeze only' if startup_only else 'freeze policy'} [sqlite, in-process bus]: {sockets} sockets, {rounds} events each, then all closed")
    print(f"  while open: collections {health['collections']}, longest pause {health['maxPauseMs']} ms "
          f"(CPU time by generation {health['maxPauseCpuMsByGeneration']} ms), frozen at start {health['frozenAtStart']}")
    print(f"  a compaction then frees {found['collected']} objects ({found['collected'] / sockets:.1f} per "
          f"closed socket) in {found['full_ms']:.0f} ms: the frozen garbage held until a compaction")
    for name, count in collections.Counter(found["garbage"]).most_common(8):
        print(f"  {count / sockets:7.1f} per closed socket  {name}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--sockets", type=int, default=300)
        parser.add_argument("--no-freeze", action="store_true")
        parser.add_argument("--policy", type=int, default=None, metavar="ROUNDS",
                            help="run couchtime serve's FreezePolicy with ROUNDS events per socket and "
                                 "measure the frozen garbage it holds until a compaction")
        parser.add_argument("--startup-only", action="store_true",
                            help="with --policy: freeze the start-up objects only (for comparison)")
        args = parser.parse_args()
        asyncio.run(main(args.sockets, not args.no_freeze, args.policy, args.startup_only))
