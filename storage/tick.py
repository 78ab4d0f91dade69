"""The rule tick: evaluate what is due at `now`, decide its alerts, queue the messages.

The convention every writer follows (the tick relies on it; nothing else makes it right):

- `tasks.next_check_at` is the earliest instant at which some rule could change its answer for
  the task without new data; NULL means only new data can change anything. Whoever changes a
  task's facts — records, revises or retracts an update, creates the task, assigns it, changes
  its status, plan dates, budget, cost or crew — sets `next_check_at = now` in the same
  transaction (`storage.tasks.create_task`, `storage.updates.record_update` and the assignment
  in `bot.services.tasks` do). The tick then replaces it with the computed next instant.
- `alerts.next_step_at` is when an open alert next needs deciding (a step, a repeat, the end of
  a snooze); NULL: nothing more without new data. Whoever acknowledges or snoozes an alert sets
  `next_step_at = now` in the same transaction, so the next tick re-decides it (a snooze
  that ends after everything was sent must still remind; see `rules.alerts`).
- `projects.last_report_at` moves with every recorded update (`record_update` does it); the
  project-level `silent_for` rules read it.

One tick (`tick`):

1. On PostgreSQL, take the tick's advisory lock or return at once (`ran=False`): several
   processes may call it, exactly one evaluates at a time. On SQLite every unit of work begins
   IMMEDIATE, which serialises writers; each unit re-reads its rows, so a tick can proceed.
2. Select the candidates with indexed queries: tasks whose `next_check_at <= now` (the
   (status, next_check_at) index), tasks of open alerts whose `next_step_at <= now`, and the
   projects that may have been silent long enough for a project rule, or have an open
   project-level alert. Nothing here scans updates: the cost follows the candidates.
3. In batches, one transaction each: read the batch's tasks with their project, assignee and
   crew lead (one query with joins), and their open alerts (one query; both locked on
   PostgreSQL); evaluate every rule of the project on the project's calendar; `decide` each
   alert; write the alerts, the outbox rows of their notifications and each task's new
   `next_check_at` (the earliest of its rules' next checks and its open alerts' next steps).
4. A batch that fails is redone one task per transaction; a task that still fails is logged
   with its key and its `next_check_at` is pushed back by `retry_after` — it never blocks the
   others, and it cannot put the tick in a crash loop.

Time always comes in as `now`; nothing here reads the clock. The words of the messages are not
decided here: the caller passes `compose`, a pure function from a `Notice` to `Outgoing`
messages (`bot.decisions.compose_messages`).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased, sessionmaker

from rules.alerts import (
    AlertDecision,
    AlertState,
    Change,
    Notification,
    NotificationKind,
    decide,
    deliver_at,
    personal_calendar,
)
from rules.calendar import Calendar
from rules.evaluator import Verdict, evaluate_project, evaluate_task
from rules.facts import ProjectFacts, TaskFacts
from rules.rule import Rule, Scope
from rules.rulebook import Rulebook, RulebookError, calendar_over
from rules.vocabulary import OutboxState, Role, TaskStatus
from storage.db import session_scope
from storage.models import (
    Alert,
    Channel,
    Crew,
    Member,
    OutboxMessage,
    Project,
    ProjectRole,
    Task,
    Update,
)
from storage.outbox import (
    POST_MESSAGE,
    InvalidPayload,
    is_person,
    payload_problem,
    threads_on_their_way,
    withdraw_pending,
)

log = logging.getLogger("tick")

# pg_try_advisory_lock's key for "the rule tick" ("sitetick" in ASCII, fits a bigint).
TICK_LOCK_KEY = 0x736974657469636B
# Tasks per transaction: on SQLite a batch holds the write lock while it is decided (~50 ms
# for 100 tasks), so other writers, such as a slash command recording an update, wait that long
# at most.
BATCH_SIZE = 100
RETRY_AFTER = timedelta(minutes=5)
_ALL_STATUSES = [status.value for status in TaskStatus]


# --- what the tick hands to the message composer, and what it gets back ----------------------


@dataclass(frozen=True)
class Routing:
    """Where messages about one task (or project) can go, as Slack ids read by the tick."""

    channel: str | None = None  # the project's first linked channel
    thread: tuple[str, str] | None = None  # the task's thread: (channel, ts)
    thread_coming: bool = False  # no thread yet, but the card that opens it is on its way
    assignee: str | None = None
    crew_lead: str | None = None
    managers: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()  # the project's leads: told when the task's crew has no lead


@dataclass(frozen=True)
class Notice:
    """One notification to put into words: the rule, the step, the facts and the routing.

    `task` is None for a project-level rule; `facts` are the evaluator's numbers at `now`
    (`hours_since_update`, `planned_percent`, …).
    """

    rule: Rule
    notification: Notification
    alert_id: int
    opened_at: datetime
    now: datetime
    project_key: str
    project_name: str
    currency: str
    calendar: Calendar
    task: TaskFacts | None
    task_title: str | None
    facts: Mapping[str, float]
    routing: Routing

    @property
    def subject(self) -> str:
        """Return what the alert is about as people write it: "TWR-42", or "TWR"."""
        return self.task.key if self.task is not None else self.project_key


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: a channel id (or a user id, for a DM), its text, its thread, and
    the people it is for (mentioned in a channel, or the reader of a DM).

    `args` are further chat.postMessage arguments (`blocks`, `metadata`): the same message
    laid out, so two messages are equal when they say the same thing to the same people.
    """

    target: str
    text: str
    thread_ts: str | None = None
    people: tuple[str, ...] = ()
    args: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # For the task's thread, which is on its way: held until the card is in Slack.
    awaits_thread: bool = False


Compose = Callable[[Notice], Sequence[Outgoing]]


@dataclass(frozen=True)
class Queued:
    """One message a tick queued (or, in a dry run, would have queued)."""

    rule_id: str
    subject: str
    step: int
    kind: NotificationKind
    notify: str  # the rule's target word: "assignee", "managers", a user id…
    via: str
    target: str
    thread_ts: str | None
    people: tuple[str, ...]
    at: datetime  # when it may be delivered (quiet hours), UTC
    timezone: str  # the project calendar's, to show `at` in
    text: str


@dataclass
class TickResult:
    """What one tick did. `ran` is False when another process held the tick lock."""

    ran: bool = True
    tasks_evaluated: int = 0
    projects_evaluated: int = 0
    opened: int = 0
    escalated: int = 0
    repeated: int = 0  # repeats and end-of-snooze reminders
    resolved: int = 0
    messages_queued: int = 0
    unrouted: int = 0  # notifications skipped: nobody to tell
    failed: list[str] = field(default_factory=list)  # keys of tasks/projects that failed
    queued: list[Queued] = field(default_factory=list)  # kept only when asked (dry runs)
    # The notifications that had nobody to tell ("stalled on TWR-3, step 2: crew_lead"),
    # kept only when asked (dry runs).
    untold: list[str] = field(default_factory=list)

    def add(self, other: TickResult) -> None:
        """Count `other`'s work into this result (a committed unit into the tick's total)."""
        for name in (
            "tasks_evaluated",
            "projects_evaluated",
            "opened",
            "escalated",
            "repeated",
            "resolved",
            "messages_queued",
            "unrouted",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed += other.failed
        self.queued += other.queued
        self.untold += other.untold

    def summary(self) -> str:
        """Return the tick in one line, for `siteloop tick` and the logs."""
        if not self.ran:
            return "tick: skipped, another process is evaluating the rules"
        line = (
            f"tick: {self.tasks_evaluated} tasks and {self.projects_evaluated} projects "
            f"evaluated; alerts {self.opened} opened, {self.escalated} escalated, "
            f"{self.repeated} repeated, {self.resolved} resolved; "
            f"{self.messages_queued} messages queued"
        )
        if self.unrouted:
            line += f"; {self.unrouted} notifications had nobody to tell"
        if self.failed:
            line += f"; failed: {', '.join(self.failed)}"
        return line


# --- the entry points ---------------------------------------------------------------------------


def tick(
    sessions: sessionmaker[Session],
    rulebook: Rulebook,
    now: datetime,
    *,
    compose: Compose,
    batch_size: int = BATCH_SIZE,
    retry_after: timedelta = RETRY_AFTER,
) -> TickResult:
    """Evaluate the rules for everything due at `now`, commit alerts and outbox rows; return
    what changed.

    Arguments:
        sessions: the session factory (its engine tells SQLite from PostgreSQL).
        rulebook: the rules in force; each project gets `rulebook.for_project(key)`, with the
            calendar overridden by the project row's `calendar` JSON.
        now: the instant of the tick (aware).
        compose: turns a `Notice` into the messages to queue (pure; see `bot.decisions`).
        batch_size: tasks per transaction.
        retry_after: how far a task that fails is pushed back.
    """
    engine = _engine_of(sessions)
    with tick_lock(engine) as held:
        if not held:
            log.info("tick skipped: another process holds the tick lock")
            return TickResult(ran=False)
        work = _Tick(rulebook, now, compose, keep=False)
        with session_scope(sessions, read_only=True) as session:
            task_ids = due_task_ids(session, now)
            project_ids = due_project_ids(session, rulebook, now)

        @contextlib.contextmanager
        def unit() -> Iterator[Session]:
            with session_scope(sessions) as session:
                yield session

        result = work.run(unit, task_ids, project_ids, batch_size, retry_after)
    return result


def preview(
    sessions: sessionmaker[Session],
    rulebook: Rulebook,
    now: datetime,
    *,
    compose: Compose,
    batch_size: int = BATCH_SIZE,
) -> TickResult:
    """Return what a tick at `now` would do, with every message it would queue, storing nothing.

    The whole evaluation runs in one transaction that is rolled back (each batch in a
    savepoint), so it needs no lock and leaves no trace. For `siteloop rules check`.
    """
    with sessions() as session:
        try:
            task_ids = due_task_ids(session, now)
            project_ids = due_project_ids(session, rulebook, now)
            work = _Tick(rulebook, now, compose, keep=True)

            @contextlib.contextmanager
            def unit() -> Iterator[Session]:
                with session.begin_nested():
                    yield session

            return work.run(unit, task_ids, project_ids, batch_size, None)
        finally:
            session.rollback()


def due_task_ids(session: Session, now: datetime) -> list[int]:
    """Return the ids of the tasks to evaluate at `now`, in id order.

    Tasks whose next check is due (one index range per status on (status, next_check_at)),
    and the tasks of open alerts whose next step is due (the next_step_at index).
    """
    checks = sa.select(Task.id).where(Task.status.in_(_ALL_STATUSES), Task.next_check_at <= now)
    steps = sa.select(Alert.task_id).where(
        Alert.next_step_at <= now, Alert.resolved_at.is_(None), Alert.task_id.is_not(None)
    )
    return sorted(set(session.scalars(checks)) | set(session.scalars(steps)))


def due_project_ids(session: Session, rulebook: Rulebook, now: datetime) -> list[int]:
    """Return the ids of the projects whose project-level rules need evaluating at `now`.

    A `silent_for` rule needs at least its duration of wall time since the project's last
    report (working time never exceeds wall time), so only projects silent for the shortest
    such duration are candidates — plus every project with an open project-level alert (its
    next step, or the report that resolves it).
    """
    shortest = _shortest_silence(rulebook)
    open_alerts = sa.select(Alert.project_id).where(
        Alert.task_id.is_(None), Alert.resolved_at.is_(None)
    )
    ids = set(session.scalars(open_alerts))
    if shortest is not None:
        heard = sa.func.coalesce(Project.last_report_at, Project.created_at)
        ids |= set(session.scalars(sa.select(Project.id).where(heard <= now - shortest)))
    return sorted(ids)


@contextlib.contextmanager
def tick_lock(engine: Engine) -> Iterator[bool]:
    """Yield whether this process may run the tick now; on PostgreSQL, hold the lock meanwhile.

    PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its
    own, held across the tick's many transactions and released at the end (or when the
    process dies and its connection closes). Other databases: always True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = bool(connection.scalar(sa.select(sa.func.pg_try_advisory_lock(TICK_LOCK_KEY))))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.scalar(sa.select(sa.func.pg_advisory_unlock(TICK_LOCK_KEY)))
                connection.commit()


def project_calendar(rulebook: Rulebook, key: str, written: Mapping[str, Any] | None) -> Calendar:
    """Return project `key`'s calendar: the rules file's (its project section, else its
    default), overridden by what the project row's `calendar` JSON gives. Built once per
    distinct calendar, so its cached day tables serve every tick."""
    base, _rules = rulebook.for_project(key)
    if not written:
        return base
    text = json.dumps(written, sort_keys=True, default=str)
    cache_key = (base, text)
    calendar = _CALENDARS.get(cache_key)
    if calendar is None:
        if len(_CALENDARS) >= _CALENDAR_CACHE_SIZE:
            _CALENDARS.clear()
        calendar = calendar_over(base, written, source=f"project {key} calendar")
        _CALENDARS[cache_key] = calendar
    return calendar


_CALENDARS: dict[tuple[Calendar, str], Calendar] = {}
_CALENDAR_CACHE_SIZE = 1024


# --- the work of one tick ----------------------------------------------------------------------


Unit = Callable[[], contextlib.AbstractContextManager[Session]]


@dataclass
class _Project:
    """What the tick needs about one project, read once per tick."""

    id: int
    key: str
    name: str
    currency: str
    calendar: Calendar
    task_rules: tuple[Rule, ...]
    project_rules: tuple[Rule, ...]
    channel: str | None
    managers: tuple[str, ...]
    leads: tuple[str, ...] = ()


@dataclass
class _Task:
    """One candidate task as read in its batch: its facts, title and thread."""

    facts: TaskFacts
    project_id: int
    title: str
    thread: tuple[str, str] | None
    next_check_at: datetime | None
    thread_coming: bool = False


@dataclass
class _Opened:
    """An alert this tick opens: its row, written with the others of its batch in one INSERT,
    and the id it got."""

    row: dict[str, Any]
    id: int | None = None

    @property
    def opened_at(self) -> datetime:
        return self.row["opened_at"]

    @property
    def next_step_at(self) -> datetime | None:
        return self.row["next_step_at"]


@dataclass
class _Pending:
    """A decision's notifications, to put into words once the alert row has its id."""

    alert: Alert | _Opened
    rule: Rule
    decision: AlertDecision
    verdict: Verdict
    project: _Project
    task: _Task | None


class _Tick:
    def __init__(self, rulebook: Rulebook, now: datetime, compose: Compose, keep: bool) -> None:
        self.rulebook = rulebook
        self.now = now
        self.compose = compose
        self.keep = keep
        self.projects: dict[int, _Project] = {}

    def run(
        self,
        unit: Unit,
        task_ids: list[int],
        project_ids: list[int],
        batch_size: int,
        retry_after: timedelta | None,
    ) -> TickResult:
        """Decide the tasks batch by batch, then the projects; return the committed work."""
        total = TickResult()
        for start in range(0, len(task_ids), batch_size):
            batch = task_ids[start : start + batch_size]
            try:
                with unit() as session:
                    done = self.decide_tasks(session, batch)
            except sa.exc.OperationalError:
                raise  # the database is unavailable or locked: no task is to blame; retry later
            except Exception:
                # Redo the batch one task at a time, so one bad task costs only itself.
                log.debug("tick batch failed; deciding its tasks one by one", exc_info=True)
                for task_id in batch:
                    total.add(self._alone(unit, task_id, retry_after))
            else:
                total.add(done)
        for project_id in project_ids:
            try:
                with unit() as session:
                    total.add(self.decide_project(session, project_id))
            except Exception:
                key = self.projects[project_id].key if project_id in self.projects else project_id
                log.exception("tick failed for project %s", key)
                total.failed.append(str(key))
        return total

    def _alone(self, unit: Unit, task_id: int, retry_after: timedelta | None) -> TickResult:
        try:
            with unit() as session:
                return self.decide_tasks(session, [task_id])
        except Exception:
            key = self._task_key(unit, task_id)
            log.exception(
                "tick failed for task %s; next check pushed back",
                key,
                extra={"siteloop_fields": {"task": key, "task_id": task_id}},
            )
            if retry_after is not None:
                self._push_back(unit, task_id, self.now + retry_after)
            return TickResult(failed=[key])

    def _task_key(self, unit: Unit, task_id: int) -> str:
        try:
            with unit() as session:
                row = session.execute(
                    sa.select(Project.key, Task.number)
                    .join(Project, Project.id == Task.project_id)
                    .where(Task.id == task_id)
                ).one()
            return f"{row.key}-{row.number}"
        except Exception:
            return f"task #{task_id}"

    def _push_back(self, unit: Unit, task_id: int, until: datetime) -> None:
        try:
            with unit() as session:
                session.execute(
                    sa.update(Task).where(Task.id == task_id).values(next_check_at=until)
                )
        except Exception:
            log.exception("could not push back task #%s", task_id)

    # --- tasks

    def decide_tasks(self, session: Session, task_ids: list[int]) -> TickResult:
        """Evaluate and decide the tasks `task_ids` in `session`'s transaction.

        1. Read the tasks (with assignee and crew lead) and their open alerts, in bulk.
        2. For each task and each of its project's task rules: evaluate, decide, write.
        3. Put the notifications into words and queue them; store each task's next check.
        """
        result = TickResult()
        tasks = self._read_tasks(session, task_ids)
        alerts = self._open_alerts(session, Alert.task_id.in_(task_ids))
        pending: list[_Pending] = []
        opened: list[_Opened] = []
        next_checks: list[dict[str, Any]] = []
        for task in tasks:
            project = self.projects[task.project_id]
            mine = {alert.rule_id: alert for alert in alerts.get(task.facts.id, [])}
            moments: list[datetime | None] = []
            for rule in project.task_rules:
                verdict = evaluate_task(task.facts, rule, project.calendar, self.now)
                moments.append(verdict.next_check_at)
                alert = mine.pop(rule.id, None)
                if alert is None and not verdict.fires:
                    continue
                decided = self._decide(session, alert, rule, verdict, project, task, result)
                moments.append(decided.alert.next_step_at)
                if isinstance(decided.alert, _Opened):
                    opened.append(decided.alert)
                if decided.decision.notifications:
                    pending.append(decided)
            for orphan in mine.values():  # its rule was removed or switched off
                self._close(orphan, result)
            result.tasks_evaluated += 1
            moment = min((m for m in moments if m is not None), default=None)
            if moment != task.next_check_at:
                next_checks.append({"task_id": task.facts.id, "moment": moment})
        session.flush()  # the alerts that changed
        _insert_opened(session, opened)
        self._queue(session, pending, result)
        if next_checks:
            tasks_table = Task.__table__
            session.execute(
                sa.update(tasks_table)
                .where(tasks_table.c.id == sa.bindparam("task_id"))
                .values(next_check_at=sa.bindparam("moment")),
                next_checks,
            )
        return result

    def _read_tasks(self, session: Session, task_ids: list[int]) -> list[_Task]:
        assignee, lead = aliased(Member), aliased(Member)
        query = (
            sa.select(
                Task.id,
                Task.project_id,
                Task.number,
                Task.title,
                Task.status,
                Task.percent_complete,
                Task.planned_start,
                Task.planned_finish,
                Task.budget,
                Task.actual_cost,
                Task.last_update_at,
                Task.assigned_at,
                Task.acknowledged_at,
                Task.blocked_since,
                Task.created_at,
                Task.thread_channel,
                Task.thread_ts,
                Task.next_check_at,
                assignee.slack_user_id.label("assignee"),
                lead.slack_user_id.label("lead"),
            )
            .select_from(Task)
            .outerjoin(assignee, assignee.id == Task.assignee_id)
            .outerjoin(Crew, Crew.id == Task.crew_id)
            .outerjoin(lead, lead.id == Crew.lead_id)
            .where(Task.id.in_(task_ids))
            .order_by(Task.id)
        )
        if _is_postgres(session):
            query = query.with_for_update(of=Task)  # writers wait for this batch's decisions
        rows = session.execute(query).all()
        self._load_projects(session, {row.project_id for row in rows})
        tasks = [self._task(row) for row in rows]
        coming = threads_on_their_way(session, [t.facts.id for t in tasks if t.thread is None])
        for task in tasks:
            task.thread_coming = task.facts.id in coming
        return tasks

    def _task(self, row: Any) -> _Task:
        key = self.projects[row.project_id].key
        facts = TaskFacts(
            id=row.id,
            key=f"{key}-{row.number}",
            project_key=key,
            status=row.status,
            created_at=row.created_at,
            percent=row.percent_complete,
            planned_start=row.planned_start,
            planned_finish=row.planned_finish,
            budget=row.budget,
            actual_cost=row.actual_cost,
            last_update_at=row.last_update_at,
            assigned_at=row.assigned_at,
            acknowledged_at=row.acknowledged_at,
            blocked_since=row.blocked_since,
            assignee_user_id=row.assignee,
            crew_lead_user_id=row.lead,
        )
        thread = (row.thread_channel, row.thread_ts) if row.thread_ts else None
        return _Task(facts, row.project_id, row.title, thread, row.next_check_at)

    # --- projects

    def decide_project(self, session: Session, project_id: int) -> TickResult:
        """Evaluate and decide project `project_id`'s project-level rules in `session`."""
        result = TickResult()
        row = session.get(Project, project_id)
        if row is None:
            return result
        self._load_projects(session, {project_id})
        project = self.projects[project_id]
        facts = ProjectFacts(
            key=row.key, created_at=row.created_at, last_report_at=row.last_report_at
        )
        alerts = self._open_alerts(
            session, sa.and_(Alert.project_id == project_id, Alert.task_id.is_(None))
        )
        mine = {alert.rule_id: alert for alert in alerts.get(None, [])}
        pending: list[_Pending] = []
        opened: list[_Opened] = []
        for rule in project.project_rules:
            verdict = evaluate_project(facts, rule, project.calendar, self.now)
            alert = mine.pop(rule.id, None)
            if alert is None and not verdict.fires:
                continue
            decided = self._decide(session, alert, rule, verdict, project, None, result)
            if isinstance(decided.alert, _Opened):
                opened.append(decided.alert)
            if decided.decision.notifications:
                pending.append(decided)
        for orphan in mine.values():
            self._close(orphan, result)
        result.projects_evaluated += 1
        session.flush()
        _insert_opened(session, opened)
        self._queue(session, pending, result)
        return result

    def _load_projects(self, session: Session, ids: set[int]) -> None:
        """Read the projects not read yet this tick: rows, first channels, managers."""
        missing = sorted(ids - self.projects.keys())
        if not missing:
            return
        channels: dict[int, str] = {}
        for project_id, channel in session.execute(
            sa.select(Channel.project_id, Channel.slack_channel_id)
            .where(Channel.project_id.in_(missing))
            .order_by(Channel.project_id, Channel.linked_at, Channel.id)
        ):
            channels.setdefault(project_id, channel)
        people: dict[tuple[int, Role], list[str]] = defaultdict(list)
        for project_id, role, user in session.execute(
            sa.select(ProjectRole.project_id, ProjectRole.role, Member.slack_user_id)
            .join(Member, Member.id == ProjectRole.member_id)
            .where(
                ProjectRole.project_id.in_(missing),
                ProjectRole.role.in_([Role.MANAGER, Role.LEAD]),
            )
            .order_by(ProjectRole.project_id, Member.id)
        ):
            people[project_id, role].append(user)
        rows = session.execute(
            sa.select(
                Project.id, Project.key, Project.name, Project.currency, Project.calendar
            ).where(Project.id.in_(missing))
        )
        for row in rows:
            _calendar, rules = self.rulebook.for_project(row.key)
            self.projects[row.id] = _Project(
                id=row.id,
                key=row.key,
                name=row.name,
                currency=row.currency,
                calendar=self._calendar(row.key, row.calendar),
                task_rules=tuple(rule for rule in rules if rule.scope is Scope.TASK),
                project_rules=tuple(rule for rule in rules if rule.scope is Scope.PROJECT),
                channel=channels.get(row.id),
                managers=tuple(people.get((row.id, Role.MANAGER), ())),
                leads=tuple(people.get((row.id, Role.LEAD), ())),
            )

    def _calendar(self, key: str, written: Mapping[str, Any] | None) -> Calendar:
        try:
            return project_calendar(self.rulebook, key, written)
        except RulebookError as error:
            base, _rules = self.rulebook.for_project(key)
            log.error("project %s has an invalid calendar, using the rules file's: %s", key, error)
            return base

    # --- alerts

    def _open_alerts(
        self, session: Session, where: sa.ColumnElement[bool]
    ) -> dict[int | None, list[Alert]]:
        query = sa.select(Alert).where(where, Alert.resolved_at.is_(None))
        if _is_postgres(session):
            query = query.with_for_update()  # an acknowledgement waits for the decision
        found: dict[int | None, list[Alert]] = defaultdict(list)
        for alert in session.scalars(query):
            found[alert.task_id].append(alert)
        return found

    def _decide(
        self,
        session: Session,
        alert: Alert | None,
        rule: Rule,
        verdict: Verdict,
        project: _Project,
        task: _Task | None,
        result: TickResult,
    ) -> _Pending:
        """Decide one alert of `rule`: write the outcome to its row, or describe the row of an
        alert that opens (inserted with its batch's)."""
        cleared_by = None
        if alert is not None and not verdict.fires:
            cleared_by = _clearing_update(session, alert, task.facts.id if task else None)
        state = _state_of(alert) if alert is not None else None
        decision = decide(
            state, rule, verdict.fires, project.calendar, self.now, cleared_by=cleared_by
        )
        state = decision.state
        assert state is not None  # an open alert, or one that opens now
        written: Alert | _Opened
        if alert is None:
            task_id = task.facts.id if task else None
            written = _Opened(
                {
                    "rule_id": rule.id,
                    "project_id": project.id,
                    "task_id": task_id,
                    "severity": rule.severity,
                    "opened_at": state.opened_at,
                    "level": state.level,
                    "next_step_at": state.next_step_at,
                    "last_notified_at": state.last_notified_at,
                    "open_key": Alert.open_key_for(rule.id, project.id, task_id),
                }
            )
        else:
            _write_state(alert, state)
            written = alert
            if Change.RESOLVED in decision.changes:
                withdraw_pending(session, alert.id, self.now)
        kinds = {notification.kind for notification in decision.notifications}
        result.opened += Change.OPENED in decision.changes
        result.resolved += Change.RESOLVED in decision.changes
        result.escalated += NotificationKind.ESCALATION in kinds
        result.repeated += bool(kinds & {NotificationKind.REPEAT, NotificationKind.REMINDER})
        return _Pending(written, rule, decision, verdict, project, task)

    def _close(self, alert: Alert, result: TickResult) -> None:
        alert.resolved_at = self.now
        alert.next_step_at = None
        withdraw_pending(sa.orm.object_session(alert), alert.id, self.now)
        result.resolved += 1

    def _queue(self, session: Session, items: list[_Pending], result: TickResult) -> None:
        """Put the notifications of `items` into words and write them to the outbox, each once.

        The rows keep `storage.outbox.enqueue`'s contract (payload checked by
        `payload_problem`, one row per dedupe key) but are written together: one query for
        the keys already taken, one multi-row INSERT. Both run in the caller's transaction,
        which holds SQLite's write lock (or, on PostgreSQL, runs under the tick lock), so no
        other tick can take a key in between; the UNIQUE constraint backs that up.
        """
        rows: dict[str, dict[str, Any]] = {}
        queued: dict[str, Queued] = {}
        composed = [
            (item, notification, notice, self.compose(notice))
            for item in items
            for notification in item.decision.notifications
            for notice in (self._notice(item, notification),)
        ]
        timezones = _timezones(session, {m.target for *_, ms in composed for m in ms})
        for item, notification, notice, messages in composed:
            if not messages:
                result.unrouted += 1
                if self.keep:
                    result.untold.append(
                        f"{item.rule.id} on {notice.subject}, step {notification.step}: "
                        f"{notification.target}"
                    )
                log.warning(
                    "nobody to notify for %s on %s (step %d: %s)",
                    item.rule.id,
                    notice.subject,
                    notification.step,
                    notification.target,
                    extra={"siteloop_fields": {"rule": item.rule.id, "subject": notice.subject}},
                )
            for message in messages:
                calendar = personal_calendar(item.project.calendar, timezones.get(message.target))
                at = (
                    notification.at  # decided on the project's calendar
                    if calendar is item.project.calendar
                    else deliver_at(self.now, item.rule.severity, calendar)
                )
                key, row = self._row(item, notification, message, at)
                rows.setdefault(key, row)
                if self.keep:
                    queued.setdefault(key, _queued(notice, message, at, calendar.timezone))
        if not rows:
            return
        taken: set[str] = set()
        keys = list(rows)
        for start in range(0, len(keys), 500):
            taken.update(
                session.scalars(
                    sa.select(OutboxMessage.dedupe_key).where(
                        OutboxMessage.dedupe_key.in_(keys[start : start + 500])
                    )
                )
            )
        fresh = [row for key, row in rows.items() if key not in taken]
        if fresh:
            session.execute(sa.insert(OutboxMessage.__table__), fresh)  # one executemany
        result.messages_queued += len(fresh)
        result.queued += [item for key, item in queued.items() if key not in taken]

    def _notice(self, item: _Pending, notification: Notification) -> Notice:
        project, task = item.project, item.task
        return Notice(
            rule=item.rule,
            notification=notification,
            alert_id=item.alert.id,
            opened_at=item.alert.opened_at,
            now=self.now,
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

    def _row(
        self, item: _Pending, notification: Notification, message: Outgoing, at: datetime
    ) -> tuple[str, dict[str, Any]]:
        """Return one outbox row for `message`, due `at`, and its dedupe key.

        The key names the alert, step, kind, delivery instant and recipient, so a decision
        replayed at the same instant queues nothing twice — and repeats that quiet hours defer
        to the same morning go out once.
        """
        at = at.astimezone(UTC)
        key = (
            f"alert:{item.alert.id}:{notification.step}:{notification.kind.value}:"
            f"{at:%Y-%m-%dT%H:%M:%S.%fZ}:{message.target}"
        )
        payload = {"method": POST_MESSAGE, "args": {**message.args, "text": message.text}}
        problem = payload_problem(message.target, payload)
        if problem is not None:
            raise InvalidPayload(f"{key}: {problem}")
        return key, {
            "created_at": self.now,
            "kind": notification.kind.value,
            "project_id": item.project.id,
            "task_id": item.task.facts.id if item.task else None,
            "alert_id": item.alert.id,
            "target": message.target,
            "thread_ts": message.thread_ts,
            "payload": payload,
            "state": OutboxState.WAITING if message.awaits_thread else OutboxState.PENDING,
            "attempts": 0,
            "next_attempt_at": max(at, self.now),
            "dedupe_key": key,
        }


def _timezones(session: Session, targets: set[str]) -> dict[str, str]:
    """Return the Slack timezone of each target that is a known person (DMs keep their hours)."""
    people = [target for target in targets if is_person(target)]
    if not people:
        return {}
    query = sa.select(Member.slack_user_id, Member.timezone).where(
        Member.slack_user_id.in_(people), Member.timezone.is_not(None)
    )
    return {user: zone for user, zone in session.execute(query)}


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


def _insert_opened(session: Session, opened: list[_Opened]) -> None:
    """Insert the alerts a batch opens in one statement, and learn their ids by `open_key`
    (unique while open), which needs no RETURNING in row order (SQLite has none)."""
    if not opened:
        return
    session.execute(sa.insert(Alert.__table__), [alert.row for alert in opened])
    keys = [alert.row["open_key"] for alert in opened]
    ids: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        ids.update(
            session.execute(
                sa.select(Alert.open_key, Alert.id).where(
                    Alert.open_key.in_(keys[start : start + 500])
                )
            ).all()
        )
    for alert in opened:
        alert.id = ids[alert.row["open_key"]]


def _state_of(alert: Alert) -> AlertState:
    return AlertState(
        opened_at=alert.opened_at,
        level=alert.level,
        next_step_at=alert.next_step_at,
        last_notified_at=alert.last_notified_at,
        acknowledged_at=alert.acknowledged_at,
        snoozed_until=alert.snoozed_until,
        resolved_at=alert.resolved_at,
        resolved_by_update_id=alert.resolved_by_update_id,
    )


def _write_state(alert: Alert, state: AlertState) -> None:
    """Copy what `decide` may change onto the row (acknowledgement and snooze are the
    writers', never the tick's)."""
    for name in ("level", "next_step_at", "last_notified_at", "resolved_at"):
        value = getattr(state, name)
        if getattr(alert, name) != value:
            setattr(alert, name, value)
    if state.resolved_by_update_id is not None:
        alert.resolved_by_update_id = state.resolved_by_update_id


def _clearing_update(session: Session, alert: Alert, task_id: int | None) -> int | None:
    """Return the update that cleared `alert`: the latest live one of its task (or project)
    if it was recorded since the alert opened, else None (time alone cleared it).

    One indexed lookup ((task_id, occurred_at) or (project_id, occurred_at)), made only for
    an alert that resolves.
    """
    owner = (
        Update.task_id == task_id
        if task_id is not None
        else (Update.project_id == alert.project_id)
    )
    row = session.execute(
        sa.select(Update.id, Update.recorded_at)
        .where(owner, Update.retracted_at.is_(None))
        .order_by(Update.occurred_at.desc(), Update.id.desc())
        .limit(1)
    ).first()
    if row is None or row.recorded_at < alert.opened_at:
        return None
    return row.id


def _shortest_silence(rulebook: Rulebook) -> timedelta | None:
    rules = [*rulebook.rules, *(rule for p in rulebook.projects.values() for rule in p.rules)]
    silences = [rule.when.silent_for for rule in rules if rule.when.silent_for is not None]
    return min(silences, default=None)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _engine_of(sessions: sessionmaker[Session]) -> Engine:
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("tick() needs a session factory bound to an engine")
    return bind
