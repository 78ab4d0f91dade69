"""Arranging and reading assignment cards in end-to-end tests: a site with a crew, its cards."""

from datetime import timedelta

import pytest

from bot.emulator.state.models import Message
from storage import outbox
from tests.bot.sites import setup_project, task

CHANNEL = "C0TOWER"


@pytest.fixture
def site(siteloop, slack):
    """Tower A with Ann (manager), Bob (lead of the Concrete crew), Cam (crew), Dee (crew)."""
    setup_project(slack)
    for user_id, name, real_name in (("U0CAM", "cam", "Cam Le"), ("U0DEE", "dee", "Dee Vo")):
        slack.add_user(user_id, name=name, real_name=real_name, tz="Asia/Ho_Chi_Minh")
        slack.add_member(CHANNEL, user_id)
    slack.driver.command("/siteloop", "crew Concrete @bob", user="U0ANN", channel=CHANNEL)
    drain(siteloop, slack)
    return siteloop


def drain(siteloop, slack) -> None:
    """Wait until everything queued is delivered (moving the clock past Slack's pacing)."""

    def empty() -> bool:
        later(siteloop, seconds=2)
        with siteloop.runtime.sessions() as session:
            return not outbox.due_ids(session, siteloop.clock.now(), 1)

    slack.wait_for(empty)


def run_task(slack, text: str, user: str = "U0ANN") -> str:
    """Run `/task …` in the project channel; return the private answer."""
    slack.driver.command("/task", text, user=user, channel=CHANNEL)
    return slack.ephemerals(user=user)[-1].rendered


def later(siteloop, **delta: float) -> None:
    """Move the site's clock on (Slack's 1 post/s pacing counts on it) and wake delivery."""
    siteloop.clock.advance(timedelta(**delta))
    siteloop.dispatcher.wake()


def card_of(slack, siteloop, key: str) -> Message:
    """Wait until the task's card is delivered and is its thread; return the card as shown."""
    stored = slack.wait_for(lambda: (found := task(siteloop, key)).thread_ts and found)
    return shown(slack, stored.thread_ts)


def shown(slack, ts: str) -> Message:
    """Return the message `ts` of the project channel as people see it now."""
    return next(message for message in slack.messages(CHANNEL) if message.ts == ts)


def wait_for_card(slack, siteloop, card: Message, words: str, timeout: float = 10) -> Message:
    """Wait until the card reads `words` (moving the clock past pacing); return it."""

    def updated():
        later(siteloop, seconds=2)
        now = shown(slack, card.ts)
        return words in now.rendered and now

    return slack.wait_for(updated, timeout=timeout)


def buttons(message: Message) -> list[str]:
    """Return the labels of the buttons a message shows."""
    return [
        element["text"]["text"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]
