"""Where an idle live subscription's memory goes: the breakdown behind bench_live's KiB figure.

Starts one server (the embedded default: SQLite, in-process bus) under tracemalloc, opens
SOCKETS websockets with one `calendarChanged` subscription each, and prints the server's Python
allocations per socket, by source file (largest first). RSS under tracemalloc is inflated by
tracemalloc itself: bench_live gives the real figure.

    .venv/bin/python -m bench.bench_live_memory
"""

from __future__ import annotations

import asyncio
import gc
import signal
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import httpx

from bench.bench_live import CALENDAR, RANGE, practice
from tests.support.live_client import LiveClient
from tests.support.processes import ServeProcess, free_port, process_env, wait_ready

SOCKETS, TOP = 300, 20


def serve(port: int, snapshot_dir: str) -> None:
    """The server side: the app as `couchtime serve` runs it; SIGUSR1 writes a snapshot."""
    import uvicorn

    from couchtime.app import create_app
    from couchtime.live_sockets import SERVER_OPTIONS

    taken = [0]

    def snapshot(*_: object) -> None:
        gc.collect()
        taken[0] += 1
        tracemalloc.take_snapshot().dump(f"{snapshot_dir}/{taken[0]}.snapshot")

    signal.signal(signal.SIGUSR1, snapshot)
    app = create_app()
    tracemalloc.start(1)  # after the imports: only what serving allocates is traced
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_config=None, **SERVER_OPTIONS)


async def snapshot(proc: ServeProcess, snapshot_dir: str, n: int) -> tracemalloc.Snapshot:
    path = Path(snapshot_dir) / f"{n}.snapshot"
    proc.popen.send_signal(signal.SIGUSR1)
    for _ in range(300):
        await asyncio.sleep(0.1)
        if path.exists():
            await asyncio.sleep(0.5)  # let the dump finish
            return tracemalloc.Snapshot.load(str(path))
    raise RuntimeError("no snapshot from the server")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = process_env(f"sqlite+aiosqlite:///{folder}/bench.db", COUCHTIME_LOG_LEVEL="WARNING",
                          COUCHTIME_SIGNIN_LIMIT_PER_ADDRESS="100000")
        log = open(f"{folder}/serve.log", "w")
        popen = subprocess.Popen([sys.executable, "-m", "bench.bench_live_memory", "--serve", str(port), folder],
                                 env=env, stdout=log, stderr=subprocess.STDOUT)
        proc = ServeProcess(port, popen, Path(log.name))
        try:
            await wait_ready(proc, timeout=60)
            async with httpx.AsyncClient(timeout=30) as http:
                tokens = [(await practice(http, proc.base_url))[0] for _ in range(SOCKETS // 10)]
            warm = await LiveClient(proc.base_url, tokens[0]).__aenter__()  # first-use caches
            await warm.subscribe(CALENDAR, RANGE)
            await asyncio.sleep(0.5)
            await warm.__aexit__(None, None, None)
            await asyncio.sleep(0.5)
            before = await snapshot(proc, folder, 1)
            clients = []
            for i in range(SOCKETS):
                live = await LiveClient(proc.base_url, tokens[i // 10]).__aenter__()
                await live.subscribe(CALENDAR, RANGE)
                clients.append(live)
            await asyncio.sleep(2)
            after = await snapshot(proc, folder, 2)
            stats = after.compare_to(before, "filename")
            traced = sum(s.size_diff for s in stats)
            print(f"live memory [sqlite, in-process bus]: {SOCKETS} idle sockets, one calendarChanged each")
            print(f"  traced Python allocations per socket: {traced / SOCKETS / 1024:.1f} KiB, of which:")
            for stat in stats[:TOP]:
                name = stat.traceback[0].filename
                short = name.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
                print(f"  {stat.size_diff / SOCKETS:7.0f} B {stat.count_diff / SOCKETS:5.1f} blocks  {short}")
            for live in clients:
                await live.__aexit__(None, None, None)
        finally:
            proc.stop()
            log.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]), sys.argv[3])
    else:
        asyncio.run(main())
