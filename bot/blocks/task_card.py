"""The assignment card: a task's state in its project's channel, with buttons to answer (pure).

The card is posted when a task is assigned and edited in place whenever what it shows changes;
its thread is the task's thread. What it says is built from `CardFacts`, so the same facts
always give the same card (the refresh compares cards to skip needless edits).

Buttons carry the task id as their value; which ones show depends on the status:

| status | buttons |
|---|---|
| assigned (not acknowledged) | Acknowledge · Start · Update… · Blocked… · Done |
| acknowledged | Start · Update… · Blocked… · Done |
| in progress, blocked | Update… · Blocked… · Done |
| done, cancelled | none |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import (
    FIELD_LIMIT,
    HEADER_LIMIT,
    SECTION_LIMIT,
    TEXT_LIMIT,
    clip,
    day,
    full_day,
)
from rules.grammar.numbers import format_money, format_number
from rules.slack_text import mrkdwn
from rules.vocabulary import TaskStatus

# Action ids of the card's buttons (namespaced: other surfaces have their own).
ACK = "task_ack"
START = "task_start"
UPDATE = "task_update"
BLOCKED = "task_blocked"
DONE = "task_done"
BUTTONS = (ACK, START, UPDATE, BLOCKED, DONE)
ACTIONS_BLOCK = "task_card_actions"

# Slack's documented Block Kit limits.

STATUS_LABELS = {
    TaskStatus.PLANNED: "Planned",
    TaskStatus.ASSIGNED: "Assigned",
    TaskStatus.ACKNOWLEDGED: "Acknowledged",
    TaskStatus.IN_PROGRESS: "In progress",
    TaskStatus.BLOCKED: "Blocked",
    TaskStatus.DONE: "Done",
    TaskStatus.CANCELLED: "Cancelled",
}
_LABELS = {
    ACK: "Acknowledge",
    START: "Start",
    UPDATE: "Update…",
    BLOCKED: "Blocked…",
    DONE: "Done",
}
_STYLES = {ACK: "primary", DONE: "primary"}
_NOT_STARTED = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class CardFacts:
    """What an assignment card shows about one task.

    Text fields are as stored, as people meant them; the card escapes them (`mrkdwn`).
    `assignee` is a Slack user id; `acknowledged_by` a display name, with the time from
    assignment to acknowledgement in `acknowledged_after`.
    """

    task_id: int
    key: str
    title: str
    status: TaskStatus
    percent: Decimal
    assignee: str | None = None
    location: str | None = None
    crew: str | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    currency: str = "USD"
    budget: Decimal | None = None
    actual_cost: Decimal | None = None
    planned_qty: Decimal | None = None
    installed_qty: Decimal | None = None
    unit: str | None = None
    acknowledged_by: str | None = None
    acknowledged_after: timedelta | None = None
    blocked_reason: str | None = None

    @property
    def awaits_acknowledgement(self) -> bool:
        """Return whether the assignee has yet to acknowledge the task."""
        return self.status in (TaskStatus.PLANNED, TaskStatus.ASSIGNED) and not self.acknowledged_by


def card_text(facts: CardFacts) -> str:
    """Return the card as one line of plain text (the notification and fallback text)."""
    who = f" — assigned to <@{facts.assignee}>" if facts.assignee else ""
    line = f"{facts.key} {mrkdwn(facts.title)}{who}. {status_line(facts)}"
    return clip(line, TEXT_LIMIT)


def card_blocks(facts: CardFacts) -> list[Block]:
    """Return the card's blocks: header, who and what next, the facts, and the buttons."""
    heading = f"{facts.key} {facts.title}"  # plain text: shown as it is
    blocks: list[Block] = [
        HeaderBlock(text=clip(heading, HEADER_LIMIT)),
        SectionBlock(text=MarkdownTextObject(text=clip(_lead(facts, heading), SECTION_LIMIT))),
        SectionBlock(fields=[MarkdownTextObject(text=field) for field in _fields(facts)]),
        ContextBlock(elements=[MarkdownTextObject(text=clip(_footer(facts), SECTION_LIMIT))]),
    ]
    buttons = buttons_for(facts)
    if buttons:
        blocks.append(
            ActionsBlock(
                block_id=ACTIONS_BLOCK,
                elements=[
                    ButtonElement(
                        text=_LABELS[action],
                        action_id=action,
                        value=str(facts.task_id),
                        style=_STYLES.get(action),
                    )
                    for action in buttons
                ],
            )
        )
    return blocks


def buttons_for(facts: CardFacts) -> tuple[str, ...]:
    """Return the action ids of the buttons the card shows for the task's status."""
    if not facts.status.is_open:
        return ()
    shown = [UPDATE, BLOCKED, DONE]
    if facts.status in _NOT_STARTED:
        shown.insert(0, START)
    if facts.awaits_acknowledgement:
        shown.insert(0, ACK)
    return tuple(shown)


def status_line(facts: CardFacts) -> str:
    """Return the status and percent as people read them: "In progress · 60%"."""
    return f"{STATUS_LABELS[facts.status]} · {format_number(facts.percent)}%"


def _lead(facts: CardFacts, heading: str) -> str:
    """Return who the task is for and what they are asked to do."""
    lines = []
    if len(heading) > HEADER_LIMIT:  # the header was cut: the full title is here
        lines.append(f"*{mrkdwn(facts.title)}*")
    if facts.assignee is None:
        lines.append("Not assigned to anyone yet.")
    elif facts.awaits_acknowledgement:
        lines.append(
            f"<@{facts.assignee}>, this task is yours. Press *Acknowledge*,"
            " react :white_check_mark: or reply “on it” in the thread."
        )
    else:
        lines.append(f"Assigned to <@{facts.assignee}>.")
    return "\n".join(lines)


def _fields(facts: CardFacts) -> list[str]:
    """Return the card's facts as "*Label*\\nvalue" fields (those the task has)."""
    fields = [f"*Status*\n{status_line(facts)}"]
    if facts.crew:
        fields.append(f"*Crew*\n{mrkdwn(facts.crew)}")
    if facts.location:
        fields.append(f"*Location*\n{mrkdwn(facts.location)}")
    if facts.planned_start or facts.planned_finish:
        fields.append(f"*Planned*\n{_dates(facts.planned_start, facts.planned_finish)}")
    if facts.budget is not None or facts.actual_cost is not None:
        spent = format_money(facts.actual_cost or Decimal(0), facts.currency)
        budget = "no budget" if facts.budget is None else format_money(facts.budget, facts.currency)
        fields.append(f"*Cost*\n{spent} of {budget}")
    if facts.planned_qty is not None or facts.installed_qty is not None:
        done = format_number(facts.installed_qty or Decimal(0))
        planned = "?" if facts.planned_qty is None else format_number(facts.planned_qty)
        fields.append(f"*Quantity*\n{done} of {planned} {facts.unit or ''}".rstrip())
    if facts.status is TaskStatus.BLOCKED and facts.blocked_reason:
        fields.append(f"*Blocked by*\n{mrkdwn(facts.blocked_reason)}")
    return [clip(field, FIELD_LIMIT) for field in fields]


def _footer(facts: CardFacts) -> str:
    """Return the acknowledgement and how to report."""
    if facts.acknowledged_by:
        wait = facts.acknowledged_after
        after = f" after {describe_wait(wait)}" if wait is not None else ""
        said = f":white_check_mark: Acknowledged by {mrkdwn(facts.acknowledged_by)}{after}."
    elif facts.awaits_acknowledgement and facts.assignee:
        said = ":hourglass_flowing_sand: Not acknowledged yet."
    else:
        said = ""
    if facts.status.is_open:
        said += " Reply in this thread with progress, e.g. `60% formwork done, 12 m3 poured`."
    return said.strip() or STATUS_LABELS[facts.status]


def _dates(start: date | None, finish: date | None) -> str:
    if start and finish:
        return f"{day(start)} → {full_day(finish)}"
    if start:
        return f"starts {full_day(start)}"
    return f"due {full_day(finish)}" if finish else ""


def describe_wait(wait: timedelta) -> str:
    """Return a wait as people say it: "40 s", "25 min", "3 h 10 min", "2 days 4 h"."""
    seconds = max(0, int(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")
