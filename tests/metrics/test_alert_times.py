"""Reading the loop's moments from the database: one row per alert, in one query."""

from datetime import timedelta

import sqlalchemy as sa

from rules.vocabulary import OutboxState
from storage.loop_metrics import AlertTimes, alert_times
from storage.models import OutboxMessage
from tests.storage.conftest import (  # noqa: F401  (fixtures)
    database_url,
    empty_engine,
    engine,
    session,
    session_factory,
)
from tests.storage.factories import NOW, make_alert, make_member, make_project, make_update


def sent(db, alert, kind: str, minutes: int, state=OutboxState.SENT) -> None:
    """Add a message about `alert` delivered `minutes` after NOW (or still `state`)."""
    at = NOW + timedelta(minutes=minutes)
    db.add(
        OutboxMessage(
            created_at=NOW,
            kind=kind,
            project_id=alert.project_id,
            alert_id=alert.id,
            target="C0TOWER",
            payload={"method": "chat.postMessage", "args": {"text": "x"}},
            state=state,
            next_attempt_at=at,
            sent_at=at if state is OutboxState.SENT else None,
        )
    )
    db.flush()


def test_it_reads_first_delivery_first_answer_acknowledgement_and_resolution(session):  # noqa: F811
    project = make_project(session)
    bob = make_member(session)
    alert = make_alert(
        session,
        project,
        acknowledged_at=NOW + timedelta(minutes=50),
        resolved_at=NOW + timedelta(minutes=90),
    )
    sent(session, alert, "escalation", 30)
    sent(session, alert, "follow_up", 5)
    sent(session, alert, "follow_up", 1, state=OutboxState.PENDING)  # not delivered
    sent(session, alert, "alert_message_edit", 2)  # an edit, not a notification
    for key, minutes, retracted in (("a", 40, False), ("b", 20, True), ("c", 70, False)):
        make_update(
            session,
            project,
            idempotency_key=key,
            member_id=bob.id,
            alert_id=alert.id,
            recorded_at=NOW + timedelta(minutes=minutes),
            retracted_at=NOW + timedelta(minutes=60) if retracted else None,
        )
    answer = make_update(session, project, idempotency_key="d")
    alert.resolved_by_update_id = answer.id
    session.flush()

    [row] = alert_times(session, project.id)

    assert row == AlertTimes(
        rule_id="stalled",
        opened_at=NOW,
        first_sent_at=NOW + timedelta(minutes=5),
        first_answer_at=NOW + timedelta(minutes=40),
        acknowledged_at=NOW + timedelta(minutes=50),
        resolved_at=NOW + timedelta(minutes=90),
        resolved_by_update=True,
    )


def test_it_reads_one_project_since_a_moment(session):  # noqa: F811
    tower, bridge = make_project(session), make_project(session, key="BRG")
    make_alert(session, tower, rule_id="old", opened_at=NOW - timedelta(days=2))
    make_alert(session, tower, rule_id="new", task_id=None)
    make_alert(session, bridge, rule_id="elsewhere")

    rows = alert_times(session, tower.id, since=NOW - timedelta(days=1))

    assert [row.rule_id for row in rows] == ["new"]
    assert rows[0].first_sent_at is None and rows[0].first_answer_at is None
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
