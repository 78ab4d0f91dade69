"""The help message: what siteloop does and the commands a person can use."""

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.command_usage import CATALOGUE

INTRO = (
    "siteloop closes the loop between the site and the office: crews report progress here in "
    "Slack, siteloop watches for work that stalls, slips or runs over budget, and follows up "
    "with the right person until it is resolved."
)


def help_text() -> str:
    """Return the help as plain text (the notification fallback and for screen readers)."""
    lines = [INTRO, "", "Commands:"]
    lines += [f"• {entry.example} — {entry.summary}" for entry in CATALOGUE]
    return "\n".join(lines)


def help_blocks() -> list[Block]:
    """Return the help as Block Kit blocks."""
    commands = "\n".join(f"• `{entry.example}` — {entry.summary}" for entry in CATALOGUE)
    return [
        HeaderBlock(text="siteloop help"),
        SectionBlock(text=MarkdownTextObject(text=INTRO)),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=f"*Commands*\n{commands}")),
        ContextBlock(
            elements=[MarkdownTextObject(text="Type `/siteloop help` any time to see this again.")]
        ),
    ]
