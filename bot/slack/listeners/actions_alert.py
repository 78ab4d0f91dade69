"""`block_actions` on alert messages: a follow-up's Update… / Blocked…, an escalation's
Acknowledge, Snooze and Reassign… (Acknowledge and Snooze also on the Home tab).

Each click is acknowledged first. The forms open here, directly (`views.open`: a
`trigger_id` lives about 3 s, too short for the outbox); presses are recorded and the
escalations edited through the outbox (`bot.services.alert_actions`). Refusals reach the
person through the click's `response_url`, which shows them a private answer wherever they
clicked — unlike `chat.postEphemeral`, it needs them to be a member of no conversation.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.logs import fields
from bot.runtime import Runtime
from bot.services import alert_actions
from bot.services.replies import UserError
from bot.services.task_actions import Click
from bot.slack.directory import enroll, meet
from bot.slack.listeners.actions_task import TOO_SLOW, open_modal
from bot.slack.listeners.actions_task import click_of as button_click_of
from bot.slack.listeners.actions_task import tell as tell_privately
from storage import home
from storage.db import session_scope
from storage.outbox import is_person

log = logging.getLogger("actions")


def handle_form(*, ack, body, client, respond, runtime: Runtime, **_) -> None:
    """Update… or Blocked… on a follow-up: open the task's form (or explain why not)."""
    ack()
    click = click_of(body)
    now = runtime.clock.now()
    meet(runtime.sessions, client, [click.user], now)
    try:
        with session_scope(runtime.sessions) as session:
            actor = enroll(session, click.user, now)
            view = alert_actions.follow_up_form(session, actor, click)
    except UserError as refusal:
        tell(respond, click, str(refusal))
        return
    if not open_modal(client, body, view, click):
        tell(respond, click, TOO_SLOW)


def handle_press(*, ack, body, client, respond, runtime: Runtime, **_) -> None:
    """Acknowledge, Snooze or Reassign… on an escalation: record it (or explain why not)."""
    ack()
    click = click_of(body)
    now = runtime.clock.now()
    picked = [click.value] if click.value and is_person(click.value) else []  # Reassign…
    meet(runtime.sessions, client, [click.user, *picked], now)
    try:
        with session_scope(runtime.sessions) as session:
            actor = enroll(session, click.user, now)
            said = alert_actions.press(
                session,
                actor,
                click,
                now,
                enroll=lambda user_id: enroll(session, user_id, now),
                rules_path=runtime.settings.rules_path,
            )
            if click.in_home:
                home.ask_for(session, [actor.id])
    except UserError as refusal:
        if click.in_home:  # a Home tab has no response_url: the DM says it
            tell_privately(runtime, click, str(refusal))
        else:
            tell(respond, click, str(refusal))
        return
    log.info("alert answered", extra=fields(user=click.user, action=click.action_id, said=said))


def click_of(body: dict) -> Click:
    """Return the click a `block_actions` payload describes; a menu's value is the choice
    (the snooze option, the user picked)."""
    click = button_click_of(body)
    action = (body.get("actions") or [{}])[0]
    chosen = (action.get("selected_option") or {}).get("value") or action.get("selected_user")
    return replace(click, value=str(chosen)) if chosen else click


def tell(respond, click: Click, text: str) -> None:
    """Show `text` to the person who clicked, privately, through the click's response_url."""
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception as error:  # the refusal is lost, the click changed nothing: log it
        log.warning("could not answer a click", extra=fields(user=click.user, error=str(error)))
