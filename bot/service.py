"""A running siteloop: database migrated, Slack identity verified, listeners, scheduler, server.

A service plays one of three roles:

- `all`: everything in one process. The tests and the demo run one in-process on a free port
  with an injected clock.
- `front`: `siteloop serve`'s process. It answers Slack (HTTP or Socket Mode), storing events
  and commands in the inbox, and starts and watches a worker process (`bot.worker_process`).
- `worker`: that worker process. It claims what the front stored and runs the listeners, the
  scheduler and the outbox's delivery.
"""

import contextlib
import logging
import threading
from enum import StrEnum
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient

from bot.app import build_app
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.decisions import load_rules, run_tick
from bot.delivery import Dispatcher
from bot.delivery.pipeline import build_dispatcher
from bot.inbox import Inbox
from bot.logs import fields, register_secret
from bot.runtime import Runtime
from bot.scheduler import Heartbeat, start_scheduler
from bot.server import HttpServer, make_wsgi_app
from bot.services import card_hook
from bot.slack_identity import verify_identity
from bot.worker_process import WorkerProcess
from storage import inbox as inbox_rows
from storage import migrate
from storage.db import is_reachable, make_engine, make_session_factory, session_scope
from storage.tick import TickResult

log = logging.getLogger("service")


class PartState(StrEnum):
    """What `/healthz` says of a background part of the process."""

    RUNNING = "running"
    # The worker process is alive but has not taken its first batch of requests yet.
    STARTING = "starting"
    STOPPED = "stopped"


# Slack waits 3 s for an ack; a Web API call that hangs longer than this is treated as failed.
WEB_API_TIMEOUT_SECONDS = 10
# How often a worker process looks for messages to send that its front queued (a button's card
# update, say): the front can't ring the worker's doorbell.
WORKER_OUTBOX_IDLE_SECONDS = 0.25

Role = Literal["all", "front", "worker"]


class Service:
    """siteloop's server process, startable and stoppable from code."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        host: str = "0.0.0.0",
        role: Role = "all",
    ) -> None:
        settings.require_slack()
        for secret in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
        ):
            register_secret(secret.get_secret_value() if secret else None)
        self.settings = settings
        self.role = role
        self.host = host
        self.clock = clock or SystemClock()
        self.heartbeat = Heartbeat(self.clock)
        self._http: HttpServer | None = None
        self._socket: SocketModeClient | None = None
        self._threads: list[threading.Thread] = []
        self._scheduler = None
        # Delivers the outbox; producers ring `runtime.doorbell` (or call `dispatcher.wake()`).
        self.dispatcher: Dispatcher | None = None
        # Stored events waiting for their listeners (see bot.inbox).
        self.inbox: Inbox | None = None
        # The front's worker process.
        self.worker: WorkerProcess | None = None

    def start(self, port: int | None = None) -> None:
        """Migrate the database, verify the bot token, then start the scheduler and the server.

        Raises `SlackUnavailable` when Slack rejects the token or can't be reached.
        """
        settings = self.settings
        self.rulebook = load_rules(settings.rules_path)  # an invalid rules file stops us here
        engine = make_engine(settings.database_url)
        if self.role != "worker":  # a worker's front migrated before starting it
            migrate.upgrade(engine)
        log.info("database ready", extra=fields(database=settings.database_display))
        identity = verify_identity(
            WebClient(
                token=settings.slack_bot_token.get_secret_value(),
                base_url=settings.slack_api_url,
                timeout=WEB_API_TIMEOUT_SECONDS,
            )
        )
        log.info(
            "connected to Slack", extra=fields(team=identity.team_id, bot_user=identity.bot_user_id)
        )
        # Bolt hands each request a client carrying the token from `identity`; the app's own
        # client only sets where and how to call.
        client = WebClient(base_url=settings.slack_api_url, timeout=WEB_API_TIMEOUT_SECONDS)
        inbox_engine = inbox_rows.open_inbox(settings.database_url, engine)
        self.runtime = Runtime(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            clock=self.clock,
            inbox_engine=inbox_engine,
            inbox_sessions=make_session_factory(inbox_engine),
        )
        card_hook.install(self.runtime)  # assignment cards follow their tasks (one hook)
        self.inbox = Inbox(self.runtime, role=self.role)
        signing_secret = (
            None if settings.socket_mode else settings.slack_signing_secret.get_secret_value()
        )
        self.app = build_app(
            runtime=self.runtime,
            client=client,
            identity=identity,
            signing_secret=signing_secret,
            inbox=self.inbox,
        )
        if self.role == "front":
            self.worker = WorkerProcess(settings)
            self.worker.start()
        else:
            self._start_work()
        if self.role != "worker":
            if settings.socket_mode:
                self._start_socket_mode()
            else:
                self._start_http(settings.port if port is None else port)

    def _start_work(self) -> None:
        """Start processing the inbox, the scheduler and the outbox's delivery."""
        self.inbox.start(self.app)  # first, events a stopped process left unprocessed
        self._scheduler = start_scheduler(
            self.settings.tick_seconds, {"rules": self._scheduled_tick}
        )
        idle = {"idle_seconds": WORKER_OUTBOX_IDLE_SECONDS} if self.role == "worker" else {}
        self.dispatcher = build_dispatcher(self.runtime, **idle)
        self.dispatcher.start()

    def tick(self) -> TickResult:
        """Evaluate the rules now (the scheduler's job; tests call it after moving the clock)."""
        result = run_tick(self.runtime.sessions, self.rulebook, self.clock.now())
        if result.ran and (
            result.messages_queued or result.failed or result.opened or result.resolved
        ):
            log.info(result.summary(), extra=fields(failed=",".join(result.failed) or None))
        if result.messages_queued:
            self.runtime.doorbell.ring()
        return result

    def _scheduled_tick(self) -> None:
        self.heartbeat.beat()
        try:
            self.tick()
        except Exception:  # the next tick tries again; durable state is in the database
            log.exception("rule tick failed")

    @property
    def port(self) -> int:
        """Return the HTTP port being served (HTTP mode only)."""
        assert self._http is not None, "not serving HTTP"
        return self._http.port

    def _parts(self) -> dict[str, bool]:
        """Return whether each background part of this process runs: the worker process in a
        front; else the scheduler, the inbox's worker and the outbox's delivery."""
        if self.role == "front":
            return {"worker": bool(self.worker and self.worker.running)}
        return {
            "scheduler": bool(self._scheduler and self._scheduler.running),
            "inbox": bool(self.inbox and self.inbox.running),
            "outbox": bool(self.dispatcher and self.dispatcher.running),
        }

    def stopped_parts(self) -> list[str]:
        """Return the names of the background parts that have stopped (see `health`)."""
        return [name for name, up in self._parts().items() if not up]

    def health(self) -> dict:
        """Return the health report: ok when the database answers and every background part
        runs, with the events and commands waiting."""
        database = is_reachable(self.runtime.engine)
        parts = {
            name: PartState.RUNNING if up else PartState.STOPPED
            for name, up in self._parts().items()
        }
        if self.worker is not None and self.worker.running and not self.worker.ready:
            parts["worker"] = PartState.STARTING
        last = self.worker.last_beat if self.worker else self.heartbeat.last_beat
        report = {
            "ok": database and all(state is PartState.RUNNING for state in parts.values()),
            "database": "ok" if database else "unreachable",
            **{name: state.value for name, state in parts.items()},
            "last_heartbeat": last.isoformat() if last else None,
        }
        if database:
            # (If the database went away just now, there is no count.)
            with (
                contextlib.suppress(Exception),
                session_scope(self.runtime.inbox_sessions, read_only=True) as session,
            ):
                report["events_waiting"] = inbox_rows.backlog(session)
        return report

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop taking requests, finish those in flight and the events accepted, stop the
        scheduler and the dispatcher, close the database.

        Every step runs even if one before it failed (logged), so no thread outlives the stop.
        """
        steps = [
            ("HTTP server", self._http and (lambda: self._http.stop(grace_seconds))),
            ("Socket Mode connection", self._socket and self._socket.close),
            # Nothing new arrives now: finish what was accepted.
            ("worker process", self.worker and (lambda: self.worker.stop(grace_seconds))),
            ("inbox", self.inbox and (lambda: self.inbox.stop(grace_seconds))),
            ("scheduler", self._scheduler and self._stop_scheduler),
            # Finishes the message in flight.
            ("dispatcher", self.dispatcher and (lambda: self.dispatcher.stop(grace_seconds))),
            ("threads", lambda: [thread.join(grace_seconds) for thread in self._threads]),
            ("database", self.runtime.engine.dispose),
            ("inbox database", self.runtime.inbox_engine.dispose),
        ]
        for name, step in steps:
            if not step:
                continue
            try:
                step()
            except Exception:
                log.exception(f"stopping the {name} failed")
        log.info("stopped")

    def _stop_scheduler(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def _start_http(self, port: int) -> None:
        wsgi_app = make_wsgi_app(
            self.app, self.health, self.settings.slack_signing_secret.get_secret_value()
        )
        self._http = HttpServer(wsgi_app, host=self.host, port=port)
        thread = threading.Thread(target=self._http.serve, name="http", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _start_socket_mode(self) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(self.app, self.settings.slack_app_token.get_secret_value())
        handler.connect()
        self._socket = handler.client
        log.info("connected over Socket Mode")
