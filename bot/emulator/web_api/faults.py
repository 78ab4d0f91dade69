"""Switchable Web API trouble for reliability tests: errors, timeouts, latency, lost answers.

Each call draws at most one fault. One-shot faults queued with `fail_next` or
`accept_then_drop` come first, then the random share set with `set`.
"""

import random
import threading
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    """What goes wrong with one call."""

    ERROR = "error"  # answered with an error (5xx, 429 or ok:false); nothing happens
    TIMEOUT = "timeout"  # the connection is held, then closed unanswered; nothing happens
    DROP = "drop"  # the call takes effect, then the connection closes unanswered


@dataclass(frozen=True)
class Fault:
    """One injected failure; `status`/`error`/`retry_after` describe an ERROR answer."""

    kind: FaultKind
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


# The transient answers Slack gives when it is in trouble.
RANDOM_ERRORS = (
    Fault(FaultKind.ERROR, 500, "internal_error"),
    Fault(FaultKind.ERROR, 503, "service_unavailable"),
    Fault(FaultKind.ERROR, 200, "internal_error"),
)
_STATUS_ERRORS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}


class Faults:
    """The fault plan of one emulator; safe to change from a test while the bot runs."""

    def __init__(self) -> None:
        self.timeout_seconds = 1.0
        self._lock = threading.Lock()
        self.clear()

    def set(
        self,
        error_rate: float = 0.0,
        timeout_rate: float = 0.0,
        latency: float = 0.0,
        methods: Iterable[str] | None = None,
        seed: int | None = None,
    ) -> None:
        """Fail a share of calls at random from now on.

        error_rate: share answered with HTTP 500/503 or a transient `ok: false`.
        timeout_rate: share held for `timeout_seconds`, then closed without an answer.
        latency: seconds added before every affected call is answered.
        methods: Web API methods affected (all when None).
        seed: makes the sequence of faults repeatable.
        """
        if error_rate + timeout_rate > 1:
            raise ValueError("error_rate + timeout_rate must not exceed 1")
        with self._lock:
            self._error_rate = error_rate
            self._timeout_rate = timeout_rate
            self._latency = latency
            self._methods: frozenset[str] | None = (
                frozenset(methods) if methods is not None else None
            )
            self._random = random.Random(seed)

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead of acting.

        `status=503` gives HTTP 503; `error="channel_not_found"` gives HTTP 200 `ok: false`;
        `error="ratelimited"` (or status 429) gives HTTP 429 with `Retry-After: retry_after`.
        """
        if status is None:
            status = 429 if error == "ratelimited" else (200 if error else 503)
        error = error or _STATUS_ERRORS.get(status, "fatal_error")
        wait = retry_after if status == 429 else None
        fault = Fault(FaultKind.ERROR, status, error, wait)
        with self._lock:
            self._queued[method].extend([fault] * times)

    def fail_next_timeout(self, method: str, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `timeout_seconds`, then close unanswered."""
        with self._lock:
            self._queued[method].extend([Fault(FaultKind.TIMEOUT)] * times)

    def accept_then_drop(self, method: str, times: int = 1) -> None:
        """Let the next `times` calls of `method` take effect, then drop the connection.

        The caller cannot know whether the call worked: the case outbox reconciliation is for.
        """
        with self._lock:
            self._queued[method].extend([Fault(FaultKind.DROP)] * times)

    def clear(self) -> None:
        """Remove every fault: Slack is healthy again."""
        with self._lock:
            self._error_rate = 0.0
            self._timeout_rate = 0.0
            self._latency = 0.0
            self._methods = None
            self._random = random.Random()
            self._queued: dict[str, deque[Fault]] = defaultdict(deque)

    def draw(self, method: str) -> tuple[Fault | None, float]:
        """Return the fault for one call of `method` (or None) and the latency to add."""
        with self._lock:
            if self._queued[method]:
                return self._queued[method].popleft(), 0.0
            if self._methods is not None and method not in self._methods:
                return None, 0.0
            roll = self._random.random()
            if roll < self._error_rate:
                return self._random.choice(RANDOM_ERRORS), self._latency
            if roll < self._error_rate + self._timeout_rate:
                return Fault(FaultKind.TIMEOUT), self._latency
            return None, self._latency
