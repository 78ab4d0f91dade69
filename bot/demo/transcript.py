"""A chat transcript of what people see in the emulator, printed as the demo plays.

Lines read like a chat client: site time, where it happened, who said it, what they read.
Colours on a terminal, plain text when piped (rich decides).
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.emulator import SlackEmulator

_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


def mrkdwn_to_text(mrkdwn: str, style: str) -> Text:
    """Return Slack mrkdwn as rich Text: `*bold*` in bold, everything else as written."""
    text = Text(style=style)
    position = 0
    for match in _BOLD.finditer(mrkdwn):
        text.append(mrkdwn[position : match.start()])
        text.append(match.group(1), style="bold")
        position = match.end()
    text.append(mrkdwn[position:])
    return text


class Transcript:
    """Prints people's actions and then whatever became visible in Slack since the last look."""

    def __init__(self, slack: SlackEmulator, console: Console, timezone: str) -> None:
        self.slack = slack
        self.console = console
        self.zone = ZoneInfo(timezone)
        self.channels: list[str] = []  # the conversations whose messages the transcript follows
        self._seen: set[tuple[str, str, str]] = set()

    def narrate(self, text: str) -> None:
        """Print a line of stage direction."""
        self.console.print()
        self.console.print(Text(text, style="bold"))

    def person(self, user: str, where: str, text: str, at: datetime) -> None:
        """Print what a person typed."""
        self._line(at, where, self._name(user), text, "cyan")

    def system(self, text: str, at: datetime) -> None:
        """Print something that happened outside the chat (an HTTP answer, a health check)."""
        self._line(at, "", "", text, "dim")

    def show_new(self, at: datetime) -> None:
        """Print every message, private answer and Home tab that appeared since the last call."""
        self.slack.wait_idle()
        for channel in self.channels:
            for message in self.slack.messages(channel):
                if self._first_time("message", channel, message.ts):
                    who = "siteloop" if message.bot_id else self._name(message.user or "")
                    self._line(at, self._where(channel), who, message.rendered, "green")
        for ephemeral in self.slack.ephemerals():
            if self._first_time("ephemeral", ephemeral.channel, ephemeral.ts):
                reader = self._name(ephemeral.recipient)
                where = f"{self._where(ephemeral.channel)} (only {reader} sees)"
                self._line(at, where, "siteloop", ephemeral.rendered, "green")
        for view in self.slack.views():
            if self._first_time("view", view.id, str(view.payload.get("hash", ""))):
                self._line(
                    at, f"{self._name(view.user)}'s Home tab", "siteloop", view.rendered, "green"
                )

    def _first_time(self, *key: str) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _where(self, channel: str) -> str:
        info = self.slack.channel_info(channel)
        if info is None:
            return channel
        return f"DM with {self._name(info.im_user)}" if info.is_im else f"#{info.name}"

    def _name(self, user: str) -> str:
        found = self.slack.user_info(user)
        return (found.real_name or found.name) if found is not None else user

    def _line(self, at: datetime, where: str, who: str, text: str, style: str) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        heading = Text(f"{who}", style=f"bold {style}") if who else Text()
        if where:
            heading.append(f"  {where}", style="dim")
        body = mrkdwn_to_text(text.strip(), style if style == "dim" else "")
        cell = Text.assemble(heading, "\n", body) if who or where else body
        grid.add_row(at.astimezone(self.zone).strftime("%H:%M"), cell)
        self.console.print(grid)
