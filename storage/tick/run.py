"""One tick: take the lock, find the candidates, decide them batch by batch; or, for a dry
run, the same in one transaction rolled back."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rules.alerts import Change, NotificationKind, decide
from rules.calendar import Calendar
from rules.evaluator import Verdict, evaluate_project, evaluate_task
from rules.facts import ProjectFacts
from rules.notice import Compose
from rules.rule import Rule
from rules.rulebook import Rulebook
from storage.db import session_scope
from storage.models import Alert, Project, Task
from storage.outbox import withdraw_pending
from storage.tick.alert_rows import (
    OpenedAlert,
    clearing_update,
    insert_opened,
    state_of,
    write_state,
)
from storage.tick.candidates import due_project_ids, due_task_ids
from storage.tick.lock import tick_lock
from storage.tick.queueing import Pending, queue_notifications
from storage.tick.reading import Projects, TickProject, TickTask, open_alerts, read_tasks
from storage.tick.result import TickResult

log = logging.getLogger("tick")

# Tasks per transaction: on SQLite a batch holds the write lock while it is decided (~50 ms
# for 100 tasks), so other writers, such as a slash command recording an update, wait that long
# at most.
BATCH_SIZE = 100
RETRY_AFTER = timedelta(minutes=5)

Unit = Callable[[], contextlib.AbstractContextManager[Session]]


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
        compose: turns a `Notice` into the messages to queue (pure; see `bot.notify`).
        batch_size: tasks per transaction.
        retry_after: how far a task that fails is pushed back.
    """
    with tick_lock(_engine_of(sessions)) as held:
        if not held:
            log.info("tick skipped: another process holds the tick lock")
            return TickResult(ran=False)
        work = _Tick(Projects(rulebook), now, compose, keep=False)
        with session_scope(sessions, read_only=True) as session:
            task_ids = due_task_ids(session, now)
            project_ids = due_project_ids(session, rulebook, now)

        @contextlib.contextmanager
        def unit() -> Iterator[Session]:
            with session_scope(sessions) as session:
                yield session

        return work.run(unit, task_ids, project_ids, batch_size, retry_after)


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
            work = _Tick(Projects(rulebook), now, compose, keep=True)

            @contextlib.contextmanager
            def unit() -> Iterator[Session]:
                with session.begin_nested():
                    yield session

            return work.run(unit, task_ids, project_ids, batch_size, None)
        finally:
            session.rollback()


class _Tick:
    """The decisions of one tick at `now`, each unit of work in a transaction of its own."""

    def __init__(self, projects: Projects, now: datetime, compose: Compose, keep: bool) -> None:
        self.projects = projects
        self.now = now
        self.compose = compose
        self.keep = keep

    def run(
        self,
        unit: Unit,
        task_ids: list[int],
        project_ids: list[int],
        batch_size: int,
        retry_after: timedelta | None,
    ) -> TickResult:
        """Decide the tasks batch by batch, then the projects; return the committed work.

        A batch that fails is redone one task per transaction; a task that still fails is
        logged with its key and pushed back by `retry_after`, so it never blocks the others
        and cannot put the tick in a crash loop.
        """
        total = TickResult()
        for start in range(0, len(task_ids), batch_size):
            batch = task_ids[start : start + batch_size]
            try:
                with unit() as session:
                    done = self.decide_tasks(session, batch)
            except sa.exc.OperationalError:
                raise  # the database is unavailable or locked: no task is to blame; retry later
            except Exception:
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
            key = _task_key(unit, task_id)
            log.exception(
                "tick failed for task %s; next check pushed back",
                key,
                extra={"siteloop_fields": {"task": key, "task_id": task_id}},
            )
            if retry_after is not None:
                _push_back(unit, task_id, self.now + retry_after)
            return TickResult(failed=[key])

    def decide_tasks(self, session: Session, task_ids: list[int]) -> TickResult:
        """Evaluate and decide the tasks `task_ids` in `session`'s transaction.

        1. Read the tasks (with assignee and crew lead) and their open alerts, in bulk.
        2. For each task and each of its project's task rules: evaluate, decide, write.
        3. Put the notifications into words and queue them; store each task's next check.
        """
        decided = _Decided()
        tasks = read_tasks(session, task_ids, self.projects)
        alerts = open_alerts(session, Alert.task_id.in_(task_ids))
        next_checks: list[dict[str, Any]] = []
        for task in tasks:
            project = self.projects[task.project_id]
            moments = self._decide_rules(
                session,
                project.task_rules,
                functools.partial(_evaluate_task, task, project.calendar, self.now),
                alerts.get(task.facts.id, []),
                project,
                task,
                decided,
            )
            decided.result.tasks_evaluated += 1
            moment = min((m for m in moments if m is not None), default=None)
            if moment != task.next_check_at:
                next_checks.append({"task_id": task.facts.id, "moment": moment})
        self._write(session, decided)
        if next_checks:
            tasks_table = Task.__table__
            session.execute(
                sa.update(tasks_table)
                .where(tasks_table.c.id == sa.bindparam("task_id"))
                .values(next_check_at=sa.bindparam("moment")),
                next_checks,
            )
        return decided.result

    def decide_project(self, session: Session, project_id: int) -> TickResult:
        """Evaluate and decide project `project_id`'s project-level rules in `session`."""
        decided = _Decided()
        row = session.get(Project, project_id)
        if row is None:
            return decided.result
        self.projects.load(session, {project_id})
        project = self.projects[project_id]
        facts = ProjectFacts(
            key=row.key, created_at=row.created_at, last_report_at=row.last_report_at
        )
        alerts = open_alerts(
            session, sa.and_(Alert.project_id == project_id, Alert.task_id.is_(None))
        )
        self._decide_rules(
            session,
            project.project_rules,
            lambda rule: evaluate_project(facts, rule, project.calendar, self.now),
            alerts.get(None, []),
            project,
            None,
            decided,
        )
        decided.result.projects_evaluated += 1
        self._write(session, decided)
        return decided.result

    def _decide_rules(
        self,
        session: Session,
        rules: tuple[Rule, ...],
        evaluate: Callable[[Rule], Verdict],
        alerts: list[Alert],
        project: TickProject,
        task: TickTask | None,
        decided: _Decided,
    ) -> list[datetime | None]:
        """Evaluate each of `rules` for one task (or project) and decide its alert; close the
        open alerts no rule claims any more (removed, or switched off). Return the instants
        at which each rule and alert next needs looking at."""
        mine = {alert.rule_id: alert for alert in alerts}
        moments: list[datetime | None] = []
        for rule in rules:
            verdict = evaluate(rule)
            moments.append(verdict.next_check_at)
            alert = mine.pop(rule.id, None)
            if alert is None and not verdict.fires:
                continue
            pending = self._decide(session, alert, rule, verdict, project, task, decided.result)
            moments.append(pending.alert.next_step_at)
            if isinstance(pending.alert, OpenedAlert):
                decided.opened.append(pending.alert)
            if pending.decision.notifications:
                decided.pending.append(pending)
        for orphan in mine.values():
            self._close(orphan, decided.result)
        return moments

    def _write(self, session: Session, decided: _Decided) -> None:
        session.flush()  # the alerts that changed
        insert_opened(session, decided.opened)
        queue_notifications(
            session, decided.pending, self.now, self.compose, decided.result, keep=self.keep
        )

    def _decide(
        self,
        session: Session,
        alert: Alert | None,
        rule: Rule,
        verdict: Verdict,
        project: TickProject,
        task: TickTask | None,
        result: TickResult,
    ) -> Pending:
        """Decide one alert of `rule`: write the outcome to its row, or describe the row of an
        alert that opens (inserted with its batch's)."""
        task_id = task.facts.id if task else None
        cleared_by = None
        if alert is not None and not verdict.fires:
            cleared_by = clearing_update(session, alert, task_id)
        state = state_of(alert) if alert is not None else None
        decision = decide(
            state, rule, verdict.fires, project.calendar, self.now, cleared_by=cleared_by
        )
        state = decision.state
        assert state is not None  # an open alert, or one that opens now
        written: Alert | OpenedAlert
        if alert is None:
            written = OpenedAlert(
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
            write_state(alert, state)
            written = alert
            if Change.RESOLVED in decision.changes:
                withdraw_pending(session, alert.id, self.now)
        kinds = {notification.kind for notification in decision.notifications}
        result.opened += Change.OPENED in decision.changes
        result.resolved += Change.RESOLVED in decision.changes
        result.escalated += NotificationKind.ESCALATION in kinds
        result.repeated += bool(kinds & {NotificationKind.REPEAT, NotificationKind.REMINDER})
        return Pending(written, rule, decision, verdict, project, task)

    def _close(self, alert: Alert, result: TickResult) -> None:
        alert.resolved_at = self.now
        alert.next_step_at = None
        session = sa.orm.object_session(alert)
        assert session is not None
        withdraw_pending(session, alert.id, self.now)
        result.resolved += 1


class _Decided:
    """What one unit of work decided: its counts, the alerts it opens, the notifications."""

    def __init__(self) -> None:
        self.result = TickResult()
        self.opened: list[OpenedAlert] = []
        self.pending: list[Pending] = []


def _evaluate_task(task: TickTask, calendar: Calendar, now: datetime, rule: Rule) -> Verdict:
    return evaluate_task(task.facts, rule, calendar, now)


def _task_key(unit: Unit, task_id: int) -> str:
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


def _push_back(unit: Unit, task_id: int, until: datetime) -> None:
    try:
        with unit() as session:
            session.execute(sa.update(Task).where(Task.id == task_id).values(next_check_at=until))
    except Exception:
        log.exception("could not push back task #%s", task_id)


def _engine_of(sessions: sessionmaker[Session]) -> Engine:
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("tick() needs a session factory bound to an engine")
    return bind
