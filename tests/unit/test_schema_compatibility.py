"""The breaking-change rule (schema/compatibility.py): deprecate first, release, then remove."""

from __future__ import annotations

import subprocess
import sys

from schema import compatibility as c

RELEASED = '''
type Query {
  therapist: Therapist
  sessions(first: Int, status: Status): [Session!]!
  legacyCount: Int @deprecated(reason: "Use sessions.")
  archive(kind: String @deprecated(reason: "Ignored.")): [Archived!]! @deprecated(reason: "Gone.")
}
type Therapist { name: String! fee: Int }
type Session { id: ID! }
type Archived { id: ID! }
enum Status { ACTIVE CANCELLED OLD @deprecated(reason: "Never set.") }
'''


def changed(old: str, new: str) -> str:
    assert old in RELEASED
    return RELEASED.replace(old, new)


def test_the_current_schema_breaks_nothing_the_released_schema_promised() -> None:
    broken = c.unannounced_breaking_changes(c.RELEASED_SDL.read_text(), c.CURRENT_SDL.read_text())
    assert broken == [], "deprecate first, then release (CHANGELOG.md says how)"


def test_the_changelog_vouches_for_the_released_schema() -> None:
    assert c.changelog_vouches_for(c.CHANGELOG.read_text(), c.sha256_of(c.RELEASED_SDL)), (
        "schema/released.graphql changed without a CHANGELOG.md entry naming its sha256"
    )


def test_removing_a_field_that_was_not_deprecated_is_breaking() -> None:
    current = changed("therapist: Therapist\n", "")
    assert c.unannounced_breaking_changes(RELEASED, current) == ["Field Query.therapist was removed."]


def test_removing_a_nested_field_an_argument_or_an_enum_value_is_breaking() -> None:
    assert c.unannounced_breaking_changes(RELEASED, changed(" fee: Int", "")) == [
        "Field Therapist.fee was removed."]
    assert c.unannounced_breaking_changes(RELEASED, changed("first: Int, ", "")) == [
        "Argument Query.sessions(first:) was removed."]
    assert c.unannounced_breaking_changes(RELEASED, changed(" CANCELLED", "")) == [
        "Enum value Status.CANCELLED was removed."]


def test_changing_a_type_or_adding_a_required_argument_is_breaking() -> None:
    assert c.unannounced_breaking_changes(RELEASED, changed("name: String!", "name: Int!")) != []
    assert c.unannounced_breaking_changes(
        RELEASED, changed("therapist: Therapist", "therapist(id: ID!): Therapist")) != []


def test_removing_what_was_deprecated_first_is_allowed_with_the_types_only_it_used() -> None:
    current = changed('  legacyCount: Int @deprecated(reason: "Use sessions.")\n', "")
    current = current.replace(
        '  archive(kind: String @deprecated(reason: "Ignored.")): [Archived!]! @deprecated(reason: "Gone.")\n',
        "").replace("type Archived { id: ID! }\n", "").replace(' OLD @deprecated(reason: "Never set.")', "")
    assert "Archived" not in current and "legacyCount" not in current and "OLD" not in current
    assert c.unannounced_breaking_changes(RELEASED, current) == []


def test_additions_are_not_breaking() -> None:
    current = changed("type Session { id: ID! }", "type Session { id: ID! notes: String }")
    assert c.unannounced_breaking_changes(RELEASED, current) == []


def test_the_changelog_must_name_the_released_hash() -> None:
    entry = "## 2027-01-01\n\nreleased.graphql sha256: " + "a" * 64 + "\n"
    assert c.changelog_vouches_for(entry, "a" * 64)
    assert not c.changelog_vouches_for(entry, "b" * 64)
    assert not c.changelog_vouches_for("## 2027-01-01\n\nNo schema line.\n", "a" * 64)


def test_the_command_fails_on_a_breaking_change(tmp_path) -> None:
    """`couchtime schema-check` exits 1 and names the change (what CI and developers run)."""
    script = (
        "import sys; from pathlib import Path; from schema import compatibility as c; "
        f"c.RELEASED_SDL = Path({str(tmp_path / 'released.graphql')!r}); "
        f"c.CURRENT_SDL = Path({str(tmp_path / 'schema.graphql')!r}); "
        "from couchtime.cli import main; sys.exit(main(['schema-check']))"
    )
    (tmp_path / "released.graphql").write_text(RELEASED)
    (tmp_path / "schema.graphql").write_text(changed("therapist: Therapist\n", ""))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "Field Query.therapist was removed." in run.stdout
    assert "breaking change" in run.stderr
    (tmp_path / "schema.graphql").write_text(RELEASED)
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60).returncode == 0
