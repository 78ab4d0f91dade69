"""What the people's driver needs of the emulated Slack it plays towards the bot.

`bot.emulator.SlackEmulator` is one; the driver depends on this description rather than on the
emulator that creates it, so neither imports the other.
"""

from __future__ import annotations

from typing import Protocol

from bot.emulator.state.workspace import Workspace
from bot.emulator.to_bot.sender import Deliverer
from bot.emulator.web_api.context import ApiContext
from bot.emulator.web_api.triggers import ResponseUrls, Triggers


class Slack(Protocol):
    """The emulator's parts a person's client reaches: its state, the Web API's handles
    (trigger_ids, response_urls), and the sender that delivers requests to the bot."""

    ctx: ApiContext
    deliverer: Deliverer
    triggers: Triggers
    response_urls: ResponseUrls
    workspace: Workspace

    def server_root(self) -> str: ...
