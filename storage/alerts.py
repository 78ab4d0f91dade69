"""Alerts as people answer them: which alert a report answers, acknowledging, snoozing, closing.

The rule tick owns an alert's steps (`storage.tick`); people own its acknowledgement and its
snooze. Every writer here sets `next_step_at = now` in the same transaction, as the tick's
convention asks, so the next tick re-decides the alert at once (an acknowledgement stops the
chain, a snooze holds it, and a snooze that ends still reminds).

Time always comes in as `now`; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.alerts import NotificationKind
from rules.vocabulary import OutboxKind, OutboxState
from storage.models import Alert, Member, OutboxMessage

# Outbox kinds of the messages the tick sends about an alert (its notification kinds).
NOTIFICATION_KINDS = tuple(OutboxKind(kind.value) for kind in NotificationKind)


def answered_alert(session: Session, task_id: int) -> int | None:
    """Return the id of the open alert a new report on the task answers, or None.

    That is the open alert of the task whose latest notification reached Slack most recently:
    a report made before anyone was told about an alert answers nothing. One indexed lookup
    (alerts by task, their messages by alert).
    """
    return session.scalar(
        sa.select(Alert.id)
        .join(OutboxMessage, OutboxMessage.alert_id == Alert.id)
        .where(
            Alert.task_id == task_id,
            Alert.resolved_at.is_(None),
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
        )
        .order_by(OutboxMessage.sent_at.desc(), Alert.id.desc())
        .limit(1)
    )


def notification_at(session: Session, channel: str, ts: str) -> OutboxMessage | None:
    """Return the delivered notification Slack shows at (channel, ts), or None."""
    return session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.slack_channel == channel,
            OutboxMessage.slack_ts == ts,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
            OutboxMessage.alert_id.is_not(None),
        )
    ).first()


def notification_in_flight(
    session: Session, alert_id: int, conversations: Collection[str]
) -> OutboxMessage | None:
    """Return the alert's notification being sent to one of `conversations` right now, or None.

    Slack may already show it (and someone press its buttons) before its delivery is recorded
    with its ts: it is the one leased to a sender, still pending.
    """
    return session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.alert_id == alert_id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.claimed_until.is_not(None),
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
            OutboxMessage.target.in_(list(conversations)),
        )
    ).first()


def notifications(session: Session, alert_id: int) -> list[OutboxMessage]:
    """Return the alert's notifications that reached Slack, in the order they did."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.alert_id == alert_id,
                OutboxMessage.state == OutboxState.SENT,
                OutboxMessage.kind.in_(NOTIFICATION_KINDS),
            )
            .order_by(OutboxMessage.sent_at, OutboxMessage.id)
        )
    )


def acknowledge(session: Session, alert: Alert, member: Member, now: datetime) -> bool:
    """Record that `member` acknowledged the open alert at `now`; False if it already was.

    The chain stops: the next tick notifies nothing more for it (`rules.alerts.decide`).
    """
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now
    alert.acknowledged_by_id = member.id
    alert.next_step_at = now
    session.flush()
    return True


def snooze(session: Session, alert: Alert, until: datetime, now: datetime) -> None:
    """Hold the alert's chain until `until`; what falls due meanwhile goes out then (or, if
    nothing does, the current step is reminded once)."""
    alert.snoozed_until = until
    alert.next_step_at = now
    session.flush()


def close(session: Session, alert: Alert, now: datetime) -> None:
    """End the alert's episode at `now` without a clearing report (the task changed hands).

    If its rule still holds, the next tick opens a new episode from its first step, addressed
    to whoever has the task now.
    """
    alert.resolved_at = now
    alert.next_step_at = None
    session.flush()


def waiting_on(session: Session, slack_user_id: str) -> list[tuple[Alert, OutboxMessage]]:
    """Return the open, unacknowledged alerts whose notifications reached this person
    directly (a DM), each with the latest such message, the oldest alert first."""
    rows = session.execute(
        sa.select(Alert, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.alert_id == Alert.id)
        .where(
            Alert.resolved_at.is_(None),
            Alert.acknowledged_at.is_(None),
            OutboxMessage.target == slack_user_id,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
        )
        .order_by(Alert.opened_at, Alert.id, OutboxMessage.sent_at, OutboxMessage.id)
    )
    latest: dict[int, tuple[Alert, OutboxMessage]] = {}
    for alert, message in rows:
        latest[alert.id] = (alert, message)  # later messages win; the order is kept
    return list(latest.values())


def notification_to(session: Session, alert_id: int, slack_user_id: str) -> OutboxMessage | None:
    """Return the latest of the alert's notifications delivered to this person directly."""
    return session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.alert_id == alert_id,
            OutboxMessage.target == slack_user_id,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.kind.in_(NOTIFICATION_KINDS),
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()
