"""What people see when a task is given to someone: the card, or a note in the task's thread.

- A first assignment (or one after the card could not be delivered) posts the card in the
  project's channel: the channel the command was typed in when it is one of the project's,
  else the project's first linked channel. It mentions the assignee, which notifies them.
- Once Slack has the card, `card_delivered` (the dispatcher's after-sent step) makes its
  message the task's thread, so replies and reactions there are the task's, and lets the
  messages that waited for the thread (a follow-up decided meanwhile) go into it, in order.
  If the card is given up on, `card_failed` sends them to the channel instead, saying why:
  late in the wrong place beats never.
- Reassigning a task that has a thread posts "Reassigned from @bob to @cam" there (which
  notifies the new assignee); the card itself is edited by the card hook. A reassignment
  made while the card was still on its way is noticed when it is delivered, and told then.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.services import cards
from rules.vocabulary import OutboxKind, OutboxState, TaskStatus
from storage import projects
from storage.models import Member, OutboxMessage, Project, Task
from storage.outbox import enqueue, waiting_for_thread

log = logging.getLogger("assignment")

NO_THREAD_NOTE = "_This belongs in the task's thread, but its card could not be posted._"


def announce(
    session: Session, task: Task, previous: Member | None, by: Member, typed_in: str, now: datetime
) -> None:
    """Enqueue what tells people `task` has its assignee (just set): a card or a thread note.

    Args:
        session: the transaction that assigned the task (the messages commit with it).
        task: the task, with its new assignee.
        previous: who had it before, if anyone.
        by: who assigned it.
        typed_in: the conversation the command was typed in.
        now: when it was assigned.
    """
    person = task.assignee
    if person is None:
        return
    if task.thread_ts is not None:
        if previous is None or previous.id != person.id:
            _thread_note(session, task, previous.slack_user_id if previous else None, by, now)
        return
    if cards.pending_cards(session, task):
        return  # the card is on its way; `card_delivered` tells of any change since
    channel = card_channel(session, task.project, typed_in)
    if channel is None:
        return
    enqueue(
        session,
        kind=OutboxKind.TASK_CARD,
        target=channel,
        payload=cards.post_payload(session, task),
        now=now,
        project_id=task.project_id,
        task_id=task.id,
        dedupe_key=f"card:{task.id}:post:{person.id}:{now.isoformat()}",
    )


def card_channel(session: Session, project: Project, typed_in: str) -> str | None:
    """Return where the project's cards go: `typed_in` if it is the project's, else its first."""
    here = projects.project_of_channel(session, typed_in)
    if here is not None and here.id == project.id:
        return typed_in
    linked = projects.channels_of(session, project)
    return linked[0].slack_channel_id if linked else None


def card_delivered(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step for cards: the card's message becomes the task's thread, then catch up.

    Catching up covers what happened while the card was on its way: the messages waiting for
    the thread go into it, a reassignment is told in the thread, and the card is edited if
    the task changed.
    """
    message = session.get(OutboxMessage, job.id)
    task = session.get(Task, message.task_id) if message and message.task_id else None
    if task is None:
        return
    if task.thread_ts is None:
        task.thread_channel, task.thread_ts = channel, ts
        session.flush()
    for waiting in waiting_for_thread(session, task.id):
        waiting.target, waiting.thread_ts = task.thread_channel or channel, task.thread_ts
        waiting.state = OutboxState.PENDING
    shown = cards.shown_assignee(job.payload)
    current = task.assignee.slack_user_id if task.assignee else None
    if (task.thread_channel, task.thread_ts) == (channel, ts) and current and shown != current:
        _thread_note(session, task, shown, None, now)
    cards.refresh_card(session, task, now)


def card_failed(session: Session, job: Any, now: datetime) -> None:
    """After-failed step for cards: the messages waiting for its thread go to the channel,
    saying why they are not in the thread."""
    message = session.get(OutboxMessage, job.id)
    if message is None or message.task_id is None:
        return
    for waiting in waiting_for_thread(session, message.task_id):
        waiting.payload = _without_thread(waiting.payload)
        waiting.state = OutboxState.PENDING


def _without_thread(payload: dict[str, Any]) -> dict[str, Any]:
    """Return a thread message's payload for the channel, with a line saying why it is there."""
    args = payload.get("args") or {}
    note = {"type": "context", "elements": [{"type": "mrkdwn", "text": NO_THREAD_NOTE}]}
    return {
        **payload,
        "args": {
            **args,
            "text": f"{args.get('text', '')}\n{NO_THREAD_NOTE}",
            **({"blocks": [*args["blocks"], note]} if args.get("blocks") else {}),
        },
    }


def card_edited(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step for card edits: if the task moved on meanwhile, edit the card again."""
    message = session.get(OutboxMessage, job.id)
    task = session.get(Task, message.task_id) if message and message.task_id else None
    if task is not None:
        cards.refresh_card(session, task, now)


def _thread_note(
    session: Session, task: Task, previous: str | None, by: Member | None, now: datetime
) -> None:
    """Post "Reassigned from @bob to @cam by @ann." in the task's thread."""
    person = task.assignee
    assert person is not None and task.thread_channel is not None  # an assigned task's thread
    if previous is not None:
        said = f"Reassigned from <@{previous}> to <@{person.slack_user_id}>"
    else:
        said = f"Assigned to <@{person.slack_user_id}>"
    if by is not None:
        said += f" by <@{by.slack_user_id}>"
    said += f". <@{person.slack_user_id}>, {task.key} is yours now"
    said += ": acknowledge it on the card." if task.status is TaskStatus.ASSIGNED else "."
    enqueue(
        session,
        kind=OutboxKind.TASK_THREAD_NOTE,
        target=task.thread_channel,
        thread_ts=task.thread_ts,
        payload={"method": "chat.postMessage", "args": {"text": said}},
        now=now,
        project_id=task.project_id,
        task_id=task.id,
        dedupe_key=f"reassigned:{task.id}:{person.slack_user_id}:{now.isoformat()}",
    )
