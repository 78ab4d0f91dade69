"""The contract between deciding and wording: what a tick hands to the message composer
(`Notice`, with its `Routing`), what it gets back (`Outgoing`), and what a dry run reports it
would have queued (`Queued`).

The tick (`storage.tick`) builds notices from the database; the composer
(`bot.notify.compose_messages`) is a pure function from a notice to outgoing messages. Both
sides import these types from here, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rules.alerts import Notification, NotificationKind
from rules.calendar import Calendar
from rules.evaluator import VerdictFacts
from rules.facts import TaskFacts
from rules.rule import Rule


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

    `task` is None for a project-level rule; `facts` are the evaluator's numbers at `now`.
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
    facts: VerdictFacts
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
