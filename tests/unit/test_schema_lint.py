"""graphql-schema-linter (description, naming and Relay rules; tools/schema-lint) reports nothing
on schema/schema.graphql. Needs node and `npm ci --prefix tools/schema-lint`: under CI=true a
missing one fails the test, elsewhere it skips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "schema-lint"
LINTER = TOOL / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"


def _linter() -> list[str]:
    node = shutil.which("node")
    missing = "node" if node is None else None if LINTER.exists() else "npm ci --prefix tools/schema-lint"
    if missing:
        message = f"graphql-schema-linter needs {missing}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return [node, str(LINTER), "--config-directory", str(TOOL), "--format", "json"]


def _lint(path: Path) -> list[dict]:
    done = subprocess.run([*_linter(), str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)["errors"]


def test_schema_passes_the_linter():
    errors = _lint(ROOT / "schema" / "schema.graphql")
    assert errors == [], "\n".join(f"{e['location']['line']}: {e['message']} ({e['rule']})" for e in errors)


def test_the_linter_runs_the_rules_we_rely_on(tmp_path):
    bad = tmp_path / "bad.graphql"
    bad.write_text('"""Q."""\ntype Query {\n  """A."""\n  a: E\n}\n\n"""E."""\nenum E {\n  x\n}\n')
    rules = {e["rule"] for e in _lint(bad)}
    assert {"enum-values-have-descriptions", "enum-values-all-caps", "relay-page-info-spec"} <= rules
