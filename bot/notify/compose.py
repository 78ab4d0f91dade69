"""Where each notification goes and how it is laid out (pure): the composer the tick is given.

Every notification is a chat.postMessage that says what is wrong in numbers and what to do: a
complete plain text (the notification and fallback, `bot.notify.text`), laid out as Block Kit
by `bot.blocks.alert_messages` — a follow-up for the assignee or the channel, an escalation
with Acknowledge · Snooze · Reassign… for leads and managers — and message metadata naming
the alert and its people.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.blocks import alert_messages
from bot.blocks.alert_messages import alert_blocks
from bot.notify.text import alert_message, message_text
from rules.notice import Notice, Outgoing
from rules.rule import Audience, Via


def compose_messages(notice: Notice) -> list[Outgoing]:
    """Return the messages one notification sends: where each goes and its complete text.

    Who: `assignee`, `crew_lead`, `managers` or a user id name people; `channel` is the
    project's first linked channel. A task whose crew has no lead (or that has no crew) has
    the project's leads as its crew lead: someone who leads work there hears of it.
    How: via `dm`, one direct message per person; via `thread`, the task's thread (else the
    project's channel) mentioning them; via `channel`, the project's channel mentioning them.
    A message for a thread whose card is still on its way waits for it (`awaits_thread`): the
    card's delivery sends it into the thread (`bot.services.assignment.card_delivered`).
    With no channel to post in, people get a direct message instead. With nobody to tell (no
    assignee, no crew lead, no managers) there is no message; the tick logs it.
    """
    notification, routing = notice.notification, notice.routing
    people = _people(notification.target, notice)
    to_channel = notification.target == Audience.CHANNEL
    if not people and not to_channel:
        return []
    place: tuple[str, str | None] | None = None
    in_thread = notification.via is Via.THREAD
    if in_thread and routing.thread is not None:
        place = routing.thread
    elif notification.via is not Via.DM and routing.channel is not None:
        place = (routing.channel, None)
    if place is None:
        return [_outgoing(notice, person, None, (person,), person=person) for person in people]
    channel, thread_ts = place
    message = _outgoing(notice, channel, thread_ts, tuple(people), mentions=people)
    if in_thread and thread_ts is None and routing.thread_coming:
        return [dataclasses.replace(message, awaits_thread=True)]
    return [message]


def _outgoing(
    notice: Notice,
    target: str,
    thread_ts: str | None,
    people: tuple[str, ...],
    *,
    mentions: Sequence[str] = (),
    person: str | None = None,
) -> Outgoing:
    """Return one message: its text, its blocks and the metadata naming its alert."""
    laid_out = alert_message(notice, mentions=mentions, person=person)
    args = {
        "blocks": alert_blocks(laid_out),
        "metadata": alert_messages.metadata(notice.alert_id, notice.notification.target, people),
    }
    text = message_text(notice, mentions=mentions, person=person)
    return Outgoing(target, text, thread_ts, people, args)


def _people(target: str, notice: Notice) -> list[str]:
    routing = notice.routing
    if target == Audience.ASSIGNEE:
        return [routing.assignee] if routing.assignee else []
    if target == Audience.CREW_LEAD:
        return [routing.crew_lead] if routing.crew_lead else list(routing.leads)
    if target == Audience.MANAGERS:
        return list(dict.fromkeys(routing.managers))
    if target == Audience.CHANNEL:
        return []
    return [target]  # one person, by Slack user id
