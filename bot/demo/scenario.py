"""The demo's script: siteloop serving the local Slack emulator, driven the way Slack drives it.

Everything goes over the real HTTP path — signed requests into the real server, Web API calls
out to the emulator — on a temporary SQLite database that disappears afterwards.
"""

import json
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from bot.clock import ManualClock
from bot.config import load_settings
from bot.demo.transcript import Transcript
from bot.emulator import SlackEmulator
from bot.service import Service

SIGNING_SECRET = "demo-signing-secret"
BOT_TOKEN = "xoxb-demo-0000-siteloop"
SITE_TIMEZONE = "Asia/Ho_Chi_Minh"
# Monday 7 December 2026, 07:30 on site.
DAY_START = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)


def run_demo(console: Console) -> int:
    """Play the demo, printing its transcript to `console`; return the process exit status."""
    clock = ManualClock(DAY_START)
    with tempfile.TemporaryDirectory(prefix="siteloop-demo-") as folder, _workspace(clock) as slack:
        service = Service(_settings(slack, Path(folder)), clock=clock, host="127.0.0.1")
        service.start(port=0)
        try:
            slack.connect(f"http://127.0.0.1:{service.port}/slack/events")
            _play(Transcript(slack, console, SITE_TIMEZONE), slack, clock, service.port)
        finally:
            service.stop(grace_seconds=5)
    return 0


def _workspace(clock: ManualClock) -> SlackEmulator:
    slack = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, clock=clock)
    slack.add_user("U0ANN", name="ann", real_name="Ann Tran (site manager)", tz=SITE_TIMEZONE)
    slack.add_user("U0BOB", name="bob", real_name="Bob Nguyen (concrete crew)", tz=SITE_TIMEZONE)
    slack.add_channel("C0TOWER", name="tower-a", members=["U0ANN", "U0BOB"])
    return slack.start()


def _settings(slack: SlackEmulator, folder: Path):
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{folder / 'siteloop.db'}",
        SITELOOP_LOG_FORMAT="json",
    )


def _play(transcript: Transcript, slack: SlackEmulator, clock: ManualClock, port: int) -> None:
    transcript.channels = ["C0TOWER", slack.dm_channel("U0BOB")]
    transcript.narrate(
        "Tower A, Monday morning. Bob from the concrete crew asks siteloop for help."
    )
    transcript.person("U0BOB", "#tower-a", "/siteloop help", clock.now())
    slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER")
    transcript.show_new(clock.now())

    clock.advance(minutes=5)
    transcript.narrate("Ann, the site manager, opens siteloop's Home tab.")
    slack.driver.home_opened("U0ANN")
    slack.wait_for(lambda: slack.views(user="U0ANN"))
    transcript.show_new(clock.now())

    clock.advance(minutes=5)
    transcript.narrate("Someone who is not Slack sends a forged request. siteloop refuses it.")
    forged = slack.driver.command(
        "/siteloop", "help", user="U0BOB", channel="C0TOWER", signing_secret="forged"
    )
    transcript.system(
        f"POST /slack/events with a forged signature → HTTP {forged.status}", clock.now()
    )
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        health = json.loads(response.read())
    state = ", ".join(
        f"{key} {value}" for key, value in health.items() if key in ("database", "scheduler")
    )
    transcript.system(f"GET /healthz → HTTP {response.status} ({state})", clock.now())
