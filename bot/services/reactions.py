"""Reactions on a task's message (its card or a captured post): ✅ 👍 👀 acknowledge the task.

| reaction | Slack name | recorded as |
|---|---|---|
| ✅ ✔️ ☑️ | `white_check_mark`, `heavy_check_mark`, `ballot_box_with_check` | acknowledgement |
| 👍 (any skin tone) | `+1`, `thumbsup` | acknowledgement |
| 👀 | `eyes` | acknowledgement |
| 👌 | `ok_hand` | acknowledgement |

Other reactions are not stored. Removing a reaction retracts what it recorded.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from bot.services import task_actions
from rules.vocabulary import UpdateKind, UpdateSource
from storage.models import Member, Task
from storage.tasks import task_of_thread
from storage.updates import Report, find_update, record_update, retract_update, updates_of_message

ACKNOWLEDGING = frozenset(
    {
        "white_check_mark",
        "heavy_check_mark",
        "ballot_box_with_check",
        "+1",
        "thumbsup",
        "eyes",
        "ok_hand",
    }
)


def meaning(reaction: str) -> UpdateKind | None:
    """Return what a reaction records (skin tones aside), or None when it records nothing."""
    base = reaction.split("::", 1)[0]
    return UpdateKind.ACK if base in ACKNOWLEDGING else None


def task_of_message(session: Session, channel: str, ts: str) -> Task | None:
    """Return the task a message belongs to: the task's card, or a post that named one task."""
    task = task_of_thread(session, channel, ts)
    if task is not None:
        return task
    named = {
        update.task_id for update in updates_of_message(session, channel, ts) if update.task_id
    }
    return session.get(Task, named.pop()) if len(named) == 1 else None


def react(
    session: Session,
    actor: Member,
    task: Task,
    channel: str,
    ts: str,
    reaction: str,
    when: datetime,
    now: datetime,
) -> bool:
    """Record an acknowledging reaction on a task's message; return False if nothing was
    recorded: a repeated delivery, or someone who may not answer the task's card (not its
    assignee, crew lead or a manager: `task_actions.may_answer`)."""
    if not task_actions.may_answer(session, task, actor):
        return False
    report = Report(
        kind=UpdateKind.ACK,
        source=UpdateSource.REACTION,
        occurred_at=when,
        idempotency_key=reaction_key(channel, ts, actor.slack_user_id, reaction),
        member_id=actor.id,
        note=f":{reaction}:",
        slack_channel=channel,
        slack_ts=ts,
    )
    _, new = record_update(session, task.project, task, report, now)
    return new


def unreact(
    session: Session, channel: str, ts: str, user: str, reaction: str, now: datetime
) -> bool:
    """Retract what a removed reaction recorded; return whether there was something."""
    update = find_update(session, reaction_key(channel, ts, user, reaction))
    return update is not None and retract_update(session, update, now)


def reaction_key(channel: str, ts: str, user: str, reaction: str) -> str:
    """Return the idempotency key of one person's reaction on one message."""
    return f"reaction:{channel}:{ts}:{user}:{reaction}"
