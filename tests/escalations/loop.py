"""A stalled task on Tower A, moved through its alert's chain one rule tick at a time.

Tower A (the `site` fixture): Ann manages, Bob leads the Concrete crew, Cam and Dee are
crew. The shipped `stalled` rule: 8 working hours without an update → the assignee in the
task's thread; 4 working hours later the crew lead by DM; 8 hours later the managers by DM.
The site works 07:00–11:30 and 13:00–17:00, Monday to Saturday.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.emulator.state.models import Message
from storage.models import Alert, OutboxMessage, Update
from storage.tasks import find_task
from tests.actions.cards import CHANNEL, card_of, run_task

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def site_time(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Return a site wall-clock time in the week of Tuesday 1 December 2026."""
    return datetime(2026, 12, day, hour, minute, second, tzinfo=SAIGON)


def stalled_task(site, slack) -> Message:
    """Give Cam a task in the Concrete crew, have him start it half a minute after his card
    arrives, Tuesday 08:00:30 (so the project's silence turns into an alert only after the ticks
    at a round time); return its card."""
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")
    card = card_of(site, "TWR-1")
    site.clock.advance(seconds=30)
    slack.driver.command("/update", "TWR-1 10% formwork started", user="U0CAM", channel=CHANNEL)
    site.step()
    return card


def reply_in_thread(site, slack, user: str, card: Message, text: str) -> None:
    """Reply in the card's thread as `user`; step, and check siteloop marked it captured."""
    posted = slack.driver.post(user, CHANNEL, text, thread_ts=card.ts)
    site.step()
    assert "memo" in slack.reactions(CHANNEL, posted.ts), f"{text!r} was not captured"


def bot_replies(slack, card: Message) -> list[Message]:
    """Return the bot's replies in the card's thread (follow-ups, notes), oldest first."""
    return [m for m in slack.thread(CHANNEL, card.ts)[1:] if m.bot_id]


def dms_now(site, slack, user: str) -> list[Message]:
    """Deliver what is due; return the bot's DMs to `user`, oldest first."""
    site.step()
    return slack.dms(user)


def dm_now(site, slack, user: str, ts: str) -> Message:
    """Deliver what is due; return `user`'s DM `ts` as it reads now (edited in place)."""
    site.step()
    return next(m for m in slack.dms(user) if m.ts == ts)


def assignee_of(site, key: str) -> str | None:
    """Return the Slack id of the person the task is assigned to now."""
    with site.runtime.sessions() as session:
        found = find_task(session, key)
        return found.assignee.slack_user_id if found.assignee else None


def alerts(site, rule: str = "stalled") -> list[Alert]:
    """Return the alerts of `rule` (the quiet project's own alert is not the point here)."""
    with site.runtime.sessions() as session:
        query = sa.select(Alert).where(Alert.rule_id == rule)
        return list(session.scalars(query.order_by(Alert.id)))


def updates(site) -> list[Update]:
    with site.runtime.sessions() as session:
        return list(session.scalars(sa.select(Update).order_by(Update.id)))


def outbox(site, kind: str) -> list[OutboxMessage]:
    with site.runtime.sessions() as session:
        query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
        return list(session.scalars(query.order_by(OutboxMessage.id)))
