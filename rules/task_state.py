"""A task's current state, folded from the facts reported about it.

The updates table is the truth; the task row caches the fold. A new fact is applied to the
cached state (`apply`); an edited or deleted report makes the caller `replay` what remains from
the task's base state, so a deleted "100% done" does not leave a task done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from rules.vocabulary import TaskStatus, UpdateKind

HUNDRED = Decimal(100)
# Before any work is reported; a blocked or done task keeps its own status.
_NOT_STARTED = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class TaskState:
    """The part of a task that reports change."""

    status: TaskStatus
    percent: Decimal = Decimal(0)
    installed_qty: Decimal | None = None
    unit: str | None = None
    actual_cost: Decimal | None = None
    last_update_at: datetime | None = None
    acknowledged_at: datetime | None = None
    blocked_since: datetime | None = None
    done_at: datetime | None = None


@dataclass(frozen=True)
class Fact:
    """What one report says about a task (an update row's values)."""

    kind: UpdateKind
    occurred_at: datetime
    percent: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost: Decimal | None = None


def base_state(*, assigned: bool, cancelled: bool = False, unit: str | None = None) -> TaskState:
    """Return a task's state before anything was reported about it."""
    if cancelled:
        return TaskState(status=TaskStatus.CANCELLED, unit=unit)
    return TaskState(status=TaskStatus.ASSIGNED if assigned else TaskStatus.PLANNED, unit=unit)


def apply(state: TaskState, fact: Fact) -> TaskState:
    """Return the state after `fact`.

    1. Every fact counts as news: `last_update_at` moves forward.
    2. Values accumulate: quantities and costs add up, a percent replaces the last one.
    3. The status follows what was said: done (or 100%), blocked, unblocked, acknowledged, or
       work under way for progress and quantities. A cancelled task stays cancelled.
    """
    state = _with_values(state, fact)
    if state.status == TaskStatus.CANCELLED:
        return state
    if fact.kind == UpdateKind.DONE or fact.percent == HUNDRED:
        return replace(
            state,
            status=TaskStatus.DONE,
            percent=HUNDRED,
            blocked_since=None,
            done_at=state.done_at or fact.occurred_at,
        )
    if fact.kind == UpdateKind.BLOCKED:
        return replace(
            state,
            status=TaskStatus.BLOCKED,
            blocked_since=state.blocked_since or fact.occurred_at,
            done_at=None,
        )
    if fact.kind == UpdateKind.UNBLOCKED and state.status == TaskStatus.BLOCKED:
        return replace(state, status=TaskStatus.IN_PROGRESS, blocked_since=None)
    if fact.kind == UpdateKind.ACK:
        acknowledged = replace(state, acknowledged_at=state.acknowledged_at or fact.occurred_at)
        if state.status in (TaskStatus.PLANNED, TaskStatus.ASSIGNED):
            return replace(acknowledged, status=TaskStatus.ACKNOWLEDGED)
        return acknowledged
    if _is_work(fact) and (state.status in _NOT_STARTED or _reopens(state, fact)):
        return replace(state, status=TaskStatus.IN_PROGRESS, done_at=None)
    return state


def replay(base: TaskState, facts: Iterable[Fact]) -> TaskState:
    """Return the state after all `facts`, applied in the order they happened."""
    state = base
    for fact in sorted(facts, key=lambda f: f.occurred_at):
        state = apply(state, fact)
    return state


def _with_values(state: TaskState, fact: Fact) -> TaskState:
    latest = (
        fact.occurred_at
        if state.last_update_at is None
        else max(state.last_update_at, fact.occurred_at)
    )
    changes: dict[str, Any] = {"last_update_at": latest}
    if fact.percent is not None:
        changes["percent"] = fact.percent
    if fact.quantity is not None:
        changes["installed_qty"] = (state.installed_qty or Decimal(0)) + fact.quantity
        changes["unit"] = state.unit or fact.unit
    if fact.cost is not None:
        changes["actual_cost"] = (state.actual_cost or Decimal(0)) + fact.cost
    return replace(state, **changes)


def _is_work(fact: Fact) -> bool:
    return fact.kind in (UpdateKind.PROGRESS, UpdateKind.QUANTITY) or fact.percent is not None


def _reopens(state: TaskState, fact: Fact) -> bool:
    # "60%" on a task marked done means the done was premature: the work goes on.
    return state.status == TaskStatus.DONE and fact.percent is not None and fact.percent < HUNDRED
