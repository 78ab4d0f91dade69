"""Identifiers and timestamps shaped like Slack's, generated deterministically enough for tests."""

import base64
import itertools
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(number: int, width: int) -> str:
    """Return `number` in upper-case base 36, left-padded with zeros to `width`."""
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(width, "0")


class IdSource:
    """Hand out Slack-looking ids (`D0000001`, `V0000002`, `Ev0000003…`), unique per emulator."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next(self, prefix: str, width: int = 8) -> str:
        """Return a new id starting with `prefix`."""
        with self._lock:
            number = next(self._counter)
        return f"{prefix}{_base36(number, width)}"

    def event_id(self) -> str:
        """Return a new Events API `event_id` (`Ev` + 10 characters, as Slack's)."""
        return self.next("Ev", 10)

    def trigger_id(self, team_id: str) -> str:
        """Return a new trigger id shaped like Slack's `4916855695380.4711.1d3f…`."""
        with self._lock:
            number = next(self._counter)
        team_part = sum(map(ord, team_id))
        return f"{1_000_000_000_000 + number}.{team_part}.{secrets.token_hex(16)}"

    @staticmethod
    def secret(length: int = 12) -> str:
        """Return an unguessable token for URLs (response_url, upload URL)."""
        return secrets.token_urlsafe(length)

    @staticmethod
    def block_id() -> str:
        """Return a short random block id like the ones Slack adds to blocks without one."""
        return secrets.token_urlsafe(3)[:4]


class TsSource:
    """Issue message timestamps (`"1700000000.000100"`) from a clock, strictly increasing.

    Slack's `ts` is the message's time with microseconds and doubles as its id, so two messages
    can never share one: when the clock has not moved (a frozen test clock), the next `ts` is one
    microsecond after the last.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        """Return a new `ts` later than every `ts` issued before."""
        micros = to_micros(self._now())
        with self._lock:
            self._last = max(micros, self._last + 1)
            return format_ts(self._last)

    def now(self) -> datetime:
        """Return the clock's current instant."""
        return self._now()

    def now_seconds(self) -> int:
        """Return the clock's current Unix time in whole seconds (for `event_time`)."""
        return int(self._now().timestamp())


def to_micros(instant: datetime) -> int:
    """Return microseconds since the epoch for an aware datetime."""
    delta = instant.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def format_ts(micros: int) -> str:
    """Return Slack's `ts` string for a time in microseconds."""
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def parse_ts(value: str) -> int | None:
    """Return a `ts` string as microseconds, or None when it is not a timestamp."""
    seconds, _, fraction = str(value).partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0")[:6] or 0)


def encode_cursor(ts: str) -> str:
    """Return a pagination cursor shaped like Slack's (base64 of `next_ts:<ts>`)."""
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def decode_cursor(cursor: str) -> str | None:
    """Return the `ts` inside a cursor made by `encode_cursor`, or None if it is not one."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except ValueError:
        return None
    prefix, _, ts = text.partition(":")
    return ts if prefix == "next_ts" and parse_ts(ts) is not None else None
