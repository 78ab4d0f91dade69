"""How fast the loop closes: for every alert, signal → delivery → answer → resolution.

For one alert (times in UTC, durations wall-clock):

- **signal**: the alert opened (`alerts.opened_at`), the moment a rule started to hold;
- **delivered**: its first message reached Slack (the earliest `outbox.sent_at` among its
  notifications — follow-ups, escalations, repeats, reminders);
- **answered**: the first response after that: the first live report linked to the alert
  (`updates.alert_id`, its `recorded_at`) or its acknowledgement (`alerts.acknowledged_at`,
  by button, also when a task is reassigned), whichever came first;
- **resolved**: `alerts.resolved_at`; resolved by fresh field data when a report cleared the
  condition (`resolved_by_update_id`), else closed otherwise (time, a reassignment, a rule
  switched off).

`alert_times` reads one row per alert in one query; `summarise` is a pure function of those
rows: medians and 90th percentiles of each stage over the alerts that reached both of its
ends, counts per rule, and how the alerts ended.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.vocabulary import OutboxState
from storage.alerts import NOTIFICATION_KINDS
from storage.models import Alert, OutboxMessage, Update
from storage.models.base import Instant

STAGES = (
    "signal → delivered",
    "delivered → answered",
    "answered → resolved",
    "signal → resolved",
)


@dataclass(frozen=True)
class AlertTimes:
    """The moments of one alert's loop (None: not reached)."""

    rule_id: str
    opened_at: datetime
    first_sent_at: datetime | None = None
    first_answer_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by_update: bool = False

    @property
    def answered_at(self) -> datetime | None:
        """Return the first response after the first delivery: a linked report or an ack."""
        if self.first_sent_at is None:
            return None
        moments = [m for m in (self.first_answer_at, self.acknowledged_at) if m is not None]
        return max(min(moments), self.first_sent_at) if moments else None

    def stages(self) -> tuple[timedelta | None, ...]:
        """Return the durations of the STAGES this alert went through (None: not reached)."""
        return (
            _span(self.opened_at, self.first_sent_at),
            _span(self.first_sent_at, self.answered_at),
            _span(self.answered_at, self.resolved_at),
            _span(self.opened_at, self.resolved_at),
        )


@dataclass(frozen=True)
class Spread:
    """A stage over many alerts: how many reached it, its median and 90th percentile."""

    count: int
    median: timedelta | None = None
    p90: timedelta | None = None


@dataclass(frozen=True)
class RuleCounts:
    """What became of one rule's alerts."""

    rule_id: str
    opened: int
    acknowledged: int
    answered: int
    resolved: int


@dataclass(frozen=True)
class LoopReport:
    """The loop over a set of alerts: stage spreads, counts per rule, how the alerts ended."""

    alerts: int
    stages: tuple[tuple[str, Spread], ...]
    rules: tuple[RuleCounts, ...]
    resolved_by_data: int
    closed_otherwise: int
    still_open: int

    def share(self, count: int) -> float:
        """Return `count` as a fraction of all the alerts (0 when there are none)."""
        return count / self.alerts if self.alerts else 0.0


def summarise(rows: Iterable[AlertTimes]) -> LoopReport:
    """Return the loop report of `rows` (pure)."""
    rows = list(rows)
    spans = list(zip(*(row.stages() for row in rows), strict=True)) if rows else []
    stages = tuple(
        (name, spread([s for s in spans[i] if s is not None] if spans else []))
        for i, name in enumerate(STAGES)
    )
    by_rule: dict[str, Counter[str]] = {}
    for row in rows:
        counts = by_rule.setdefault(row.rule_id, Counter())
        counts["opened"] += 1
        counts["acknowledged"] += row.acknowledged_at is not None
        counts["answered"] += row.answered_at is not None
        counts["resolved"] += row.resolved_at is not None
    rules = tuple(
        RuleCounts(rule_id, c["opened"], c["acknowledged"], c["answered"], c["resolved"])
        for rule_id, c in sorted(by_rule.items(), key=lambda item: (-item[1]["opened"], item[0]))
    )
    by_data = sum(1 for row in rows if row.resolved_at is not None and row.resolved_by_update)
    still_open = sum(1 for row in rows if row.resolved_at is None)
    return LoopReport(
        alerts=len(rows),
        stages=stages,
        rules=rules,
        resolved_by_data=by_data,
        closed_otherwise=len(rows) - by_data - still_open,
        still_open=still_open,
    )


def spread(durations: Sequence[timedelta]) -> Spread:
    """Return the count, median and 90th percentile of `durations` (None when empty)."""
    if not durations:
        return Spread(0)
    ordered = sorted(durations)
    return Spread(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.9))


def percentile(ordered: Sequence[timedelta], q: float) -> timedelta:
    """Return the `q` quantile of sorted `ordered`, interpolating between the two nearest
    ranks (the median of an even count is the mean of the middle two)."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def alert_times(
    session: Session, project_id: int, since: datetime | None = None
) -> list[AlertTimes]:
    """Return the loop moments of the project's alerts opened since `since` (all if None).

    One query: the alerts (project index), each with its first delivery and first live linked
    report as correlated subqueries walking the outbox's and updates' alert_id indexes.
    """
    first_sent = (
        sa.select(sa.func.min(OutboxMessage.sent_at, type_=Instant))
        .where(
            OutboxMessage.alert_id == Alert.id,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
        )
        .scalar_subquery()
    )
    first_answer = (
        sa.select(sa.func.min(Update.recorded_at, type_=Instant))
        .where(Update.alert_id == Alert.id, Update.retracted_at.is_(None))
        .scalar_subquery()
    )
    query = sa.select(
        Alert.rule_id,
        Alert.opened_at,
        first_sent.label("first_sent_at"),
        first_answer.label("first_answer_at"),
        Alert.acknowledged_at,
        Alert.resolved_at,
        Alert.resolved_by_update_id,
    ).where(Alert.project_id == project_id)
    if since is not None:
        query = query.where(Alert.opened_at >= since)
    return [
        AlertTimes(
            rule_id=row.rule_id,
            opened_at=row.opened_at,
            first_sent_at=row.first_sent_at,
            first_answer_at=row.first_answer_at,
            acknowledged_at=row.acknowledged_at,
            resolved_at=row.resolved_at,
            resolved_by_update=row.resolved_by_update_id is not None,
        )
        for row in session.execute(query.order_by(Alert.opened_at, Alert.id))
    ]


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return max(end - start, timedelta(0))
