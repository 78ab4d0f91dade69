"""What a tick looks at: only what is due, whatever the history; projects; calendars."""

from datetime import timedelta

from sqlalchemy import event

from rules.vocabulary import UpdateKind
from storage.db import session_scope
from storage.models import Project
from storage.tick import due_task_ids
from tests.decisions.conftest import Site, rulebook, saigon, utc

SATURDAY_13 = saigon(2026, 12, 5, 13)
MONDAY_11 = saigon(2026, 12, 7, 11)


def test_it_evaluates_only_the_tasks_that_are_due(site: Site):
    site.add_task("Due", now=SATURDAY_13)
    site.add_task("Fresh", now=MONDAY_11 - timedelta(hours=1))
    site.tick(MONDAY_11 - timedelta(hours=1))  # both evaluated once, next checks stored

    result = site.tick(MONDAY_11)

    assert (result.tasks_evaluated, result.opened) == (1, 1)


def test_a_tasks_history_does_not_change_what_a_tick_reads(site: Site, engine):
    quiet = site.add_task("Quiet", now=SATURDAY_13 - timedelta(days=7))
    chatty = site.add_task("Chatty", now=SATURDAY_13 - timedelta(days=7))
    for hour in range(60):
        site.report(chatty, SATURDAY_13 - timedelta(days=7) + timedelta(hours=hour), percent=1)
    site.report(quiet, SATURDAY_13 - timedelta(days=7), kind=UpdateKind.NOTE, note="hi")
    site.report(chatty, SATURDAY_13, kind=UpdateKind.NOTE, note="still here")
    site.report(quiet, SATURDAY_13, kind=UpdateKind.NOTE, note="still here")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    result = site.tick(MONDAY_11)

    assert (result.tasks_evaluated, result.opened) == (2, 2)
    assert not [s for s in statements if "FROM updates" in s]


def test_the_candidate_query_walks_the_status_and_next_check_index(site: Site, engine):
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner picks by statistics; SQLite's plan is stable
    site.add_task(now=SATURDAY_13)
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    with site.sessions() as session:
        event.listen(engine, "before_cursor_execute", record)
        due_task_ids(session, utc(MONDAY_11))
        event.remove(engine, "before_cursor_execute", record)
        [plan] = [
            session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
            for sql, params in seen
            if "FROM tasks" in sql
        ]

    assert any("ix_tasks_status_next_check_at" in str(row) for row in plan), plan


SILENT_RULES = """
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-11:30,13:00-17:00"}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
  - id: silent_project
    when: {silent_for: 8h30m}
    escalate:
      - {after: 0m, notify: channel, via: channel}
      - {after: 4h, notify: managers, via: dm}
"""


def test_a_silent_project_is_told_in_its_channel_and_a_report_resolves_it(session_factory):
    site = Site(session_factory, rulebook(SILENT_RULES), since=SATURDAY_13)
    with session_scope(site.sessions) as session:
        session.get(Project, site.project_id).last_report_at = utc(SATURDAY_13)
    task = site.add_task(now=SATURDAY_13, status="planned")

    quiet = site.tick(saigon(2026, 12, 7, 11, 29))
    opened = site.tick(saigon(2026, 12, 7, 11, 30))  # 4 on Saturday, 4.5 on Monday
    update = site.report(task, saigon(2026, 12, 7, 13, 5), kind=UpdateKind.NOTE, note="back")
    resolved = site.tick(saigon(2026, 12, 7, 13, 10))

    assert (quiet.opened, opened.opened, resolved.resolved) == (0, 1, 1)
    [alert] = site.alerts()
    assert (alert.rule_id, alert.task_id, alert.resolved_by_update_id) == (
        "silent_project",
        None,
        update,
    )
    assert site.sent() == [
        (
            "C0TOWER",
            None,
            "TWR Tower A has had no report at all for 8.5 working hours. Post today's progress "
            "in the project channel; if the site is closed, add the day to the calendar's "
            "holidays.",
        )
    ]


def test_the_project_rows_calendar_overrides_the_rules_file(site: Site):
    with session_scope(site.sessions) as session:
        session.get(Project, site.project_id).calendar = {"workdays": "mon-fri"}
    site.add_task(now=saigon(2026, 12, 4, 13))  # Friday afternoon; Saturday is off here

    before = site.tick(saigon(2026, 12, 7, 10, 59))
    at = site.tick(MONDAY_11)  # 4 on Friday, 4 on Monday morning: Saturday did not count

    assert (before.opened, at.opened) == (0, 1)


def test_an_alert_whose_rule_was_switched_off_resolves(session_factory):
    site = Site(session_factory, rulebook())
    task = site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    site.rules = rulebook(
        """
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-11:30,13:00-17:00"}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
projects:
  TWR: {disabled: [stalled]}
"""
    )
    site.report(task, saigon(2026, 12, 7, 14), kind=UpdateKind.NOTE, note="hi")

    result = site.tick(saigon(2026, 12, 7, 14))

    assert result.resolved == 1
    [alert] = site.alerts()
    assert alert.resolved_at == utc(saigon(2026, 12, 7, 14))
