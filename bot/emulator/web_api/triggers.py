"""Short-lived interaction handles: trigger_ids (3 s, used once), response_urls (5 posts, 30 min).

Both take a monotonic time source so tests move time instead of sleeping.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.emulator.state.ids import IdSource
from bot.emulator.web_api.errors import ApiError

TRIGGER_LIFETIME = 3.0
RESPONSE_URL_POSTS = 5
RESPONSE_URL_LIFETIME = 30 * 60.0


@dataclass
class Trigger:
    """A trigger_id Slack handed the bot with an interaction, to open a modal for `user`."""

    id: str
    user: str
    issued: float
    used: bool = False


class Triggers:
    """Issue trigger_ids and exchange them once for a modal, within 3 seconds."""

    def __init__(self, ids: IdSource, team_id: str, monotonic: Callable[[], float]) -> None:
        self._ids = ids
        self._team_id = team_id
        self._monotonic = monotonic
        self._triggers: dict[str, Trigger] = {}
        self._lock = threading.Lock()

    def issue(self, user: str) -> str:
        """Return a fresh trigger_id for an interaction by `user`."""
        trigger = Trigger(self._ids.trigger_id(self._team_id), user, self._monotonic())
        with self._lock:
            self._triggers[trigger.id] = trigger
        return trigger.id

    def exchange(self, trigger_id: str | None) -> Trigger:
        """Use a trigger_id, or raise Slack's error: invalid, already exchanged, or expired."""
        with self._lock:
            trigger = self._triggers.get(trigger_id or "")
            if trigger is None:
                raise ApiError("invalid_trigger_id")
            if trigger.used:
                raise ApiError("exchanged_trigger_id")
            if self._monotonic() - trigger.issued > TRIGGER_LIFETIME:
                raise ApiError("expired_trigger_id")
            trigger.used = True
            return trigger


@dataclass
class ResponseUrl:
    """A response_url: where it posts, who sees ephemeral answers, what it can replace."""

    id: str
    channel: str
    user: str
    issued: float
    source_ts: str | None = None
    source_ephemeral: bool = False
    posts: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class ResponseUrlRejected(Exception):
    """A response_url post Slack refuses: `used_url`, `expired_url` or `no_service`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ResponseUrls:
    """Issue response_urls and admit at most 5 posts to each within 30 minutes."""

    def __init__(self, ids: IdSource, monotonic: Callable[[], float]) -> None:
        self._ids = ids
        self._monotonic = monotonic
        self._urls: dict[str, ResponseUrl] = {}
        self._lock = threading.Lock()

    def issue(
        self, channel: str, user: str, source_ts: str | None = None, ephemeral: bool = False
    ) -> ResponseUrl:
        """Return a new response_url for an interaction of `user` in `channel`."""
        url = ResponseUrl(
            self._ids.secret(), channel, user, self._monotonic(), source_ts, ephemeral
        )
        with self._lock:
            self._urls[url.id] = url
        return url

    def admit(self, url_id: str) -> ResponseUrl:
        """Count one post to `url_id`, or raise ResponseUrlRejected with Slack's reason."""
        with self._lock:
            url = self._urls.get(url_id)
            if url is None:
                raise ResponseUrlRejected("no_service")
            if self._monotonic() - url.issued > RESPONSE_URL_LIFETIME:
                raise ResponseUrlRejected("expired_url")
            if url.posts >= RESPONSE_URL_POSTS:
                raise ResponseUrlRejected("used_url")
            url.posts += 1
            return url
