"""SlackEmulator: a local Slack workspace for tests and the demo, served over HTTP on 127.0.0.1.

    emu = SlackEmulator(clock=clock)
    emu.start()
    emu.add_user("U_ANN", name="ann", tz="Asia/Ho_Chi_Minh")
    emu.add_channel("C_TWR", name="tower-a", members=["U_ANN"])
    emu.connect("http://127.0.0.1:3000/slack/events")
    emu.driver.command("/update", "TWR-42 60%", user="U_ANN", channel="C_TWR")
    assert "60%" in emu.ephemerals(user="U_ANN")[-1].rendered

Point the bot's `WebClient(base_url=emu.api_url, token=emu.bot_token)` at it. For Socket Mode,
skip `connect()`: the app calls apps.connections.open with `emu.app_token` and connects; while
its connection is open everything the driver sends goes over it (see `emu.socket_mode`).
"""

import copy
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from bot.clock import Clock, SystemClock
from bot.emulator.people.driver import SlackDriver
from bot.emulator.socket_mode.server import SocketMode
from bot.emulator.state.ids import IdSource, TsSource
from bot.emulator.state.models import (
    Call,
    Channel,
    Ephemeral,
    Message,
    ResponsePost,
    Team,
    User,
    View,
)
from bot.emulator.state.workspace import Workspace
from bot.emulator.to_bot.sender import Deliverer, Delivery, EventQueue
from bot.emulator.web_api.context import ApiContext
from bot.emulator.web_api.faults import Faults
from bot.emulator.web_api.ratelimits import RateLimiter
from bot.emulator.web_api.server import EmulatorServer, WebApi
from bot.emulator.web_api.triggers import ResponseUrls, Triggers

DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "reactions:read",
    "reactions:write",
    "users:read",
    "users:read.email",
    "files:write",
)
T = TypeVar("T")


class SlackEmulator:
    """One Slack workspace with one installed app, its Web API, and a driver playing Slack.

    Arguments (keyword-only):
        signing_secret: what the driver signs requests to the bot with.
        bot_token: the only valid token (others get `invalid_auth`, none `not_authed`).
        app_token: the app-level token for Socket Mode's apps.connections.open.
        app_token_scopes: the app-level token's scopes (Socket Mode needs connections:write).
        clock: `.now()` gives message `ts` and `event_time` (the wall clock by default).
        monotonic: time source for rate windows, trigger and response_url expiry.
        rate_limits: enforce method tiers and chat.postMessage pacing.
        scopes: the scopes granted to the app.
    """

    def __init__(
        self,
        *,
        signing_secret: str = "test-secret",
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-1-A0SITE-1-test-app-token",
        app_token_scopes: Iterable[str] = ("connections:write",),
        team_id: str = "T0SITE",
        team_domain: str = "siteloop-demo",
        team_name: str = "Siteloop Demo",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0SITE",
        bot_name: str = "siteloop",
        verification_token: str = "verification_token",
        scopes: Iterable[str] = DEFAULT_SCOPES,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        rate_limits: bool = True,
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        team = Team(
            team_id, team_domain, team_name, bot_user_id, bot_id, app_id, bot_name,
            verification_token, tuple(scopes),
        )  # fmt: skip
        ids = IdSource()
        self.workspace = Workspace(team, ids, TsSource((clock or SystemClock()).now))
        self.faults = Faults()
        self.rate_limiter = RateLimiter(monotonic, enabled=rate_limits)
        self.triggers = Triggers(ids, team_id, monotonic)
        self.response_urls = ResponseUrls(ids, monotonic)
        self.socket_mode = SocketMode(team, ids, self.server_root, self.workspace.notify)
        self.deliverer = Deliverer(signing_secret)
        self.deliverer.socket = self.socket_mode
        self._events = EventQueue(self.deliverer)
        self.ctx = ApiContext(
            self.workspace,
            self.triggers,
            self.response_urls,
            self._events,
            self.server_root,
            self.socket_mode,
        )
        self._stopping = threading.Event()
        self.api = WebApi(
            self.ctx,
            self.faults,
            self.rate_limiter,
            bot_token,
            self._stopping,
            app_token=app_token,
            app_scopes=app_token_scopes,
        )
        self._server: EmulatorServer | None = None
        self._driver: SlackDriver | None = None

    # Lifecycle

    def start(self) -> "SlackEmulator":
        """Serve the Web API and Socket Mode on 127.0.0.1 (a free port); start delivering events."""
        self._server = EmulatorServer(self.api, self._stopping, upgrade=self.socket_mode.serve)
        # A short poll keeps stop() quick: shutdown() waits for the loop's next poll.
        threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="slack-emulator", daemon=True
        ).start()
        self._events.start()
        return self

    def stop(self) -> None:
        """Stop serving; held connections and retry waits end at once."""
        self._stopping.set()
        self.deliverer.stop()
        self.socket_mode.stop()
        self._events.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SlackEmulator":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def server_root(self) -> str:
        """Return `http://127.0.0.1:<port>/`, the root of everything this emulator serves."""
        if self._server is None:
            raise RuntimeError("the emulator is not started: call emu.start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        """Return the Web API base URL for `WebClient(base_url=…)` (with its trailing slash)."""
        return f"{self.server_root()}api/"

    @property
    def team(self) -> Team:
        """Return who the workspace and the app are."""
        return self.workspace.team

    def connect(self, bot_url: str) -> None:
        """Send events, commands and interactivity to `bot_url` (the bot's POST /slack/events)."""
        self.deliverer.bot_url = bot_url

    @property
    def driver(self) -> SlackDriver:
        """Return the driver that plays Slack towards the connected bot."""
        if self._driver is None:
            self._driver = SlackDriver(self)
        return self._driver

    # Arranging the workspace

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str = "",
        tz: str = "UTC",
        email: str | None = None,
        is_admin: bool = False,
        deleted: bool = False,
        display_name: str = "",
    ) -> User:
        """Add a member (users.info shows `tz`; `email` only with the users:read.email scope)."""
        user = User(user_id, name, real_name or name, tz, email, is_admin, False, deleted)
        user.display_name = display_name
        self.workspace.add_user(user)
        return copy.deepcopy(user)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        private: bool = False,
        bot_is_member: bool = True,
    ) -> Channel:
        """Add a public (or private) channel with its members; the bot is in it by default."""
        channel = Channel(channel_id, name, private, list(members), bot_is_member)
        channel.created = self.workspace.ts.now_seconds()
        self.workspace.add_channel(channel)
        return copy.deepcopy(channel)

    def _change_channel(self, channel_id: str, change: Callable[[Channel], None]) -> None:
        """Apply `change` to a channel under the lock, then wake waiters."""
        with self.workspace.lock:
            channel = self.workspace.channel(channel_id)
            if channel is None:
                raise LookupError(f"unknown channel {channel_id!r}")
            change(channel)
        self.workspace.notify()

    def archive_channel(self, channel_id: str) -> None:
        """Archive a channel: posts there now fail with `is_archived`."""
        self._change_channel(channel_id, lambda c: setattr(c, "archived", True))

    def remove_bot_from(self, channel_id: str) -> None:
        """Take the bot out of a channel (posts fail, nothing is delivered from there)."""
        self._change_channel(channel_id, lambda c: setattr(c, "bot_is_member", False))

    def add_bot_to(self, channel_id: str) -> None:
        """Invite the bot into a channel."""
        self._change_channel(channel_id, lambda c: setattr(c, "bot_is_member", True))

    def add_member(self, channel_id: str, user_id: str) -> None:
        """Add a person to a channel."""
        self._change_channel(channel_id, lambda c: c.members.append(user_id))

    def dm_channel(self, user_id: str) -> str:
        """Return the id of the bot's DM with `user_id` (the D… id conversations.open gives)."""
        return self.workspace.dm_with(user_id).id

    # Reading what people see

    def _snapshot(self, read: Callable[[], T]) -> T:
        """Return a deep copy of what `read` returns, taken under the lock."""
        with self.workspace.lock:
            return copy.deepcopy(read())

    def _channel_id(self, ref: str) -> str:
        """Return the id of a channel given by id or name, or raise LookupError."""
        channel = self.workspace.channel(ref)
        if channel is None:
            raise LookupError(f"unknown channel {ref!r}")
        return channel.id

    def user_info(self, user_id: str) -> User | None:
        """Return a member (name, real name, time zone…), or None if unknown."""
        return self._snapshot(lambda: self.workspace.users.get(user_id))

    def channel_info(self, channel: str) -> Channel | None:
        """Return a conversation by id or name (DMs by their D… id), or None if unknown."""
        return self._snapshot(lambda: self.workspace.channel(channel))

    def messages(self, channel: str) -> list[Message]:
        """Return the messages shown in a channel (not thread replies), oldest first."""
        return self._snapshot(lambda: self.workspace.top_level(self._channel_id(channel)))

    def thread(self, channel: str, ts: str) -> list[Message]:
        """Return a thread: the parent, then its replies oldest first."""
        found = self._snapshot(lambda: self.workspace.thread(self._channel_id(channel), ts))
        if found is None:
            raise LookupError(f"no message {ts} in {channel}")
        return found

    def dms(self, user: str) -> list[Message]:
        """Return the messages of the bot's DM with `user`, oldest first ([] if never opened)."""
        with self.workspace.lock:
            if not self.workspace.has_dm(user):
                return []
            return self.messages(self.workspace.dm_with(user).id)

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Ephemeral]:
        """Return the ephemeral messages shown (to `user`, in `channel`), oldest first."""
        wanted = self._channel_id(channel) if channel else None
        return self._snapshot(
            lambda: [
                e
                for e in self.workspace.ephemerals
                if not e.deleted and user in (None, e.recipient) and wanted in (None, e.channel)
            ]
        )

    def reactions(self, channel: str, ts: str) -> dict[str, list[str]]:
        """Return a message's reactions: {emoji name: [user ids]}."""
        message = self._snapshot(lambda: self.workspace.message(self._channel_id(channel), ts))
        if message is None:
            raise LookupError(f"no message {ts} in {channel}")
        return message.reactions

    def views(self, user: str | None = None) -> list[View]:
        """Return the views on screen (open modals and Home tabs), of `user` if given."""
        return self._snapshot(lambda: self.workspace.open_views(user))

    def arrived(self, method: str) -> int:
        """Return how many calls of `method` reached the emulator, answered yet or not (a call
        made slow by `faults.set(latency=…)` counts here from the moment it arrives)."""
        with self.api._lock:
            return self.api.arrivals.count(method)

    def calls(self, method: str | None = None) -> list[Call]:
        """Return the Web API calls the bot made (of `method` if given), in order."""
        return [c for c in self.api.recorded() if method in (None, c.method)]

    @property
    def response_posts(self) -> list[ResponsePost]:
        """Return what was POSTed to response_urls, in order (refused posts included)."""
        return self._snapshot(lambda: self.workspace.response_posts)

    @property
    def deliveries(self) -> list[Delivery]:
        """Return every request sent to the bot (events, commands, payloads), in order."""
        return list(self.deliverer.log)

    def files(self) -> list[dict[str, Any]]:
        """Return the completed file uploads as Slack's file objects."""
        domain = self.team.team_domain
        return self._snapshot(
            lambda: [f.as_slack(domain) for f in self.workspace.files.values() if f.completed]
        )

    def file_content(self, file_id: str) -> bytes:
        """Return the bytes uploaded for a file (what a person downloading it would get)."""
        content = self._snapshot(
            lambda: getattr(self.workspace.files.get(file_id), "content", None)
        )
        if content is None:
            raise LookupError(f"no uploaded file {file_id}")
        return content

    # Waiting on conditions, never on time

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every event queued for the bot is delivered and answered."""
        if not self._events.wait_idle(timeout):
            raise TimeoutError(f"events to the bot still pending after {timeout}s")

    def wait_for(self, condition: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until `condition()` is truthy (re-checked on every change); return its value."""
        deadline = time.monotonic() + timeout
        with self.workspace.changed:
            while not (result := condition()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition still false after {timeout}s")
                # Changes notify; the short slice also catches state outside the workspace.
                self.workspace.changed.wait(min(remaining, 0.05))
        return result
