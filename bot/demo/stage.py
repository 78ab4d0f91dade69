"""The demo's stage: siteloop and the local Slack, with the people on site and a fast clock.

Every action goes over the real HTTP path (signed requests into the server, Web API calls out
to the emulator); the stage only decides who does what, when, and prints what people see.
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.delivery.stepped import deliver_due_now
from bot.demo.transcript import Transcript
from bot.emulator import Message, SlackEmulator
from bot.process.delivery import build_dispatcher
from bot.process.service import Service

CHANNEL = "C0TOWER"


class Stage:
    """Drives one day on site: people type, time passes, the rules tick, messages arrive."""

    def __init__(
        self,
        service: Service,
        slack: SlackEmulator,
        clock: ManualClock,
        transcript: Transcript,
        pause: float,
    ) -> None:
        self.service, self.slack, self.clock, self.transcript = service, slack, clock, transcript
        self.pause = pause
        self.zone = ZoneInfo(transcript.zone.key)
        # The outbox is delivered step by step on the site clock (see `start`).
        self.dispatcher = build_dispatcher(service.runtime, clock=clock)

    # What people do

    def command(self, user: str, command: str, text: str, channel: str = CHANNEL) -> None:
        """Type a slash command."""
        self._step()
        self.transcript.person(
            user, self.transcript.where(channel), f"{command} {text}".strip(), self.clock.now()
        )
        self.slack.driver.command(command, text, user=user, channel=channel)
        self.settle()

    def post(
        self, user: str, text: str, thread: Message | None = None, channel: str = CHANNEL
    ) -> Message:
        """Write in the channel, or in a thread."""
        self._step()
        where = self.transcript.where(channel) + (" (thread)" if thread else "")
        self.transcript.person(user, where, text, self.clock.now())
        posted = self.slack.driver.post(
            user, channel, text, thread_ts=thread.ts if thread else None
        )
        self.transcript.seen(channel, posted.ts)
        self.settle()
        return posted.message

    def react(self, user: str, message: Message, name: str) -> None:
        """React to a message."""
        self._step()
        self.transcript.person(
            user,
            self.transcript.where(message.channel),
            f":{name}: on “{_first_line(message)}”",
            self.clock.now(),
        )
        self.slack.driver.react(user, message.channel, message.ts, name)
        self.settle()

    def click(
        self, user: str, message: Message, action_id: str, label: str, value: str | None = None
    ) -> None:
        """Press a button on a message."""
        self._step()
        self.transcript.person(
            user,
            self.transcript.where(message.channel),
            f"[{label}] on “{_first_line(message)}”",
            self.clock.now(),
        )
        self.slack.driver.click(user, message.channel, message.ts, action_id, value=value)
        self.settle()

    def open_home(self, user: str) -> None:
        """Open siteloop's Home tab."""
        self._step()
        self.transcript.person(user, "siteloop's Home tab", "(opens it)", self.clock.now())
        self.slack.driver.home_opened(user)
        self.settle()

    # Time

    def at(self, day: int, hhmm: str) -> None:
        """Move the site clock to `hhmm` on day `day` of the demo (day 0 is its Monday)."""
        hour, minute = (int(part) for part in hhmm.split(":"))
        local = self.clock.now().astimezone(self.zone)
        first = self._day_zero.replace(hour=hour, minute=minute) + timedelta(days=day)
        if first > local:
            self.clock.set(first)

    def tick(self) -> None:
        """Let the rules look at the site now, and deliver what they decide."""
        self.service.tick()
        self.settle()

    def settle(self) -> None:
        """Deliver everything due now (`bot.delivery.stepped`), then print what appeared."""
        deliver_due_now(
            self.dispatcher, self.service.runtime.sessions, self.clock, settle=self.slack.wait_idle
        )
        self.slack.wait_idle()
        self.transcript.show_new(self.clock.now())

    def card(self, key: str) -> Message:
        """Return the assignment card of task `key` as the channel shows it."""
        for message in self.slack.messages(CHANNEL):
            if message.bot_id and key in message.text:
                return message
        raise LookupError(f"no card for {key} in the channel")

    def dm(self, user: str, mentioning: str) -> Message:
        """Return the latest message siteloop sent `user` directly that mentions `mentioning`."""
        for message in reversed(self.slack.dms(user)):
            if message.bot_id and mentioning in message.text:
                return message
        raise LookupError(f"no direct message to {user} about {mentioning}")

    def start(self, day_zero: datetime) -> None:
        """Remember the demo's first day (local midnight), and deliver only in `settle`.

        The service's background senders would post while the site clock moves on, so a
        message's time would depend on thread timing; stepped on the site clock by the stage's
        own dispatcher instead, the day reads the same on every run.
        """
        self._day_zero = day_zero.astimezone(self.zone).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        assert self.service.dispatcher is not None  # the service has started
        self.service.dispatcher.stop()

    def _step(self) -> None:
        # Let the printed conversation breathe; the site clock moves a minute per action, which
        # also keeps each channel within Slack's one message a second.
        if self.pause:
            time.sleep(self.pause)
        self.clock.advance(minutes=1)


def _first_line(message: Message) -> str:
    line = (message.text or message.rendered).strip().splitlines()[0]
    return line if len(line) <= 60 else line[:59] + "…"
