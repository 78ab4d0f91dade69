"""Sending Slack's requests to the bot: signing, the 3-second ack window, retries, and a queue.

Requests are signed with real time (`time.time()`), because Bolt checks the timestamp against
its own wall clock, not against the test's clock. While the bot holds a Socket Mode connection
the same requests go over it as envelopes instead (unsigned, as Slack sends them).
"""

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk.signature import SignatureVerifier

MAX_RETRIES = 3


class NotConnected(RuntimeError):
    """There is no bot to deliver to: no URL given and no Socket Mode connection open."""


@dataclass(frozen=True)
class Signing:
    """Overrides for negative tests: a wrong secret, a forged signature, a stale timestamp."""

    signing_secret: str | None = None
    signature: str | None = None
    timestamp_offset: float = 0.0


def signature_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """Return the `X-Slack-Request-Timestamp` and `X-Slack-Signature` headers for `body`."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": str(signature)}


@dataclass
class Reply:
    """The bot's answer to one request; `status` is None when it never answered in time."""

    status: int | None
    headers: dict[str, str]
    text: str
    elapsed: float
    retry_num: int = 0
    retry_reason: str | None = None
    error: str | None = None
    envelope_id: str | None = None  # Socket Mode: the envelope this answers

    @property
    def ok(self) -> bool:
        """Return whether the bot acknowledged with a 2xx in time."""
        return self.status is not None and 200 <= self.status < 300

    def json(self) -> Any:
        """Return the answer body parsed as JSON."""
        return json.loads(self.text)


class Socket(Protocol):
    """A Socket Mode connection the bot holds (`bot.emulator.socket_mode.SocketMode`)."""

    @property
    def active(self) -> bool: ...

    def deliver(
        self,
        kind: str,
        body: dict[str, Any],
        timeout: float,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Reply: ...


@dataclass
class Delivery:
    """One request Slack sent to the bot, with every attempt (retries included)."""

    kind: str
    body: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
    transport: str = "http"  # or "socket" (Socket Mode)

    @property
    def reply(self) -> Reply:
        """Return the last attempt's answer."""
        return self.replies[-1]

    @property
    def status(self) -> int | None:
        """Return the HTTP status of the last attempt (None when it timed out)."""
        return self.reply.status

    @property
    def headers(self) -> dict[str, str]:
        """Return the headers of the last answer."""
        return self.reply.headers

    @property
    def text(self) -> str:
        """Return the body of the last answer."""
        return self.reply.text

    @property
    def ok(self) -> bool:
        """Return whether the bot finally acknowledged in time."""
        return self.reply.ok

    def json(self) -> Any:
        """Return the last answer's body parsed as JSON."""
        return self.reply.json()


class Deliverer:
    """Post signed requests to the bot's URL and apply Slack's retry policy for events.

    With `socket` set and active (the bot holds a Socket Mode connection), requests go over
    the socket instead, except URL verification, which only exists for a Request URL.
    """

    def __init__(
        self,
        signing_secret: str,
        ack_timeout: float = 3.0,
        retry_delays: Sequence[float] = (0.0, 0.0, 0.0),
    ) -> None:
        self.signing_secret = signing_secret
        self.ack_timeout = ack_timeout
        self.retry_delays = tuple(retry_delays)
        self.bot_url: str | None = None
        self.socket: Socket | None = None
        self.log: list[Delivery] = []
        # Called after each event delivery, once Slack would stop retrying, and after a
        # command's acknowledgement is shown: a test harness sets it to wait until the bot has
        # processed what it acknowledged (see `bot.slack.inbox`).
        self.settle: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Cut short any wait between retries (the emulator is shutting down)."""
        self._stop.set()

    @property
    def connected(self) -> bool:
        """Return whether the bot can be reached: over Socket Mode or at its URL."""
        return self._over_socket("event") or self.bot_url is not None

    def _over_socket(self, kind: str) -> bool:
        """Return whether a request of `kind` goes over a Socket Mode connection now."""
        return self.socket is not None and kind != "url_verification" and self.socket.active

    def send(
        self,
        kind: str,
        body: dict[str, Any],
        raw: bytes,
        content_type: str,
        signing: Signing = Signing(),
        retry: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Delivery:
        """Deliver one request; with `retry`, resend it up to 3 times as Slack does for events.

        A retry repeats the same body with `X-Slack-Retry-Num` (1..3) and
        `X-Slack-Retry-Reason` (`http_timeout`, `http_error`, `connection_failed`); over
        Socket Mode with `retry_attempt` and `retry_reason: "timeout"` in the envelope.
        """
        over_socket = self._over_socket(kind)
        if not over_socket and not self.bot_url:
            raise NotConnected(
                "no bot connected: call emu.connect(bot_url) or open a Socket Mode connection"
            )
        delivery = Delivery(kind, body, transport="socket" if over_socket else "http")
        with self._lock:
            self.log.append(delivery)
        reply = self._attempt(delivery, raw, content_type, signing, dict(headers or {}))
        delivery.replies.append(reply)
        for attempt in range(1, MAX_RETRIES + 1 if retry else 1):
            reason = _retry_reason(reply, over_socket)
            if reason is None or self._stop.wait(self._delay(attempt)):
                break
            headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason}
            reply = self._attempt(delivery, raw, content_type, signing, headers)
            reply.retry_num, reply.retry_reason = attempt, reason
            delivery.replies.append(reply)
        if kind == "event" and self.settle is not None:
            self.settle()
        return delivery

    def _attempt(
        self,
        delivery: Delivery,
        raw: bytes,
        content_type: str,
        signing: Signing,
        headers: dict[str, str],
    ) -> Reply:
        """Send once: as an envelope over the socket (retry headers go into it), else POST."""
        if delivery.transport == "socket" and self.socket is not None:
            return self.socket.deliver(
                delivery.kind,
                delivery.body,
                self.ack_timeout,
                retry_attempt=int(headers.get("X-Slack-Retry-Num", 0)),
                retry_reason=headers.get("X-Slack-Retry-Reason", ""),
            )
        return self._post(raw, content_type, signing, headers)

    def _delay(self, attempt: int) -> float:
        """Return the pause before retry number `attempt` (Slack: at once, ~1 min, ~5 min)."""
        if not self.retry_delays:
            return 0.0
        return self.retry_delays[min(attempt, len(self.retry_delays)) - 1]

    def _post(
        self, raw: bytes, content_type: str, signing: Signing, extra: dict[str, str]
    ) -> Reply:
        """POST once, waiting at most `ack_timeout` for the answer."""
        timestamp = int(time.time() + signing.timestamp_offset)
        headers = {"Content-Type": content_type, **extra}
        headers.update(
            signature_headers(signing.signing_secret or self.signing_secret, raw, timestamp)
        )
        if signing.signature is not None:
            headers["X-Slack-Signature"] = signing.signature
        request = urllib.request.Request(
            str(self.bot_url), data=raw, headers=headers, method="POST"
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.ack_timeout) as answer:
                text = answer.read().decode("utf-8", "replace")
                return Reply(answer.status, dict(answer.headers), text, time.monotonic() - started)
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            return Reply(error.code, dict(error.headers), text, time.monotonic() - started)
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            kind = "timeout" if isinstance(reason, TimeoutError) else f"connection: {reason}"
            return Reply(None, {}, "", time.monotonic() - started, error=kind)


def _retry_reason(reply: Reply, over_socket: bool = False) -> str | None:
    """Return why Slack would retry after `reply`, or None when the bot acknowledged."""
    if over_socket:
        return "timeout" if reply.status is None else None
    if reply.status is None:
        return "http_timeout" if reply.error == "timeout" else "connection_failed"
    if reply.status >= 500:
        return "http_error"
    return None


class EventQueue:
    """Deliver the bot's own events in order on a worker thread.

    Slack sends the event for a message the bot posted after answering the API call; the
    queue keeps the API call from ever waiting on the bot, and `wait_idle` lets tests wait
    until everything queued has been delivered and answered.
    """

    def __init__(self, deliverer: Deliverer) -> None:
        self._deliverer = deliverer
        self._items: list[dict[str, Any]] = []
        self._busy = 0
        self._cond = threading.Condition()
        self._running = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        self._running = True
        self._thread = threading.Thread(
            target=self._work, name="slack-emulator-events", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker once the current delivery ends; undelivered events are dropped."""
        with self._cond:
            self._running = False
            self._busy -= len(self._items)
            self._items.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def put(self, envelope: dict[str, Any]) -> None:
        """Queue an event envelope for delivery (dropped when no bot is connected)."""
        with self._cond:
            if not self._deliverer.connected:
                return
            self._items.append(envelope)
            self._busy += 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued event is delivered and answered; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout)

    def _work(self) -> None:
        """Deliver queued envelopes one by one, in order."""
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._items or not self._running)
                if not self._running:
                    return
                envelope = self._items.pop(0)
            try:
                raw = json.dumps(envelope).encode()
                self._deliverer.send("event", envelope, raw, "application/json", retry=True)
            except NotConnected:
                pass  # the bot's socket closed after the event was queued: Slack drops it
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()
