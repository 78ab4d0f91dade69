"""`/task add|assign|show`: plan a task, give it to someone, look at one."""

from sqlalchemy.orm import Session

from bot.services import tasks
from bot.services.replies import Answer, UserError
from bot.slack.listeners.command_runner import answer_command, build_request, command_words

USAGE = (
    "Type `/task add Pour slab L3 @bob due:2026-12-04 budget:12000 qty:40m3`, "
    "`/task assign TWR-42 @bob` or `/task show TWR-42`."
)


def handle(*, ack, command, client, runtime, **_) -> None:
    """Dispatch `/task SUBCOMMAND …`."""
    words = command_words(command)
    subcommand = words[0].lower() if words else ""
    text = (command.get("text") or "").strip()

    def work(session: Session, now) -> Answer:
        request = build_request(session, command, words[1:], now, runtime.settings.rules_path)
        if subcommand == "add":
            return tasks.add(request, text[len(words[0]) :].strip())
        if subcommand == "assign":
            return tasks.assign(request, request.args)
        if subcommand == "show":
            return tasks.show(request, request.args, request.actor)
        raise UserError(USAGE)

    answer_command(ack, runtime, command, work, client)
