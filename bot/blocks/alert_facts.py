"""The numbers behind a notification, as the labelled fields its message shows (pure).

They come from the evaluator's own facts (`rules.evaluator.VerdictFacts`) and the task's, so a
message never says more than the rule measured.
"""

from __future__ import annotations

from bot.blocks.text import day, money, number
from rules.notice import Notice
from rules.rule import Clock


def in_hours(notice: Notice, value: float) -> str:
    """Return `value` hours as people read them: "11 working hours", "1 hour", "2.5 hours"."""
    working = notice.rule.clock is Clock.WORKING and not notice.calendar.is_always
    shown = number(value, 1)
    unit = "hour" if shown == "1" else "hours"
    return f"{shown} working {unit}" if working else f"{shown} {unit}"


def alert_numbers(notice: Notice) -> tuple[tuple[str, str], ...]:
    """Return the (label, value) fields of a notification, in reading order.

    1. How long the condition has held, in the rule's hours (no update, not acknowledged,
       blocked, past the finish, due in, silent).
    2. Progress: reported against the plan for today, and how far behind.
    3. Money: spent against the value of the work done.
    """
    facts, task = notice.facts, notice.task
    shown: list[tuple[str, str]] = []

    def hours(value: float | None, label: str, suffix: str = "") -> None:
        if value is not None:
            shown.append((label, f"{in_hours(notice, value)}{suffix}"))

    hours(facts.hours_since_update, "Last update", " ago")
    hours(facts.hours_silent, "Last report", " ago")
    hours(facts.hours_unacknowledged, "Assigned", " ago, not acknowledged")
    hours(facts.hours_blocked, "Blocked for")
    if task is not None and task.planned_finish is not None:
        late = int(facts.days_late or 0)
        finish = day(task.planned_finish)
        if late >= 1:
            finish += f" ({late} day{'s' if late != 1 else ''} late)"
        shown.append(("Planned finish", finish))
    hours(facts.hours_until_due, "Due in")
    if facts.planned_percent is not None:
        shown.append(("Plan for today", f"{number(facts.planned_percent, 1)}%"))
    if task is not None:
        reported = facts.percent if facts.percent is not None else float(task.percent)
        shown.append(("Reported", f"{number(reported, 1)}%"))
    if facts.behind_by is not None and facts.behind_by > 0:
        shown.append(("Behind plan", f"{number(facts.behind_by, 1)} points"))
    if facts.actual_cost is not None:
        spent = money(facts.actual_cost, notice.currency)
        earned = money(facts.earned_value or 0.0, notice.currency)
        shown.append(("Spent", f"{spent} against {earned} earned"))
    if facts.overrun_pct is not None:
        shown.append(("Over by", f"{number(facts.overrun_pct, 1)}%"))
    return tuple(shown)
