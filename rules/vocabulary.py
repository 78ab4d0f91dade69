"""The closed vocabularies of siteloop's data model.

They live in the pure layer because rules are written in these words (`status: [in_progress]`),
and storage persists them as their string values.
"""

from enum import StrEnum


class TaskStatus(StrEnum):
    PLANNED = "planned"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Return whether work on a task in this status is still expected."""
        return self not in (TaskStatus.DONE, TaskStatus.CANCELLED)


class Role(StrEnum):
    CREW = "crew"
    LEAD = "lead"
    MANAGER = "manager"


class UpdateSource(StrEnum):
    COMMAND = "command"
    MESSAGE = "message"
    THREAD_REPLY = "thread_reply"
    REACTION = "reaction"
    BUTTON = "button"
    MODAL = "modal"
    IMPORT = "import"
    API = "api"


class UpdateKind(StrEnum):
    PROGRESS = "progress"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    DONE = "done"
    NOTE = "note"
    ACK = "ack"
    COST = "cost"
    QUANTITY = "quantity"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # no longer worth sending: the alert behind it resolved first
    WAITING = "waiting"  # for its task's thread: the card that opens it is not in Slack yet
