"""A stalled task on Tower A, moved through its alert's chain one rule tick at a time.

Tower A (`tests.actions.cards.site`): Ann manages, Bob leads the Concrete crew, Cam and Dee are
crew. The shipped `stalled` rule: 8 working hours without an update → the assignee in the
task's thread; 4 working hours later the crew lead by DM; 8 hours later the managers by DM.
The site works 07:00–11:30 and 13:00–17:00, Monday to Saturday.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.emulator.state.models import Message
from rules.vocabulary import OutboxState
from storage.models import Alert, OutboxMessage, Update
from storage.tasks import find_task
from tests.actions.cards import CHANNEL, card_of, later, run_task

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def site_time(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Return a site wall-clock time in the week of Tuesday 1 December 2026."""
    return datetime(2026, 12, day, hour, minute, second, tzinfo=SAIGON)


def settle(site, slack) -> None:
    """Wait until every message due is delivered and recorded (moving the clock past pacing).

    Stricter than `tests.actions.cards.drain`: a message being sent counts until its
    delivery is recorded, so what follows sees it as sent; and one retried soon (the
    emulator paces posts per channel in real seconds) counts too.
    """

    def delivered() -> bool:
        later(site, seconds=2)
        soon = site.clock.now() + timedelta(minutes=5)
        with site.runtime.sessions() as session:
            waiting = session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.state == OutboxState.PENDING,
                    OutboxMessage.next_attempt_at <= soon,
                )
            )
        return waiting == 0

    slack.wait_for(delivered, timeout=10)


def stalled_task(site, slack) -> Message:
    """Give Cam a task in the Concrete crew, have him start it Tuesday 08:00; return its card."""
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")
    card = card_of(slack, site, "TWR-1")
    slack.driver.command("/update", "TWR-1 10% formwork started", user="U0CAM", channel=CHANNEL)
    settle(site, slack)
    return card


def tick_at(site, slack, instant: datetime) -> None:
    """Move the clock to `instant`, run the rule tick, and wait for its messages."""
    site.clock.set(instant)
    site.tick()
    settle(site, slack)


def reply_in_thread(site, slack, user: str, card: Message, text: str) -> None:
    """Reply in the card's thread as `user`; wait until siteloop marks the reply captured."""
    posted = slack.driver.post(user, CHANNEL, text, thread_ts=card.ts)

    def captured():
        later(site, seconds=2)
        return "memo" in slack.reactions(CHANNEL, posted.ts)

    slack.wait_for(captured, timeout=10)


def bot_replies(slack, card: Message) -> list[Message]:
    """Return the bot's replies in the card's thread (follow-ups, notes), oldest first."""
    return [m for m in slack.thread(CHANNEL, card.ts)[1:] if m.bot_id]


def wait_for_dms(site, slack, user: str, count: int) -> list[Message]:
    """Wait until `user` has at least `count` DMs from the bot; return them all."""

    def arrived():
        later(site, seconds=2)
        found = slack.dms(user)
        return len(found) >= count and found

    return slack.wait_for(arrived)


def wait_for_dm(site, slack, user: str, ts: str, words: str) -> Message:
    """Wait until `user`'s DM `ts` reads `words` (edited in place); return it."""

    def edited():
        later(site, seconds=2)
        found = [m for m in slack.dms(user) if m.ts == ts]
        return found and words in found[0].rendered and found[0]

    return slack.wait_for(edited)


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
