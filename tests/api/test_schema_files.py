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
    """Examples run in file-name order with one shared therapist, and succeed (no errors, no
    userErrors). Placeholders in their variables are filled in: `$username`, `$eventTypeId` (the
    last event type created) and `$manageToken` (the manage link of the last booking)."""
    import json

    token, therapist = await api.sign_up()
    filled = {"$username": therapist["username"]}
    documents = sorted((ROOT / "examples").glob("*.graphql"))
    assert documents
    for document in documents:
        text = document.read_text()
        variables_file = document.with_suffix(".json")
        raw = variables_file.read_text() if variables_file.exists() else "{}"
        if "$manageToken" in raw:
            filled["$manageToken"] = await _manage_token(api, token)
        for name, value in filled.items():
            raw = raw.replace(f'"{name}"', json.dumps(value))
        body = await api.post(text, json.loads(raw), token=token)
        assert not body.get("errors"), (document.name, body)
        for field, payload in (body.get("data") or {}).items():
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], (document.name, payload)
            if field == "createEventType":
                filled["$eventTypeId"] = payload["eventType"]["id"]


async def _manage_token(api, token: str) -> str:
    """The token the last booking's confirmation carries (what the email would hold)."""
    from domain.notifications import sign_manage
    from resolvers import global_ids

    queue = (await api.gql("""{ newBookingsConnection(first: 100) { edges { node { email
        sessions(first: 1) { nodes { id } } } } } }""", token=token))["newBookingsConnection"]["edges"]
    client = queue[-1]["node"]
    session_id = global_ids.decode(client["sessions"]["nodes"][0]["id"])[1]
    return sign_manage(api.runtime.services.notifications.signing_key, session_id, client["email"])
