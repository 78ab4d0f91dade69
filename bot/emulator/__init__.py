"""A local Slack for tests and the demo: a Web API server plus a driver that plays Slack to the bot.

See `SlackEmulator` for the workspace and what tests read, `SlackDriver` for what people do,
`SocketMode` for Slack's end of a Socket Mode connection (`emu.socket_mode`).
"""

from bot.emulator.emulator import DEFAULT_SCOPES, SlackEmulator
from bot.emulator.people.driver import Posted, SlackDriver
from bot.emulator.socket_mode.server import SocketMode
from bot.emulator.state.models import Call, Channel, Ephemeral, Message, ResponsePost, User, View
from bot.emulator.to_bot.sender import Delivery, Reply

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
