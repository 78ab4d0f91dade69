"""`/siteloop …`: help, and setting projects up — channels, roles, crews."""

from sqlalchemy.orm import Session

from bot.blocks.help import help_blocks, help_text
from bot.directory import enroll
from bot.listeners.command_runner import answer_command, command_words
from bot.replies import Answer
from bot.services import project_admin
from bot.services.project_admin import Request, Where

SUBCOMMANDS = {
    "setup": project_admin.setup,
    "link": project_admin.link,
    "role": project_admin.role,
    "crew": project_admin.crew,
}


def handle(*, ack, command, client, runtime, **_) -> None:
    """Dispatch `/siteloop SUBCOMMAND …`; `help` (or nothing) shows the help."""
    words = command_words(command)
    subcommand, args = (words[0].lower(), words[1:]) if words else ("help", [])
    if subcommand == "help":
        ack(text=help_text(), blocks=help_blocks(), response_type="ephemeral")
        return
    service = SUBCOMMANDS.get(subcommand)
    if service is None:
        note = f"I don't know `/siteloop {' '.join(words)[:60]}`. Here is what you can type:"
        ack(
            text=f"{note}\n{help_text()}",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": note}}, *help_blocks()],
            response_type="ephemeral",
        )
        return

    def work(session: Session, now) -> Answer:
        request = Request(
            session=session,
            actor=enroll(session, client, command["user_id"], now),
            where=Where(command["channel_id"], command.get("channel_name")),
            args=args,
            now=now,
            enroll=lambda user_id: enroll(session, client, user_id, now),
        )
        return service(request)

    answer_command(ack, runtime, command, work)
