"""The code checks of tools/code_checks.py (run by .ci/run over the real tree) fail on what they
are for: code written twice (8 lines or more, pylint with the project's settings) and a module
over 400 lines outside tests and migrations."""

from __future__ import annotations

from pathlib import Path

from tools.code_checks import MAX_MODULE_LINES, duplicate_code, oversized_modules


def _module(name: str, repeated_lines: int) -> str:
    """A function whose body shares `repeated_lines` lines (ignoring blanks) with its namesakes."""
    body = "\n".join(f"    total += values[{i}] * {i + 1}" for i in range(repeated_lines - 2))
    return (f'"""Module {name}."""\n\nimport math\n\n\ndef {name}_sum(values):\n    # why not\n'
            f"    total = 0\n{body}\n    return math.floor(total)\n")


def test_code_written_twice_in_eight_lines_fails_the_duplicate_check(tmp_path: Path):
    for name in ("billing", "reports"):
        (tmp_path / f"{name}.py").write_text(_module(name, 8))
    done = duplicate_code(["billing.py", "reports.py"], cwd=tmp_path)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "duplicate-code" in done.stdout and "==billing" in done.stdout and "==reports" in done.stdout


def test_seven_shared_lines_pass_the_duplicate_check(tmp_path: Path):
    for name in ("billing", "reports"):
        (tmp_path / f"{name}.py").write_text(_module(name, 7))
    done = duplicate_code(["billing.py", "reports.py"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_modules_over_the_limit_are_listed_outside_tests_and_migrations(tmp_path: Path):
    def write(path: str, lines: int) -> None:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x = 1\n" * lines)

    write("domain/big.py", MAX_MODULE_LINES + 1)
    write("domain/services/fits.py", MAX_MODULE_LINES)
    write("bench/long_bench.py", MAX_MODULE_LINES + 50)
    write("tests/unit/test_many_rules.py", 3 * MAX_MODULE_LINES)
    write("persistence/migrations/versions/0001_foundation.py", 3 * MAX_MODULE_LINES)
    write(".venv/lib/site.py", 3 * MAX_MODULE_LINES)
    assert oversized_modules(tmp_path) == [("bench/long_bench.py", MAX_MODULE_LINES + 50),
                                           ("domain/big.py", MAX_MODULE_LINES + 1)]
