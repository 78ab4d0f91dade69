"""The card's modals: Update… (percent, quantity, cost, note) and Blocked… (the reason) (pure).

Each modal carries where it came from in `private_metadata` (`ModalOrigin`), so its
submission is recorded on the right task and its answers go to the card's channel. Inputs
are plain text, read with the same grammar as `/update`; a bad value is shown under its
input (`errors`, keyed by the block ids below).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import MODAL_TITLE_LIMIT, SECTION_LIMIT, clip
from rules.slack_text import mrkdwn

UPDATE_MODAL = "task_update_modal"
BLOCKED_MODAL = "task_blocked_modal"
MODALS = (UPDATE_MODAL, BLOCKED_MODAL)

# Block ids (= the keys of Slack's `errors`) and the action id of each block's input.
PERCENT = "percent"
QUANTITY = "quantity"
COST = "cost"
NOTE = "note"
REASON = "reason"
INPUT = "value"

NOTE_LIMIT = 3000


@dataclass(frozen=True)
class ModalOrigin:
    """The task a modal is about and the card it was opened from."""

    task_id: int
    channel: str
    message_ts: str

    def dump(self) -> str:
        """Return the origin as `private_metadata`."""
        return json.dumps({"task": self.task_id, "channel": self.channel, "ts": self.message_ts})

    @classmethod
    def load(cls, metadata: str | None) -> ModalOrigin | None:
        """Return the origin in `private_metadata`, or None when it is not one of ours."""
        try:
            data = json.loads(metadata or "")
            origin = cls(int(data["task"]), str(data["channel"]), str(data["ts"]))
        except (ValueError, TypeError, KeyError):
            return None
        return origin if origin.task_id > 0 else None


def update_modal(key: str, title: str, unit: str | None, origin: ModalOrigin) -> View:
    """Return the Update… modal for task `key`."""
    quantity_label = f"Quantity installed ({unit})" if unit else "Quantity installed"
    return View(
        type="modal",
        callback_id=UPDATE_MODAL,
        private_metadata=origin.dump(),
        title=clip(f"Update {key}", MODAL_TITLE_LIMIT),
        submit="Record",
        close="Cancel",
        blocks=[
            _about(key, title),
            _input(PERCENT, "Percent complete", "60%", optional=True),
            _input(QUANTITY, quantity_label, f"12 {unit or 'm3'}", optional=True),
            _input(COST, "Cost to add", "1500", optional=True),
            _input(NOTE, "Note", "formwork done, pump on site", optional=True, multiline=True),
        ],
    )


def blocked_modal(key: str, title: str, origin: ModalOrigin) -> View:
    """Return the Blocked… modal for task `key`."""
    return View(
        type="modal",
        callback_id=BLOCKED_MODAL,
        private_metadata=origin.dump(),
        title=clip(f"Blocked {key}", MODAL_TITLE_LIMIT),
        submit="Record",
        close="Cancel",
        blocks=[
            _about(key, title),
            _input(REASON, "What is blocking it?", "waiting for rebar delivery", multiline=True),
        ],
    )


def _about(key: str, title: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(f"*{key}* {mrkdwn(title)}", SECTION_LIMIT))]
    )


def _input(
    block_id: str, label: str, example: str, *, optional: bool = False, multiline: bool = False
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        element=PlainTextInputElement(
            action_id=INPUT,
            placeholder=f"e.g. {example}",
            multiline=multiline,
            max_length=NOTE_LIMIT if multiline else 100,
        ),
    )
