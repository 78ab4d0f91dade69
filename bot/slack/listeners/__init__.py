"""Slack listeners: one module per kind of Slack input, registered from one table.

The tables below are what `manifest.yml` must declare and nothing more: a test compares them,
so a command, event or action can't be added to one without the other. Slack's manifest has
no list of action or view ids: interactivity is switched on there, and a test checks that
ACTIONS and VIEWS are exactly the buttons and modals siteloop's blocks carry.
"""

from collections.abc import Callable

from slack_bolt import App

from bot.blocks import alert_messages, task_card, task_modals
from bot.runtime import Runtime
from bot.slack.listeners import (
    actions_alert,
    actions_task,
    home,
    log_command,
    messages,
    reactions,
    report_commands,
    siteloop_command,
    task_command,
    tasks_command,
    views_task,
)

# handler(*, ack, body, client, runtime, …): Bolt passes what it names, plus the runtime.
Handler = Callable[..., None]

SLASH_COMMANDS: dict[str, Handler] = {
    "/siteloop": siteloop_command.handle,
    "/update": report_commands.handle,
    "/blocked": report_commands.handle,
    "/done": report_commands.handle,
    "/task": task_command.handle,
    "/tasks": tasks_command.handle,
    "/log": log_command.handle,
}

# Event type → handler. Manifest subscriptions map onto these types (`message.im` → `message`).
EVENTS: dict[str, Handler] = {
    "message": messages.handle,
    "app_home_opened": home.handle,
    "reaction_added": reactions.handle,
    "reaction_removed": reactions.handle,
}

# Button (or menu) action id → handler (`block_actions`).
ACTIONS: dict[str, Handler] = {
    task_card.ACK: actions_task.handle_press,
    task_card.START: actions_task.handle_press,
    task_card.DONE: actions_task.handle_press,
    task_card.UPDATE: actions_task.handle_form,
    task_card.BLOCKED: actions_task.handle_form,
    alert_messages.UPDATE: actions_alert.handle_form,  # on follow-ups
    alert_messages.BLOCKED: actions_alert.handle_form,
    alert_messages.ACK: actions_alert.handle_press,  # on escalations
    alert_messages.SNOOZE: actions_alert.handle_press,
    alert_messages.REASSIGN: actions_alert.handle_press,
}

# Modal callback id → handler (`view_submission`).
VIEWS: dict[str, Handler] = {
    task_modals.UPDATE_MODAL: views_task.handle,
    task_modals.BLOCKED_MODAL: views_task.handle,
}


def register(app: App, runtime: Runtime) -> None:
    """Attach every listener to `app`; each handler receives the runtime as `runtime`."""
    for command, handler in SLASH_COMMANDS.items():
        app.command(command)(_bind(handler, runtime))
    for event, handler in EVENTS.items():
        app.event(event)(_bind(handler, runtime))
    for action_id, handler in ACTIONS.items():
        app.action(action_id)(_bind(handler, runtime))
    for callback_id, handler in VIEWS.items():
        app.view(callback_id)(_bind(handler, runtime))


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
