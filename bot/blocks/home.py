"""The Home tab's own parts (pure): a person's tasks with the card's buttons, the alerts
waiting on them with an escalation's Acknowledge and Snooze, a crew lead's crew, and the
line that ends a list too long for the tab.

Buttons carry what they act on: a task's buttons its id as their value (as on its card); an
alert's controls sit in a block whose id names the alert (a Snooze menu's value is the
choice), `home_alert:42`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import alert_messages, task_card
from bot.blocks.task_card import STATUS_LABELS
from bot.blocks.text import HEADER_LIMIT, SECTION_LIMIT, clip, day, day_and_time, number
from rules.slack_text import mrkdwn
from rules.vocabulary import TaskStatus

TASK_BLOCK = "home_task:"  # + the task's id
ALERT_BLOCK = "home_alert:"  # + the alert's id
# The card's buttons that report, in the card's order.
TASK_BUTTONS = (task_card.UPDATE, task_card.BLOCKED, task_card.DONE)
_LABELS = {task_card.UPDATE: "Update…", task_card.BLOCKED: "Blocked…", task_card.DONE: "Done"}


@dataclass(frozen=True)
class HomeTask:
    """One of the person's open tasks as the tab lists it."""

    id: int
    key: str
    title: str
    status: TaskStatus
    percent: float
    due: date | None
    project: str


@dataclass(frozen=True)
class Waiting:
    """An open alert whose escalation reached the person: what it asks, and since when."""

    alert_id: int
    asks: str  # the first line of the message they were sent
    since: datetime
    snoozed_until: datetime | None = None  # while its reminders are held


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=clip(text, HEADER_LIMIT))


def task_rows(task: HomeTask, today: date) -> list[Block]:
    """Return a task's line (status, percent, due date, project) and its buttons."""
    parts = [
        f"*{task.key}* {mrkdwn(task.title)}",
        STATUS_LABELS[task.status],
        f"{number(task.percent, 1)}%",
    ]
    if task.due is not None:
        late = (today - task.due).days
        parts.append(
            f"due {day(task.due)}"
            + (f" ({late} day{'s' if late > 1 else ''} late)" if late > 0 else "")
        )
    parts.append(mrkdwn(task.project))
    buttons = [
        ButtonElement(
            text=_LABELS[action],
            action_id=action,
            value=str(task.id),
            style="primary" if action == task_card.DONE else None,
        )
        for action in TASK_BUTTONS
    ]
    return [
        SectionBlock(text=MarkdownTextObject(text=clip(" · ".join(parts), SECTION_LIMIT))),
        ActionsBlock(block_id=f"{TASK_BLOCK}{task.id}", elements=buttons),
    ]


def waiting_rows(waiting: Waiting, zone) -> list[Block]:
    """Return what an alert asks, since when, and its Acknowledge and Snooze."""
    said = f"Sent {day_and_time(waiting.since.astimezone(zone))}"
    if waiting.snoozed_until is not None:
        said += f" · snoozed until {day_and_time(waiting.snoozed_until.astimezone(zone))}"
    return [
        SectionBlock(
            text=MarkdownTextObject(text=clip(f"{waiting.asks}\n_{said}._", SECTION_LIMIT))
        ),
        ActionsBlock(
            block_id=f"{ALERT_BLOCK}{waiting.alert_id}",
            elements=alert_messages.answer_controls(waiting.alert_id),
        ),
    ]


def lines_block(lines: list[str]) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), SECTION_LIMIT)))


def more(count: int, where: str) -> ContextBlock:
    """Return the line that ends a list cut short: "…and 12 more — `/tasks mine`"."""
    return ContextBlock(elements=[MarkdownTextObject(text=f"…and {count} more — {where}")])


def alert_of_block(block_id: str | None) -> int | None:
    """Return the alert id a Home block names (`home_alert:42`), or None."""
    return _id_after(block_id, ALERT_BLOCK)


def task_of_block(block_id: str | None) -> int | None:
    """Return the task id a Home block names (`home_task:7`), or None."""
    return _id_after(block_id, TASK_BLOCK)


def _id_after(block_id: str | None, prefix: str) -> int | None:
    if not block_id or not block_id.startswith(prefix):
        return None
    rest = block_id.removeprefix(prefix)
    return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) <= 18 else None
