"""What people read in everything the bot sent, and what in it could ping or mislead them.

Written apart from siteloop's own escaping (`rules.slack_text`), so the tests check it rather
than repeat it: this is how Slack's clients show mrkdwn, per the message formatting reference.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

SENDING_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.")
_SEQUENCE = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_CHARACTERS = {"amp": "&", "lt": "<", "gt": ">"}


def bot_payloads(slack) -> list[dict[str, Any]]:
    """Return every message and view the bot sent: Web API calls, response_url posts, acks."""
    calls = [call.args for call in slack.calls() if call.method.startswith(SENDING_METHODS)]
    answers = [post.body for post in slack.response_posts]
    acks = [
        {"text": e.text, "blocks": e.blocks}
        for e in slack.ephemerals()
        if e.source == "command_ack"
    ]
    return calls + answers + acks


def formatted_texts(payload: Any, mrkdwn: bool = True) -> Iterator[tuple[str, bool]]:
    """Yield every text in a payload with whether Slack reads it as mrkdwn."""
    if isinstance(payload, dict):
        kind = payload.get("type")
        for key, value in payload.items():
            if key == "text" and isinstance(value, str):
                yield value, kind != "plain_text" and mrkdwn
            elif key in ("blocks", "view", "text", "fields", "elements", "accessory"):
                yield from formatted_texts(value, mrkdwn)
    elif isinstance(payload, list):
        for item in payload:
            yield from formatted_texts(item, mrkdwn)
    elif isinstance(payload, str) and payload.startswith(("{", "[")):
        yield from formatted_texts(json.loads(payload), mrkdwn)  # blocks sent form-encoded


def sequences(slack) -> list[str]:
    """Return every control sequence (`<!here>`, `<@U1>`, `<http://…|…>`) the bot sent."""
    return [
        match.group(1)
        for payload in bot_payloads(slack)
        for text, is_mrkdwn in formatted_texts(payload)
        if is_mrkdwn
        for match in _SEQUENCE.finditer(text)
    ]


def read(text: str, is_mrkdwn: bool = True) -> str:
    """Return what a person reads for `text`: sequences shown by their label, entities undone."""
    if not is_mrkdwn:
        return text

    def shown(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        return label or target

    return _ENTITY.sub(lambda m: _CHARACTERS[m.group(1)], _SEQUENCE.sub(shown, text))


def everything_read(slack) -> list[str]:
    """Return every text of every payload the bot sent, as people read it."""
    return [
        read(text, is_mrkdwn)
        for payload in bot_payloads(slack)
        for text, is_mrkdwn in formatted_texts(payload)
    ]
