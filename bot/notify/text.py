"""What alert notifications say: one complete plain text, and the same words laid out (pure).

`message_text` is the notification and fallback text of a message: who, what is wrong in
numbers (from the evaluator's facts), and what to do. `alert_message` gives the parts of its
Block Kit layout (`bot.blocks.alert_messages`): a follow-up for the assignee or the channel,
an escalation (Acknowledge · Snooze · Reassign…) for crew leads, managers and named people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.blocks.alert_facts import alert_numbers, in_hours
from bot.blocks.alert_messages import AlertMessage, Style
from bot.blocks.text import day, money, number
from rules.alerts import NotificationKind
from rules.notice import Notice
from rules.rule import Audience, Clock, Condition
from rules.slack_text import mrkdwn

_OPENERS = {
    NotificationKind.FOLLOW_UP: "",
    NotificationKind.ESCALATION: "Escalation: ",
    NotificationKind.REPEAT: "Still unresolved: ",
    NotificationKind.REMINDER: "Reminder (snooze over): ",
}


def message_text(notice: Notice, *, mentions: Sequence[str] = (), person: str | None = None) -> str:
    """Return the complete text of one message: who, what is wrong in numbers, what to do.

    `mentions` are people tagged in a channel or thread; `person` is the reader of a DM.
    """
    reader_is_assignee = notice.notification.target == Audience.ASSIGNEE
    tags = " ".join(f"<@{user}>" for user in mentions)
    opener = _OPENERS[notice.notification.kind]
    sentence = _headline(notice)
    if opener:
        sentence = " ".join(part for part in (f"{opener}{sentence}", _raised(notice)) if part)
    action = _action(notice, reader_is_assignee, person is not None)
    return " ".join(part for part in (tags, sentence, action) if part)


def alert_message(
    notice: Notice, *, mentions: Sequence[str] = (), person: str | None = None
) -> AlertMessage:
    """Return the parts of one message's blocks: the same words as its text, laid out.

    The assignee and the channel get a follow-up (answer with data); anyone else an
    escalation (acknowledge, snooze, reassign), with where the task's thread is.
    """
    target = notice.notification.target
    reader_is_assignee = target == Audience.ASSIGNEE
    style = Style.FOLLOW_UP if target in (Audience.ASSIGNEE, Audience.CHANNEL) else Style.ESCALATION
    tags = " ".join(f"<@{user}>" for user in mentions)
    lead = f"{_OPENERS[notice.notification.kind]}{_headline(notice, bold=True)}"
    how = _action(notice, reader_is_assignee, person is not None)
    task = notice.task
    if style is Style.ESCALATION:
        how += " *Acknowledge* stops the reminders, *Snooze* pauses them"
        how += ", *Reassign…* gives the task to someone else." if task else "."
    elif task is not None and task.status.is_open:
        how += " Or press *Update…* or *Blocked…* below."
    numbers = alert_numbers(notice)
    raised = _raised_hours(notice)
    if raised:
        numbers += (("Raised", f"{raised} ago"),)
    return AlertMessage(
        alert_id=notice.alert_id,
        style=style,
        lead=" ".join(part for part in (tags, lead) if part),
        numbers=numbers,
        how=how,
        where=_where(notice),
        task_id=task.id if task else None,
        task_open=task is not None and task.status.is_open,
    )


def _headline(notice: Notice, *, bold: bool = False) -> str:
    """Return what is wrong, in one sentence: "TWR-42 Pour slab L3 has had no update for …".

    Readers other than the assignee are told who has the task. The subject is escaped;
    `bold` writes it in mrkdwn bold, for blocks.
    """
    task = notice.task
    if task is None:
        subject, who, problem = (
            f"{notice.project_key} {notice.project_name}",
            "",
            _project_problem(notice),
        )
    else:
        subject, who, problem = f"{task.key} {notice.task_title}", "", _task_problem(notice)
        if notice.notification.target != Audience.ASSIGNEE:
            assignee = task.assignee_user_id
            who = f" (assigned to <@{assignee}>)" if assignee else " (nobody is assigned)"
    subject = mrkdwn(subject)
    if bold:
        subject = f"*{subject}*"
    return f"{subject}{who} {problem}."


def _where(notice: Notice) -> str:
    """Return where the task's conversation is (an escalation's history part, until delivery)."""
    routing = notice.routing
    if routing.thread is not None:
        return f"*Thread:* the task's thread in <#{routing.thread[0]}>."
    if routing.channel is not None:
        return f"*Channel:* <#{routing.channel}>."
    return ""


def _hours(notice: Notice, value: float | None) -> str | None:
    return None if value is None else in_hours(notice, value)


def _task_problem(notice: Notice) -> str:
    """Return what is wrong with the task, in numbers, from the rule's conditions."""
    task, rule = notice.task, notice.rule
    assert task is not None
    phrases = [
        phrase
        for condition in rule.conditions
        if (phrase := _condition_phrase(notice, condition)) is not None
    ]
    if not phrases:
        phrases.append(f"is {task.status.value.replace('_', ' ')}")
    return _and(phrases)


def _condition_phrase(notice: Notice, condition: Condition) -> str | None:
    """Return what one of the rule's conditions found, in numbers (None: nothing to say)."""
    task, facts, rule = notice.task, notice.facts, notice.rule
    assert task is not None
    match condition:
        case Condition.NO_UPDATE_FOR if hours := _hours(notice, facts.hours_since_update):
            return f"has had no update for {hours}"
        case Condition.UNACKNOWLEDGED_FOR if hours := _hours(notice, facts.hours_unacknowledged):
            return f"was assigned {hours} ago and nobody has acknowledged it"
        case Condition.BLOCKED_FOR if hours := _hours(notice, facts.hours_blocked):
            return f"has been blocked for {hours}"
        case Condition.OVERDUE | Condition.OVERDUE_BY if rule.when.overdue is not False:
            return _late(notice)
        case Condition.DUE_WITHIN if hours := _hours(notice, facts.hours_until_due):
            finish = f" (planned finish {day(task.planned_finish)})" if task.planned_finish else ""
            return f"is due in {hours}{finish}"
        case Condition.BELOW_PERCENT if Condition.BEHIND_PLAN_BY not in rule.conditions:
            return f"is only {number(facts.percent or 0.0, 1)}% done"
        case Condition.BEHIND_PLAN_BY if facts.planned_percent is not None:
            return (
                f"is {number(facts.percent or 0.0, 1)}% done where the plan says "
                f"{number(facts.planned_percent, 1)}% by now "
                f"({number(facts.behind_by or 0.0, 1)} points behind)"
            )
        case Condition.COST_OVERRUN_PCT if facts.actual_cost is not None:
            return _overrun(notice, facts.actual_cost)
    return None


def _late(notice: Notice) -> str | None:
    task, facts = notice.task, notice.facts
    assert task is not None
    if task.planned_finish is None:
        return None
    days = int(facts.days_late or 0)
    finish = day(task.planned_finish)
    if days >= 1:
        return f"is {days} day{'s' if days != 1 else ''} past its planned finish ({finish})"
    hours = _hours(notice, facts.hours_overdue)
    return f"is {hours} past its planned finish ({finish})" if hours else f"was due {finish}"


def _overrun(notice: Notice, actual_cost: float) -> str:
    facts = notice.facts
    earned = money(facts.earned_value or 0.0, notice.currency)
    spent = f"has cost {money(actual_cost, notice.currency)} against {earned} of work done"
    if facts.overrun_pct is not None:
        return f"{spent} ({number(facts.overrun_pct, 1)}% over)"
    return (
        f"{spent} (no progress recorded yet, budget {money(facts.budget or 0.0, notice.currency)})"
    )


def _project_problem(notice: Notice) -> str:
    hours = _hours(notice, notice.facts.hours_silent)
    return f"has had no report at all for {hours}" if hours else "has gone quiet"


def _raised(notice: Notice) -> str:
    """Return how long ago the alert was first raised, on the rule's clock ("" if just now)."""
    hours = _raised_hours(notice)
    return f"First raised {hours} ago." if hours else ""


def _raised_hours(notice: Notice) -> str:
    """Return the time since the alert opened, on the rule's clock ("" if just now)."""
    if notice.rule.clock is Clock.WORKING:
        span = notice.calendar.working_time_between(notice.opened_at, notice.now)
    else:
        span = notice.now - notice.opened_at
    hours = span / timedelta(hours=1)
    return "" if round(hours, 1) == 0 else in_hours(notice, hours)


def _action(notice: Notice, reader_is_assignee: bool, direct: bool) -> str:
    """Return what the reader can do about it, with the command to type."""
    key = notice.subject
    conditions = set(notice.rule.conditions)
    if notice.task is None:
        return (
            "Post today's progress in the project channel; if the site is closed, add the day "
            "to the calendar's holidays."
        )
    if notice.notification.target == Audience.CHANNEL:
        return f"Whoever is on it: post an update with `/update {key} …`."
    if not reader_is_assignee:
        if Condition.BLOCKED_FOR in conditions:
            return "Please clear the blocker or re-plan the work."
        if conditions & {Condition.OVERDUE, Condition.OVERDUE_BY, Condition.DUE_WITHIN}:
            return "Please agree a new date or add people."
        if Condition.COST_OVERRUN_PCT in conditions:
            return "Please check the costs and progress recorded, and tell the managers why."
        assignee = notice.task.assignee_user_id
        return f"Please follow up with <@{assignee}>." if assignee else "Please assign it."
    here = f"`/update {key} …`" if direct else "here"
    if Condition.UNACKNOWLEDGED_FOR in conditions:
        if direct:
            return (
                f"Acknowledge it with `/update {key} on it`, or tell your crew lead if it is "
                "not yours."
            )
        return "Reply `on it` here to acknowledge it, or tell your crew lead if it is not yours."
    if Condition.BLOCKED_FOR in conditions:
        return (
            f"Reply {here} when work resumes (`unblocked`), or say what you are still waiting for."
        )
    if conditions & {Condition.OVERDUE, Condition.OVERDUE_BY}:
        return f"Finish it with `/done {key}`, or agree a new date with your crew lead."
    if Condition.DUE_WITHIN in conditions:
        return (
            f"Reply {here} with progress; if you need more people or a new date, tell your "
            "crew lead now."
        )
    if Condition.COST_OVERRUN_PCT in conditions:
        return f"Check the recorded costs and reply {here} with progress (e.g. `60%`)."
    reply = (
        f"Reply with `/update {key} 60% formwork done`"
        if direct
        else ("Reply here with progress (e.g. `60% formwork done`)")
    )
    return f"{reply} or `/blocked {key} reason`."


def _and(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
