"""Slack's rate limits: per-method tiers and chat.postMessage pacing per channel (pure, time given).

Tiers 1–4 allow 1/20/50/100 calls a minute per method (the documented floor; Slack tolerates
short bursts above it, the emulator does not, so a bot that passes here has margin). Posting
is paced per channel at about one message a second with a small burst. Over a limit Slack
answers HTTP 429 with `Retry-After: <seconds>`.
"""

import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
# auth.test "allows hundreds of requests per minute" (special tier). apps.connections.open is
# Tier 1, yet Slack lets a Socket Mode client reconnect after every refresh it asks for; a few
# a minute allows that and still catches a reconnect loop.
SPECIAL_PER_MINUTE = {"auth.test": 600, "apps.connections.open": 10}
METHOD_TIERS = {
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "chat.getPermalink": 4,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "users.info": 4,
    "views.open": 4,
    "views.update": 4,
    "views.publish": 4,
    "views.push": 4,
    "reactions.add": 3,
    "reactions.remove": 3,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}
# chat.postMessage has no tier: it is paced per channel instead.
PACED_METHODS = frozenset({"chat.postMessage"})


@dataclass
class TokenBucket:
    """A bucket that refills `rate` tokens a second up to `capacity`; a call takes one."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    def take(self, now: float) -> float | None:
        """Take a token; return None on success or the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


class RateLimiter:
    """Decide whether a call is over Slack's limits, given a monotonic time source.

    `enabled` can be switched off by tests that are not about rate limits.
    """

    def __init__(
        self,
        monotonic: Callable[[], float],
        enabled: bool = True,
        per_channel_rate: float = 1.0,
        per_channel_burst: int = 3,
    ) -> None:
        self.enabled = enabled
        self.per_channel_rate = per_channel_rate
        self.per_channel_burst = per_channel_burst
        self._monotonic = monotonic
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    @staticmethod
    def per_minute(method: str) -> int | None:
        """Return the calls a minute `method` allows, or None when it is not tiered."""
        if method in PACED_METHODS:
            return None
        if method in SPECIAL_PER_MINUTE:
            return SPECIAL_PER_MINUTE[method]
        return TIER_PER_MINUTE[METHOD_TIERS.get(method, 3)]

    def check(self, method: str, channel: str | None = None) -> int | None:
        """Count a call; return None if allowed, else the `Retry-After` seconds (≥ 1).

        A refused call is not counted, as with Slack: waiting `Retry-After` is enough.
        """
        if not self.enabled:
            return None
        now = self._monotonic()
        with self._lock:
            wait = self._window_wait(method, now)
            if wait is None and method in PACED_METHODS and channel:
                wait = self._bucket(channel, now).take(now)
            if wait is None:
                self._calls[method].append(now)
                return None
        return max(1, math.ceil(wait))

    def _window_wait(self, method: str, now: float) -> float | None:
        """Return the seconds until `method`'s minute window has room, or None if it has."""
        limit = self.per_minute(method)
        if limit is None:
            return None
        calls = self._calls[method]
        while calls and calls[0] <= now - WINDOW_SECONDS:
            calls.popleft()
        if len(calls) < limit:
            return None
        return calls[0] + WINDOW_SECONDS - now

    def _bucket(self, channel: str, now: float) -> TokenBucket:
        """Return the posting bucket of `channel`, full when first used."""
        if channel not in self._buckets:
            burst = float(self.per_channel_burst)
            self._buckets[channel] = TokenBucket(burst, self.per_channel_rate, burst, now)
        return self._buckets[channel]

    def reset(self) -> None:
        """Forget every counted call (a fresh minute everywhere)."""
        with self._lock:
            self._calls.clear()
            self._buckets.clear()
