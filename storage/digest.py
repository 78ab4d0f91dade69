"""Reading a project's day for its digest (`rules.digest`): the health at the digest's
instant, the day's live reports with who made them, each reported task's percent when the day
began, and the alerts' moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import Calendar
from rules.digest import AlertDay, DayReport, Digest, day_digest
from rules.vocabulary import OutboxKind, OutboxState, UpdateKind
from storage.health import HealthRead, read_health
from storage.loop_metrics import alert_times
from storage.members import display_name
from storage.models import Member, OutboxMessage, Project, Update

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DigestRead:
    """A day's digest, the health read with it (for the task titles), and the reporters'
    names by Slack user id."""

    digest: Digest
    health: HealthRead
    names: dict[str, str]


def read_digest(
    session: Session,
    project: Project,
    calendar: Calendar,
    day: date,
    span: tuple[datetime, datetime],
) -> DigestRead:
    """Return the digest of `project`'s local `day`: the reports and alerts of `span` (from
    the previous digest to this one, `rules.rulebook.DigestPlan.span`), the health at its end."""
    start, end = span
    health = read_health(session, project, calendar, end)
    live = sa.and_(
        Update.project_id == project.id,
        Update.retracted_at.is_(None),
        Update.kind != UpdateKind.ACK,  # a button click is an answer, not a report
    )
    rows = session.execute(
        sa.select(Update, Member)
        .outerjoin(Member, Member.id == Update.member_id)
        .where(live, Update.occurred_at >= start, Update.occurred_at < end)
        .order_by(Update.occurred_at, Update.id)
    ).all()
    reports = [_report(update, member.slack_user_id if member else None) for update, member in rows]
    names = {m.slack_user_id: display_name(m) for _, m in rows if m is not None}
    moved = {r.task_id for r in reports if r.task_id is not None and r.percent is not None}
    alerts = [
        AlertDay(a.rule_id, a.opened_at, a.first_sent_at, a.answered_at, a.resolved_at)
        for a in alert_times(session, project.id)
        if a.opened_at < end and (a.resolved_at is None or a.resolved_at >= start)
    ]
    digest = day_digest(
        day,
        (start, end),
        health.health,
        health.tasks,
        reports,
        _percent_before(session, moved, start),
        alerts,
        calendar.next_working_day(day),
    )
    return DigestRead(digest, health, names)


def _report(update: Update, user: str | None) -> DayReport:
    return DayReport(
        task_id=update.task_id,
        user=user,
        at=update.occurred_at,
        percent=HUNDRED if update.kind is UpdateKind.DONE else update.percent,
        quantity=update.quantity,
        unit=update.unit,
        cost=update.cost,
        manpower=update.manpower,
        hours=update.hours,
    )


def _percent_before(session: Session, task_ids: set[int], start: datetime) -> dict[int, Decimal]:
    """Return each task's percent complete from its reports before `start` (0 without any)."""
    if not task_ids:
        return {}
    rows = session.execute(
        sa.select(Update.task_id, Update.kind, Update.percent)
        .where(
            Update.task_id.in_(task_ids),
            Update.retracted_at.is_(None),
            Update.occurred_at < start,
            sa.or_(Update.kind == UpdateKind.DONE, Update.percent.is_not(None)),
        )
        .order_by(Update.occurred_at, Update.id)
    )
    before: dict[int, Decimal] = {}
    for task_id, kind, percent in rows:  # in time order: the last one holds
        if task_id is not None:
            before[task_id] = HUNDRED if kind is UpdateKind.DONE else (percent or Decimal(0))
    return before


@dataclass(frozen=True)
class PostedChart:
    """An S-curve Slack has: its file id and the day it was drawn for."""

    file_id: str
    day: date


def latest_chart(session: Session, project_id: int) -> PostedChart | None:
    """Return the project's most recent S-curve in Slack (from its latest digest), or None."""
    row = session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.project_id == project_id,
            OutboxMessage.kind == OutboxKind.DIGEST_CHART.value,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.slack_ts.is_not(None),
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()
    if row is None or row.slack_ts is None:
        return None
    return PostedChart(row.slack_ts, date.fromisoformat(row.payload["chart"]["day"]))
