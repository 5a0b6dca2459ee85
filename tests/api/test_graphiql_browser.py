"""End-to-end check that the self-hosted GraphiQL page works without internet.

A real uvicorn server (127.0.0.1, random port) serves the Couchtime app (development
mode, fresh SQLite file) with its GraphiQL page and static asset mount.  Headless
Debian Chromium is driven over the Chrome DevTools Protocol (plain websockets,
no extra dependencies, no browser download): it loads the page, runs
``{ commonSessionLengths }`` and the test asserts the result pane shows the answer and
that the browser never contacted a host other than localhost.

Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``) and the npm assets
(``npm ci --prefix graphiql``).  Without them the test is skipped, except when
``CI=true``, where it fails.

Set ``COUCHTIME_GRAPHIQL_SCREENSHOT=/some/file.png`` to save a screenshot of the
page after the query ran.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from starlette.applications import Starlette
from websockets.sync.client import ClientConnection, connect

from couchtime.app import create_app
from couchtime.graphiql import (
    ASSETS_DIR_DEFAULT,
    GRAPHIQL_ASSETS,
    graphiql_assets_present,
    graphiql_html,
    graphiql_static_mount,
)
from couchtime.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ASSET_BASE = "/graphiql-assets"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
RENDER_TIMEOUT = 20.0
RESULT_TIMEOUT = 10.0


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- app


def _build_app(tmp_path: Path) -> Starlette:
    """The real Couchtime app (development mode) over a fresh SQLite file."""
    settings = replace(
        Settings(), env="development", database_url=f"sqlite+aiosqlite:///{tmp_path}/gq.db",
        log_level="WARNING",
    )
    return create_app(settings)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Run the app with uvicorn in a background thread; yield its base URL."""
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} not found (install: apt-get install -y chromium)")
    if not graphiql_assets_present(ASSETS_DIR_DEFAULT):
        _skip_or_fail(
            f"GraphiQL assets missing in {ASSETS_DIR_DEFAULT} "
            "(install: npm ci --prefix graphiql, from the project root)"
        )

    with _served(_build_app(tmp_path)) as base_url:
        yield base_url


@contextlib.contextmanager
def _served(app) -> Iterator[str]:
    """Serve `app` with uvicorn in a background thread on a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, lifespan="on", loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _get(url: str) -> tuple[int, dict[str, str]]:
    """GET over real HTTP with the path sent as written (no dot-segment clean-up on the way)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


# ----------------------------------------------------------------------- browser


class _CDP:
    """Minimal synchronous Chrome DevTools Protocol client for one page."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, timeout: float = 10
    ) -> dict:
        self._next_id += 1
        msg_id = self._next_id
        self._ws.send(
            json.dumps({"id": msg_id, "method": method, "params": params or {}})
        )
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"CDP {method} timed out")
            msg = json.loads(self._ws.recv(timeout=remaining))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"CDP {method} failed: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(
                f"JS error in {expression!r}: {result['exceptionDetails']}"
            )
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                return value
            time.sleep(0.1)

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))

    def event_params(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.events if e["method"] == method]


def _no_proxy_get(url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as resp:
        return resp.read()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[_CDP]:
    """Headless Chromium, restricted to localhost, driven over CDP."""
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    log = (tmp_path / "chromium.log").open("wb")
    proc = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            # Nothing but localhost resolves, even on a machine with internet.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            "--no-proxy-server",
            "--window-size=1280,800",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60  # a loaded CI machine starts it slowly
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "chromium did not start:\n"
                    + (tmp_path / "chromium.log").read_text()[-3000:]
                )
            time.sleep(0.05)
        devtools_port = int(port_file.read_text().splitlines()[0])

        ws_url = None
        while ws_url is None:
            targets = json.loads(
                _no_proxy_get(f"http://127.0.0.1:{devtools_port}/json/list")
            )
            ws_url = next(
                (t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"),
                None,
            )
            if ws_url is None:
                if time.monotonic() > deadline:
                    pytest.fail(f"no page target in chromium: {targets}")
                time.sleep(0.05)

        with connect(ws_url, max_size=None, open_timeout=10) as ws:
            cdp = _CDP(ws)
            cdp.send("Network.enable")
            cdp.send("Page.enable")
            cdp.send("Runtime.enable")
            yield cdp
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            proc.wait(timeout=5)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


# -------------------------------------------------------------------------- test

_QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror')"
_RESPONSE_TEXT = """(() => {
  const cm = document.querySelector('.graphiql-response .CodeMirror');
  if (cm && cm.CodeMirror) return cm.CodeMirror.getValue();
  const pane = document.querySelector('.graphiql-response');
  return pane ? pane.innerText : '';
})()"""


def _diagnostics(cdp: _CDP, tmp_path: Path) -> str:
    shot = tmp_path / "graphiql-failure.png"
    with contextlib.suppress(Exception):
        cdp.screenshot(shot)
    body = ""
    with contextlib.suppress(Exception):
        body = cdp.evaluate(
            "document.body ? document.body.innerText.slice(0, 500) : ''"
        )
    urls = {
        p["requestId"]: p["request"]["url"]
        for p in cdp.event_params("Network.requestWillBeSent")
    }
    failed = [
        (urls.get(p["requestId"]), p.get("errorText"))
        for p in cdp.event_params("Network.loadingFailed")
    ]
    exceptions = [
        p["exceptionDetails"].get("exception", {}).get("description")
        or p["exceptionDetails"].get("text")
        for p in cdp.event_params("Runtime.exceptionThrown")
    ]
    return (
        f"\n  body text: {body!r}\n  failed loads: {failed}\n  JS exceptions: {exceptions}"
        f"\n  screenshot: {shot}"
    )


def test_graphiql_runs_query_with_local_assets_only(
    live_server: str, browser: _CDP, tmp_path: Path
) -> None:
    cdp = browser
    cdp.send("Page.navigate", {"url": f"{live_server}/graphql"})

    # GraphiQL rendered (React + GraphiQL + explorer loaded from our server);
    # the page shows .couchtime-graphiql-error at once if its scripts failed.
    state = cdp.wait_for(
        f"({_QUERY_EDITOR} && {_QUERY_EDITOR}.CodeMirror) ? 'ready'"
        " : document.querySelector('.couchtime-graphiql-error') ? 'error' : ''",
        RENDER_TIMEOUT,
    )
    if state != "ready":
        pytest.fail(
            f"GraphiQL did not render ({state or 'timeout'}: assets not loaded?)"
            + _diagnostics(cdp, tmp_path)
        )
    assert cdp.evaluate("document.title") == "Couchtime GraphiQL"
    # The explorer plugin is registered (its sidebar button exists).
    assert cdp.evaluate(
        "!!document.querySelector('.graphiql-sidebar button[aria-label=\"Show GraphiQL Explorer\"]')"
    ), "explorer plugin button missing" + _diagnostics(cdp, tmp_path)

    cdp.evaluate(f"{_QUERY_EDITOR}.CodeMirror.setValue('{{ commonSessionLengths }}')")
    cdp.evaluate("document.querySelector('.graphiql-execute-button').click()")

    text = cdp.wait_for(
        f"(() => {{ const t = {_RESPONSE_TEXT}; return t.includes('90') ? t : ''; }})()",
        RESULT_TIMEOUT,
    )
    if not text:
        pytest.fail("query result never showed the session lengths" + _diagnostics(cdp, tmp_path))
    assert json.loads(text) == {"data": {"commonSessionLengths": [15, 30, 45, 50, 60, 90]}}

    if shot := os.environ.get("COUCHTIME_GRAPHIQL_SCREENSHOT"):
        cdp.screenshot(Path(shot))

    # Let late events arrive, then check what the browser talked to.
    cdp.evaluate("1")
    requested = [
        p["request"]["url"] for p in cdp.event_params("Network.requestWillBeSent")
    ]
    requested += [p["url"] for p in cdp.event_params("Network.webSocketCreated")]
    foreign = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert not foreign, f"browser tried to reach non-localhost URLs: {foreign}"

    statuses = {
        p["response"]["url"]: p["response"]["status"]
        for p in cdp.event_params("Network.responseReceived")
    }
    for asset in GRAPHIQL_ASSETS:
        url = f"{live_server}{ASSET_BASE}/{asset.local_path}"
        assert statuses.get(url) == 200, f"{url} not served: {statuses.get(url)}"

    exceptions = cdp.event_params("Runtime.exceptionThrown")
    assert not exceptions, f"JS exceptions on the page: {exceptions}"


# ------------------------------------------------- fast checks (no browser needed)


def test_static_mount_serves_only_allow_listed_files(tmp_path: Path) -> None:
    modules = tmp_path / "node_modules"
    for asset in GRAPHIQL_ASSETS:
        (modules / asset.local_path).parent.mkdir(parents=True, exist_ok=True)
        (modules / asset.local_path).write_text("/* asset */")
    (modules / "react" / "package.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    assert graphiql_assets_present(modules)
    assert not graphiql_assets_present(tmp_path / "missing")

    with _served(Starlette(routes=[graphiql_static_mount(modules, path=ASSET_BASE)])) as base:
        status, headers = _get(f"{base}{ASSET_BASE}/react/umd/react.production.min.js")
        assert status == 200
        assert headers["cache-control"] == "public, max-age=86400"
        for path in ("react/package.json", "../secret.txt", "%2e%2e/secret.txt", "", "react/umd/"):
            assert _get(f"{base}{ASSET_BASE}/{path}")[0] == 404, path

    # A missing node_modules gives 404s, not server errors.
    with _served(Starlette(routes=[graphiql_static_mount(tmp_path / "nope", path=ASSET_BASE)])) as base:
        assert _get(f"{base}{ASSET_BASE}/react/umd/react.production.min.js")[0] == 404


def test_graphiql_html_local_and_cdn() -> None:
    local = graphiql_html(asset_base="/graphiql-assets/")
    assert 'src="/graphiql-assets/react/umd/react.production.min.js"' in local
    assert 'href="/graphiql-assets/@graphiql/plugin-explorer/dist/style.css"' in local
    assert "unpkg.com" not in local
    assert "<title>Couchtime GraphiQL</title>" in local

    cdn = graphiql_html(endpoint="/api/graphql", asset_base=None)
    assert 'src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"' in cdn
    assert '"/api/graphql"' in cdn

    hostile = graphiql_html(
        endpoint="</script><script>alert(1)</script>", asset_base=None
    )
    assert "</script><script>alert(1)" not in hostile


def test_log_missing_assets(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from couchtime.graphiql import log_missing_assets

    with caplog.at_level(logging.WARNING):
        log_missing_assets(logging.getLogger("couchtime.test"))
    assert "npm ci --prefix graphiql" in caplog.text
    assert caplog.records[0].levelno == logging.WARNING
