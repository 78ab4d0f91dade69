"""A running siteloop: database migrated, Slack identity verified, listeners, scheduler, server.

A service plays one of the roles of `bot.process.roles` (everything in one process, a front
that answers Slack, or its worker), and starts what its role runs. `run_worker` is the worker
process's entry point, which the front hands to its `WorkerProcess`.
"""

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient

from bot import logs
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery import Dispatcher
from bot.logs import fields, register_secret
from bot.notify.tick import load_rules, run_tick
from bot.process.delivery import build_dispatcher
from bot.process.identity import verify_identity
from bot.process.roles import ALL, WORKER, ProcessRole
from bot.process.scheduler import Heartbeat, start_scheduler
from bot.process.server import HttpServer, make_wsgi_app
from bot.process.worker import WorkerProcess, lowest_priority
from bot.runtime import Runtime
from bot.services import card_hook
from bot.services.digest import queue_due_digests
from bot.services.home import queue_home_refreshes
from bot.slack.app import build_app
from bot.slack.inbox import Inbox
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


class Service:
    """siteloop's server process, startable and stoppable from code."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        host: str = "0.0.0.0",
        role: ProcessRole = ALL,
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
        self._scheduler: BackgroundScheduler | None = None
        # Delivers the outbox; producers ring `runtime.doorbell` (or call `dispatcher.wake()`).
        self.dispatcher: Dispatcher | None = None
        # Stored events waiting for their listeners (see bot.slack.inbox).
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
        if self.role.migrates:
            migrate.upgrade(engine)
        log.info("database ready", extra=fields(database=settings.database_display))
        identity = verify_identity(
            WebClient(
                token=_secret(settings.slack_bot_token),
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
            inbox_database=inbox_engine,
        )
        card_hook.install(self.runtime)  # assignment cards follow their tasks (one hook)
        self.inbox = Inbox(
            self.runtime,
            processes_here=self.role.processes_what_it_accepts,
            sweep_seconds=self.role.inbox_sweep_seconds,
        )
        signing_secret = None if settings.socket_mode else _secret(settings.slack_signing_secret)
        self.app = build_app(
            runtime=self.runtime,
            client=client,
            identity=identity,
            signing_secret=signing_secret,
            inbox=self.inbox,
        )
        if self.role.has_worker:
            self.worker = WorkerProcess(settings, entry=run_worker)
            self.worker.start()
        if self.role.works:
            self._start_work(self.inbox)
        if self.role.answers_slack:
            if settings.socket_mode:
                self._start_socket_mode()
            else:
                self._start_http(settings.port if port is None else port)

    def _start_work(self, inbox: Inbox) -> None:
        """Start processing the inbox, the scheduler and the outbox's delivery."""
        inbox.start(self.app)  # first, events a stopped process left unprocessed
        self._scheduler = start_scheduler(
            {
                "rules": (self.settings.tick_seconds, self._scheduled_tick),
                "home": (self.settings.home_refresh_seconds, self._scheduled_home_refresh),
            }
        )
        self.dispatcher = build_dispatcher(self.runtime, idle_seconds=self.role.outbox_idle_seconds)
        self.dispatcher.start()

    def stop_schedule(self) -> None:
        """Stop the periodic rule tick: a caller that moves time itself (the tests' harness)
        calls `tick` when its clock says one is due."""
        if self._scheduler is not None:
            _stop_scheduler(self._scheduler)

    def tick(self) -> TickResult:
        """Evaluate the rules now (the scheduler's job; tests call it after moving the clock)."""
        now = self.clock.now()
        result = run_tick(self.runtime.sessions, self.rulebook, now)
        digests = queue_due_digests(self.runtime.sessions, self.rulebook, now)
        if digests:
            log.info("queued %d end-of-day digests", digests)
            self.runtime.doorbell.ring()
        if result.ran and (
            result.messages_queued or result.failed or result.opened or result.resolved
        ):
            log.info(result.summary(), extra=fields(failed=",".join(result.failed) or None))
        if result.messages_queued:
            self.runtime.doorbell.ring()
        return result

    def refresh_homes(self) -> int:
        """Queue the Home tabs that show less than is true now (the scheduler's job, every
        few seconds; tests call it as they step); return how many were queued."""
        queued = queue_home_refreshes(self.runtime.sessions, self.clock.now())
        if queued:
            self.runtime.doorbell.ring()
        return queued

    def _scheduled_home_refresh(self) -> None:
        try:
            self.refresh_homes()
        except Exception:  # the next run tries again; what changed is still in the database
            log.exception("Home tab refresh failed")

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
        if self.role.has_worker:
            return {"worker": bool(self.worker and self.worker.running)}
        return {
            "scheduler": bool(self._scheduler and self._scheduler.running),
            "inbox": bool(self.inbox and self.inbox.running),
            "outbox": bool(self.dispatcher and self.dispatcher.running),
        }

    def stopped_parts(self) -> list[str]:
        """Return the names of the background parts that have stopped (see `health`)."""
        return [name for name, up in self._parts().items() if not up]

    def health(self) -> dict[str, Any]:
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
        report: dict[str, Any] = {
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
        http, socket, worker = self._http, self._socket, self.worker
        inbox, scheduler, dispatcher = self.inbox, self._scheduler, self.dispatcher

        def join_threads() -> None:
            for thread in self._threads:
                thread.join(grace_seconds)

        steps: list[tuple[str, Callable[[], object] | None]] = [
            ("HTTP server", None if http is None else (lambda: http.stop(grace_seconds))),
            ("Socket Mode connection", None if socket is None else socket.close),
            # Nothing new arrives now: finish what was accepted.
            ("worker process", None if worker is None else (lambda: worker.stop(grace_seconds))),
            ("inbox", None if inbox is None else (lambda: inbox.stop(grace_seconds))),
            ("scheduler", None if scheduler is None else (lambda: _stop_scheduler(scheduler))),
            # Finishes the message in flight.
            (
                "dispatcher",
                None if dispatcher is None else (lambda: dispatcher.stop(grace_seconds)),
            ),
            ("threads", join_threads),
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

    def _start_http(self, port: int) -> None:
        wsgi_app = make_wsgi_app(self.app, self.health, _secret(self.settings.slack_signing_secret))
        self._http = HttpServer(wsgi_app, host=self.host, port=port)
        thread = threading.Thread(target=self._http.serve, name="http", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _start_socket_mode(self) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(self.app, _secret(self.settings.slack_app_token))
        handler.connect()
        self._socket = handler.client
        log.info("connected over Socket Mode")


def _stop_scheduler(scheduler: BackgroundScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=True)


def _secret(value: SecretStr | None) -> str:
    """Return a secret `Settings.require_slack` made sure of."""
    assert value is not None, "Settings.require_slack() checks the secrets a service needs"
    return value.get_secret_value()


def run_worker(settings: Settings, front_pid: int, last_beat=None, ready=None) -> None:
    """The worker process: run a worker `Service` until the front asks it to stop or is gone.

    `last_beat` and `ready`, when given, are the front's `multiprocessing.Value`s: when the
    scheduler last ran, and set once the service has started (its inbox has then taken its
    first batch: `Inbox.start` sweeps before returning).
    """
    lowest_priority()
    logs.configure(settings.resolved_log_format())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C in a terminal reaches both processes; the front decides when the worker stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    service = Service(settings, role=WORKER)
    service.heartbeat.shared = last_beat
    service.start()
    if ready is not None:
        ready.value = 1
    try:
        while not stop.wait(1):
            if os.getppid() != front_pid:
                log.error("front process gone; stopping")
                break
            stopped = service.stopped_parts()
            if stopped:
                log.error("worker part stopped", extra=fields(parts=",".join(stopped)))
                raise SystemExit(1)  # the front starts a new worker
    finally:
        service.stop()
