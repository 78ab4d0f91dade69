"""Clocks: the only place siteloop reads the time.

Services take a `Clock`; production passes `SystemClock()`, tests and the demo pass a
`ManualClock` and move it with `advance()`, so nothing ever has to patch `datetime`.
"""

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        """Return the wall-clock instant in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; safe to read from several threads."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start instant")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the instant the clock was last set to."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move the clock forward by `delta` or by keyword parts (`hours=2`); return the new now."""
        step = (delta or timedelta()) + timedelta(**parts)
        if step < timedelta():
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._now += step
            return self._now

    def set(self, instant: datetime) -> None:
        """Jump to `instant`, which must not be in the clock's past."""
        with self._lock:
            if instant.astimezone(UTC) < self._now:
                raise ValueError("a clock never goes backwards")
            self._now = instant.astimezone(UTC)
