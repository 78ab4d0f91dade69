"""Socket Mode: Slack's end of the WebSocket an app opens instead of taking HTTP requests.

    emu = SlackEmulator(app_token="xapp-1-test")          # the app-level token, connections:write
    SocketModeHandler(app, "xapp-1-test").connect()      # the app's client at emu.api_url
    emu.wait_for(lambda: emu.socket_mode.connected)
    emu.driver.command("/siteloop", "help", user="U_ANN", channel="C_TWR")  # now over the socket
    emu.socket_mode.disconnect()                         # Slack's refresh: the app reconnects

The protocol, as Slack plays it:
1. `apps.connections.open`, called with the app-level token, returns a one-use
   `ws://…/link/?ticket=…` URL (here on the emulator's own port).
2. On connect Slack sends `hello`, then an envelope per request: `{"envelope_id", "type",
   "payload", "accepts_response_payload"}` (events add `retry_attempt`, `retry_reason`).
3. The app acks with `{"envelope_id", "payload"?}` on any of its connections; the payload is
   what the HTTP answer's body would be. Nothing is signed: the socket is authenticated.
4. Events not acked in time come again with `retry_attempt` 1..3 and `retry_reason: "timeout"`.
5. `{"type": "disconnect", "reason": "refresh_requested"}` asks for a new connection; the old
   one gets nothing more and is closed once the new one has said hello.
6. Slack pings its connections and answers the app's pings. The emulator pings often (every
   `ping_interval` seconds): slack_sdk's builtin client holds its receive lock across a 3-second
   read, so its `close()` waits for the next frame, and a ping makes that quick.
"""

import contextlib
import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from bot.emulator.socket_mode.websocket import (
    CloseCode,
    Opcode,
    ProtocolError,
    Stream,
    close_payload,
    encode_frame,
    handshake_response,
    parse_close,
    read_frame,
)
from bot.emulator.state.ids import IdSource
from bot.emulator.state.models import Team
from bot.emulator.to_bot.sender import Reply

LINK_PATH = "/link/"
DEBUG_HOST = "applink-emulator"
# Interactivity whose ack may carry an answer (a modal's response_action, menu options).
ANSWERING_PAYLOADS = frozenset({"view_submission", "block_suggestion"})


def socket_envelope(
    kind: str,
    body: dict[str, Any],
    envelope_id: str,
    retry_attempt: int = 0,
    retry_reason: str = "",
) -> dict[str, Any]:
    """Return the Socket Mode envelope carrying what HTTP would POST as `body`.

    `kind` is the delivery's kind: `event`, `command`, or an interactivity payload type.
    """
    if kind == "event":
        return {
            "envelope_id": envelope_id,
            "type": "events_api",
            "payload": body,
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
    if kind == "command":
        envelope_type, answers = "slash_commands", True
    else:
        envelope_type, answers = "interactive", kind in ANSWERING_PAYLOADS
    return {
        "envelope_id": envelope_id,
        "type": envelope_type,
        "payload": body,
        "accepts_response_payload": answers,
    }


def hello_message(app_id: str, num_connections: int) -> dict[str, Any]:
    """Return the `hello` Slack sends first on every new connection."""
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {
            "host": DEBUG_HOST,
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
        "connection_info": {"app_id": app_id},
    }


def ack_reply(payload: Any, elapsed: float, envelope_id: str) -> Reply:
    """Return an ack as the HTTP answer it stands for: 200, the payload as the JSON body."""
    if isinstance(payload, str):
        return Reply(200, {"Content-Type": "text/plain"}, payload, elapsed, envelope_id=envelope_id)
    if not payload:
        return Reply(200, {}, "", elapsed, envelope_id=envelope_id)
    headers = {"Content-Type": "application/json"}
    return Reply(200, headers, json.dumps(payload), elapsed, envelope_id=envelope_id)


@dataclass(eq=False)
class Link:
    """One open WebSocket connection from the app; `retiring` once told to disconnect."""

    number: int
    sock: socket.socket
    retiring: bool = False
    ended: threading.Event = field(default_factory=threading.Event)
    _send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, opcode: int, payload: bytes = b"") -> None:
        """Send one frame (unmasked, as a server does); raises OSError if the socket is gone."""
        with self._send_lock:
            self.sock.sendall(encode_frame(opcode, payload))

    def send_json(self, message: dict[str, Any]) -> None:
        """Send a message as a text frame."""
        self.send(Opcode.TEXT, json.dumps(message).encode("utf-8"))

    def close(self, code: int = CloseCode.NORMAL, reason: str = "") -> None:
        """Send a close frame and end the TCP connection; the reader then sees it end."""
        with contextlib.suppress(OSError):  # the peer may be gone already
            self.send(Opcode.CLOSE, close_payload(code, reason))
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class SocketMode:
    """Slack's Socket Mode service for one app: tickets, connections, envelopes and acks.

    Tests read `connected`, `connections_made`, `sent` (what Slack sent) and `received`
    (what the app sent), and call `disconnect()`; the driver calls `deliver()` through the
    emulator's Deliverer whenever `active` is true.
    """

    def __init__(
        self,
        team: Team,
        ids: IdSource,
        server_root: Callable[[], str],
        notify: Callable[[], None],
        ping_interval: float | None = 0.1,
    ) -> None:
        self.team = team
        self.ping_interval = ping_interval
        self.ids = ids
        self.server_root = server_root
        self.notify = notify
        self.sent: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.connections_made = 0
        self._tickets: set[str] = set()
        self._links: list[Link] = []
        self._pending: set[str] = set()
        self._acks: dict[str, Any] = {}
        self._awaiting_reconnect = False
        self._stopped = False
        self._cond = threading.Condition()

    # What tests and the deliverer read

    @property
    def connected(self) -> bool:
        """Return whether a connection is open and taking envelopes (not told to go)."""
        with self._cond:
            return self._usable() is not None

    @property
    def open_connections(self) -> int:
        """Return how many connections are open, those told to disconnect included."""
        with self._cond:
            return len(self._links)

    @property
    def active(self) -> bool:
        """Return whether requests go over the socket: a connection is open or being renewed."""
        with self._cond:
            return bool(self._links) or self._awaiting_reconnect

    # apps.connections.open

    def issue_url(self) -> str:
        """Return a new one-use WebSocket URL for the app (what apps.connections.open gives)."""
        ticket = self.ids.secret(32)
        with self._cond:
            self._tickets.add(ticket)
        root = self.server_root().replace("http://", "ws://", 1).rstrip("/")
        query = urllib.parse.urlencode({"ticket": ticket, "app_id": self.team.app_id})
        return f"{root}{LINK_PATH}?{query}"

    # Connections

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """Run one WebSocket connection on an upgrade request, until either side closes it.

        Called on the HTTP server's thread for that request; a bad path or ticket gets 401.
        """
        path, _, query = handler.path.partition("?")
        ticket = urllib.parse.parse_qs(query).get("ticket", [""])[0]
        key = handler.headers.get("Sec-WebSocket-Key")
        with self._cond:
            valid = ticket in self._tickets and not self._stopped
            self._tickets.discard(ticket)
        if path != LINK_PATH or not valid or not key:
            handler.wfile.write(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            return
        handler.wfile.write(handshake_response(key))
        link = self._open(handler.connection)
        if link is None:
            return
        threading.Thread(
            target=self._ping, args=(link,), name=f"socket-mode-ping-{link.number}", daemon=True
        ).start()
        try:
            self._read(link, handler.rfile)
        finally:
            link.ended.set()
            with self._cond:
                if link in self._links:
                    self._links.remove(link)
                self._cond.notify_all()
            self.notify()

    def _open(self, sock: socket.socket) -> Link | None:
        """Say hello on a new connection, start using it, and close those told to go."""
        link = Link(0, sock)
        with self._cond:
            hello = hello_message(self.team.app_id, len(self._links) + 1)
        try:
            link.send_json(hello)
        except OSError:
            return None
        with self._cond:
            stopped = self._stopped
            if not stopped:
                self.connections_made += 1
                link.number = self.connections_made
                self.sent.append(hello)
                self._links.append(link)
                self._awaiting_reconnect = False
                self._cond.notify_all()
            retired = [old for old in self._links if old.retiring]
        if stopped:
            link.close(CloseCode.GOING_AWAY, "server stopping")
            return None
        for old in retired:
            old.close(CloseCode.NORMAL, "refreshed")
        self.notify()
        return link

    def _read(self, link: Link, stream: Stream) -> None:
        """Answer pings and close frames, collect text messages, until the connection ends."""
        parts: list[bytes] = []
        while True:
            try:
                frame = read_frame(stream)
            except ProtocolError as error:
                link.close(CloseCode.PROTOCOL_ERROR, str(error))
                return
            except OSError:
                return
            if frame is None:
                return
            if not frame.masked:
                link.close(CloseCode.PROTOCOL_ERROR, "client frames must be masked")
                return
            if frame.opcode == Opcode.PING:
                self._try_send(link, Opcode.PONG, frame.payload)
            elif frame.opcode == Opcode.CLOSE:
                code, _ = parse_close(frame.payload)
                link.close(CloseCode.NORMAL if code == CloseCode.NO_STATUS else code)
                return
            elif frame.opcode in (Opcode.TEXT, Opcode.CONTINUATION):
                parts.append(frame.payload)
                if frame.fin:
                    self._receive(b"".join(parts).decode("utf-8", "replace"))
                    parts = []

    def _ping(self, link: Link) -> None:
        """Ping a connection every `ping_interval` seconds until it ends."""
        while self.ping_interval and not link.ended.wait(self.ping_interval):
            self._try_send(link, Opcode.PING, f"{link.number}:{time.time()}".encode("ascii"))

    @staticmethod
    def _try_send(link: Link, opcode: int, payload: bytes) -> None:
        """Send a control frame, ignoring a connection that is already gone."""
        with contextlib.suppress(OSError):
            link.send(opcode, payload)

    def _receive(self, text: str) -> None:
        """Record a message from the app; an ack completes its pending envelope."""
        try:
            message = json.loads(text)
        except ValueError:
            message = {"text": text}
        if not isinstance(message, dict):
            message = {"value": message}
        with self._cond:
            self.received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str) and envelope_id in self._pending:
                self._acks[envelope_id] = message.get("payload")
                self._pending.discard(envelope_id)
            self._cond.notify_all()
        self.notify()

    def _usable(self) -> Link | None:
        """Return the newest open connection not told to disconnect (call under the lock)."""
        return next((link for link in reversed(self._links) if not link.retiring), None)

    # Delivering

    def deliver(
        self,
        kind: str,
        body: dict[str, Any],
        timeout: float,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Reply:
        """Send one envelope and wait up to `timeout` for its ack; return it as an HTTP reply.

        Waiting for a connection (during a reconnect) counts against `timeout`. Unacked,
        the reply has status None and error `timeout` (or `connection: …`).
        """
        envelope_id = str(uuid.uuid4())
        envelope = socket_envelope(kind, body, envelope_id, retry_attempt, retry_reason)
        started = time.monotonic()
        deadline = started + timeout
        with self._cond:
            self._cond.wait_for(lambda: self._usable() or self._stopped, timeout)
            link = None if self._stopped else self._usable()
            if link is not None:
                self._pending.add(envelope_id)
                self.sent.append(envelope)
        if link is None:
            elapsed = time.monotonic() - started
            return Reply(None, {}, "", elapsed, error="connection: no open socket")
        try:
            link.send_json(envelope)
        except OSError as error:
            with self._cond:
                self._pending.discard(envelope_id)
            elapsed = time.monotonic() - started
            return Reply(None, {}, "", elapsed, error=f"connection: {error}")
        with self._cond:
            self._cond.wait_for(
                lambda: envelope_id in self._acks or self._stopped,
                max(0.0, deadline - time.monotonic()),
            )
            acked = envelope_id in self._acks
            payload = self._acks.pop(envelope_id, None)
            self._pending.discard(envelope_id)
        elapsed = time.monotonic() - started
        if not acked:
            return Reply(None, {}, "", elapsed, error="timeout", envelope_id=envelope_id)
        return ack_reply(payload, elapsed, envelope_id)

    # Slack's side of the connection's life

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell every open connection to go (`disconnect`); the app is expected to reconnect.

        Nothing more is sent on those connections; each is closed once a new one says hello.
        """
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": DEBUG_HOST}}
        with self._cond:
            told = [link for link in self._links if not link.retiring]
            for link in told:
                link.retiring = True
            self._awaiting_reconnect = bool(told)
            self.sent.extend(message for _ in told)
        for link in told:
            self._try_send(link, Opcode.TEXT, json.dumps(message).encode("utf-8"))
        self.notify()

    def stop(self) -> None:
        """Close every connection (going away) and refuse new ones; pending waits end."""
        with self._cond:
            self._stopped = True
            self._awaiting_reconnect = False
            links = list(self._links)
            self._cond.notify_all()
        for link in links:
            link.close(CloseCode.GOING_AWAY, "server stopping")
