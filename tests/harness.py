"""The end-to-end harness: siteloop serving over real HTTP with the local Slack, stepped.

A test acts through Slack (`slack.driver`): each request is processed before the driver
returns (the inbox settles). Time moves only when the test moves it (`site.clock`). Then
`site.step()` runs the rule tick if one is due (the scheduler ticks every
SITELOOP_TICK_SECONDS of the site clock) and delivers every message due, so a test reads

    slack.driver.command("/update", "TWR-1 60%", user="U0CAM", channel=CHANNEL)
    site.step()
    assert …

The service's background delivery and schedule are stopped for this: its senders would post,
and its scheduler tick, whenever their threads ran, while the test moves the clock. Slack's
per-channel pacing is the dispatcher's, on the site clock (`bot.delivery.stepped`); the
emulator's own rate limits, on real time, are off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.delivery.stepped import deliver_due_now
from bot.emulator import SlackEmulator
from bot.process.delivery import build_dispatcher
from bot.process.service import Service
from bot.runtime import Runtime
from storage.tick import TickResult


class Site:
    """siteloop and the local Slack, moved on by `step()`."""

    def __init__(self, service: Service, slack: SlackEmulator) -> None:
        assert isinstance(service.clock, ManualClock) and service.dispatcher is not None
        self.service, self.slack = service, slack
        self.clock: ManualClock = service.clock
        self.runtime: Runtime = service.runtime
        self.settings = service.settings
        self.dispatcher = build_dispatcher(service.runtime, clock=self.clock)
        service.dispatcher.stop()
        service.stop_schedule()
        slack.rate_limiter.enabled = False
        self._every = timedelta(seconds=service.settings.tick_seconds)
        self._ticked_at = self.clock.now()

    def step(self) -> None:
        """Process what Slack delivered, run the rule tick if one is due, queue the Home tabs
        that changed, deliver every message due."""
        self._settle()
        if self.clock.now() - self._ticked_at >= self._every:
            self.tick()
        self.service.refresh_homes()
        deliver_due_now(self.dispatcher, self.runtime.sessions, self.clock, settle=self._settle)

    def at(self, instant: datetime) -> None:
        """Move the clock to `instant` and step: the rule tick runs there."""
        self.clock.set(instant)
        self.tick()
        self.step()

    def tick(self) -> TickResult:
        """Run the rule tick now (without delivering what it queues)."""
        self._ticked_at = self.clock.now()
        return self.service.tick()

    def _settle(self) -> None:
        self.slack.wait_idle()
        assert self.service.inbox is not None
        self.service.inbox.settle()
