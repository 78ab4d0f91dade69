"""A local Slack for tests and the demo: a Web API server plus a driver that plays Slack to the bot.

See `SlackEmulator` for the workspace and what tests read, `SlackDriver` for what people do,
`SocketMode` for Slack's end of a Socket Mode connection (`emu.socket_mode`).
"""

from bot.emulator.delivery import Delivery, Reply
from bot.emulator.driver import Posted, SlackDriver
from bot.emulator.emulator import DEFAULT_SCOPES, SlackEmulator
from bot.emulator.models import Call, Channel, Ephemeral, Message, ResponsePost, User, View
from bot.emulator.socket_mode import SocketMode

__all__ = [
    "DEFAULT_SCOPES",
    "Call",
    "Channel",
    "Delivery",
    "Ephemeral",
    "Message",
    "Posted",
    "Reply",
    "ResponsePost",
    "SlackDriver",
    "SlackEmulator",
    "SocketMode",
    "User",
    "View",
]
