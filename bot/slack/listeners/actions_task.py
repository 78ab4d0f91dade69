"""`block_actions` from a task's card, or its row on the Home tab: Acknowledge, Start, Done
record; Update… and Blocked… open a modal.

Each click is acknowledged first. Recording buttons store the press before Slack gets its
answer (the card is then edited through the outbox). Modal buttons call `views.open` here,
directly: its `trigger_id` lives about 3 s, too short for the outbox. Refusals (someone who
may not answer, a stale or tampered button) reach the person as an ephemeral message in the
card's channel (a Home tab has none: in the person's DM with siteloop), through the outbox
like everything else the bot says.
"""

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.logs import fields
from bot.runtime import Runtime
from bot.services import task_actions
from bot.services.replies import UserError
from bot.services.task_actions import Click
from bot.slack.directory import enroll, meet
from rules.vocabulary import OutboxKind
from storage import home
from storage.db import session_scope
from storage.outbox import POST_EPHEMERAL, POST_MESSAGE, enqueue

log = logging.getLogger("actions")

TOO_SLOW = "Slack closed the form before it could open. Press the button again."


def handle_press(*, ack, body, client, runtime: Runtime, **_) -> None:
    """Acknowledge, Start or Done: record the press (or explain why not)."""
    ack()
    click = click_of(body)
    now = runtime.clock.now()
    meet(runtime.sessions, client, [click.user], now)
    try:
        with session_scope(runtime.sessions) as session:
            actor = enroll(session, click.user, now)
            task_actions.press(session, actor, task_actions.card_task(session, click), click, now)
            if click.in_home:
                home.ask_for(session, [actor.id])
    except UserError as refusal:
        tell(runtime, click, str(refusal))


def handle_form(*, ack, body, client, runtime: Runtime, **_) -> None:
    """Update… or Blocked…: open the modal (or explain why not)."""
    ack()
    click = click_of(body)
    now = runtime.clock.now()
    meet(runtime.sessions, client, [click.user], now)
    try:
        with session_scope(runtime.sessions) as session:
            actor = enroll(session, click.user, now)
            view = task_actions.open_form(
                session, actor, task_actions.card_task(session, click), click
            )
    except UserError as refusal:
        tell(runtime, click, str(refusal))
        return
    if not open_modal(client, body, view, click):
        tell(runtime, click, TOO_SLOW)


def open_modal(client, body: dict, view, click: Click) -> bool:
    """Open `view` with the click's trigger; return False (logged) if Slack would not open it."""
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("could not open a modal", extra=fields(user=click.user, error=str(error)))
        return False
    return True


def click_of(body: dict) -> Click:
    """Return the click a `block_actions` payload describes (its first action)."""
    action = (body.get("actions") or [{}])[0]
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return Click(
        user=(body.get("user") or {}).get("id", ""),
        action_id=str(action.get("action_id", "")),
        value=action.get("value"),
        channel=channel,
        message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        action_ts=str(action.get("action_ts", "")),
        block_id=action.get("block_id"),
        in_home=container.get("type") == "view" and (body.get("view") or {}).get("type") == "home",
    )


def tell(runtime: Runtime, click: Click, text: str) -> None:
    """Show `text` to the person who clicked, privately: in the conversation of the click, or
    from the Home tab in their DM with siteloop."""
    if click.in_home and click.user:
        target, payload = click.user, {"method": POST_MESSAGE, "args": {"text": text}}
    elif click.channel:
        target = click.channel
        payload = {"method": POST_EPHEMERAL, "args": {"user": click.user, "text": text}}
    else:
        log.warning("a refusal with nowhere to show it", extra=fields(user=click.user))
        return
    with session_scope(runtime.sessions) as session:
        enqueue(
            session,
            kind=OutboxKind.CARD_REFUSAL,
            target=target,
            payload=payload,
            now=runtime.clock.now(),
            dedupe_key=f"refusal:{click.key}",
        )
