"""What one tick did: counts for the log, and in a dry run every message it would queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.notice import Queued

_COUNTS = (
    "tasks_evaluated",
    "projects_evaluated",
    "opened",
    "escalated",
    "repeated",
    "resolved",
    "messages_queued",
    "unrouted",
)


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
        for name in _COUNTS:
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
