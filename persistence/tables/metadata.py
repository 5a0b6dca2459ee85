"""The one SQLModel metadata (with its naming convention) and the column helpers every table
module shares. Alembic and the drift test import `metadata` from the package `persistence.tables`,
which imports every table module first, so that it is complete."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey
from sqlmodel import SQLModel

from persistence.types import UTCDateTime

metadata = SQLModel.metadata
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def instant(nullable: bool = False) -> Column:
    """An aware UTC instant."""
    return Column(UTCDateTime(), nullable=nullable)


def owner(index: bool = True) -> Column:
    """The owning therapist (the practice); its rows go with it."""
    return Column(ForeignKey("therapists.id", ondelete="CASCADE"), nullable=False, index=index)
