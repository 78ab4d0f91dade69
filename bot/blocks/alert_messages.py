"""Follow-ups and escalation messages as Block Kit, and their later edits (pure).

A rule's notification is laid out one of two ways, by whom it is for:

- **Follow-up** — for the person doing the work (the assignee) or the whole channel: what is
  wrong in numbers, how to answer (reply in the thread), and buttons Update… · Blocked…
  that open the card's forms.
- **Escalation** — for a crew lead, the managers or a named person: the same facts, where the
  task's thread is (with the follow-ups that went unanswered, filled in at delivery:
  `with_history`), and Acknowledge · Snooze (1 h / 4 h / until tomorrow's start) · Reassign….

Why plain dicts here and not `slack_sdk.models`: the rule tick composes every message it
queues inside its transaction, up to thousands per tick, and slack_sdk's validating
`to_dict()` costs ~0.3 ms a message — thirty times these builders. Every text is clipped to
Slack's limits here instead, and the tests parse each layout with slack_sdk's models (which
validate) and post it to the emulator (which refuses what Slack refuses).

Buttons carry the alert id as their value; the message they sit on is what the listener
trusts (`bot.services.alert_actions`), so a stale or tampered value changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.text import FIELD_LIMIT, SECTION_LIMIT, clip

# Action ids (namespaced `alert_`: other surfaces have their own).
UPDATE = "alert_update"
BLOCKED = "alert_blocked"
ACK = "alert_ack"
SNOOZE = "alert_snooze"
REASSIGN = "alert_reassign"
FOLLOW_UP_ACTIONS = (UPDATE, BLOCKED)
ESCALATION_ACTIONS = (ACK, SNOOZE, REASSIGN)
ACTIONS = FOLLOW_UP_ACTIONS + ESCALATION_ACTIONS

# Block ids of the parts later steps replace.
FOLLOW_UP_BUTTONS = "alert_follow_up_actions"
ESCALATION_BUTTONS = "alert_escalation_actions"
HISTORY = "alert_history"
OUTCOME = "alert_outcome"

# Message metadata naming the alert (the dispatcher adds the outbox id to its payload).
METADATA_TYPE = "siteloop_alert"

# Snooze choices: option value → label.
SNOOZE_1H = "1h"
SNOOZE_4H = "4h"
SNOOZE_TOMORROW = "tomorrow"
SNOOZE_CHOICES = {
    SNOOZE_1H: "1 hour",
    SNOOZE_4H: "4 hours",
    SNOOZE_TOMORROW: "Until tomorrow's start",
}
MAX_FIELDS = 10  # per section
MAX_TOLD = 5  # earlier messages listed in an escalation's history


class Style(StrEnum):
    """How a notification is laid out: see the module docstring."""

    FOLLOW_UP = "follow_up"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class AlertMessage:
    """What one notification says, in parts (mrkdwn), for `alert_blocks`.

    `lead` names the people, the task and what is wrong; `numbers` are (label, value) pairs
    shown as fields; `how` says how to answer; `where` says where the task's thread is (for
    escalations, until the delivery fills in the history and the link).
    """

    alert_id: int
    style: Style
    lead: str
    numbers: tuple[tuple[str, str], ...] = ()
    how: str = ""
    where: str = ""
    task_id: int | None = None
    task_open: bool = True


def alert_blocks(message: AlertMessage) -> list[dict[str, Any]]:
    """Return the blocks of one notification (follow-up or escalation, see the module doc)."""
    blocks = [_section(message.lead)]
    if message.numbers:
        blocks.append(_fields(message.numbers))
    if message.style is Style.ESCALATION:
        blocks.append(_section(message.where or "—", block_id=HISTORY))
    if message.how:
        blocks.append(_context(message.how))
    buttons = _buttons(message)
    if buttons is not None:
        blocks.append(buttons)
    return blocks


def metadata(alert_id: int, audience: str, people: Sequence[str]) -> dict[str, Any]:
    """Return the message metadata of a notification: its alert, audience and people."""
    return {
        "event_type": METADATA_TYPE,
        "event_payload": {"alert_id": alert_id, "audience": audience, "people": list(people)},
    }


def alert_of(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the alert metadata a notification's outbox payload carries ({} if none)."""
    meta = (payload.get("args") or {}).get("metadata") or {}
    if meta.get("event_type") != METADATA_TYPE:
        return {}
    return meta.get("event_payload") or {}


def is_escalation(blocks: Sequence[Mapping[str, Any]]) -> bool:
    """Return whether the blocks are an escalation's (they have the history part)."""
    return any(block.get("block_id") == HISTORY for block in blocks)


def with_history(blocks: Sequence[Mapping[str, Any]], text: str) -> list[dict[str, Any]]:
    """Return `blocks` with the history part saying `text` (the follow-ups, the link)."""
    return [
        _section(text, block_id=HISTORY) if block.get("block_id") == HISTORY else dict(block)
        for block in blocks
    ]


def with_outcome(
    blocks: Sequence[Mapping[str, Any]], text: str, *, keep_buttons: bool
) -> list[dict[str, Any]]:
    """Return `blocks` showing who did what (`text`), replacing any earlier outcome line.

    The buttons go when nothing is left to do (acknowledged, reassigned, resolved); a snooze
    keeps them, so the reader can still acknowledge or reassign.
    """
    kept = [
        dict(block)
        for block in blocks
        if block.get("block_id") != OUTCOME
        and (keep_buttons or block.get("block_id") != ESCALATION_BUTTONS)
    ]
    outcome = _context(text, block_id=OUTCOME)
    last = kept[-1] if kept else None
    if last is not None and last.get("block_id") == ESCALATION_BUTTONS:
        return [*kept[:-1], outcome, last]
    return [*kept, outcome]


@dataclass(frozen=True)
class Told:
    """An earlier message about the alert: when it reached Slack and where ("in the thread")."""

    at: datetime
    where: str


@dataclass(frozen=True)
class History:
    """What an escalation's history part says, read at delivery.

    `told` are the alert's earlier messages, oldest first; `answered_at`/`answer` the last
    report that answered it (`answer` says who and what); `link` the task thread's permalink,
    else `channel` names where it is. Times show in `zone` (the reader's).
    """

    told: tuple[Told, ...]
    zone: ZoneInfo
    answered_at: datetime | None = None
    answer: str = ""
    link: str | None = None
    channel: str | None = None


def history_text(history: History) -> str:
    """Return an escalation's history part: the unanswered messages, the last answer, the link.

    "*Unanswered:* 2 messages — Wed 08:00 in the thread to <@U0CAM>, Wed 13:30 DM to
    <@U0BOB>." A message sent after the last answer is unanswered.
    """
    lines = []
    answered = history.answered_at
    unanswered = [t for t in history.told if answered is None or t.at > answered]
    if unanswered:
        count = len(unanswered)
        shown = [f"{_when(t.at, history.zone)} {t.where}" for t in unanswered[-MAX_TOLD:]]
        if count > MAX_TOLD:
            shown.insert(0, f"{count - MAX_TOLD} earlier")
        noun = "message" if count == 1 else "messages"
        lines.append(f"*Unanswered:* {count} {noun} — {', '.join(shown)}.")
    elif not history.told:
        lines.append("*First notice:* nobody was told before you.")
    if answered is not None:
        lines.append(f"*Last answer:* {_when(answered, history.zone)} {history.answer}".rstrip())
    if history.link:
        lines.append(f"<{history.link}|Open the task's thread>")
    elif history.channel:
        lines.append(f"*Thread:* the task's thread in <#{history.channel}>.")
    return "\n".join(lines)


def _when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%a %H:%M")


def snooze_choice(value: str | None) -> str | None:
    """Return the snooze option value chosen (one of SNOOZE_CHOICES), or None if unknown."""
    return value if value in SNOOZE_CHOICES else None


# --- parts -------------------------------------------------------------------------------------


def _section(text: str, *, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(text or "—", SECTION_LIMIT)},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def _fields(numbers: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "section",
        "fields": [
            {"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", FIELD_LIMIT)}
            for label, value in numbers[:MAX_FIELDS]
        ],
    }


def _context(text: str, *, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}],
    }
    if block_id:
        block["block_id"] = block_id
    return block


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {"type": "button", "text": _plain(label), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def is_escalation_payload(payload: Mapping[str, Any]) -> bool:
    """Return whether a notification's outbox payload is an escalation's (with Acknowledge
    and Snooze; a follow-up asks for a report instead)."""
    return is_escalation((payload.get("args") or {}).get("blocks") or [])


def answer_controls(alert_id: int) -> list[dict[str, Any]]:
    """Return an escalation's Acknowledge button and Snooze menu (the Home tab shows them too)."""
    return [
        _button("Acknowledge", ACK, str(alert_id), "primary"),
        {
            "type": "static_select",
            "action_id": SNOOZE,
            "placeholder": _plain("Snooze…"),
            "options": [
                {"text": _plain(label), "value": choice} for choice, label in SNOOZE_CHOICES.items()
            ],
        },
    ]


def _buttons(message: AlertMessage) -> dict[str, Any] | None:
    """Return the actions block of a notification, or None when it has nothing to press."""
    value = str(message.alert_id)
    if message.style is Style.FOLLOW_UP:
        if message.task_id is None or not message.task_open:
            return None
        elements = [_button("Update…", UPDATE, value), _button("Blocked…", BLOCKED, value)]
        return {"type": "actions", "block_id": FOLLOW_UP_BUTTONS, "elements": elements}
    elements = answer_controls(message.alert_id)
    if message.task_id is not None and message.task_open:
        elements.append(
            {"type": "users_select", "action_id": REASSIGN, "placeholder": _plain("Reassign…")}
        )
    return {"type": "actions", "block_id": ESCALATION_BUTTONS, "elements": elements}
