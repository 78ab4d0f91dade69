"""The narrowed tick decides exactly what evaluating everything would.

Random projects, tasks, updates, acknowledgements, snoozes and clocks; at every tick, an oracle
evaluates every task and project with every rule in plain Python (no `next_check_at`, no
candidate query) and keeps its own alert states. The database's alerts and queued messages
must equal the oracle's, field for field.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, selectinload

from bot.notify.tick import run_tick
from rules.alerts import AlertState, decide
from rules.evaluator import evaluate_project, evaluate_task
from rules.facts import ProjectFacts, TaskFacts
from rules.rule import Scope
from rules.rulebook import calendar_over, parse_rulebook
from rules.vocabulary import Role, TaskStatus, UpdateKind, UpdateSource
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Alert, Base, Crew, OutboxMessage, Project, Task
from storage.projects import create_crew, create_project, link_channel, set_role
from storage.tasks import create_task
from storage.updates import Report, record_update
from tests.storage.factories import make_member

RULES = parse_rulebook(
    """
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-11:30,13:00-17:00"}
rules:
  - id: stalled
    when: {status: [acknowledged, in_progress], no_update_for: 6h}
    escalate:
      - {after: 0m, notify: assignee, via: thread}
      - {after: 3h, notify: crew_lead, via: dm}
      - {after: 6h, notify: managers, via: dm}
    repeat_every: 5h
  - id: unacknowledged
    when: {status: [assigned], unacknowledged_for: 2h}
    escalate: [{after: 0m, notify: assignee}, {after: 2h, notify: crew_lead}]
  - id: blocked_long
    when: {blocked_for: 3h}
    escalate: [{after: 0m, notify: crew_lead}, {after: 4h, notify: managers}]
    repeat_every: 6h
  - id: behind
    when: {behind_plan_by: 25}
    escalate: [{after: 0m, notify: assignee, via: channel}]
  - id: overdue
    when: {overdue: true}
    escalate: [{after: 0m, notify: assignee}, {after: 0m, notify: crew_lead}]
    repeat_every: 1d
    clock: wall
  - id: due_soon
    when: {due_within: 10h, below_percent: 50}
    severity: info
  - id: over_budget
    when: {cost_overrun_pct: 10}
    escalate: [{after: 0m, notify: U0BOSS}]
  - id: quiet_wall
    when: {status: [in_progress], no_update_for: 20h}
    clock: wall
    severity: critical
    repeat_every: 7h
  - id: silent
    when: {silent_for: 12h}
    escalate: [{after: 0m, notify: channel}, {after: 3h, notify: managers}]
    repeat_every: 9h
projects:
  BB:
    calendar: {timezone: Europe/Berlin, workdays: mon-fri, hours: "08:00-12:00,13:00-17:00"}
    disabled: [over_budget]
    rules:
      stalled: {when: {no_update_for: 3h}}
""",
    source="property-rules.yml",
)

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
ROW_CALENDARS = [None, {"hours": "06:00-14:00"}, {"timezone": "UTC", "workdays": "mon-fri"}]


@dataclass(frozen=True)
class TaskSpec:
    project: int
    status: TaskStatus
    percent: int
    created_hours_ago: int
    assigned: bool
    acknowledged: bool
    blocked: bool
    planned: tuple[int, int] | None  # start offset from START in days, length in days
    budget: tuple[int, int] | None  # budget, actual cost
    thread: bool


@dataclass(frozen=True)
class Step:
    minutes: int  # how far the clock moves before this step; -1: to the next change
    action: tuple[Any, ...]  # ("update", task, kind, value) | ("ack"/"snooze", task, …) | ()


@dataclass(frozen=True)
class Scenario:
    calendars: tuple[int, int]  # index into ROW_CALENDARS for AA and BB
    silent_since: tuple[int | None, int | None]  # hours before START of the last report
    tasks: tuple[TaskSpec, ...]
    steps: tuple[Step, ...]


@st.composite
def task_specs(draw) -> TaskSpec:
    return TaskSpec(
        project=draw(st.integers(0, 1)),
        status=draw(st.sampled_from(list(TaskStatus))),
        percent=draw(st.integers(0, 20)) * 5,
        created_hours_ago=draw(st.integers(0, 120)),
        assigned=draw(st.booleans()),
        acknowledged=draw(st.booleans()),
        blocked=draw(st.booleans()),
        planned=draw(st.none() | st.tuples(st.integers(-8, 4), st.integers(0, 6))),
        budget=draw(st.none() | st.tuples(st.integers(1, 50), st.integers(0, 60))),
        thread=draw(st.booleans()),
    )


KINDS = [
    UpdateKind.PROGRESS,
    UpdateKind.BLOCKED,
    UpdateKind.UNBLOCKED,
    UpdateKind.DONE,
    UpdateKind.ACK,
    UpdateKind.COST,
    UpdateKind.NOTE,
]


@st.composite
def steps(draw, task_count: int) -> Step:
    # -1: exactly the next instant at which the oracle says anything could change.
    minutes = draw(st.sampled_from([-1, -1, -1, 0, 1, 15, 60, 180, 480, 720, 1440, 2000]))
    task = st.integers(0, task_count - 1)
    action = draw(
        st.one_of(
            st.just(()),
            st.tuples(st.just("update"), task, st.sampled_from(KINDS), st.integers(0, 20)),
            st.tuples(st.just("ack"), task),
            st.tuples(st.just("snooze"), task, st.integers(1, 30)),
            st.tuples(st.just("assign"), task),
            st.tuples(st.just("project_ack"), st.integers(0, 1)),
        )
    )
    return Step(minutes, action)


@st.composite
def scenarios(draw) -> Scenario:
    tasks = draw(st.lists(task_specs(), min_size=1, max_size=6))
    return Scenario(
        calendars=(draw(st.integers(0, 2)), draw(st.integers(0, 2))),
        silent_since=(
            draw(st.none() | st.integers(0, 30)),
            draw(st.none() | st.integers(0, 30)),
        ),
        tasks=tuple(tasks),
        steps=tuple(draw(st.lists(steps(len(tasks)), min_size=1, max_size=14))),
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios(), st.integers(0, 6 * 24 * 4))
def test_the_narrowed_tick_decides_what_evaluating_everything_decides(scenario, quarter_hours):
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    try:
        world = World(sessions, scenario, START + timedelta(minutes=15 * quarter_hours))
        oracle = Oracle()
        now = world.now
        for step in scenario.steps:
            if step.minutes >= 0 or oracle.next_change is None:
                now += timedelta(minutes=step.minutes if step.minutes >= 0 else 60)
            else:
                now = oracle.next_change
            world.act(step.action, now, oracle)

            run_tick(sessions, RULES, now)
            oracle.tick(sessions, now)

            assert world.alerts() == oracle.alerts()
            assert world.messages() == oracle.messages
        event(f"alerts: {min(len(oracle.alerts()), 9)}")
        event(f"messages: {min(len(oracle.messages) // 5 * 5, 20)}")
    finally:
        engine.dispose()


class World:
    """The database side: two projects, their people and the scenario's tasks."""

    def __init__(self, sessions, scenario: Scenario, now: datetime) -> None:
        self.sessions = sessions
        self.now = now
        self.keys = itertools.count()
        with session_scope(sessions) as session:
            boss = make_member(session, slack_user_id="U0MAX", name="max")
            self.members = [
                make_member(session, slack_user_id=f"U0W{n}", name=f"w{n}").id for n in range(3)
            ]
            lead = make_member(session, slack_user_id="U0LEAD", name="lead")
            projects = []
            for index, key in enumerate(("AA", "BB")):
                project = create_project(
                    session,
                    key=key,
                    name=f"Site {key}",
                    timezone="UTC",
                    created_by=boss,
                    now=now - timedelta(days=20),
                )
                project.calendar = ROW_CALENDARS[scenario.calendars[index]]
                silent = scenario.silent_since[index]
                project.last_report_at = None if silent is None else now - timedelta(hours=silent)
                link_channel(
                    session, project, slack_channel_id=f"C0{key}", name=key, linked_by=boss, now=now
                )
                for member in self.members:
                    set_role(session, project, session.get(type(boss), member), Role.CREW)
                crew = create_crew(session, project, name="crew", lead=lead)
                projects.append((project, crew))
            self.task_ids = []
            for number, spec in enumerate(scenario.tasks):
                project, crew = projects[spec.project]
                self.task_ids.append(self._task(session, project, crew, spec, number, now).id)

    def _task(self, session: Session, project, crew, spec: TaskSpec, number: int, now):
        created = now - timedelta(hours=spec.created_hours_ago)
        fields: dict[str, Any] = {
            "status": spec.status,
            "percent_complete": Decimal(spec.percent),
            "assignee_id": self.members[number % 3],
            "crew_id": crew.id,
            "assigned_at": created if spec.assigned else None,
            "acknowledged_at": created + timedelta(hours=1) if spec.acknowledged else None,
            "blocked_since": created + timedelta(hours=2) if spec.blocked else None,
            "last_update_at": created + timedelta(hours=3) if spec.acknowledged else None,
        }
        if spec.planned is not None:
            first = START.date() + timedelta(days=spec.planned[0])
            fields |= {"planned_start": first, "planned_finish": first + timedelta(spec.planned[1])}
        if spec.budget is not None:
            fields |= {"budget": Decimal(spec.budget[0] * 100), "actual_cost": spec.budget[1] * 100}
        if spec.thread:
            fields |= {"thread_channel": f"C0{project.key}", "thread_ts": f"1.{number}"}
        task = create_task(session, project.id, f"Task {number}", now=created, **fields)
        task.next_check_at = now  # created in the past, seen first by this tick
        return task

    def act(self, action: tuple[Any, ...], now: datetime, oracle: Oracle) -> None:
        """Do what a writer does, following the convention: next_check_at/next_step_at = now."""
        if not action:
            return
        with session_scope(self.sessions) as session:
            if action[0] == "update":
                _, index, kind, value = action
                task = session.get(Task, self.task_ids[index])
                report = Report(
                    kind=kind,
                    source=UpdateSource.COMMAND,
                    occurred_at=now - timedelta(minutes=value * 7),
                    idempotency_key=f"u{next(self.keys)}",
                    percent=Decimal(value * 5) if kind is UpdateKind.PROGRESS else None,
                    cost=Decimal(value * 150) if kind is UpdateKind.COST else None,
                )
                record_update(session, task.project, task, report, now)
            elif action[0] == "assign":
                task = session.get(Task, self.task_ids[action[1]])
                task.assignee_id = self.members[(self.members.index(task.assignee_id) + 1) % 3]
                task.assigned_at, task.acknowledged_at = now, None
                if task.status in (TaskStatus.PLANNED, TaskStatus.ACKNOWLEDGED):
                    task.status = TaskStatus.ASSIGNED
                task.next_check_at = now
            else:
                where = (
                    Alert.task_id.is_(None) & (Alert.project_id == action[1] + 1)
                    if action[0] == "project_ack"
                    else Alert.task_id == self.task_ids[action[1]]
                )
                query = sa.select(Alert).where(where, Alert.resolved_at.is_(None))
                for alert in session.scalars(query):
                    if action[0] == "snooze":
                        change = {"snoozed_until": now + timedelta(hours=action[2])}
                    else:
                        change = {"acknowledged_at": now}
                    for name, value in change.items():
                        setattr(alert, name, value)
                    alert.next_step_at = now
                    oracle.change(alert.rule_id, alert.project_id, alert.task_id, change)

    def alerts(self) -> set[tuple[Any, ...]]:
        with self.sessions() as session:
            return {
                (a.rule_id, a.project_id, a.task_id, *_columns(a))
                for a in session.scalars(sa.select(Alert))
            }

    def messages(self) -> set[tuple[Any, ...]]:
        """Return every queued message as (rule, project, task, opened, step, kind, at)."""
        with self.sessions() as session:
            rows = session.execute(
                sa.select(OutboxMessage, Alert).join(Alert, Alert.id == OutboxMessage.alert_id)
            )
            found = set()
            for message, alert in rows:
                step = int(message.dedupe_key.split(":")[2])
                found.add(
                    (
                        alert.rule_id,
                        alert.project_id,
                        alert.task_id,
                        alert.opened_at,
                        step,
                        message.kind,
                        message.next_attempt_at,
                    )
                )
            return found


def _columns(state: Any) -> tuple[Any, ...]:
    return (
        state.opened_at,
        state.level,
        state.next_step_at,
        state.last_notified_at,
        state.acknowledged_at,
        state.snoozed_until,
        state.resolved_at,
    )


class Oracle:
    """Every task and project, every rule, every tick, in plain Python."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, int, int | None], AlertState] = {}
        self.closed: list[tuple[str, int, int | None, AlertState]] = []
        self.messages: set[tuple[Any, ...]] = set()
        self.next_change: datetime | None = None  # the earliest instant a verdict or step is due

    def change(self, rule_id: str, project_id: int, task_id: int | None, values) -> None:
        key = (rule_id, project_id, task_id)
        self.open[key] = replace(self.open[key], **values)

    def tick(self, sessions, now: datetime) -> None:
        self.moments: list[datetime] = []
        with sessions() as session:
            projects = session.scalars(sa.select(Project).order_by(Project.id)).all()
            tasks = session.scalars(
                sa.select(Task).options(
                    selectinload(Task.assignee), selectinload(Task.crew).selectinload(Crew.lead)
                )
            ).all()
            for project in projects:
                base, rules = RULES.for_project(project.key)
                calendar = calendar_over(base, project.calendar) if project.calendar else base
                for rule in rules:
                    if rule.scope is Scope.PROJECT:
                        facts = ProjectFacts(
                            key=project.key,
                            created_at=project.created_at,
                            last_report_at=project.last_report_at,
                        )
                        verdict = evaluate_project(facts, rule, calendar, now)
                        self.moments.append(verdict.next_check_at)
                        self._decide(rule, project.id, None, verdict.fires, calendar, now)
                        continue
                    for task in (t for t in tasks if t.project_id == project.id):
                        verdict = evaluate_task(_facts(task, project), rule, calendar, now)
                        self.moments.append(verdict.next_check_at)
                        self._decide(rule, project.id, task.id, verdict.fires, calendar, now)
        self.next_change = min((m for m in self.moments if m is not None), default=None)

    def _decide(self, rule, project_id, task_id, holds, calendar, now) -> None:
        key = (rule.id, project_id, task_id)
        decision = decide(self.open.get(key), rule, holds, calendar, now)
        if decision.state is None:
            return
        self.moments.append(decision.state.next_step_at)
        for n in decision.notifications:
            opened = decision.state.opened_at
            self.messages.add((rule.id, project_id, task_id, opened, n.step, n.kind, n.at))
        if decision.state.is_open:
            self.open[key] = decision.state
        else:
            del self.open[key]
            self.closed.append((*key, decision.state))

    def alerts(self) -> set[tuple[Any, ...]]:
        found = {(*key, *_columns(state)) for key, state in self.open.items()}
        return found | {(r, p, t, *_columns(state)) for r, p, t, state in self.closed}


def _facts(task: Task, project: Project) -> TaskFacts:
    return TaskFacts(
        id=task.id,
        key=f"{project.key}-{task.number}",
        project_key=project.key,
        status=task.status,
        created_at=task.created_at,
        percent=task.percent_complete,
        planned_start=task.planned_start,
        planned_finish=task.planned_finish,
        budget=task.budget,
        actual_cost=task.actual_cost,
        last_update_at=task.last_update_at,
        assigned_at=task.assigned_at,
        acknowledged_at=task.acknowledged_at,
        blocked_since=task.blocked_since,
        assignee_user_id=task.assignee.slack_user_id if task.assignee else None,
        crew_lead_user_id=task.crew.lead.slack_user_id if task.crew and task.crew.lead else None,
    )
