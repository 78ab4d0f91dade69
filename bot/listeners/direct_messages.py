"""`message` events: a person writing to the bot directly gets pointed at the commands.

Channel posts are not captured yet; the bot's own messages never reach here (Bolt drops events
the bot caused itself), and other bots' messages and edits are deliberately left alone.
"""

from bot.blocks.help import help_blocks, help_text


def handle(*, event, say, **_) -> None:
    """Reply to a person's direct message with the help."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    say(text=help_text(), blocks=help_blocks())
