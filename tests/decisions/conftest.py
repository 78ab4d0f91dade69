"""A construction site in the database, a rulebook, and one step at a time of the rule tick.

Every test that takes `site` runs on a fresh SQLite file, and again on PostgreSQL when
DATABASE_URL names one (the storage tests' fixtures). Time is only ever passed in.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.notify.tick import run_tick
from rules.rulebook import Rulebook, parse_rulebook
from rules.vocabulary import Role, TaskStatus, UpdateKind, UpdateSource
from storage.db import session_scope
from storage.models import Alert, OutboxMessage, Project, Task
from storage.projects import create_crew, create_project, link_channel, set_role
from storage.tasks import create_task
from storage.tick import TickResult
from storage.updates import Report, record_update
from tests.storage.conftest import (  # noqa: F401  (fixtures)
    database_url,
    empty_engine,
    engine,
    session_factory,
)
from tests.storage.factories import make_member

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def saigon(*parts: int) -> datetime:
    """Return a Saigon wall-clock time as an aware instant."""
    return datetime(*parts, tzinfo=SAIGON)


# Tuesday 1 December 2026, 08:00 on site.
TUESDAY_8 = saigon(2026, 12, 1, 8)

RULES = """
calendar:
  timezone: Asia/Ho_Chi_Minh
  workdays: mon-sat
  hours: "07:00-11:30,13:00-17:00"
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
    escalate:
      - {after: 0m, notify: assignee, via: thread}
      - {after: 4h, notify: crew_lead, via: dm}
      - {after: 8h, notify: managers, via: dm}
"""


def rulebook(text: str = RULES) -> Rulebook:
    return parse_rulebook(text, source="test-rules.yml")


class Site:
    """Tower A: channel C0TOWER, Bob on the crew, Ann its lead, Max the manager."""

    def __init__(
        self, sessions: sessionmaker[Session], rules: Rulebook, *, since: datetime = TUESDAY_8
    ) -> None:
        self.sessions = sessions
        self.rules = rules
        self._threads = itertools.count(1)
        with session_scope(sessions) as session:
            self.max = make_member(session, slack_user_id="U0MAX", name="max")
            self.ann = make_member(session, slack_user_id="U0ANN", name="ann")
            self.bob = make_member(session, slack_user_id="U0BOB", name="bob")
            project = create_project(
                session,
                key="TWR",
                name="Tower A",
                timezone="Asia/Ho_Chi_Minh",
                created_by=self.max,
                now=since - timedelta(days=30),
            )
            self.project_id = project.id
            link_channel(
                session,
                project,
                slack_channel_id="C0TOWER",
                name="tower-a",
                linked_by=self.max,
                now=since - timedelta(days=30),
            )
            set_role(session, project, self.bob, Role.CREW)
            self.crew_id = create_crew(session, project, name="Concrete", lead=self.ann).id

    def add_task(self, title: str = "Pour slab L3", *, now: datetime = TUESDAY_8, **fields: Any):
        """Create a task in progress, assigned to Bob in the concrete crew; return its id."""
        defaults: dict[str, Any] = {
            "status": TaskStatus.IN_PROGRESS,
            "assignee_id": self.bob.id,
            "crew_id": self.crew_id,
            "assigned_at": now,
            "acknowledged_at": now,
            "thread_channel": "C0TOWER",
            "thread_ts": f"1700000000.{next(self._threads):06d}",
        }
        with session_scope(self.sessions) as session:
            return create_task(session, self.project_id, title, now=now, **(defaults | fields)).id

    def report(self, task_id: int, now: datetime, kind=UpdateKind.PROGRESS, **values: Any) -> int:
        """Record an update from Bob about the task at `now`; return its id."""
        with session_scope(self.sessions) as session:
            project = session.get(Project, self.project_id)
            task = session.get(Task, task_id)
            report = Report(
                kind=kind,
                source=UpdateSource.COMMAND,
                occurred_at=now,
                idempotency_key=f"report-{task_id}-{now.isoformat()}-{kind}",
                member_id=self.bob.id,
                **values,
            )
            update, _new = record_update(session, project, task, report, now)
            return update.id

    def tick(self, now: datetime) -> TickResult:
        return run_tick(self.sessions, self.rules, now)

    def alerts(self) -> list[Alert]:
        with self.sessions() as session:
            return list(session.scalars(sa.select(Alert).order_by(Alert.id)))

    def messages(self) -> list[OutboxMessage]:
        with self.sessions() as session:
            return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))

    def sent(self) -> list[tuple[str, str | None, str]]:
        """Return every queued message as (target, thread_ts, text)."""
        return [(m.target, m.thread_ts, m.payload["args"]["text"]) for m in self.messages()]

    def task(self, task_id: int) -> Task:
        with self.sessions() as session:
            return session.get(Task, task_id)

    def change_alert(self, alert_id: int, now: datetime, **values: Any) -> None:
        """Acknowledge or snooze an alert the way a writer must: next_step_at = now."""
        with session_scope(self.sessions) as session:
            alert = session.get(Alert, alert_id)
            for name, value in values.items():
                setattr(alert, name, value)
            alert.next_step_at = now


@pytest.fixture
def site(session_factory) -> Iterator[Site]:  # noqa: F811
    yield Site(session_factory, rulebook())


def utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)
