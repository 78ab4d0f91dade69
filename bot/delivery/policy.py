"""When to try again and how fast to post (pure: every answer is computed from the times given).

- `Backoff` decides the next attempt after a failure: exponential with full jitter, capped,
  never sooner than Slack's `Retry-After`, and giving up once a message is a day old.
- `Pacer` keeps posts to one conversation at most one a second and holds back a channel or a
  method Slack rate-limited until its `Retry-After` has passed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.errors import DeliveryError, OutcomeUnknown, RateLimited


@dataclass(frozen=True)
class Retry:
    """Try again at `at`."""

    at: datetime
    reason: str
    outcome_unknown: bool = False


@dataclass(frozen=True)
class GiveUp:
    """Mark the message failed for good, with `reason` for admins."""

    reason: str


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter (a uniform draw up to the ceiling), capped.

    base: the ceiling of the first retry's delay; it doubles with each attempt.
    cap: the largest delay ever drawn.
    floor: the smallest delay, so a zero draw never retries in a tight loop.
    give_up_after: how long after a message was queued the next failure is its last…
    min_attempts: …provided it had at least this many attempts (a resent message gets a chance).
    """

    base: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=10)
    floor: timedelta = timedelta(seconds=1)
    give_up_after: timedelta = timedelta(days=1)
    min_attempts: int = 3

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """Return the wait before the retry that follows `attempts` earlier failed attempts."""
        ceiling = min(self.cap.total_seconds(), self.base.total_seconds() * 2 ** min(attempts, 32))
        return max(self.floor, timedelta(seconds=rng.uniform(0, ceiling)))

    def after_failure(
        self,
        error: DeliveryError,
        *,
        attempts: int,
        queued_at: datetime,
        now: datetime,
        rng: random.Random,
    ) -> Retry | GiveUp:
        """Return what to do after an attempt failed with `error`.

        1. Permanent errors give up at once.
        2. A message queued `give_up_after` ago gives up once it had `min_attempts` attempts.
        3. Otherwise retry after the backoff delay, or after `Retry-After` if that is longer.

        attempts: failed attempts before this one (the row's `attempts`).
        queued_at: when the message was queued (the row's `created_at`).
        """
        if error.permanent:
            return GiveUp(error.reason)
        tried = attempts + 1
        if now - queued_at >= self.give_up_after and tried >= self.min_attempts:
            age = _hours(now - queued_at)
            return GiveUp(f"gave up after {tried} attempts over {age}: {error.reason}")
        wait = self.delay(attempts, rng)
        if error.retry_after is not None:
            wait = max(wait, timedelta(seconds=error.retry_after))
        return Retry(now + wait, error.reason, outcome_unknown=isinstance(error, OutcomeUnknown))


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{span.total_seconds() / 60:.0f} min"


class Pacer:
    """Per-conversation posting pace and rate-limit pauses, given the times (not thread-safe).

    Posting (chat.postMessage) to a conversation makes it busy for `interval`. Everything the
    outbox sends to a busy conversation waits, which keeps each conversation's messages in order.
    A 429 on chat.postMessage pauses that conversation; a 429 on any other method pauses the
    method everywhere (its tier is workspace-wide), both until `Retry-After` has passed.
    """

    PACED_METHODS = frozenset({"chat.postMessage"})

    def __init__(self, interval: timedelta = timedelta(seconds=1)) -> None:
        self.interval = interval
        self._target_free_at: dict[str, datetime] = {}
        self._method_free_at: dict[str, datetime] = {}

    def busy_targets(self, now: datetime) -> set[str]:
        """Return the conversations nothing may be sent to at `now`."""
        return {target for target, free in self._target_free_at.items() if free > now}

    def method_free_at(self, method: str, now: datetime) -> datetime | None:
        """Return when `method` may be called again, or None if it may be called at `now`."""
        free = self._method_free_at.get(method)
        return free if free is not None and free > now else None

    def sent(self, target: str, method: str, now: datetime) -> None:
        """Note a call of `method` to `target` at `now` (posts make the conversation busy)."""
        if method in self.PACED_METHODS:
            self._hold(self._target_free_at, target, now + self.interval)

    def rate_limited(self, target: str, error: RateLimited, method: str, now: datetime) -> None:
        """Note a 429 for `method` on `target`: pause the conversation (posts) or the method."""
        until = now + timedelta(seconds=error.retry_after or 0)
        if method in self.PACED_METHODS:
            self._hold(self._target_free_at, target, max(until, now + self.interval))
        else:
            self._hold(self._method_free_at, method, until)

    def next_free(self, now: datetime) -> datetime | None:
        """Return the earliest moment after `now` at which a held conversation or method frees."""
        later = [
            free
            for free in (*self._target_free_at.values(), *self._method_free_at.values())
            if free > now
        ]
        self._forget(now)
        return min(later, default=None)

    @staticmethod
    def _hold(holds: dict[str, datetime], key: str, until: datetime) -> None:
        holds[key] = max(until, holds.get(key, until))

    def _forget(self, now: datetime) -> None:
        """Drop holds that have passed, so the maps stay as small as the busy set."""
        for holds in (self._target_free_at, self._method_free_at):
            for key in [key for key, free in holds.items() if free <= now]:
                del holds[key]
