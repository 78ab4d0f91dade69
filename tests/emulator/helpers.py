"""Test helpers for the emulator: Slack's fixture files, a movable monotonic clock, fake bots."""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

# Slack's reference payloads, copied into the repository (see its README for their origin).
SLACK_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "slack"


def slack_fixture(name: str) -> dict[str, Any]:
    """Return one of Slack's reference payloads from tests/fixtures/slack/ (`name` without
    .json)."""
    return json.loads((SLACK_FIXTURES / f"{name}.json").read_text())


class FakeMonotonic:
    """A monotonic time source tests move by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    """One request the fake bot received."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the body as JSON (events) or the decoded `payload` field (interactivity)."""
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.body)
        return json.loads(parse_qs(self.body.decode())["payload"][0])

    def form(self) -> dict[str, str]:
        """Return a form body as a dict of single values."""
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


def _is_event(request: "Received") -> bool:
    if not request.headers.get("Content-Type", "").startswith("application/json"):
        return False
    return json.loads(request.body).get("type") == "event_callback"


class FakeBot:
    """A tiny HTTP server standing in for the bot: records requests and answers as told.

    `answer(index, request)` returns (status, body, content type) and may block, e.g. to
    answer the first delivery late.
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.changed = threading.Condition()
        self.answer = lambda index, request: (200, "", "text/plain")
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Received(dict(self.headers), body)
                with bot.changed:
                    index = len(bot.requests)
                    bot.requests.append(request)
                    bot.changed.notify_all()
                status, text, content_type = bot.answer(index, request)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(text.encode())))
                    self.end_headers()
                    self.wfile.write(text.encode())
                except OSError:
                    pass  # Slack gave up on this attempt already

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def start(self) -> "FakeBot":
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def latest(self) -> Received:
        """Return the last command or interaction received.

        A message the test posted comes back to the bot as an event in its own time (as in
        Slack), so "the last request" would race with it; events are read by other means.
        """
        with self.changed:
            return next(r for r in reversed(self.requests) if not _is_event(r))

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Wait until `count` requests arrived; return them all."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"only {len(self.requests)} of {count} requests arrived")
            return list(self.requests)

    def events(self) -> list[dict[str, Any]]:
        """Return the `event` of every event envelope received so far."""
        with self.changed:
            received = list(self.requests)
        return [r.json()["event"] for r in received if r.body.startswith(b"{")]


NO_ACK = object()


class SocketBot:
    """A Socket Mode app on slack_sdk's builtin client: records what arrives, acks as told.

    `answer(index, request)` returns the ack's payload (None for a bare ack) or NO_ACK, and
    may block, e.g. to leave the first envelope unacknowledged.
    """

    def __init__(self, api_url: str, app_token: str) -> None:
        self.client = SocketModeClient(app_token=app_token, web_client=WebClient(base_url=api_url))
        self.requests: list[SocketModeRequest] = []
        self.messages: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self.answer: Callable[[int, SocketModeRequest], Any] = lambda index, request: None
        self.client.message_listeners.append(self._on_message)
        self.client.socket_mode_request_listeners.append(self._on_request)

    def connect(self) -> "SocketBot":
        self.client.connect()
        return self

    def close(self) -> None:
        """Close the client without its message loop's 1-second idle wait."""
        self.client.closed = True
        self.client.message_queue.put(None)  # wakes the loop, which skips None
        self.client.close()

    def _on_message(self, client: SocketModeClient, message: dict, raw: str | None) -> None:
        with self.changed:
            self.messages.append(message)
            self.changed.notify_all()

    def _on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        with self.changed:
            index = len(self.requests)
            self.requests.append(request)
            self.changed.notify_all()
        payload = self.answer(index, request)
        if payload is not NO_ACK:
            client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[SocketModeRequest]:
        """Wait until `count` envelopes arrived; return them all."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"only {len(self.requests)} of {count} envelopes arrived")
            return list(self.requests)


# A one-input modal (a percent) that several tests open.
PERCENT_MODAL = {
    "type": "modal",
    "callback_id": "update",
    "title": {"type": "plain_text", "text": "Update"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "pct",
            "label": {"type": "plain_text", "text": "Percent"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
