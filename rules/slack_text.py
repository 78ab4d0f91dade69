"""Slack's text format, both ways: what a person meant, and how siteloop writes it back.

Slack delivers typed text (commands, messages) escaped — `&amp;`, `&lt;`, `&gt;` — with its
control sequences in angle brackets: `<@U1|ann>`, `<#C1|general>`, `<!channel>`,
`<!subteam^S1|@crew>`, `<https://…|label>`. siteloop stores what the person meant (`plain`)
and escapes it exactly once where it is shown (`mrkdwn`), so nothing a person typed ever
becomes a broadcast, a mention or a disguised link in what siteloop posts.
"""

import re

# One pass over both, so an escape is undone once: `&amp;lt;` is the four characters `&lt;`.
_SLACK_TEXT = re.compile(r"<(?P<sequence>[^<>]*)>|&(?P<entity>amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_USER_MENTION = re.compile(r"@[UW][A-Z0-9]+(?:\|[^<>]*)?")


def plain(text: str, *, keep_mentions: bool = False) -> str:
    """Return what the person meant by `text` as Slack delivered it.

    Entities are undone; control sequences become the text a person reads: `<!channel>` →
    `@channel`, `<@U1|ann>` → `@ann`, `<#C1|general>` → `#general`, `<https://x|click>` →
    `click (https://x)`. With `keep_mentions` user mentions stay `<@U1|ann>`, for the commands
    that name a person.
    """

    def meant(match: re.Match[str]) -> str:
        sequence = match.group("sequence")
        if sequence is None:
            return _ENTITIES[match.group("entity")]
        if keep_mentions and _USER_MENTION.fullmatch(sequence):
            return match.group()
        return _sequence_text(sequence)

    return _SLACK_TEXT.sub(meant, text)


def _sequence_text(sequence: str) -> str:
    """Return what a control sequence's reader sees (its inner text, without the brackets)."""
    target, _, label = (_entities_undone(part) for part in sequence.partition("|"))
    if target.startswith(("@", "#")):
        return target[0] + (label or target[1:])
    if target.startswith("!"):
        name = target[1:].split("^")[0]
        if label:
            return label if name == "date" or label.startswith("@") else f"@{label}"
        return f"@{name}"
    if label and label != target:
        return f"{label} ({target})"
    return target


def _entities_undone(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda match: _ENTITIES[match.group(1)], text)


def mrkdwn(text: str) -> str:
    """Return `text` as Slack's message format shows it literally: `&`, `<`, `>` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
