"""`/siteloop …`: help, and (as the product grows) project administration."""

from bot.blocks.help import help_blocks, help_text


def handle(*, ack, command, **_) -> None:
    """Answer `/siteloop help` (or a bare `/siteloop`) with the help, privately."""
    words = (command.get("text") or "").split()
    subcommand = words[0].lower() if words else "help"
    if subcommand == "help":
        ack(text=help_text(), blocks=help_blocks(), response_type="ephemeral")
        return
    shown = " ".join(words)[:60]
    note = f"I don't know `/siteloop {shown}`. Here is what you can type:"
    ack(
        text=f"{note}\n{help_text()}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": note}}, *help_blocks()],
        response_type="ephemeral",
    )
