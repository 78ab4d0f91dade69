"""Answering a task's card: who may, and what each button and modal records.

Only the task's assignee, its crew's lead and the project's managers may answer a card; anyone
else is told why and nothing changes. A button or modal that names no task siteloop knows (a
stale or tampered payload) is refused the same way.

- Acknowledge, Start and Done record at once, source `button`, keyed by the click
  (`button:<action_ts>:<user>:<action_id>`), so a repeated delivery records once.
  Acknowledge records an acknowledgement; Start records work under way, acknowledging first
  when nobody had; Done records the task done.
- Update… and Blocked… open a modal (`open_form`). A submission is read like `/update` and
  `/blocked` (`bot.services.task_forms`) and recorded like them, source `modal`, keyed by the
  modal's view id; bad values come back as Slack's per-input `errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.blocks import home as home_layout
from bot.blocks import task_card, task_modals
from bot.blocks.task_modals import ModalOrigin
from bot.services import reports
from bot.services.replies import UserError
from bot.services.task_forms import read_blocked_form, read_update_form
from rules.grammar.parsed import ParsedReport
from rules.vocabulary import OutboxKind, OutboxState, Role, TaskStatus, UpdateKind, UpdateSource
from storage import projects
from storage.models import Member, OutboxMessage, Task
from storage.tasks import project_keys
from storage.updates import Report, find_update, record_update

UNKNOWN_TASK = (
    "That button doesn't belong to a task card siteloop knows, so nothing was recorded. "
    "Type `/tasks` to find the task."
)
_NOT_STARTED = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED)
_RECORDED_AS = {
    task_card.ACK: UpdateKind.ACK,
    task_card.START: UpdateKind.PROGRESS,
    task_card.DONE: UpdateKind.DONE,
}


@dataclass(frozen=True)
class Click:
    """A button pressed on a message: who, which button, its value, and where."""

    user: str
    action_id: str
    value: str | None
    channel: str | None
    message_ts: str | None
    action_ts: str
    block_id: str | None = None
    in_home: bool = False  # pressed on the person's Home tab, not on a message

    @property
    def key(self) -> str:
        """Return the idempotency key of this press."""
        return f"button:{self.action_ts}:{self.user}:{self.action_id}"


@dataclass(frozen=True)
class Submission:
    """A submitted modal: who, which modal (callback id, view id), its metadata and text."""

    user: str
    callback_id: str
    view_id: str
    private_metadata: str
    values: dict[str, str]


def card_task(session: Session, click: Click) -> Task:
    """Return the task whose card (or Home tab row) was clicked; refuse a value that names no
    task of that card or row. Who may answer it is checked by what the button does."""
    task_id = _positive_int(click.value)
    task = session.get(Task, task_id) if task_id is not None else None
    if click.in_home:
        shown = home_layout.task_of_block(click.block_id)
        if task is None or shown != task.id:
            raise UserError(UNKNOWN_TASK)
        return task
    if task is None or not _is_card_of(session, task, click.channel, click.message_ts):
        raise UserError(UNKNOWN_TASK)
    return task


def may_answer(session: Session, task: Task, member: Member) -> bool:
    """Return whether `member` may answer the task's card: assignee, crew lead or manager."""
    if task.assignee_id == member.id:
        return True
    if task.crew is not None and task.crew.lead_id == member.id:
        return True
    return projects.role_of(session, task.project, member) is Role.MANAGER


def awaits_acknowledgement(task: Task) -> bool:
    """Return whether the task's assignee has yet to acknowledge it."""
    return (
        task.assignee_id is not None
        and task.status in (TaskStatus.PLANNED, TaskStatus.ASSIGNED)
        and task.acknowledged_at is None
    )


def press(session: Session, actor: Member, task: Task, click: Click, now: datetime) -> bool:
    """Record what Acknowledge, Start or Done says; return False for a repeated delivery.

    Raises UserError (nothing recorded) for someone who may not answer, or a button whose
    moment has passed (acknowledging twice, finishing a finished task).
    """
    if find_update(session, click.key) is not None:
        return False
    _require_may_answer(session, task, actor)
    kind = _RECORDED_AS.get(click.action_id)
    if kind is None:
        raise UserError(UNKNOWN_TASK)
    _require_applies(task, click.action_id)
    if click.action_id == task_card.START and awaits_acknowledgement(task):
        _record(session, actor, task, click, UpdateKind.ACK, now, suffix=":ack")
    _record(session, actor, task, click, kind, now)
    return True


def open_form(session: Session, actor: Member, task: Task, click: Click) -> View:
    """Return the modal the Update… or Blocked… button opens (refusing those who may not)."""
    _require_may_answer(session, task, actor)
    _require_applies(task, click.action_id)
    if click.in_home:  # it records like the card's: on the task's thread, if it has one
        origin = ModalOrigin(task.id, task.thread_channel or "", task.thread_ts or "")
    else:
        origin = ModalOrigin(task.id, click.channel or "", click.message_ts or "")
    if click.action_id == task_card.BLOCKED:
        return task_modals.blocked_modal(task.key, task.title, origin)
    return task_modals.update_modal(task.key, task.title, task.unit, origin)


def submit(session: Session, actor: Member, submission: Submission, now: datetime) -> dict:
    """Record a submitted modal like its command; return the errors to show ({} if recorded)."""
    blocked = submission.callback_id == task_modals.BLOCKED_MODAL
    first = task_modals.REASON if blocked else task_modals.PERCENT
    origin = ModalOrigin.load(submission.private_metadata)
    task = session.get(Task, origin.task_id) if origin is not None else None
    if origin is None or task is None:
        return {first: "This form names no task siteloop knows: nothing was recorded."}
    if not may_answer(session, task, actor):
        return {first: _refusal(session, task)}
    if not task.status.is_open:
        return {first: f"{task.key} is {task.status.value}: there is nothing left to report."}
    keys = project_keys(session)
    if blocked:
        parsed, errors = read_blocked_form(submission.values, key=task.key, known_keys=keys)
    else:
        parsed, errors = read_update_form(
            submission.values, key=task.key, unit=task.unit, known_keys=keys
        )
    errors = errors or _unit_errors(task, parsed)
    if errors:
        return errors
    assert parsed is not None  # a form read without errors
    where = reports.Origin(
        UpdateSource.MODAL,
        origin.channel,
        now,
        f"modal:{submission.view_id}",
        thread_ts=origin.message_ts or None,
    )
    reports.record(session, actor, parsed, [task], where, now)
    return {}


def _unit_errors(task: Task, parsed: ParsedReport | None) -> dict[str, str]:
    """Return the `/update` refusals of a quantity or cost in another unit, by input."""
    errors = {}
    checks = {
        task_modals.QUANTITY: lambda p: replace(p, cost=None),
        task_modals.COST: lambda p: replace(p, quantity=None),
    }
    for block, only in checks.items():
        try:
            reports.check_units(task, only(parsed))
        except UserError as refusal:
            errors[block] = str(refusal)
    return errors


def _require_may_answer(session: Session, task: Task, actor: Member) -> None:
    if not may_answer(session, task, actor):
        raise UserError(_refusal(session, task))


def _refusal(session: Session, task: Task) -> str:
    crew = f", the {task.crew.name} crew's lead" if task.crew and task.crew.lead_id else ""
    assignee = f"<@{task.assignee.slack_user_id}>" if task.assignee else "the assignee"
    return (
        f"Only {assignee} (assigned){crew} and {task.project.key}'s managers can answer "
        f"{task.key}'s card, so nothing was recorded. To report on it, type "
        f"`/update {task.key} …`."
    )


def _require_applies(task: Task, action_id: str) -> None:
    """Refuse a button whose moment has passed."""
    if not task.status.is_open:
        raise UserError(f"{task.key} is {task.status.value}: there is nothing left to do on it.")
    if action_id == task_card.ACK and not awaits_acknowledgement(task):
        raise UserError(f"{task.key} is already acknowledged.")
    if action_id == task_card.START and task.status not in _NOT_STARTED:
        shown = task_card.STATUS_LABELS[task.status].lower()
        raise UserError(f"{task.key} is already {shown}.")


def _record(
    session: Session,
    actor: Member,
    task: Task,
    click: Click,
    kind: UpdateKind,
    now: datetime,
    suffix: str = "",
) -> None:
    label = {UpdateKind.ACK: "Acknowledge", UpdateKind.PROGRESS: "Start", UpdateKind.DONE: "Done"}
    report = Report(
        kind=kind,
        source=UpdateSource.BUTTON,
        occurred_at=now,
        idempotency_key=click.key + suffix,
        member_id=actor.id,
        raw_text=f"[{label[kind]}]",
        slack_channel=click.channel,
        slack_thread_ts=click.message_ts,  # not slack_ts: deleting the card retracts nothing
    )
    record_update(session, task.project, task, report, now)


def _is_card_of(session: Session, task: Task, channel: str | None, ts: str | None) -> bool:
    """Return whether (channel, ts) is the task's card: its thread, or a card sent for it."""
    if not channel or not ts:
        return False
    if (task.thread_channel, task.thread_ts) == (channel, ts):
        return True
    return (
        session.scalar(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.slack_channel == channel,
                OutboxMessage.slack_ts == ts,
                OutboxMessage.state == OutboxState.SENT,
                OutboxMessage.kind == OutboxKind.TASK_CARD,
                OutboxMessage.task_id == task.id,
            )
        )
        is not None
    )


def _positive_int(value: str | None) -> int | None:
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 else None
