"""What the recovery mutations share: which kind of account."""

from __future__ import annotations

from enum import Enum

from domain import tokens
from schema.enums import described


@described(
    "Which kind of account: a therapist's, or a client's portal account.",
    THERAPIST="A therapist's account.", CLIENT="A client's portal account.",
)
class AccountKind(Enum):
    THERAPIST = tokens.THERAPIST
    CLIENT = tokens.CLIENT
