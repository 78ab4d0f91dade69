"""Answering an alert's messages: a follow-up's forms, an escalation's buttons.

Every click names the message it was made on; that message — a notification siteloop
delivered, found by its (channel, ts) — says which alert it is about, so a stale or tampered
value changes nothing. A message Slack shows before its delivery is recorded (the second
between Slack's answer and siteloop noting its ts) is found by the alert id its buttons carry
and by being sent, at that moment, to the conversation or the person who pressed. On the Home
tab, the row names the alert, and the message is the latest of its notifications that reached
the person who pressed.

- **Update… / Blocked…** on a follow-up open the task card's forms (`task_actions.open_form`,
  same rules: the assignee, the crew's lead and the managers). What they record answers the
  alert like any report (`storage.updates.record_update` links it).
- **Acknowledge · Snooze · Reassign…** on an escalation may be pressed by the people the
  alert's escalations were for and by the project's managers; anyone else is refused.
  - Acknowledge records who and when on the alert: its chain stops.
  - Snooze holds the chain for 1 h, 4 h (wall clock) or until the start of the next working
    day after today on the project's calendar; then it goes on (or reminds once).
  - Reassign… gives the task to the person picked, exactly like `/task assign` (the card is
    edited, the thread says so and mentions them). The press counts as the alert's answer,
    and its episode ends: if the rule still holds, the next tick starts a new one from its
    first step, addressed to the new assignee.
  Each press edits every escalation of the alert in place (`chat.update` through the outbox,
  at the message's stored channel and ts) to say who did what.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.blocks import alert_messages, task_card
from bot.blocks import home as home_layout
from bot.blocks.alert_messages import SNOOZE_1H, SNOOZE_4H
from bot.blocks.text import EDIT_TEXT_LIMIT, clip
from bot.notify.tick import project_calendar_in_force
from bot.services import task_actions, tasks
from bot.services.alert_delivery import keep_payload
from bot.services.replies import UserError
from bot.services.request import Request, Where
from bot.services.task_actions import Click
from rules.calendar import Calendar
from rules.rule import Audience
from rules.vocabulary import OutboxKind, Role
from storage import alerts, home, projects
from storage.members import display_name
from storage.models import Alert, Member, OutboxMessage, Project, Task
from storage.outbox import UPDATE, enqueue, is_person

UNKNOWN_MESSAGE = (
    "That button doesn't belong to a message siteloop sent about an alert it knows, so "
    "nothing changed. Type `/tasks` to find the task."
)
_FOLLOW_UP_FORMS = {
    alert_messages.UPDATE: task_card.UPDATE,
    alert_messages.BLOCKED: task_card.BLOCKED,
}
_SNOOZES = {SNOOZE_1H: timedelta(hours=1), SNOOZE_4H: timedelta(hours=4)}

Enroll = Callable[[str], Member]


def clicked_alert(session: Session, click: Click) -> tuple[Alert, OutboxMessage]:
    """Return the alert whose delivered message was clicked, and that message; refuse others."""
    message = None
    if click.in_home:  # the tab's row names the alert; its escalation must have reached them
        alert_id = home_layout.alert_of_block(click.block_id)
        message = alerts.notification_to(session, alert_id, click.user) if alert_id else None
        if message is not None and not alert_messages.is_escalation_payload(message.payload):
            message = None
    elif click.channel and click.message_ts:
        message = alerts.notification_at(session, click.channel, click.message_ts)
    if message is None and click.value and click.value.isdigit():
        where = [place for place in (click.channel, click.user) if place]
        message = alerts.notification_in_flight(session, int(click.value), where)
    alert = session.get(Alert, message.alert_id) if message and message.alert_id else None
    if message is None or alert is None:
        raise UserError(UNKNOWN_MESSAGE)
    return alert, message


def follow_up_form(session: Session, actor: Member, click: Click) -> View:
    """Return the card form a follow-up's Update… or Blocked… opens (refusing those who may
    not answer the task's card)."""
    alert, _message = clicked_alert(session, click)
    task = session.get(Task, alert.task_id) if alert.task_id else None
    form = _FOLLOW_UP_FORMS.get(click.action_id)
    if task is None or form is None:
        raise UserError(UNKNOWN_MESSAGE)
    in_thread = click.channel == task.thread_channel and task.thread_ts
    # The form records like the card's: on the task's thread when clicked there.
    origin = replace(
        click, action_id=form, message_ts=task.thread_ts if in_thread else click.message_ts
    )
    return task_actions.open_form(session, actor, task, origin)


def press(
    session: Session,
    actor: Member,
    click: Click,
    now: datetime,
    *,
    enroll: Enroll,
    rules_path: Path | None = None,
) -> str:
    """Record an escalation button press; return what the escalations now say was done.

    Raises UserError (nothing changes) for someone who may not answer, an alert that is
    over, or a choice that does not apply.
    """
    alert, message = clicked_alert(session, click)
    project = session.get_one(Project, alert.project_id)
    _require_may_act(session, alert, project, actor, message)
    _require_open(session, alert, project)
    who = display_name(actor)
    zone = ZoneInfo(project.timezone)
    if click.action_id == alert_messages.ACK:
        if not alerts.acknowledge(session, alert, actor, now):
            raise UserError(_already_acknowledged(alert, zone))
        said = _acknowledged(who, now, zone)
        keep = False
    elif click.action_id == alert_messages.SNOOZE:
        until = _snooze_until(click.value, project, now, rules_path)
        alerts.snooze(session, alert, until, now)
        readers = [m.target for m in alerts.notifications(session, alert.id) if is_person(m.target)]
        home.ask_for_people(session, readers)
        said = f":zzz: Snoozed by {who} until {_at(until, now, zone)}; reminders go on then."
        keep = True
    elif click.action_id == alert_messages.REASSIGN:
        said = _reassign(session, actor, alert, click, now, enroll)
        keep = False
    else:
        raise UserError(UNKNOWN_MESSAGE)
    show_outcome(session, alert, said, now, keep_buttons=keep)
    return said


def may_act(
    session: Session, alert: Alert, project: Project, member: Member, clicked: OutboxMessage
) -> bool:
    """Return whether `member` may answer the alert's escalations: one of the people they
    were for (the one `clicked` among them, if it is still on its way), or a manager."""
    if projects.role_of(session, project, member) is Role.MANAGER:
        return True
    return member.slack_user_id in (clicked.target, *escalated_to(session, alert))


def escalated_to(session: Session, alert: Alert) -> list[str]:
    """Return the Slack ids of the people the alert's delivered escalations were for."""
    people: dict[str, None] = {}
    for row in _escalations(session, alert):
        if is_person(row.target):
            people[row.target] = None
        meta = alert_messages.alert_of(row.payload)
        if meta.get("audience") not in (Audience.ASSIGNEE, Audience.CHANNEL):
            people.update(dict.fromkeys(meta.get("people") or []))
    return list(people)


def show_outcome(
    session: Session, alert: Alert, said: str, now: datetime, *, keep_buttons: bool
) -> int:
    """Queue an edit of every delivered escalation of `alert` showing `said`; return how many.

    Each edit starts from the message as it was sent (its stored payload) and replaces any
    earlier outcome line, so the message says the latest thing done.
    """
    count = 0
    for row in _escalations(session, alert):
        args = row.payload.get("args") or {}
        blocks = alert_messages.with_outcome(args["blocks"], said, keep_buttons=keep_buttons)
        text = clip(f"{args.get('text', '')}\n{said}", EDIT_TEXT_LIMIT)
        payload = {"method": UPDATE, "args": {"ts": row.slack_ts, "text": text, "blocks": blocks}}
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()[:16]
        enqueue(
            session,
            kind=OutboxKind.ALERT_MESSAGE_EDIT,
            target=row.slack_channel or row.target,
            payload=payload,
            now=now,
            project_id=alert.project_id,
            task_id=alert.task_id,
            alert_id=alert.id,
            dedupe_key=f"alert-edit:{row.id}:{digest}",
        )
        count += 1
    return count


def tomorrows_start(calendar: Calendar, now: datetime) -> datetime:
    """Return when the first shift after today starts, on `calendar` (the project's)."""
    tomorrow = calendar.local_date(now) + timedelta(days=1)
    return calendar.next_working_start(calendar.start_of_day(tomorrow))


# --- the parts -------------------------------------------------------------------------------


def _escalations(session: Session, alert: Alert) -> list[OutboxMessage]:
    """Return the alert's delivered messages laid out as escalations (with buttons)."""
    return [
        row
        for row in alerts.notifications(session, alert.id)
        if row.slack_ts
        and alert_messages.is_escalation((row.payload.get("args") or {}).get("blocks") or [])
    ]


def _require_may_act(
    session: Session, alert: Alert, project: Project, actor: Member, clicked: OutboxMessage
) -> None:
    if may_act(session, alert, project, actor, clicked):
        return
    people = ", ".join(f"<@{user}>" for user in escalated_to(session, alert))
    sent = f"the people it was sent to ({people})" if people else "the people it was sent to"
    task = session.get(Task, alert.task_id) if alert.task_id else None
    hint = f" To report on {task.key}, type `/update {task.key} …`." if task else ""
    raise UserError(
        f"Only {sent} and {project.key}'s managers can answer this alert, so nothing changed.{hint}"
    )


def _require_open(session: Session, alert: Alert, project: Project) -> None:
    if alert.resolved_at is None:
        return
    at = _at(alert.resolved_at, alert.resolved_at, ZoneInfo(project.timezone))
    why = "a fresh report cleared it" if alert.resolved_by_update_id else "it was closed"
    raise UserError(f"This alert is over: {why} at {at}. Nothing changed.")


def _already_acknowledged(alert: Alert, zone: ZoneInfo) -> str:
    who = display_name(alert.acknowledged_by) if alert.acknowledged_by else "someone"
    assert alert.acknowledged_at is not None  # asked only of an acknowledged alert
    at = _at(alert.acknowledged_at, alert.acknowledged_at, zone)
    return f"{who} acknowledged this alert already, at {at}."


def _snooze_until(
    choice: str | None, project: Project, now: datetime, rules_path: Path | None
) -> datetime:
    """Return when a snooze chosen at `now` ends; refuse an unknown choice."""
    if alert_messages.snooze_choice(choice) is None:
        raise UserError(UNKNOWN_MESSAGE)
    if choice in _SNOOZES:
        return now + _SNOOZES[choice]
    calendar = project_calendar_in_force(rules_path, project)
    return tomorrows_start(calendar, now)


def _reassign(
    session: Session, actor: Member, alert: Alert, click: Click, now: datetime, enroll: Enroll
) -> str:
    """Give the alert's task to the person picked, like `/task assign`; end the episode."""
    task = session.get(Task, alert.task_id) if alert.task_id else None
    person = click.value or ""
    if task is None or not person:
        raise UserError(UNKNOWN_MESSAGE)
    if task.assignee is not None and task.assignee.slack_user_id == person:
        raise UserError(f"{task.key} is assigned to <@{person}> already: nothing changed.")
    request = Request(
        session=session,
        actor=actor,
        where=Where(click.channel or "", None),
        args=[task.key, f"<@{person}>"],
        now=now,
        enroll=enroll,
    )
    tasks.assign(request, request.args)
    alerts.acknowledge(session, alert, actor, now)
    alerts.close(session, alert, now)
    at = _at(now, now, ZoneInfo(task.project.timezone))
    return f":arrows_counterclockwise: Reassigned to <@{person}> by {display_name(actor)} at {at}."


def escalation_delivered(session: Session, job, channel: str, ts: str, now: datetime) -> None:
    """After-sent step for alert messages: keep the payload as sent; and if the alert was
    acknowledged while this escalation was on its way (a press on it before its delivery was
    recorded), show that on it too, as on the alert's other escalations. A DM's reader has it
    on their Home tab from now."""
    keep_payload(session, job, channel, ts, now)
    if is_person(job.target):  # what waits on them shows on their Home tab once it reached them
        home.ask_for_people(session, [job.target])
    message = session.get(OutboxMessage, job.id)
    alert = session.get(Alert, message.alert_id) if message and message.alert_id else None
    blocks = (message.payload.get("args") or {}).get("blocks") or [] if message else []
    if alert is None or alert.acknowledged_at is None or not alert_messages.is_escalation(blocks):
        return
    project = session.get_one(Project, alert.project_id)
    who = display_name(alert.acknowledged_by) if alert.acknowledged_by else "someone"
    said = _acknowledged(who, alert.acknowledged_at, ZoneInfo(project.timezone))
    show_outcome(session, alert, said, now, keep_buttons=False)


def _acknowledged(who: str, at: datetime, zone: ZoneInfo) -> str:
    return f":white_check_mark: Acknowledged by {who} at {_at(at, at, zone)}."


def _at(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """Return a time as people read it here: "09:14" today, else "Thu 07:00"."""
    local = moment.astimezone(zone)
    same_day = local.date() == now.astimezone(zone).date()
    return local.strftime("%H:%M") if same_day else local.strftime("%a %H:%M")
