"""The alert lifecycle: open, escalate, repeat, wait out a snooze, resolve — as pure decisions.

One alert is an episode of one rule holding for one task (or project). Given its stored state,
whether the rule holds now, and `now`, `decide` returns the new state, what changed, and the
notifications to send. Applying a decision and deciding again at the same instant changes
nothing, so a tick that runs twice sends nothing twice.

The timeline, on the rule's clock (working hours by default):

- The alert opens the first time it is seen holding, at `now`.
- Step i of `escalate` is due `after` its offset from the opening. Steps due together (after a
  snooze, or a late tick) are all notified at once; `level` is the last step notified.
- An acknowledgement stops everything until the condition clears: no more steps or repeats.
- A snooze holds everything until `snoozed_until`; what fell due meanwhile goes out then, and
  if nothing did, the current step is reminded once, so a snooze means "remind me later".
- `repeat_every` after the last notification, the current step is notified again.
- When the rule stops holding, the alert resolves; if it holds again later, a new one opens.

Quiet hours: a notification is delivered at once if the recipient is within working hours (by
their calendar, else the project's) or the rule is critical; otherwise its `at` is their next
working start, and the delivery side holds it until then. A DM's reader keeps the project's
hours on their own clock (`personal_calendar`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from rules.calendar import Calendar
from rules.rule import Clock, Rule, Step, Via
from rules.vocabulary import Severity


@dataclass(frozen=True, kw_only=True)
class AlertState:
    """The stored columns of one alert (the `alerts` row)."""

    opened_at: datetime
    level: int = 0  # the last escalation step notified (0 also before any)
    next_step_at: datetime | None = None  # when something is next due; None: nothing
    last_notified_at: datetime | None = None
    acknowledged_at: datetime | None = None
    snoozed_until: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by_update_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Change(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"  # one or more steps notified for the first time
    REPEATED = "repeated"  # the current step notified again (repeat_every)
    REMINDED = "reminded"  # the current step notified again when a snooze ran out
    RESOLVED = "resolved"


class NotificationKind(StrEnum):
    FOLLOW_UP = "follow_up"  # step 0
    ESCALATION = "escalation"  # later steps
    REPEAT = "repeat"
    REMINDER = "reminder"


@dataclass(frozen=True)
class Notification:
    """One message to send: which step, to whom, how, of what kind, and when to deliver it."""

    step: int
    target: str  # "assignee", "crew_lead", "managers", "channel" or a Slack user id
    via: Via
    kind: NotificationKind
    at: datetime  # now, or the recipient's next working start (quiet hours)


@dataclass(frozen=True)
class AlertDecision:
    """The new state of the alert (None: none open and none opened), what changed, and the
    notifications the change causes."""

    state: AlertState | None
    changes: tuple[Change, ...] = ()
    notifications: tuple[Notification, ...] = ()

    @property
    def next_step_at(self) -> datetime | None:
        """Return when this alert next needs deciding without new data (None: never)."""
        return None if self.state is None else self.state.next_step_at


def decide(
    alert: AlertState | None,
    rule: Rule,
    holds: bool,
    calendar: Calendar,
    now: datetime,
    *,
    recipient_calendars: Mapping[str, Calendar] | None = None,
    cleared_by: int | None = None,
) -> AlertDecision:
    """Return what happens to an alert of `rule` at `now`.

    Arguments:
        alert: the open alert of this rule for this task/project; None (or a resolved one) if
            there is none.
        holds: whether the rule holds now (the evaluator's `Verdict.fires`).
        calendar: the project's calendar: the working clock for steps and repeats, and the
            quiet hours of any recipient without a calendar of their own.
        recipient_calendars: calendars by target ("managers", "U0ANN", …) for quiet hours.
        cleared_by: the update that made the rule stop holding, recorded on resolution.
    """
    if alert is None or not alert.is_open:
        if not holds:
            return AlertDecision(alert)
        opened = AlertState(opened_at=now)
        return _advance(opened, rule, calendar, now, recipient_calendars or {}, Change.OPENED)
    if not holds:
        resolved = replace(
            alert, resolved_at=now, resolved_by_update_id=cleared_by, next_step_at=None
        )
        return AlertDecision(resolved, (Change.RESOLVED,))
    return _advance(alert, rule, calendar, now, recipient_calendars or {})


def _advance(
    alert: AlertState,
    rule: Rule,
    calendar: Calendar,
    now: datetime,
    calendars: Mapping[str, Calendar],
    *opening: Change,
) -> AlertDecision:
    """Return the decision for an open alert whose rule still holds.

    1. Acknowledged: nothing more, ever. Snoozed: nothing until the snooze ends.
    2. Notify every step now due; else the current step if a repeat or a reminder is due.
    3. Store when the next of these is due.
    """
    timeline = _Timeline(alert, rule, calendar)
    changes: list[Change] = list(opening)
    sent: list[tuple[int, NotificationKind]] = []
    if alert.acknowledged_at is None and not timeline.snoozed_at(now):
        sent, change = timeline.due(now)
        if change is not None:
            changes.append(change)
    if sent:
        alert = replace(alert, level=sent[-1][0], last_notified_at=now)
    next_step = _Timeline(alert, rule, calendar).next_due()
    state = replace(alert, next_step_at=next_step)
    notifications = tuple(
        _notification(rule, step, kind, calendar, calendars, now) for step, kind in sent
    )
    return AlertDecision(state, tuple(changes), notifications)


@dataclass(frozen=True)
class _Timeline:
    """When each thing is due for one alert state, on the rule's clock."""

    alert: AlertState
    rule: Rule
    calendar: Calendar

    def snoozed_at(self, now: datetime) -> bool:
        return self.alert.snoozed_until is not None and now < self.alert.snoozed_until

    def due(self, now: datetime) -> tuple[list[tuple[int, NotificationKind]], Change | None]:
        """Return the (step, kind) pairs to notify at `now`, and the change they make."""
        steps = [i for i in self._pending() if self._step_due(i) <= now]
        if steps:
            kinds = [
                NotificationKind.ESCALATION if i else NotificationKind.FOLLOW_UP for i in steps
            ]
            return list(zip(steps, kinds, strict=True)), Change.ESCALATED
        level = self.alert.level
        repeat_at = self._repeat_due()
        if repeat_at is not None and repeat_at <= now:
            return [(level, NotificationKind.REPEAT)], Change.REPEATED
        if self._reminder_pending():
            return [(level, NotificationKind.REMINDER)], Change.REMINDED
        return [], None

    def next_due(self) -> datetime | None:
        """Return the earliest instant something is due for this state, or None."""
        if self.alert.acknowledged_at is not None:
            return None
        pending = self._pending()
        candidates = [
            self._step_due(pending[0]) if pending else None,
            self._repeat_due(),
            self.alert.snoozed_until if self._reminder_pending() else None,
        ]
        return min((moment for moment in candidates if moment is not None), default=None)

    def _pending(self) -> list[int]:
        """Return the indexes of the steps not yet notified."""
        first = 0 if self.alert.last_notified_at is None else self.alert.level + 1
        return list(range(first, len(self.rule.escalate)))

    def _step_due(self, index: int) -> datetime:
        step: Step = self.rule.escalate[index]
        return self._held(self._later(self.alert.opened_at, step.after))

    def _repeat_due(self) -> datetime | None:
        last, every = self.alert.last_notified_at, self.rule.repeat_every
        if last is None or every is None:
            return None
        return self._held(self._later(last, every))

    def _reminder_pending(self) -> bool:
        """Return whether a snooze ended (or will) after the last notification."""
        snoozed, last = self.alert.snoozed_until, self.alert.last_notified_at
        return snoozed is not None and last is not None and last < snoozed

    def _held(self, moment: datetime) -> datetime:
        snoozed = self.alert.snoozed_until
        return moment if snoozed is None else max(moment, snoozed)

    def _later(self, start: datetime, duration: timedelta) -> datetime:
        if self.rule.clock is Clock.WORKING:
            return self.calendar.add_working_time(start, duration)
        return start + duration


def _notification(
    rule: Rule,
    step: int,
    kind: NotificationKind,
    calendar: Calendar,
    calendars: Mapping[str, Calendar],
    now: datetime,
) -> Notification:
    target = rule.escalate[step].notify
    return Notification(
        step=step,
        target=target,
        via=rule.escalate[step].via,
        kind=kind,
        at=deliver_at(now, rule.severity, calendars.get(target, calendar)),
    )


@functools.lru_cache(maxsize=256)
def personal_calendar(project: Calendar, timezone: str | None) -> Calendar:
    """Return the working time a person reading a DM keeps: the project's working days and
    hours (and holidays) on their own clock, so a manager abroad is not woken at night.

    `timezone` is their Slack timezone; None, unknown or the project's own gives the project's.
    """
    if not timezone or timezone == project.timezone:
        return project
    try:
        return replace(project, timezone=timezone)
    except ValueError:  # not a timezone this machine knows
        return project


def deliver_at(now: datetime, severity: Severity, recipient: Calendar) -> datetime:
    """Return when a notification decided at `now` may reach a recipient working `recipient`'s
    hours: now if they are working or it is critical, else at their next working start."""
    if severity is Severity.CRITICAL:
        return now
    return recipient.next_working_start(now)
