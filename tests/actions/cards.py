"""Reading assignment cards in end-to-end tests on the stepped Tower A site (`site`)."""

from bot.emulator.state.models import Message
from tests.bot.sites import task
from tests.harness import Site

CHANNEL = "C0TOWER"


def run_task(slack, text: str, user: str = "U0ANN") -> str:
    """Run `/task …` in the project channel; return the private answer."""
    slack.driver.command("/task", text, user=user, channel=CHANNEL)
    return slack.ephemerals(user=user)[-1].rendered


def card_of(site: Site, key: str) -> Message:
    """Deliver what is due; return the task's card, which is its thread, as shown."""
    site.step()
    stored = task(site, key)
    assert stored.thread_ts, f"{key} has no card in Slack"
    return shown(site.slack, stored.thread_ts)


def card_now(site: Site, card: Message) -> Message:
    """Deliver what is due; return the card as people see it now."""
    site.step()
    return shown(site.slack, card.ts)


def shown(slack, ts: str) -> Message:
    """Return the message `ts` of the project channel as people see it now."""
    return next(message for message in slack.messages(CHANNEL) if message.ts == ts)


def buttons(message: Message) -> list[str]:
    """Return the labels of the buttons a message shows."""
    return [
        element["text"]["text"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]
