"""Code checks CI runs after ruff and lint-imports (`.ci/run`), in one place:

- duplicate code: pylint's duplicate-code check (`[tool.pylint]` in pyproject.toml: 8 lines or
  more) over the code packages, not tests, benches or migrations;
- module size: no module over 400 lines outside tests and migrations (a module per concern).

    .venv/bin/python tools/code_checks.py            # both; exit 1 with a list on any finding
    .venv/bin/python tools/code_checks.py sizes      # or duplicates

tests/unit/test_code_checks.py plants a duplicate and an oversized module to show each check
fails on them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE_PACKAGES = ("couchtime", "schema", "resolvers", "domain", "persistence", "adapters", "workers")
MAX_MODULE_LINES = 400
NOT_MEASURED = {"tests", "migrations", "node_modules", "build", "dist", "__pycache__"}  # folder names


def _measured(folder: str) -> bool:
    return not (folder in NOT_MEASURED or folder.startswith(".") or folder.endswith(".egg-info"))


def oversized_modules(root: Path = ROOT, limit: int = MAX_MODULE_LINES) -> list[tuple[str, int]]:
    """(path relative to `root`, lines) of every Python module over `limit` lines, skipping
    tests, migrations, installed packages and hidden folders (a virtual environment)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if not all(_measured(folder) for folder in parts[:-1]):
            continue
        with path.open("rb") as f:
            lines = sum(1 for _ in f)
        if lines > limit:
            found.append((path.relative_to(root).as_posix(), lines))
    return found


def duplicate_code(paths: Iterable[str | Path], *, cwd: Path = ROOT,
                   rcfile: Path = ROOT / "pyproject.toml") -> subprocess.CompletedProcess:
    """pylint's duplicate-code check over `paths` with the project's settings; a non-zero
    return code means it found duplicates (listed on stdout)."""
    return subprocess.run(
        [sys.executable, "-m", "pylint", f"--rcfile={rcfile}", "--score=n", *map(str, paths)],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=900,
    )


def main(argv: Sequence[str]) -> int:
    checks = set(argv) or {"sizes", "duplicates"}
    failed = False
    if "sizes" in checks:
        oversized = oversized_modules()
        for path, lines in oversized:
            print(f"{path}: {lines} lines (at most {MAX_MODULE_LINES}: split it by concern)")
        failed |= bool(oversized)
    if "duplicates" in checks:
        done = duplicate_code(CODE_PACKAGES)
        if done.returncode != 0:
            print(done.stdout.strip() or done.stderr.strip())
        failed |= done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
