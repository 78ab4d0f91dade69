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

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
EMOJI = {
    "white_check_mark": "✅",
    "hourglass_flowing_sand": "⏳",
    "warning": "⚠️",
    "rotating_light": "🚨",
    "memo": "📝",
    "construction": "🚧",
    "no_entry": "⛔",
    "+1": "👍",
    "eyes": "👀",
    "bell": "🔔",
    "moneybag": "💰",
}
# Long bot messages (cards) are shown by their first lines and their buttons.
_SHOWN_LINES = 4
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
        self._seen: set[tuple[str, ...]] = set()

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

    def where(self, channel: str) -> str:
        """Return how people call a conversation: `#tower-a`, `DM with Ann`."""
        return self._where(channel)

    def seen(self, channel: str, ts: str) -> None:
        """Mark a message as printed already (what a person typed is shown as they type it)."""
        self._seen.add(("message", channel, ts))

    def show_new(self, at: datetime) -> None:
        """Print every message, private answer and Home tab that appeared since the last call."""
        self.slack.wait_idle()
        for channel in self.channels:
            for message in self.slack.messages(channel):
                self._show_message(at, channel, message, self._where(channel))
                if message.reply_count:
                    for reply in self.slack.thread(channel, message.ts)[1:]:
                        self._show_message(at, channel, reply, f"{self._where(channel)} (thread)")
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

    def _show_message(self, at: datetime, channel: str, message, where: str) -> None:
        if self._first_time("message", channel, message.ts):
            who = "siteloop" if message.bot_id else self._name(message.user or "")
            text = _compact(message.rendered) if message.bot_id else message.rendered
            if message.files:  # a shared file shows by its name and size, as a client shows it
                text = "\n".join(
                    [line for line in text.splitlines() if not line.startswith("[file: ")]
                    + [_file_line(f) for f in message.files]
                )
            self._line(at, where, who, text, "green" if message.bot_id else "cyan")

    def _readable(self, text: str) -> str:
        """Return Slack's markup as a person's client shows it: names, channels, emoji."""
        text = _USER.sub(lambda m: f"@{self._name(m.group(1))}", text)
        text = _CHANNEL.sub(lambda m: f"#{m.group(2) or self._where(m.group(1)).lstrip('#')}", text)
        return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)

    def _first_time(self, *key: str) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _where(self, channel: str) -> str:
        info = self.slack.channel_info(channel)
        if info is None:
            return channel
        if info.is_im and info.im_user is not None:
            return f"DM with {self._name(info.im_user)}"
        return f"#{info.name}"

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
        body = mrkdwn_to_text(self._readable(text.strip()), style if style == "dim" else "")
        cell = Text.assemble(heading, "\n", body) if who or where else body
        grid.add_row(at.astimezone(self.zone).strftime("%H:%M"), cell)
        self.console.print(grid)


def _file_line(shared: dict) -> str:
    size = shared.get("size") or 0
    return f"📎 {shared.get('name')} · {shared.get('title')} · {size / 1024:.0f} KB"


def _compact(rendered: str) -> str:
    """Return a long card (a message with buttons) as its first lines and its buttons, like a
    collapsed card."""
    lines = [line for line in rendered.splitlines() if line.strip()]
    buttons = lines[-1] if lines and lines[-1].startswith("[") else ""
    if len(lines) <= _SHOWN_LINES + 1 or not buttons:  # a digest is read in full
        return "\n".join(lines)
    return "\n".join([*lines[:_SHOWN_LINES], "…", buttons])
