"""What the grammar makes of a report: where it was typed (`ReportContext`) and what it says
(`ParsedReport`), as the reading (`rules.grammar.report`) and the answer
(`rules.grammar.summary`) both see it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from rules.grammar.status import StatusIntent
from rules.task_refs import TaskRef
from rules.vocabulary import UpdateKind


class ReportContext(StrEnum):
    """Where a report was typed; it decides what the grammar may assume."""

    UPDATE = "update"  # `/update`: a status word may set the status
    BLOCKED = "blocked"  # `/blocked`: the task is blocked; the text is the reason
    DONE = "done"  # `/done`: the task is done
    POST = "post"  # a channel post: only a task reference makes it a report
    THREAD_REPLY = "thread_reply"  # a reply in a task's thread: the thread names the task
    ASSIGNMENT_REPLY = "assignment_reply"  # a reply to an assignment awaiting "ok"/"on it"/👍

    @property
    def is_command(self) -> bool:
        """Return whether the text came from a slash command (and must name its task)."""
        return self in (ReportContext.UPDATE, ReportContext.BLOCKED, ReportContext.DONE)

    @property
    def names_task(self) -> bool:
        """Return whether the task is known without a reference in the text (a thread)."""
        return self in (ReportContext.THREAD_REPLY, ReportContext.ASSIGNMENT_REPLY)


@dataclass(frozen=True)
class ParsedReport:
    """What a report says, and what could not be used.

    `refs` are the tasks named (each once, in order). `percent` is 0–100; `quantity` (> 0) comes
    with its canonical `unit`; `cost` with the `currency` written (`EUR`, `VND`, `$` for any
    dollar, None when none was written); `manpower` is a whole number of people; `hours` the
    hours worked. `status` is the status intent and `reason` the blocked reason. `note` is the
    remaining words ("" when none) and `raw` the text as received. `kind` is the update's kind.
    """

    raw: str
    context: ReportContext
    refs: tuple[TaskRef, ...] = ()
    percent: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost: Decimal | None = None
    currency: str | None = None
    manpower: int | None = None
    hours: Decimal | None = None
    status: StatusIntent | None = None
    reason: str | None = None
    note: str = ""
    kind: UpdateKind = UpdateKind.NOTE
    problems: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Return whether the report can be recorded (it has no problems)."""
        return not self.problems

    @property
    def keys(self) -> tuple[str, ...]:
        """Return the normalised keys of the tasks named, e.g. ("TWR-42",)."""
        return tuple(ref.key for ref in self.refs)
