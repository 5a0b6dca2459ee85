"""Trusted documents: the manifest of the operations the apps may run (hash → document), as
loaded from a file (`COUCHTIME_TRUSTED_DOCUMENTS`), merged and saved by `couchtime trusted-documents`,
and each document's operation names (the metrics label of a trusted operation)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OTHER_OPERATION = "other"  # the metrics label of every operation not named by the manifest

HASH_PATTERN = re.compile(r"[0-9a-f]{64}")  # a SHA-256 as lower-case hex (a document's key)
_OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class ManifestError(ValueError):
    """A manifest we refuse to load (the message names the entry, never a document)."""


@dataclass(frozen=True)
class Manifest:
    """Trusted documents: hash → document text, and each document's operation names."""

    documents: Mapping[str, str]
    names: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_documents(cls, documents: Mapping[str, str]) -> Manifest:
        for key, document in documents.items():
            if not isinstance(key, str) or not HASH_PATTERN.fullmatch(key):
                raise ManifestError(f"manifest key {str(key)[:80]!r} is not a lower-case SHA-256 hex hash")
            if not isinstance(document, str) or sha256_hex(document) != key:
                raise ManifestError(f"manifest entry {key}: the hash is not the SHA-256 of its document")
        return cls(dict(documents), {key: operation_names(doc) for key, doc in documents.items()})

    @classmethod
    def parse(cls, data: Any) -> Manifest:
        """Either a JSON object of hash → document (graphql-codegen's `persisted-documents.json`,
        urql, Relay) or Apollo's `persisted-query-manifest.json`
        (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}`)."""
        if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
            operations = data.get("operations")
            if not isinstance(operations, list):
                raise ManifestError("an Apollo manifest needs an `operations` list")
            documents: dict[str, str] = {}
            for position, op in enumerate(operations):
                if not isinstance(op, dict) or not isinstance(op.get("id"), str):
                    raise ManifestError(f"operation {position} of the Apollo manifest has no `id`")
                documents[op["id"]] = op.get("body")  # type: ignore[assignment]  # checked below
            return cls.from_documents(documents)
        if not isinstance(data, dict):
            raise ManifestError("a manifest is a JSON object of SHA-256 hash → document")
        return cls.from_documents(data)

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ManifestError(f"cannot read the manifest {path} ({exc.strerror})") from None
        except ValueError:
            raise ManifestError(f"the manifest {path} is not JSON") from None
        return cls.parse(data)

    def merged(self, other: Manifest) -> Manifest:
        return Manifest.from_documents({**self.documents, **other.documents})

    def save(self, path: str | Path) -> None:
        """Written atomically (a temporary file renamed over the old one)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(dict(sorted(self.documents.items())), f, indent=1)
            f.write("\n")
        os.replace(tmp, target)

    def operation_label(self, key: str, operation_name: object) -> str:
        names = self.names.get(key, ())
        if isinstance(operation_name, str) and operation_name in names:
            return operation_name
        return names[0] if len(names) == 1 and not operation_name else OTHER_OPERATION


def operation_names(document: str) -> tuple[str, ...]:
    """The named operations of a document, found without a GraphQL parser (the label of a
    trusted document; a name inside a string or comment could only add a label that the
    manifest itself holds)."""
    return tuple(dict.fromkeys(name for _, name in _OPERATION.findall(document)))
