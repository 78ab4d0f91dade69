"""From decisions to outbox rows: put each notification into words (the caller's `compose`),
time it for its reader's quiet hours, and queue it once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.alerts import AlertDecision, Notification, deliver_at, personal_calendar
from rules.evaluator import Verdict
from rules.notice import Compose, Notice, Outgoing, Queued, Routing
from rules.rule import Rule
from rules.vocabulary import OutboxKind
from storage.models import Alert, Member
from storage.outbox import POST_MESSAGE, enqueue_many, is_person, outbox_row
from storage.tick.alert_rows import OpenedAlert
from storage.tick.reading import TickProject, TickTask
from storage.tick.result import TickResult

log = logging.getLogger("tick")


@dataclass
class Pending:
    """A decision's notifications, to put into words once the alert row has its id."""

    alert: Alert | OpenedAlert
    rule: Rule
    decision: AlertDecision
    verdict: Verdict
    project: TickProject
    task: TickTask | None


def queue_notifications(
    session: Session,
    items: list[Pending],
    now: datetime,
    compose: Compose,
    result: TickResult,
    *,
    keep: bool,
) -> None:
    """Put the notifications of `items` into words and write them to the outbox, each once,
    counting them into `result` (and, when `keep`, describing each in `result.queued`)."""
    rows: dict[str, dict[str, Any]] = {}
    queued: dict[str, Queued] = {}
    composed = [
        (item, notification, notice, compose(notice))
        for item in items
        for notification in item.decision.notifications
        for notice in (notice_of(item, notification, now),)
    ]
    timezones = _timezones(session, {m.target for *_, ms in composed for m in ms})
    for item, notification, notice, messages in composed:
        if not messages:
            _untold(item, notification, notice, result, keep)
        for message in messages:
            calendar = personal_calendar(item.project.calendar, timezones.get(message.target))
            at = (
                notification.at  # decided on the project's calendar
                if calendar is item.project.calendar
                else deliver_at(now, item.rule.severity, calendar)
            ).astimezone(UTC)
            key = _dedupe_key(item, notification, message, at)
            rows.setdefault(key, _row(item, notification, message, at, key, now))
            if keep:
                queued.setdefault(key, _queued(notice, message, at, calendar.timezone))
    if not rows:
        return
    fresh = enqueue_many(session, rows)
    result.messages_queued += len(fresh)
    result.queued += [item for key, item in queued.items() if key in fresh]


def notice_of(item: Pending, notification: Notification, now: datetime) -> Notice:
    project, task = item.project, item.task
    assert item.alert.id is not None  # opened alerts are inserted before they are worded
    return Notice(
        rule=item.rule,
        notification=notification,
        alert_id=item.alert.id,
        opened_at=item.alert.opened_at,
        now=now,
        project_key=project.key,
        project_name=project.name,
        currency=project.currency,
        calendar=project.calendar,
        task=task.facts if task else None,
        task_title=task.title if task else None,
        facts=item.verdict.facts,
        routing=Routing(
            channel=project.channel,
            thread=task.thread if task else None,
            thread_coming=task.thread_coming if task else False,
            assignee=task.facts.assignee_user_id if task else None,
            crew_lead=task.facts.crew_lead_user_id if task else None,
            managers=project.managers,
            leads=project.leads,
        ),
    )


def _dedupe_key(item: Pending, notification: Notification, message: Outgoing, at: datetime) -> str:
    """Name the alert, step, kind, delivery instant and recipient, so a decision replayed at
    the same instant queues nothing twice, and repeats that quiet hours defer to the same
    morning go out once."""
    return (
        f"alert:{item.alert.id}:{notification.step}:{notification.kind.value}:"
        f"{at:%Y-%m-%dT%H:%M:%S.%fZ}:{message.target}"
    )


def _row(
    item: Pending,
    notification: Notification,
    message: Outgoing,
    at: datetime,
    key: str,
    now: datetime,
) -> dict[str, object]:
    return outbox_row(
        kind=OutboxKind(notification.kind.value),
        target=message.target,
        payload={"method": POST_MESSAGE, "args": {**message.args, "text": message.text}},
        now=now,
        due_at=at,
        waits_for_thread=message.awaits_thread,
        thread_ts=message.thread_ts,
        project_id=item.project.id,
        task_id=item.task.facts.id if item.task else None,
        alert_id=item.alert.id,
        dedupe_key=key,
    )


def _untold(
    item: Pending, notification: Notification, notice: Notice, result: TickResult, keep: bool
) -> None:
    result.unrouted += 1
    if keep:
        result.untold.append(
            f"{item.rule.id} on {notice.subject}, step {notification.step}: {notification.target}"
        )
    log.warning(
        "nobody to notify for %s on %s (step %d: %s)",
        item.rule.id,
        notice.subject,
        notification.step,
        notification.target,
        extra={"siteloop_fields": {"rule": item.rule.id, "subject": notice.subject}},
    )


def _timezones(session: Session, targets: set[str]) -> dict[str, str]:
    """Return the Slack timezone of each target that is a known person (DMs keep their hours)."""
    people = [target for target in targets if is_person(target)]
    if not people:
        return {}
    query = sa.select(Member.slack_user_id, Member.timezone).where(
        Member.slack_user_id.in_(people), Member.timezone.is_not(None)
    )
    return {user: zone for user, zone in session.execute(query) if zone}


def _queued(notice: Notice, message: Outgoing, at: datetime, timezone: str) -> Queued:
    notification = notice.notification
    return Queued(
        rule_id=notice.rule.id,
        subject=notice.subject,
        step=notification.step,
        kind=notification.kind,
        notify=notification.target,
        via=notification.via.value,
        target=message.target,
        thread_ts=message.thread_ts,
        people=message.people,
        at=at,
        timezone=timezone,
        text=message.text,
    )
