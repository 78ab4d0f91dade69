"""A task's assignment card as outbox payloads, and keeping the posted card true.

The card is posted once per assignment (`post_payload`, outbox kind `task_card`); once Slack
has it, its (channel, ts) is the task's thread. Afterwards `refresh_card` edits it in place
(`chat.update`, kind `task_card_update`) whenever what it shows differs from what Slack shows:

- What Slack shows is the last card message delivered at the thread (outbox rows sent there,
  found through the (slack_channel, slack_ts) index); an edit that would change nothing is
  not enqueued.
- A burst of changes coalesces: while an edit is still waiting in the outbox (pending, not
  leased to a sender) its payload is replaced by the newer card instead of queueing another.
- The dedupe key names the task, the delivered card the edit follows and the new content
  (`card:<task>:<after outbox id>:<digest>`), so the same edit is never queued twice.
- Deliveries can land out of order (a retried edit after a newer one). After every card
  message is sent, the dispatcher's after-sent step calls `refresh_card` again, so the card
  converges on the task's state whatever the order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.blocks.task_card import CardFacts, card_blocks, card_text
from rules.vocabulary import OutboxKind, OutboxState, TaskStatus, UpdateKind
from storage.db import rows_changed
from storage.members import display_name
from storage.models import OutboxMessage, Task, Update
from storage.outbox import enqueue

CARD_KINDS = (OutboxKind.TASK_CARD, OutboxKind.TASK_CARD_UPDATE)
METADATA_TYPE = "siteloop_task_card"
# session.info key: the transaction wrote outbox rows (see bot.services.card_hook).
OUTBOX_WRITTEN = "siteloop_outbox_written"


def card_facts(session: Session, task: Task) -> CardFacts:
    """Return what the task's card shows now: its state, and who acknowledged it after how long."""
    ack = _acknowledgement(session, task)
    after = None
    if ack is not None and task.assigned_at is not None and task.acknowledged_at is not None:
        after = task.acknowledged_at - task.assigned_at
    return CardFacts(
        task_id=task.id,
        key=task.key,
        title=task.title,
        status=task.status,
        percent=task.percent_complete,
        assignee=task.assignee.slack_user_id if task.assignee else None,
        location=task.location,
        crew=task.crew.name if task.crew else None,
        planned_start=task.planned_start,
        planned_finish=task.planned_finish,
        currency=task.project.currency,
        budget=task.budget,
        actual_cost=task.actual_cost,
        planned_qty=task.planned_qty,
        installed_qty=task.installed_qty,
        unit=task.unit,
        acknowledged_by=display_name(ack.member) if ack is not None and ack.member else None,
        acknowledged_after=after,
        blocked_reason=_blocked_reason(session, task),
    )


def post_payload(session: Session, task: Task) -> dict[str, Any]:
    """Return the outbox payload that posts the task's card."""
    return {"method": "chat.postMessage", "args": _content(session, task)}


def update_payload(session: Session, task: Task) -> dict[str, Any]:
    """Return the outbox payload that edits the task's posted card (it must have a thread)."""
    return {"method": "chat.update", "args": {"ts": task.thread_ts, **_content(session, task)}}


def shown_assignee(payload: Mapping[str, Any]) -> str | None:
    """Return the Slack id of the assignee a card payload names (from its metadata)."""
    metadata = (payload.get("args") or {}).get("metadata") or {}
    return (metadata.get("event_payload") or {}).get("assignee")


def refresh_card(session: Session, task: Task, now: datetime) -> bool:
    """Make the task's posted card show the task as it is now; return whether an edit was queued.

    Does nothing for a task without a thread (its card, if one is on its way, is checked
    when it is delivered). See the module docstring for coalescing and ordering.
    """
    if task.thread_channel is None or task.thread_ts is None:
        return False
    payload = update_payload(session, task)
    digest = _digest(payload)
    for row in _pending_edits(session, task):
        if _digest(row.payload) == digest:
            return False
        if _replace_payload(session, row.id, payload, now):
            session.info[OUTBOX_WRITTEN] = True
            return True
    shown = last_shown(session, task)
    if shown is not None and _digest(shown.payload) == digest:
        return False
    enqueue(
        session,
        kind=OutboxKind.TASK_CARD_UPDATE,
        target=task.thread_channel,
        payload=payload,
        now=now,
        project_id=task.project_id,
        task_id=task.id,
        dedupe_key=f"card:{task.id}:{shown.id if shown else 0}:{digest}",
    )
    return True


def last_shown(session: Session, task: Task) -> OutboxMessage | None:
    """Return the last card message delivered at the task's thread (what Slack shows), or None."""
    return session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.slack_channel == task.thread_channel,
            OutboxMessage.slack_ts == task.thread_ts,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(CARD_KINDS),
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()


def pending_cards(session: Session, task: Task) -> list[OutboxMessage]:
    """Return the task's card posts still waiting in the outbox (the pending-state index)."""
    return list(
        session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.kind == OutboxKind.TASK_CARD,
                OutboxMessage.task_id == task.id,
            )
        )
    )


def _content(session: Session, task: Task) -> dict[str, Any]:
    facts = card_facts(session, task)
    return {
        "text": card_text(facts),
        "blocks": [block.to_dict() for block in card_blocks(facts)],  # validated here
        "metadata": {
            "event_type": METADATA_TYPE,
            "event_payload": {"task_id": task.id, "assignee": facts.assignee},
        },
    }


def _digest(payload: Mapping[str, Any]) -> str:
    """Return a short digest of what a card payload shows (its text and blocks)."""
    args = payload.get("args") or {}
    shown = json.dumps([args.get("text"), args.get("blocks")], sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _pending_edits(session: Session, task: Task) -> list[OutboxMessage]:
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.kind == OutboxKind.TASK_CARD_UPDATE,
                OutboxMessage.task_id == task.id,
            )
            .order_by(OutboxMessage.id)
        )
    )


def _replace_payload(session: Session, message_id: int, payload: dict, now: datetime) -> bool:
    """Give a pending, unleased edit a newer payload; False if a sender has it already."""
    statement = (
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == OutboxState.PENDING,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(payload=payload)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(session, statement) == 1


def _acknowledgement(session: Session, task: Task) -> Update | None:
    """Return the first live acknowledgement of the current assignment, or None."""
    if task.acknowledged_at is None:
        return None
    query = sa.select(Update).where(
        Update.task_id == task.id, Update.kind == UpdateKind.ACK, Update.retracted_at.is_(None)
    )
    if task.assigned_at is not None:
        query = query.where(Update.occurred_at >= task.assigned_at)
    return session.scalars(query.order_by(Update.occurred_at, Update.id).limit(1)).first()


def _blocked_reason(session: Session, task: Task) -> str | None:
    """Return the note of the report that blocked the task, when it is blocked."""
    if task.status is not TaskStatus.BLOCKED:
        return None
    return session.scalar(
        sa.select(Update.note)
        .where(
            Update.task_id == task.id,
            Update.kind == UpdateKind.BLOCKED,
            Update.retracted_at.is_(None),
        )
        .order_by(Update.occurred_at.desc(), Update.id.desc())
        .limit(1)
    )
