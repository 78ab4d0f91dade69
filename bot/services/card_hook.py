"""One hook keeps every assignment card true, whatever changed the task.

Commands, channel posts, thread replies, reactions, buttons and modals all write tasks through
the runtime's sessions. Rather than each of them remembering to edit the card, `install` puts
three listeners on that session factory (every process that writes tasks calls it once at start):

1. `before_flush`: a Task whose card-visible columns changed (status, percent, assignee,
   acknowledgement, quantities, cost, …) is noted in `session.info`. Flushes happen many
   times per transaction; the notes add up.
2. `before_commit`: each noted task gets `cards.refresh_card` — a `chat.update` enqueued in
   the same transaction as the change, so a crash loses neither or both. One transaction
   gives at most one edit per task, and edits still waiting in the outbox are coalesced (see
   `bot.services.cards`). A failing refresh is logged and undone alone (a savepoint): the
   report that caused it is still recorded.
3. `after_commit`: when the transaction wrote outbox rows, the runtime's doorbell rings, so the
   dispatcher delivers them at once instead of at its next idle poll.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.logs import fields
from bot.runtime import Runtime
from bot.services import cards
from storage.models import OutboxMessage, Task

log = logging.getLogger("cards")

# Task columns an assignment card shows (last_update_at: a new blocked reason, for one).
CARD_COLUMNS = (
    "status",
    "percent_complete",
    "assignee_id",
    "acknowledged_at",
    "assigned_at",
    "installed_qty",
    "actual_cost",
    "last_update_at",
    "title",
    "location",
    "crew_id",
    "planned_start",
    "planned_finish",
    "budget",
    "planned_qty",
    "unit",
)
_CHANGED = "siteloop_cards_changed"


def install(runtime: Runtime) -> None:
    """Keep cards true on every session of `runtime`, and wake delivery after outbox writes."""
    sessions = runtime.sessions
    clock = runtime.clock

    @event.listens_for(sessions, "before_flush")
    def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
        changed = session.info.setdefault(_CHANGED, set())
        # A task without a thread has no card to edit (one on its way is checked on delivery).
        changed.update(
            task.id for task in session.dirty if _card_changed(task) and task.thread_ts is not None
        )
        if any(isinstance(row, OutboxMessage) for row in session.new):
            session.info[cards.OUTBOX_WRITTEN] = True

    # Savepoints (`begin_nested`) commit and roll back too: only the outermost counts.

    @event.listens_for(sessions, "before_commit")
    def _refresh_cards(session: Session) -> None:
        if session.in_nested_transaction():
            return
        changed: set[int] = session.info.get(_CHANGED) or set()
        now = clock.now()
        while changed:
            refresh_one(session, changed.pop(), now)

    @event.listens_for(sessions, "after_commit")
    def _ring(session: Session) -> None:
        if session.in_nested_transaction():
            return
        session.info.pop(_CHANGED, None)
        if session.info.pop(cards.OUTBOX_WRITTEN, False):
            runtime.doorbell.ring()

    @event.listens_for(sessions, "after_rollback")
    def _forget(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(_CHANGED, None)
            session.info.pop(cards.OUTBOX_WRITTEN, None)


def refresh_one(session: Session, task_id: int, now) -> None:
    """Refresh one task's card, logging (and undoing) a failure instead of raising it."""
    try:
        with session.begin_nested():
            task = session.get(Task, task_id)
            if task is not None:
                cards.refresh_card(session, task, now)
    except Exception:
        log.exception("could not refresh a task's card", extra=fields(task=task_id))


def _card_changed(obj: object) -> bool:
    if not isinstance(obj, Task):
        return False
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in CARD_COLUMNS)
