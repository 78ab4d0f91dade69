"""`/log …`: the site's daily log — weather, delays, manpower, notes (`bot.services.daylog`)."""

from sqlalchemy.orm import Session

from bot.services import daylog
from bot.services.replies import Answer
from bot.slack.listeners.command_runner import answer_command, build_request, command_words


def handle(*, ack, command, client, runtime, **_) -> None:
    """Record a log entry, or show a day's log."""
    words = command_words(command)

    def work(session: Session, now) -> Answer:
        request = build_request(session, command, words, now, runtime.settings.rules_path)
        # Slack gives every invocation its own trigger_id: the key of this one entry.
        key = f"command:{command.get('trigger_id') or now.isoformat()}"
        return daylog.log(request, command.get("text") or "", key)

    answer_command(ack, runtime, command, work, client)
