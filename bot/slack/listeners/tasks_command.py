"""`/tasks …`: the project's tasks, most urgent first, privately."""

from sqlalchemy.orm import Session

from bot.services import task_list
from bot.services.replies import Answer
from bot.slack.listeners.command_runner import answer_command, build_request, command_words


def handle(*, ack, command, client, runtime, **_) -> None:
    """List tasks: all open ones, `mine`, `@person`, `blocked`, `late`, `all`, or a crew's."""

    def work(session: Session, now) -> Answer:
        return task_list.list_for(build_request(session, command, command_words(command), now))

    answer_command(ack, runtime, command, work, client)
