"""The exported SDL matches the code, and every example operation runs against the server."""

from __future__ import annotations

from pathlib import Path

import yaml

from schema.schema import SDL_PATH, sdl

ROOT = Path(__file__).resolve().parents[2]


def test_exported_sdl_is_current():
    assert SDL_PATH.read_text() == sdl(), "run `couchtime export-schema` and commit the result"


def test_graphql_config_points_at_the_sdl_and_examples():
    config = yaml.safe_load((ROOT / "graphql.config.yml").read_text())
    assert (ROOT / config["schema"]).resolve() == SDL_PATH
    assert list(ROOT.glob(config["documents"]))


async def test_examples_execute_without_errors(api):
    """Examples run in file-name order with one shared therapist; `$token` is filled in."""
    token, _ = await api.sign_up()
    documents = sorted((ROOT / "examples").glob("*.graphql"))
    assert documents
    for document in documents:
        text = document.read_text()
        variables_file = document.with_suffix(".json")
        variables = {}
        if variables_file.exists():
            import json

            variables = json.loads(variables_file.read_text())
        body = await api.post(text, variables, token=token)
        assert not body.get("errors"), (document.name, body)
