"""The demo: the first days of work on Tower A, played through siteloop and the local Slack.

Everything goes over the real HTTP path — signed requests into the real server, Web API calls
out to the emulator — on a temporary SQLite database (kept with `--keep`), with the shipped
default rules and a site clock that runs fast.
"""

import random
import shutil
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console

from bot.blocks import alert_messages, task_card
from bot.clock import ManualClock
from bot.config import load_settings
from bot.demo.stage import CHANNEL, Stage
from bot.demo.transcript import Transcript
from bot.emulator import SlackEmulator
from bot.process.service import Service
from bot.services.schedule_import import check_rows, import_rows, read_schedule
from storage.db import session_scope
from storage.projects import find_project

SIGNING_SECRET = "demo-signing-secret"
BOT_TOKEN = "xoxb-demo-0000-siteloop"
SITE_TIMEZONE = "Asia/Ho_Chi_Minh"
# Monday 7 December 2026, 06:55 on site.
DAY_START = datetime(2026, 12, 6, 23, 55, tzinfo=UTC)
PEOPLE = {
    "U0ANN": ("ann", "Ann Tran", "site manager"),
    "U0LAN": ("lan", "Lan Pham", "concrete lead"),
    "U0BOB": ("bob", "Bob Nguyen", "concrete crew"),
    "U0MINH": ("minh", "Minh Hoang", "rebar lead"),
    "U0TUAN": ("tuan", "Tuan Vo", "MEP lead"),
    "U0DUNG": ("dung", "Dung Le", "MEP crew"),
}


def run_demo(
    console: Console, *, seed: int = 7, speed: float = 1.0, keep: Path | None = None
) -> int:
    """Play the demo, printing its transcript to `console`; return the process exit status.

    Args:
        seed: makes the crews' wording choices repeatable.
        speed: pace of the printed conversation (0 prints as fast as possible).
        keep: where to keep the SQLite database afterwards (for `export` and `report`).
    """
    clock = ManualClock(DAY_START)
    with tempfile.TemporaryDirectory(prefix="siteloop-demo-") as folder, _workspace(clock) as slack:
        database = Path(folder) / "siteloop.db"
        service = Service(_settings(slack, database), clock=clock, host="127.0.0.1")
        service.start(port=0)
        try:
            slack.connect(f"http://127.0.0.1:{service.port}/slack/events")
            # Events are answered before they are processed; the scene waits for their effect.
            assert service.inbox is not None  # started
            slack.deliverer.settle = service.inbox.settle
            transcript = Transcript(slack, console, SITE_TIMEZONE)
            transcript.channels = [CHANNEL, *(slack.dm_channel(user) for user in PEOPLE)]
            stage = Stage(service, slack, clock, transcript, pause=0.25 * speed)
            stage.start(DAY_START)
            _play(stage, random.Random(seed))
        finally:
            service.stop(grace_seconds=5)
        if keep is not None:
            shutil.copyfile(database, keep)
            console.print(
                f"\nThe database is kept in {keep}. Try: DATABASE_URL=sqlite:///{keep} "
                "siteloop export updates --project TWR",
                soft_wrap=True,
            )
    return 0


def _workspace(clock: ManualClock) -> SlackEmulator:
    # Slack's per-channel pace is kept by siteloop's own dispatcher on the site clock; the
    # emulator's real-time limiter would only slow a fast-running day down.
    slack = SlackEmulator(
        signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, clock=clock, rate_limits=False
    )
    for user, (name, real_name, _) in PEOPLE.items():
        slack.add_user(user, name=name, real_name=real_name, tz=SITE_TIMEZONE)
    slack.add_channel(CHANNEL, name="tower-a", members=list(PEOPLE))
    return slack.start()


def _settings(slack: SlackEmulator, database: Path):
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{database}",
        SITELOOP_LOG_FORMAT="json",
        SITELOOP_TICK_SECONDS=86_400,  # the stage runs the rules itself, on the site clock
        SITELOOP_HOME_REFRESH_SECONDS=86_400,  # Home tabs are published as they are opened
    )


def _play(stage: Stage, rng: random.Random) -> None:
    say = stage.transcript.narrate
    say("Monday, 07:00. Ann, the site manager, sets Tower A up in #tower-a.")
    stage.at(0, "07:00")
    stage.command("U0ANN", "/siteloop", "setup TWR Tower A")
    stage.command("U0ANN", "/siteloop", "crew Concrete @lan")
    stage.command("U0ANN", "/siteloop", "crew Concrete add @bob")
    stage.command("U0ANN", "/siteloop", "crew Rebar @minh")
    stage.command("U0ANN", "/siteloop", "crew MEP @tuan")
    stage.command("U0ANN", "/siteloop", "crew MEP add @dung")
    _import_schedule(stage)

    say("07:10. Ann assigns the morning's work; each task gets a card, and its thread.")
    stage.at(0, "07:10")
    for key, person in (
        ("TWR-1", "@bob"),
        ("TWR-2", "@minh"),
        ("TWR-3", "@dung"),
        ("TWR-4", "@lan"),
    ):
        stage.command("U0ANN", "/task", f"assign {key} {person}")

    say("07:20. The crews acknowledge: a button, a ✅, a reply in the thread.")
    stage.at(0, "07:20")
    stage.click("U0BOB", stage.card("TWR-1"), task_card.ACK, "Acknowledge")
    stage.react("U0MINH", stage.card("TWR-2"), "white_check_mark")
    stage.post("U0LAN", rng.choice(["on it", "ok, on it", "ack"]), thread=stage.card("TWR-4"))
    stage.click("U0DUNG", stage.card("TWR-3"), task_card.ACK, "Acknowledge")

    say("Through the morning, reports come in as people work.")
    stage.at(0, "08:30")
    stage.command("U0BOB", "/update", "TWR-1 25% formwork checked, 10 m3 poured")
    stage.at(0, "09:00")
    stage.post("U0MINH", "TWR-2 started, 1.5 t fixed, crew 6")
    stage.at(0, "09:30")
    stage.post("U0DUNG", "sleeves started, 10%", thread=stage.card("TWR-3"))
    stage.at(0, "10:00")
    stage.command("U0MINH", "/blocked", "TWR-2 waiting for rebar delivery")
    stage.at(0, "11:00")
    stage.post("U0LAN", "40%, east side done", thread=stage.card("TWR-4"))

    say("Afternoon. TWR-1 is spending faster than it progresses; TWR-2 is still blocked.")
    stage.at(0, "14:00")
    stage.command("U0BOB", "/update", "TWR-1 50% cost:9000 pump hire and overtime")
    stage.at(0, "16:00")
    stage.tick()

    say("Tuesday morning. Rain until 08:00; Ann keeps the site's daily log from Slack.")
    stage.at(1, "07:05")
    stage.command("U0ANN", "/log", "weather heavy rain 18mm 24°C stopped 07:00-08:00")
    stage.command("U0ANN", "/log", "manpower Concrete 6 8h")

    say("TWR-3 is falling behind its plan; TWR-2 is still blocked.")
    stage.at(1, "08:00")
    stage.command("U0BOB", "/update", "TWR-1 60% second pour done, 14 m3")
    stage.at(1, "09:00")
    stage.tick()
    stage.at(1, "10:15")
    stage.tick()
    stage.at(1, "10:30")
    stage.command("U0MINH", "/update", "TWR-2 unblocked, delivery arrived at 10:20")
    stage.tick()

    say("Tuesday afternoon. Nobody has heard from TWR-3 since yesterday morning.")
    stage.at(1, "13:30")
    stage.tick()
    stage.at(1, "14:00")
    stage.post("U0LAN", rng.choice(["TWR-4 70%, west side shuttered", "#4 at 70%, west side up"]))

    say("Wednesday. The follow-up went unanswered: the MEP lead hears, then the manager.")
    stage.at(2, "07:30")
    stage.tick()
    stage.at(2, "08:00")
    stage.command("U0BOB", "/update", "TWR-1 75% 8 m3 poured")
    stage.post("U0MINH", "TWR-2 30%, 2 t fixed")
    stage.at(2, "11:30")
    stage.tick()  # lunch: the manager's message waits for the afternoon shift
    stage.at(2, "13:05")
    stage.tick()
    stage.at(2, "13:10")
    stage.click("U0ANN", stage.dm("U0ANN", "TWR-3"), alert_messages.ACK, "Acknowledge")

    say("13:20. Dung answers in the thread; the alert resolves with his report.")
    stage.at(2, "13:20")
    stage.post(
        "U0DUNG",
        "60%, was pulled onto the drainage stack, back on sleeves now",
        thread=stage.card("TWR-3"),
    )
    stage.tick()

    say("Wednesday afternoon: the project as Ann sees it, and how fast the loop closed.")
    stage.command("U0ANN", "/tasks", "")
    stage.command("U0ANN", "/siteloop", "report")

    say("17:00, the day's last shift ends: the digest of Wednesday, its S-curve in the thread.")
    stage.at(2, "17:00")
    stage.tick()

    say("Before leaving, Ann and Bob look at siteloop's Home tab: the project, and their work.")
    stage.open_home("U0ANN")
    stage.open_home("U0BOB")


def _import_schedule(stage: Stage) -> None:
    stage.transcript.narrate("She imports the schedule from the planner's spreadsheet.")
    source = resources.files("bot.demo") / "tower_a.csv"
    with resources.as_file(source) as path:
        schedule = read_schedule(Path(path), day_first=None)
    with session_scope(stage.service.runtime.sessions) as session:
        project = find_project(session, "TWR")
        assert project is not None  # the scene before created it
        result = import_rows(
            session, project, check_rows(session, project, schedule.rows), stage.clock.now()
        )
    stage.transcript.system(
        f"$ siteloop import tasks tower_a.csv --project TWR → {result.created} tasks created",
        stage.clock.now(),
    )
