"""Self-hosted GraphiQL page for ``GET /graphql``.

Strawberry's bundled GraphiQL page loads React, GraphiQL and the explorer
plugin from the unpkg CDN, which does not work on machines without internet
access.  This module renders an equivalent page whose ``<script>``/``<link>``
tags point at files we serve ourselves from ``graphiql/node_modules``
(installed with ``npm ci --prefix graphiql`` from the project root, pinned by
``graphiql/package-lock.json``).  When those files are missing the page falls
back to the CDN URLs.

The pinned files are byte-identical to the CDN ones, so the same Subresource
Integrity hashes are used for both.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import os
from pathlib import Path
from typing import NamedTuple

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = [
    "ASSETS_DIR_DEFAULT",
    "ASSETS_MOUNT_PATH_DEFAULT",
    "GRAPHIQL_ASSETS",
    "INSTALL_COMMAND",
    "graphiql_assets_present",
    "graphiql_html",
    "graphiql_static_mount",
    "log_missing_assets",
]

ASSETS_DIR_DEFAULT: Path = (
    Path(__file__).resolve().parent.parent / "graphiql" / "node_modules"
)
ASSETS_MOUNT_PATH_DEFAULT = "/graphiql-assets"
INSTALL_COMMAND = "npm ci --prefix graphiql"
CDN_BASE = "https://unpkg.com"
CACHE_CONTROL = "public, max-age=86400"


class _Asset(NamedTuple):
    package: str  # npm package name
    version: str  # exact version pinned in graphiql/package.json
    file: str  # path inside the package
    integrity: str  # SRI hash (same bytes locally and on the CDN)

    @property
    def local_path(self) -> str:
        """Path relative to ``node_modules`` (always ``/``-separated)."""
        return f"{self.package}/{self.file}"

    def url(self, asset_base: str | None) -> str:
        if asset_base is None:
            return f"{CDN_BASE}/{self.package}@{self.version}/{self.file}"
        return f"{asset_base.rstrip('/')}/{self.local_path}"


_REACT = _Asset(
    "react",
    "18.2.0",
    "umd/react.production.min.js",
    "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
)
_REACT_DOM = _Asset(
    "react-dom",
    "18.2.0",
    "umd/react-dom.production.min.js",
    "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
)
_GRAPHIQL_CSS = _Asset(
    "graphiql",
    "3.8.3",
    "graphiql.min.css",
    "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
)
_EXPLORER_CSS = _Asset(
    "@graphiql/plugin-explorer",
    "1.0.2",
    "dist/style.css",
    "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
)
_GRAPHIQL_JS = _Asset(
    "graphiql",
    "3.8.3",
    "graphiql.min.js",
    "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
)
_EXPLORER_JS = _Asset(
    "@graphiql/plugin-explorer",
    "1.0.2",
    "dist/index.umd.js",
    "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
)

#: Every file the page loads; the static mount serves these and nothing else.
GRAPHIQL_ASSETS: tuple[_Asset, ...] = (
    _REACT,
    _REACT_DOM,
    _GRAPHIQL_CSS,
    _EXPLORER_CSS,
    _GRAPHIQL_JS,
    _EXPLORER_JS,
)


def graphiql_assets_present(assets_dir: Path = ASSETS_DIR_DEFAULT) -> bool:
    """True when every file the page needs exists under ``assets_dir``."""
    return all(
        (Path(assets_dir) / asset.local_path).is_file() for asset in GRAPHIQL_ASSETS
    )


def log_missing_assets(
    logger: logging.Logger, assets_dir: Path = ASSETS_DIR_DEFAULT
) -> None:
    """Warn that the local GraphiQL assets are missing and the CDN is used."""
    logger.warning(
        "GraphiQL assets not found in %s: the GraphiQL page at GET /graphql falls back "
        "to loading React/GraphiQL from the %s CDN (needs internet access in the browser). "
        "Install them by running `%s` from the project root.",
        assets_dir,
        CDN_BASE,
        INSTALL_COMMAND,
    )


class _AllowListStaticFiles(StaticFiles):
    """StaticFiles limited to an allow-list of relative paths, with caching."""

    def __init__(self, *, directory: Path, allowed: frozenset[str]) -> None:
        super().__init__(directory=directory, check_dir=False)
        self._allowed = allowed

    async def check_config(self) -> None:
        # A missing node_modules just means 404s (the page uses the CDN then),
        # not a RuntimeError on every request.
        return None

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path not in self._allowed:
            raise HTTPException(status_code=404)
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def graphiql_static_mount(
    assets_dir: Path = ASSETS_DIR_DEFAULT, path: str = ASSETS_MOUNT_PATH_DEFAULT
) -> Mount:
    """A Starlette ``Mount`` serving only the files the GraphiQL page needs.

    Files are looked up under ``assets_dir`` (``graphiql/node_modules``); any
    other path under the mount answers 404.
    """
    allowed = frozenset(os.path.normpath(asset.local_path) for asset in GRAPHIQL_ASSETS)
    app = _AllowListStaticFiles(directory=Path(assets_dir), allowed=allowed)
    return Mount(path, app=app, name="graphiql-assets")


def _script_tag(asset: _Asset, asset_base: str | None) -> str:
    src = html.escape(asset.url(asset_base), quote=True)
    return f'<script crossorigin src="{src}" integrity="{asset.integrity}"></script>'


def _link_tag(asset: _Asset, asset_base: str | None) -> str:
    href = html.escape(asset.url(asset_base), quote=True)
    return f'<link crossorigin rel="stylesheet" href="{href}" integrity="{asset.integrity}" />'


def _js_string(value: str) -> str:
    """A JSON string literal that is safe inside an inline ``<script>``."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.cache
def _template() -> str:
    """The page, beside this module (a `str.format` template: its literal braces are doubled)."""
    return (Path(__file__).with_name("graphiql.html")).read_text(encoding="utf-8")


def graphiql_html(*, endpoint: str = "/graphql", asset_base: str | None) -> str:
    """The GraphiQL page (explorer plugin, headers editor, subscriptions).

    ``asset_base`` is the URL prefix the static mount is served under (e.g.
    ``"/graphiql-assets"``); ``None`` loads the assets from the unpkg CDN.
    ``endpoint`` is resolved against the page URL; subscriptions use the
    ``graphql-transport-ws`` protocol on the same URL with ``ws:``/``wss:``.
    """
    return _template().format(
        react=_script_tag(_REACT, asset_base),
        react_dom=_script_tag(_REACT_DOM, asset_base),
        graphiql_css=_link_tag(_GRAPHIQL_CSS, asset_base),
        explorer_css=_link_tag(_EXPLORER_CSS, asset_base),
        graphiql_js=_script_tag(_GRAPHIQL_JS, asset_base),
        explorer_js=_script_tag(_EXPLORER_JS, asset_base),
        endpoint=_js_string(endpoint),
        install_command=html.escape(INSTALL_COMMAND),
    )
