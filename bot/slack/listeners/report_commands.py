"""`/update`, `/blocked`, `/done`: a progress report in one line, confirmed privately."""

from sqlalchemy.orm import Session

from bot.services import reports
from bot.services.replies import Answer
from bot.slack.directory import enroll
from bot.slack.listeners.command_runner import answer_command
from rules.grammar.parsed import ReportContext
from rules.vocabulary import UpdateSource

CONTEXTS = {
    "/update": ReportContext.UPDATE,
    "/blocked": ReportContext.BLOCKED,
    "/done": ReportContext.DONE,
}


def handle(*, ack, command, client, runtime, **_) -> None:
    """Record the report on the tasks it names and say what was understood."""
    context = CONTEXTS[command["command"]]

    def work(session: Session, now) -> Answer:
        actor = enroll(session, command["user_id"], now)
        channel = command["channel_id"]
        parsed = reports.parse_in_channel(session, command.get("text") or "", channel, context)
        tasks = reports.resolve_tasks(session, actor, parsed, channel)
        # Slack gives every invocation its own trigger_id: the key of this one report.
        origin = reports.Origin(
            UpdateSource.COMMAND, channel, now, f"command:{command['trigger_id']}"
        )
        return reports.record(session, actor, parsed, tasks, origin, now)

    answer_command(ack, runtime, command, work, client)
