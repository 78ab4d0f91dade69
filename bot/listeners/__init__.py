"""Slack listeners: one module per kind of Slack input, registered from one table.

The tables below are what `manifest.yml` must declare and nothing more: a test compares them,
so a command, event or action can't be added to one without the other.
"""

from slack_bolt import App

from bot.listeners import (
    home,
    messages,
    reactions,
    report_commands,
    siteloop_command,
    task_command,
    tasks_command,
)
from bot.runtime import Runtime

SLASH_COMMANDS = {
    "/siteloop": siteloop_command.handle,
    "/update": report_commands.handle,
    "/blocked": report_commands.handle,
    "/done": report_commands.handle,
    "/task": task_command.handle,
    "/tasks": tasks_command.handle,
}

# Event type → handler. Manifest subscriptions map onto these types (`message.im` → `message`).
EVENTS = {
    "message": messages.handle,
    "app_home_opened": home.handle,
    "reaction_added": reactions.handle,
    "reaction_removed": reactions.handle,
}

ACTIONS: dict[str, object] = {}


def register(app: App, runtime: Runtime) -> None:
    """Attach every listener to `app`; each handler receives the runtime as `runtime`."""
    for command, handler in SLASH_COMMANDS.items():
        app.command(command)(_bind(handler, runtime))
    for event, handler in EVENTS.items():
        app.event(event)(_bind(handler, runtime))


def _bind(handler, runtime: Runtime):
    # Bolt passes listener arguments by parameter name, so the wrapper must declare the ones
    # our handlers use; `runtime` is supplied here rather than through a global.
    def listener(ack, body, client, context, logger, respond, say, event=None, command=None):
        return handler(
            ack=ack,
            body=body,
            client=client,
            context=context,
            logger=logger,
            respond=respond,
            say=say,
            event=event,
            command=command,
            runtime=runtime,
        )

    listener.__name__ = handler.__module__.rsplit(".", 1)[-1]
    return listener
