"""What a Web API method handler works with, and Slack's rules for reading its arguments."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.emulator.state.models import Channel, Message, Team
from bot.emulator.state.workspace import Workspace
from bot.emulator.to_bot import envelopes
from bot.emulator.to_bot.sender import EventQueue
from bot.emulator.web_api.errors import ApiError
from bot.emulator.web_api.triggers import ResponseUrls, Triggers

if TYPE_CHECKING:
    from bot.emulator.socket_mode.server import SocketMode

Args = dict[str, Any]


@dataclass
class ApiContext:
    """The workspace plus the services a handler needs; one per emulator."""

    ws: Workspace
    triggers: Triggers
    response_urls: ResponseUrls
    queue: EventQueue
    server_root: Callable[[], str]
    socket_mode: "SocketMode | None" = None

    @property
    def team(self) -> Team:
        """Return the workspace's Team."""
        return self.ws.team

    def require_scope(self, scope: str) -> None:
        """Raise Slack's `missing_scope` unless the app was granted `scope`."""
        if scope not in self.team.scopes:
            raise ApiError("missing_scope", needed=scope, provided=",".join(self.team.scopes))

    def emit(self, event: dict[str, Any]) -> None:
        """Queue an event for the bot, wrapped in an envelope, as Slack sends it after the call."""
        envelope = envelopes.event_envelope(
            self.team, event, self.ws.ids.event_id(), self.ws.ts.now_seconds()
        )
        self.queue.put(envelope)

    def emit_new_message(self, message: Message, channel: Channel) -> None:
        """Tell the bot about a new message, if it is in the channel (Slack sends nothing else)."""
        if channel.bot_is_member:
            root = self.ws.root_of(message) if message.subtype == "thread_broadcast" else None
            self.emit(envelopes.message_event(message, channel, root))

    def visible_channel(self, ref: str | None) -> Channel:
        """Return the conversation `ref` as the bot can see it, or raise Slack's error.

        Slack hides private channels (and DMs) the bot is not in (`channel_not_found`) but
        admits that public ones exist (`not_in_channel`).
        """
        channel = self.ws.channel(ref)
        if channel is None or (channel.private and not channel.bot_is_member):
            raise ApiError("channel_not_found")
        if not channel.bot_is_member:
            raise ApiError("not_in_channel")
        return channel


def require(args: Args, name: str, error: str = "invalid_arguments") -> Any:
    """Return a required argument, or raise `error` when it is missing or empty."""
    value = args.get(name)
    if value in (None, ""):
        raise ApiError(error)
    return value


def flag(args: Args, name: str) -> bool:
    """Return a boolean argument; form bodies carry `1`/`0` or `true`/`false`."""
    value = args.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def structured(args: Args, name: str, error: str) -> Any:
    """Return a JSON argument (blocks, view, metadata): a list/dict, or a JSON string in forms."""
    value = args.get(name)
    if isinstance(value, str):
        if value.strip() == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(error) from None
    return value


def integer(args: Args, name: str, default: int, error: str = "invalid_arguments") -> int:
    """Return an integer argument (forms carry strings), or `default` when absent."""
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(error) from None
