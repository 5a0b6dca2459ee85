"""What persisted operations and metrics cost per request, in-process through the ASGI app.

A small public query (`commonSessionLengths`, no SQL) so that the wrappers' share shows:
sent as text, as an APQ hash, with /metrics on and off, and in trusted-documents mode.
Prints the median milliseconds per request of each.

    .venv/bin/python -m bench.bench_operations
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import tempfile
from pathlib import Path

from bench.harness import Bench, with_bench

QUERY = "query Lengths { commonSessionLengths }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
RUNS = 2000


async def timed(bench: Bench, body: dict) -> float:
    async def call() -> None:
        response = await bench.client.post("/graphql", json=body)
        assert response.json()["data"], response.text

    for _ in range(100):  # warm the caches
        await call()
    median, _ = await bench.measure(call, runs=RUNS)
    return median


async def main() -> None:
    results: dict[str, float] = {}
    text = {"query": QUERY}
    by_hash = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}

    async def run(label: str, bodies: dict[str, dict], **overrides) -> None:
        async def body(bench: Bench) -> None:
            await bench.client.post("/graphql", json={**by_hash, **text})  # register for APQ
            for name, request in bodies.items():
                results[f"{label}, {name}"] = await timed(bench, request)

        await with_bench(body, **overrides)

    await run("metrics off", {"text": text, "APQ hash": by_hash}, metrics=False)
    await run("metrics on", {"text": text, "APQ hash": by_hash}, metrics=True)
    with tempfile.TemporaryDirectory() as folder:
        manifest = Path(folder) / "manifest.json"
        manifest.write_text(json.dumps({HASH: QUERY}))
        await run("trusted documents, metrics on", {"text": text, "hash": by_hash},
                  metrics=True, trusted_documents=str(manifest))
    for label, median in results.items():
        print(f"{label:45} {median:6.3f} ms per request (median of {RUNS})")


if __name__ == "__main__":
    asyncio.run(main())
