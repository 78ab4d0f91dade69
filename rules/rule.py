"""What a rule says: its conditions, its clock, and whom it tells when, as pydantic models.

These models validate one rule; `rules.rulebook` reads a whole file of them and names the file
and rule in its errors. Every model forbids unknown keys and is frozen.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from rules.durations import format_duration, parse_duration
from rules.vocabulary import Severity, TaskStatus


class Clock(StrEnum):
    """What a rule's durations count: the project's working hours, or all the time."""

    WORKING = "working"
    WALL = "wall"


class Via(StrEnum):
    """How a notification travels: in the task's thread, as a direct message, in the channel."""

    THREAD = "thread"
    DM = "dm"
    CHANNEL = "channel"


class Audience(StrEnum):
    """Who a step notifies, by role; a Slack user id (U…/W…) names one person instead."""

    ASSIGNEE = "assignee"
    CREW_LEAD = "crew_lead"
    MANAGERS = "managers"
    CHANNEL = "channel"


class Scope(StrEnum):
    """What a rule is about: one task, or a whole project (`silent_for`)."""

    TASK = "task"
    PROJECT = "project"


class Condition(StrEnum):
    """A condition a rule can set: the keys of its `when` (`Conditions`), in that order."""

    STATUS = "status"
    NO_UPDATE_FOR = "no_update_for"
    UNACKNOWLEDGED_FOR = "unacknowledged_for"
    BLOCKED_FOR = "blocked_for"
    OVERDUE = "overdue"
    OVERDUE_BY = "overdue_by"
    DUE_WITHIN = "due_within"
    BELOW_PERCENT = "below_percent"
    BEHIND_PLAN_BY = "behind_plan_by"
    COST_OVERRUN_PCT = "cost_overrun_pct"
    SILENT_FOR = "silent_for"  # the one about a whole project


_E = TypeVar("_E", bound=StrEnum)
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_RULE_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
OPEN_STATUSES = frozenset(status for status in TaskStatus if status.is_open)


def choice_of(enum: type[_E], what: str) -> BeforeValidator:
    """Return a validator reading one word of `enum`, refusing others with the list of words."""
    words = ", ".join(member.value for member in enum)

    def read(value: object) -> _E:
        try:
            return value if isinstance(value, enum) else enum(str(value).strip().lower())
        except ValueError:
            raise ValueError(f'"{value}" is not {what} (use {words})') from None

    return BeforeValidator(read)


def _positive_duration(value: object) -> timedelta:
    delta = parse_duration(value)
    if delta <= timedelta(0):
        raise ValueError(f'"{value}" must be longer than zero')
    return delta


def _statuses(value: object) -> object:
    """Accept one status as a word as well as a list of them."""
    return [value] if isinstance(value, str) else value


def _target(value: object) -> str:
    text = str(value).strip()
    if text.lower() in set(Audience):
        return text.lower()
    if _USER_ID.fullmatch(text):
        return text
    words = ", ".join(Audience)
    raise ValueError(f'"{value}" is not a target (use {words}, or a Slack user id like U0123ABCD)')


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Span = Annotated[timedelta, BeforeValidator(_positive_duration)]
Percent = Annotated[Decimal, Field(gt=0, le=100)]
Status = Annotated[TaskStatus, choice_of(TaskStatus, "a task status")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conditions(Model):
    """When a rule holds; every condition given must hold. Durations are "for": the condition
    must have lasted that long on the rule's clock. One field per `Condition`, in its order."""

    status: Annotated[tuple[Status, ...] | None, BeforeValidator(_statuses)] = None
    no_update_for: Span | None = None
    unacknowledged_for: Span | None = None
    blocked_for: Span | None = None
    overdue: bool | None = None
    overdue_by: Span | None = None
    due_within: Span | None = None
    below_percent: Percent | None = None
    behind_plan_by: Percent | None = None
    cost_overrun_pct: Annotated[Decimal, Field(ge=0)] | None = None
    silent_for: Span | None = None

    def given(self) -> list[Condition]:
        """Return the conditions this rule sets, in the order of the model."""
        return [condition for condition in Condition if getattr(self, condition) is not None]


class Step(Model):
    """One escalation step: `after` the alert opened (on the rule's clock), notify a target.

    Without `via`, the assignee is told in the task's thread, the channel in the channel, and
    anyone else by direct message.
    """

    after: Duration = timedelta(0)
    notify: Annotated[str, BeforeValidator(_target)]
    via: Annotated[Via, choice_of(Via, "a way to notify")]

    @model_validator(mode="before")
    @classmethod
    def _usual_way(cls, data: Any) -> Any:
        if isinstance(data, dict) and "via" not in data:
            usual: dict[str, Via] = {Audience.ASSIGNEE: Via.THREAD, Audience.CHANNEL: Via.CHANNEL}
            data = {**data, "via": usual.get(str(data.get("notify", "")).lower(), Via.DM)}
        return data

    @model_validator(mode="after")
    def _way(self) -> Step:
        if self.notify == Audience.CHANNEL and self.via is Via.DM:
            raise ValueError("via: a channel cannot get a direct message (use thread or channel)")
        return self


class Rule(Model):
    """One rule: an id, the conditions, the clock they count on, and the escalation chain."""

    id: str
    description: str = ""
    when: Conditions
    clock: Annotated[Clock, choice_of(Clock, "a clock")] = Clock.WORKING
    severity: Annotated[Severity, choice_of(Severity, "a severity")] = Severity.WARNING
    escalate: tuple[Step, ...] = ()
    repeat_every: Span | None = None
    _statuses: frozenset[TaskStatus] = PrivateAttr()
    _conditions: tuple[Condition, ...] = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _known_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" in data:
            rule_id = data["id"]
            if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
                raise ValueError(
                    f"id: {rule_id!r} is not a rule id (lower-case letters, digits and _, "
                    "starting with a letter, up to 64)"
                )
        return data

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        given = self.when.given()
        if not given:
            names = ", ".join(Condition)
            raise ValueError(f"when: give at least one condition ({names})")
        if Condition.SILENT_FOR in given and len(given) > 1:
            others = ", ".join(name for name in given if name is not Condition.SILENT_FOR)
            raise ValueError(
                f"when: silent_for is about a whole project and cannot be combined with task "
                f"conditions ({others})"
            )
        if self.when.status == ():
            raise ValueError("when.status: list at least one status")
        if self.when.overdue is False and self.when.overdue_by is not None:
            raise ValueError("when: overdue: false contradicts overdue_by")
        if not self.escalate:
            object.__setattr__(self, "escalate", (self._first_step(),))
        self._check_steps()
        return self

    def _first_step(self) -> Step:
        if self.scope is Scope.PROJECT:
            return Step(notify=Audience.CHANNEL, via=Via.CHANNEL)
        return Step(notify=Audience.ASSIGNEE, via=Via.THREAD)

    def _check_steps(self) -> None:
        for index, step in enumerate(self.escalate):
            previous = self.escalate[index - 1] if index else None
            if previous is not None and step.after < previous.after:
                raise ValueError(
                    f"escalate[{index}].after: {format_duration(step.after)} comes before the "
                    f"previous step's {format_duration(previous.after)}; list steps in "
                    "increasing after order"
                )
            task_only = step.notify in (Audience.ASSIGNEE, Audience.CREW_LEAD)
            if self.scope is Scope.PROJECT and (task_only or step.via is Via.THREAD):
                raise ValueError(
                    f"escalate[{index}]: a project rule has no task, so no assignee, crew lead "
                    "or thread (notify managers, channel or a user id; via dm or channel)"
                )

    @property
    def scope(self) -> Scope:
        """Return whether this rule judges tasks or whole projects."""
        return Scope.PROJECT if self.when.silent_for is not None else Scope.TASK

    @property
    def statuses(self) -> frozenset[TaskStatus]:
        """Return the task statuses this rule looks at: those listed, else every open one."""
        return self._statuses

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Return the conditions this rule sets (computed once: the tick asks for every
        task)."""
        return self._conditions

    def model_post_init(self, context: Any, /) -> None:
        listed = self.when.status
        self._statuses = frozenset(listed) if listed is not None else OPEN_STATUSES
        self._conditions = tuple(self.when.given())
