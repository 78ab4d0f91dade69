"""What a listener answers a person: a private reply, or a refusal that says what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.text import EDIT_TEXT_LIMIT, clip


@dataclass(frozen=True)
class Answer:
    """A reply shown only to the person who asked (an ephemeral message)."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_ack(self) -> dict:
        """Return the keyword arguments for Bolt's `ack()` that show this answer privately."""
        blocks = self.blocks or [SectionBlock(text=MarkdownTextObject(text=clip(self.text)))]
        return {
            "text": clip(self.text, EDIT_TEXT_LIMIT),
            "blocks": blocks,
            "response_type": "ephemeral",
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the answer as JSON-ready data, to be kept and shown again (`from_dict`)."""
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """Return the answer `to_dict` gave."""
        return cls(data["text"], Block.parse_all(data.get("blocks") or []))


class UserError(Exception):
    """The person's request can't be done as asked; the message tells them what to type."""

    def answer(self) -> Answer:
        """Return the refusal as a private answer."""
        return Answer(str(self))
