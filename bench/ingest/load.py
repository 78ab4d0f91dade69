"""The load: slash commands and channel posts shaped exactly as the emulator's Slack sends
them (`bot.emulator.to_bot.envelopes`), signed as Slack signs them."""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass

from bot.emulator.people.client import rich_text_blocks
from bot.emulator.state.models import Channel, Message, Team, User
from bot.emulator.to_bot.envelopes import event_envelope, message_event, slash_command_form
from bot.emulator.to_bot.sender import signature_headers

SIGNING_SECRET = "bench-signing-secret-5b1e0c7d9a42"
BOT_TOKEN = "xoxb-0000000000-siteloop-bench-token"
# The emulator's workspace as `SlackEmulator()` makes it by default.
TEAM = Team(
    team_id="T0SITE",
    team_domain="siteloop-demo",
    team_name="Siteloop Demo",
    bot_user_id="U0BOT",
    bot_id="B0BOT",
    app_id="A0SITE",
    bot_name="siteloop",
    verification_token="verification_token",
    scopes=(),
)
CHANNEL = Channel("C0TOWER", "tower-a")
MANAGER = "U0ANN"
CREW = [f"U0CREW{n:02d}" for n in range(20)]
PROJECT = "TWR"
EVENTS_PATH = "/slack/events"
FORM = "application/x-www-form-urlencoded"

# Notes without digits or status words: a bare number in a project channel is a task reference.
NOTES = (
    "formwork checked",
    "rebar tied on the east side",
    "waiting on nothing, going well",
    "inspection booked with the engineer",
    "pump truck on site",
    "scaffold moved up a level",
    "north face cleaned down",
    "drawings updated by the office",
)


@dataclass(frozen=True)
class Request:
    kind: str  # "command" or "event"
    body: bytes
    content_type: str


@dataclass(frozen=True)
class Post:
    user: str
    text: str
    ts: str


def command_body(user: str, command: str, text: str, trigger: str, response_url: str = "") -> bytes:
    """Return a slash command's form, field for field as Slack sends it."""
    person = User(user, user.lower())
    url = response_url or f"https://hooks.slack.invalid/commands/{TEAM.team_id}/{trigger}"
    form = slash_command_form(TEAM, person, CHANNEL, command, text, url, trigger)
    return urllib.parse.urlencode(form).encode()


def message_body(user: str, text: str, ts: str, event_id: str) -> bytes:
    """Return the `event_callback` envelope of a person's channel post."""
    post = Message(
        ts=ts,
        channel=CHANNEL.id,
        user=user,
        text=text,
        blocks=rich_text_blocks(text),
        client_msg_id=f"bench-{event_id}",
        team=TEAM.team_id,
    )
    event = message_event(post, CHANNEL)
    return json.dumps(event_envelope(TEAM, event, event_id, int(float(ts)))).encode()


def planned_posts(n: int, tasks: int, start: float, rate: float) -> list[Post]:
    """Return the n channel posts of a run; each `ts` is when its request is due (wall clock).

    The emulator stores them too, so the bot's 📝 reactions on them land as they would in Slack.
    """
    return [
        Post(
            CREW[(k + 7) % len(CREW)],
            f"{PROJECT}-{(k * 104729 + 3) % tasks + 1} at {(k * 53 + 11) % 101}%, "
            f"{NOTES[(k + 3) % len(NOTES)]}",
            f"{start + (2 * k + 1) / rate:.6f}",
        )
        for k in range(n)
    ]


def build_load(
    n: int, tasks: int, start: float, rate: float, run_tag: str, answer_urls: list[str] = ()
) -> list[Request]:
    """Return 2n requests, commands and channel posts alternating, naming varied tasks.

    `start` (wall clock) is when the first is due; request i is due at start + i/rate. Commands
    carry `answer_urls` (the emulator's response_urls) as their response_url, when given.
    """
    base = int(start)
    plan = []
    for k, post in enumerate(planned_posts(n, tasks, start, rate)):
        user = CREW[k % len(CREW)]
        number = (k * 7919) % tasks + 1
        percent = (k * 37) % 101
        text = f"{PROJECT}-{number} {percent}% {NOTES[k % len(NOTES)]}"
        trigger = f"{base}.{run_tag}.{k}.bench"  # Slack's trigger_id: the command's key
        answer_url = answer_urls[k] if answer_urls else ""
        plan.append(
            Request("command", command_body(user, "/update", text, trigger, answer_url), FORM)
        )
        body = message_body(post.user, post.text, post.ts, f"Ev{run_tag}{k:08d}")
        plan.append(Request("event", body, "application/json"))
    return plan


def chatter(user: str, i: int) -> Request:
    """A post that is not a report (it is read, the author enrolled, and nothing is stored)."""
    ts = f"{int(time.time()) - 3600}.{900000 + i:06d}"
    body = message_body(user, "lunch at noon, who is in?", ts, f"EvWARM{i:06d}")
    return Request("event", body, "application/json")


def signed_headers(body: bytes, content_type: str) -> dict[str, str]:
    """Return the headers Slack sends with `body`, signed now."""
    return {
        "Content-Type": content_type,
        **signature_headers(SIGNING_SECRET, body, int(time.time())),
    }
