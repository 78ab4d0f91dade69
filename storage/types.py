"""Column types that keep siteloop's promises the same on SQLite and PostgreSQL.

- `UTCDateTime`: every instant is timezone-aware UTC in Python; naive input is refused.
- `ExactNumeric`: money, quantities and percentages are `Decimal`s rounded to their scale,
  identical on both databases, even though SQLite has no decimal storage.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant.

    PostgreSQL stores it as `timestamptz`; SQLite, which has no time zones, stores the naive UTC
    wall time (SQLAlchemy's fixed-width text format, so text order is time order). Naive
    datetimes are refused on the way in, because guessing their zone is how 7-hour bugs start.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} refused: pass a timezone-aware instant "
                "(e.g. clock.now())"
            )
        instant = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return instant.replace(tzinfo=None)
        return instant

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactNumeric(TypeDecorator[Decimal]):
    """A fixed-point `Decimal` with `precision` digits, `scale` of them after the point.

    Values are rounded half-up to the scale and checked against the precision in Python before
    they reach the database, so both databases store and refuse exactly the same values.

    PostgreSQL stores `numeric(p, s)`. SQLite has no decimal type and keeps these values as
    binary floats; a double holds any decimal of at most 15 significant digits exactly enough
    that formatting it back to `scale` places returns the original, so the precision is capped
    at 15 and SQLite's floats are converted back to `Decimal` here (which is also why SQLAlchemy's
    generic "does not support Decimal natively" warning does not apply and is not triggered).
    """

    impl = sa.Numeric
    cache_ok = True

    # The most significant digits a double round-trips exactly (DBL_DIG).
    MAX_PRECISION = 15

    def __init__(self, precision: int, scale: int) -> None:
        if not 0 <= scale < precision <= self.MAX_PRECISION:
            raise ValueError(
                f"ExactNumeric({precision}, {scale}): need 0 <= scale < precision <= "
                f"{self.MAX_PRECISION} so that SQLite's float storage stays exact"
            )
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        self._limit = Decimal(10) ** (precision - scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.supports_native_decimal:
            return dialect.type_descriptor(sa.Numeric(self.precision, self.scale))
        # Fetch the float SQLite stores and make the Decimal ourselves, in process_result_value.
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=False))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return self.coerce(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            value = repr(value)  # the shortest text that round-trips, e.g. 0.1 -> "0.1"
        return Decimal(value).quantize(self._quantum)

    def coerce(self, value: Any) -> Decimal:
        """Return `value` as a Decimal rounded to this column's scale; refuse what cannot fit."""
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
            raise TypeError(f"expected a number, got {type(value).__name__}: {value!r}")
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        if abs(number) < self._limit:  # quantizing a huge number would overflow the context
            number = number.quantize(self._quantum, rounding=ROUND_HALF_UP)
        if abs(number) >= self._limit:
            raise ValueError(
                f"{value!r} does not fit numeric({self.precision}, {self.scale}) "
                f"(must be below {self._limit} in magnitude)"
            )
        return number


class epoch_seconds(sa.sql.functions.FunctionElement[float]):
    """An instant column as Unix seconds, a float, computed by the database: how a large read
    (100,000 reports for a chart) skips building a `datetime` per row.

    PostgreSQL extracts the epoch; SQLite stores naive UTC text, which `julianday` reads,
    rounded to the millisecond so a report at midnight stays at midnight.
    """

    type = sa.Float()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"(ROUND((julianday({column}) - 2440587.5) * 86400000.0) / 1000.0)"
