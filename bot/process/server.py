"""HTTP mode: Bolt behind waitress, plus a health check, with a clean stop on SIGTERM.

Routes: `POST /slack/events` (events, slash commands and interactivity: judged at the door,
`bot.process.door`, then dispatched by Bolt) and `GET /healthz` (200 while the database answers, 503
otherwise).
"""

import io
import json
import logging
import resource
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import create_server
from waitress.server import BaseWSGIServer

from bot.logs import fields
from bot.process.door import judge

log = logging.getLogger("server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

# Idle or slow clients must not starve Slack, which gives up on an answer after 3 s. waitress
# holds a connection in its event loop, not a thread, until a whole request has arrived, so the
# limits that matter are how many connections it keeps and how long a silent one may stay:
IDLE_SECONDS = 10  # Slack sends its request as soon as it connects; a silent socket is not Slack
REAP_EVERY_SECONDS = 1  # how often silent connections are looked for (a cheap scan)
MAX_CONNECTIONS = 1000  # waitress's default of 100 lets 99 idle sockets take the server offline
MAX_BODY_BYTES = 4 * 1024 * 1024  # Slack's largest payloads (modal submissions) are far smaller


def connection_limit() -> int:
    """Return how many connections to keep open: MAX_CONNECTIONS, or half the open-files limit
    if that is lower, leaving descriptors for the database, the worker and the logs."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft // 2))


def make_wsgi_app(bolt_app: App, health: Callable[[], dict], signing_secret: str) -> Callable:
    """Return the WSGI application serving Slack's requests and the health check.

    `health()` returns a dict with at least `ok: bool`; it is answered as JSON, 200 or 503.
    Requests signed with anything but `signing_secret` are refused at the door.
    """
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            report = health()
            status = HTTPStatus.OK if report["ok"] else HTTPStatus.SERVICE_UNAVAILABLE
            return _answer(start_response, status, json.dumps(report), "application/json")
        if path == EVENTS_PATH and method == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            refusal = judge(
                raw,
                timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
                content_type=environ.get("CONTENT_TYPE"),
                verifier=verifier,
            )
            if refusal is not None:
                status = refusal.status
                log.warning(f"request refused, {refusal.reason}", extra=fields(status=status.value))
                # Slack reads a 200's body as a reply: it gets none.
                text = "" if status == HTTPStatus.OK else status.phrase
                return _answer(start_response, status, text, "text/plain")
            environ["wsgi.input"] = io.BytesIO(raw)  # Bolt reads the body again
        return slack(environ, start_response)

    return application


def _answer(
    start_response: Callable, status: HTTPStatus, text: str, content_type: str
) -> list[bytes]:
    body = text.encode()
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(f"{status.value} {status.phrase}", headers)
    return [body]


class HttpServer:
    """A waitress server that can be stopped without cutting off requests in flight."""

    def __init__(
        self, wsgi_app: Callable, *, host: str = "0.0.0.0", port: int = 3000, threads: int = 8
    ):
        self._server: BaseWSGIServer = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="siteloop",
            clear_untrusted_proxy_headers=True,
            connection_limit=connection_limit(),
            channel_timeout=IDLE_SECONDS,
            cleanup_interval=REAP_EVERY_SECONDS,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() fails past 1024 descriptors; poll() has no limit
        )
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        """Return the port actually listened on (useful when asked for port 0)."""
        return int(self._server.effective_port)

    def serve(self) -> None:
        """Serve until `stop()` is called; returns once the server has shut down."""
        log.info("listening", extra={"siteloop_fields": {"port": self.port, "path": EVENTS_PATH}})
        self._server.run()
        self._stopped.set()

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop accepting connections, let requests in flight finish, then shut down.

        1. Close the listening socket, so new connections are refused at once.
        2. Wait (up to `grace_seconds`) until no connection has a request pending.
        3. Stop the worker threads and close the remaining idle connections, which ends `serve()`.
        """
        server = self._server

        def stop_listening() -> None:
            server.accepting = False
            server.del_channel()
            server.socket.close()

        _run_in_loop(server, stop_listening)
        deadline = time.monotonic() + grace_seconds
        while _busy(server) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _busy(server):
            log.warning("stopping with requests still in flight")
        server.task_dispatcher.shutdown(timeout=max(0.0, deadline - time.monotonic()))
        _run_in_loop(server, lambda: _close_all(server))
        self._stopped.wait(5)


def _busy(server: BaseWSGIServer) -> bool:
    dispatcher = server.task_dispatcher
    pending = any(channel.requests for channel in list(server.active_channels.values()))
    return pending or dispatcher.active_count > 0 or len(dispatcher.queue) > 0


def _run_in_loop(server: BaseWSGIServer, thunk: Callable[[], object]) -> None:
    # waitress's socket map belongs to its event-loop thread; the trigger runs code there.
    done = threading.Event()

    def call() -> None:
        try:
            thunk()
        finally:
            done.set()

    try:
        server.trigger.pull_trigger(call)
    except OSError:  # the loop has ended and closed its trigger: nothing else runs there now
        call()
    done.wait(5)


def _close_all(server: BaseWSGIServer) -> None:
    for channel in list(server._map.values()):
        channel.close()
