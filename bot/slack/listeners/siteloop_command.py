"""`/siteloop …`: help, setting projects up — channels, roles, crews — its health and the loop
report."""

from sqlalchemy.orm import Session

from bot.blocks.help import help_blocks, help_text
from bot.services import loop_report, project_admin, project_status
from bot.services.replies import Answer
from bot.slack.listeners.command_runner import answer_command, build_request, command_words
from rules.slack_text import mrkdwn

SUBCOMMANDS = {
    "setup": project_admin.setup,
    "link": project_admin.link,
    "role": project_admin.role,
    "crew": project_admin.crew,
    "report": loop_report.report,
    "status": project_status.status,
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
        typed = mrkdwn(" ".join(words)[:60])
        note = f"I don't know `/siteloop {typed}`. Here is what you can type:"
        ack(
            text=f"{note}\n{help_text()}",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": note}}, *help_blocks()],
            response_type="ephemeral",
        )
        return

    def work(session: Session, now) -> Answer:
        return service(build_request(session, command, args, now, runtime.settings.rules_path))

    answer_command(ack, runtime, command, work, client)
