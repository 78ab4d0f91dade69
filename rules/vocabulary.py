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


class LogKind(StrEnum):
    """A section of a project's daily log (`/log`)."""

    WEATHER = "weather"
    DELAY = "delay"
    MANPOWER = "manpower"
    NOTE = "note"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class OutboxKind(StrEnum):
    """What an outbox message is for. Stored as its value; `label` is what the managers'
    summary of failed deliveries calls it."""

    # An alert's notifications (`rules.alerts.NotificationKind`).
    FOLLOW_UP = "follow_up"
    ESCALATION = "escalation"
    REPEAT = "repeat"
    REMINDER = "reminder"
    # An alert's messages edited to show who did what about it.
    ALERT_MESSAGE_EDIT = "alert_message_edit"
    # A task's card (it opens the task's thread), its edits, and notes in its thread.
    TASK_CARD = "task_card"
    TASK_CARD_UPDATE = "task_card_update"
    TASK_THREAD_NOTE = "task_thread_note"
    CARD_REFUSAL = "card_refusal"
    # What siteloop says back about a channel post it read.
    CAPTURE_RECEIPT = "capture_receipt"
    CAPTURE_REFUSAL = "capture_refusal"
    CAPTURE_IGNORED = "capture_ignored"
    CAPTURE_EDIT = "capture_edit"
    HELP = "help"
    # The end-of-day digest, and its S-curve uploaded in the digest's thread.
    DIGEST = "digest"
    DIGEST_CHART = "digest_chart"
    # A person's Home tab, published again when what it shows has changed.
    HOME_VIEW = "home_view"
    # The summary of failed deliveries itself.
    DELIVERY_FAILURES = "delivery_failures"

    @property
    def label(self) -> str:
        """Return what people call a message of this kind: "assignment card"."""
        return _OUTBOX_LABELS[self]


_OUTBOX_LABELS = {
    OutboxKind.FOLLOW_UP: "follow-up",
    OutboxKind.ESCALATION: "escalation DM",
    OutboxKind.REPEAT: "repeated alert",
    OutboxKind.REMINDER: "snooze reminder",
    OutboxKind.ALERT_MESSAGE_EDIT: "alert message edit",
    OutboxKind.TASK_CARD: "assignment card",
    OutboxKind.TASK_CARD_UPDATE: "assignment card edit",
    OutboxKind.TASK_THREAD_NOTE: "note in a task's thread",
    OutboxKind.CARD_REFUSAL: "private note",
    OutboxKind.CAPTURE_RECEIPT: "📝 receipt",
    OutboxKind.CAPTURE_REFUSAL: "private note",
    OutboxKind.CAPTURE_IGNORED: "private note",
    OutboxKind.CAPTURE_EDIT: "private note",
    OutboxKind.HELP: "help reply",
    OutboxKind.DIGEST: "end-of-day digest",
    OutboxKind.DIGEST_CHART: "digest chart",
    OutboxKind.HOME_VIEW: "Home tab",
    OutboxKind.DELIVERY_FAILURES: "failure summary",
}


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # no longer worth sending: the alert behind it resolved first
    WAITING = "waiting"  # for its task's thread: the card that opens it is not in Slack yet
