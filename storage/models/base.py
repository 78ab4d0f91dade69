"""The declarative base, the constraint naming convention and the shared column types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase

from storage.types import ExactNumeric, UTCDateTime

# Every constraint and index gets a predictable name, the same on SQLite and PostgreSQL, so that
# migrations can drop or alter them by name (SQLite batch mode needs names) and autogenerate
# compares like with like.
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

# Column types, named by what they hold. Precisions stay within ExactNumeric's 15 digits.
Money = ExactNumeric(14, 2)
Quantity = ExactNumeric(14, 3)
Percent = ExactNumeric(5, 2)  # 0.00 .. 100.00
Hours = ExactNumeric(10, 2)
Instant = UTCDateTime()
# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Slack ids (U…, C…, D…) and message timestamps ("1700000000.123456") are short strings.
SlackId = sa.String(32)
SlackTs = sa.String(32)

ENUM_LENGTH = 32


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """Return a column type storing `enum`'s values as plain strings.

    No native PostgreSQL enum and no CHECK constraint: adding a word to the vocabulary must not
    need a table rebuild (SQLite) or an ALTER TYPE (PostgreSQL). The ORM refuses values outside
    the enum when writing (`validate_strings`) and when reading.
    """
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=ENUM_LENGTH,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[sa.Table]  # every model maps one table (SQLAlchemy says FromClause)

    # Attributes shown by repr(), in order; subclasses list what identifies a row when debugging.
    __repr_attrs__: tuple[str, ...] = ("id",)

    def __repr__(self) -> str:
        # Only already-loaded values: repr() must never hit the database or a detached session.
        state = sa.inspect(self)
        loaded: dict[str, Any] = dict(state.dict)
        if "id" not in loaded and state.identity is not None and len(state.identity) == 1:
            loaded["id"] = state.identity[0]  # known even when the row's attributes expired
        parts = [f"{name}={_show(loaded[name])}" for name in self.__repr_attrs__ if name in loaded]
        return " ".join([f"<{type(self).__name__}", *parts]) + ">"


def _show(value: Any) -> str:
    """Return `value` as a short string for repr(): enums by value, instants in ISO form."""
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, datetime | date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return repr(value)
