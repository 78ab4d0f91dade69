"""The emulated Web API over HTTP: parse, inject faults, authenticate, check scope and rate, act.

Slack answers API errors with HTTP 200 and `ok: false`, rate limits with HTTP 429 and
`Retry-After`, and every answer carries the token's scopes in `x-oauth-scopes` (Bolt reads it
from auth.test). slack_sdk always POSTs, JSON for chat.*/views.* and forms for the rest; both
encodings (and a `token` form field) are accepted for every method. `apps.connections.open`
takes the app-level token (`xapp-…`) and nothing else; bot methods refuse it.
"""

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.emulator.state.models import Call
from bot.emulator.web_api import chat as api_chat
from bot.emulator.web_api import conversations as api_conversations
from bot.emulator.web_api import files as api_files
from bot.emulator.web_api import views as api_views
from bot.emulator.web_api.apps import APP_METHODS
from bot.emulator.web_api.context import ApiContext, Args
from bot.emulator.web_api.errors import ApiError
from bot.emulator.web_api.faults import Fault, FaultKind, Faults
from bot.emulator.web_api.ratelimits import PACED_METHODS, RateLimiter
from bot.emulator.web_api.respond import handle_response_post

Handler = Callable[[ApiContext, Args], dict[str, Any]]
METHODS: dict[str, tuple[Handler, str | None]] = {
    **api_chat.METHODS,
    **api_conversations.METHODS,
    **api_views.METHODS,
    **api_files.METHODS,
}


@dataclass
class HttpAnswer:
    """What the server does with one request: answer it, or hold and/or drop the connection."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    hold: float = 0.0


def parse_args(content_type: str, raw: bytes, query: str) -> Args:
    """Return a request's arguments from a JSON or form body plus the query string."""
    args: Args = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    if not raw:
        return args
    if content_type.startswith("application/json"):
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError("invalid_json") from None
        if not isinstance(body, dict):
            raise ApiError("json_not_object")
        args.update(body)
    else:
        args.update(urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return args


def bearer_token(headers: Mapping[str, str], args: Args) -> str | None:
    """Return the token from `Authorization: Bearer …` or the `token` argument (removed)."""
    token = args.pop("token", None)
    authorization = headers.get("Authorization") or ""
    if authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip() or token
    return token


class WebApi:
    """Run Web API calls through Slack's checks and record each one."""

    def __init__(
        self,
        ctx: ApiContext,
        faults: Faults,
        limiter: RateLimiter,
        bot_token: str,
        stopping: threading.Event,
        app_token: str | None = None,
        app_scopes: Iterable[str] = ("connections:write",),
    ) -> None:
        self.ctx = ctx
        self.faults = faults
        self.limiter = limiter
        self.bot_token = bot_token
        self.app_token = app_token
        self.app_scopes = tuple(app_scopes)
        self.calls: list[Call] = []
        self.arrivals: list[str] = []  # the methods of every call received, answered or not
        self._stopping = stopping
        self._lock = threading.Lock()

    def call(self, method: str, headers: Mapping[str, str], raw: bytes, query: str) -> HttpAnswer:
        """Answer one call of `method` the way Slack would."""
        try:
            args = parse_args(headers.get("Content-Type") or "", raw, query)
        except ApiError as error:
            return self._error(method, {}, error)
        token = bearer_token(headers, args)
        if method not in METHODS and method not in APP_METHODS:
            return self._error(method, args, ApiError("unknown_method", req_method=method))
        with self._lock:
            self.arrivals.append(method)
        fault, latency = self.faults.draw(method)
        if latency:
            self._stopping.wait(latency)
        if fault is not None and fault.kind is not FaultKind.DROP:
            return self._fault(method, args, fault)
        try:
            body = self._run(method, args, token)
        except ApiError as error:
            return self._error(method, args, error)
        self._record(Call(method, args, 200, None, body))
        self.ctx.ws.notify()
        if fault is not None:  # DROP: the call took effect, the caller never hears so
            return HttpAnswer(drop=True)
        return self._json(200, body, method)

    def _run(self, method: str, args: Args, token: str | None) -> dict[str, Any]:
        """Authenticate, check scope and rate limit, then run the method's handler."""
        if not token:
            raise ApiError("not_authed")
        handler: Handler
        scope: str | None
        if method in APP_METHODS:
            handler, scope = APP_METHODS[method]
            self._check_app_token(token, scope)
        else:
            if token == self.app_token:
                raise ApiError("not_allowed_token_type")
            if token != self.bot_token:
                raise ApiError("invalid_auth")
            handler, scope = METHODS[method]
            if scope is not None:
                self.ctx.require_scope(scope)
        retry_after = self.limiter.check(method, self._pacing_key(method, args))
        if retry_after is not None:
            raise ApiError("ratelimited", status=429, retry_after=retry_after)
        with self.ctx.ws.lock:
            return handler(self.ctx, args)

    def _check_app_token(self, token: str, scope: str) -> None:
        """Raise Slack's error unless `token` is the app-level token and grants `scope`."""
        if token == self.bot_token:
            raise ApiError("not_allowed_token_type")
        if token != self.app_token:
            raise ApiError("invalid_auth")
        if scope not in self.app_scopes:
            raise ApiError("missing_scope", needed=scope, provided=",".join(self.app_scopes))

    def _pacing_key(self, method: str, args: Args) -> str | None:
        """Return the conversation a post is paced in (`#name` and user ids resolved)."""
        ref = args.get("channel")
        if method not in PACED_METHODS:
            return None
        target = self.ctx.ws.post_target(str(ref)) if ref else None
        return target.id if target is not None else ref

    def _fault(self, method: str, args: Args, fault: Fault) -> HttpAnswer:
        """Answer with an injected fault: an error, or a held connection closed unanswered."""
        if fault.kind is FaultKind.TIMEOUT:
            self._record(Call(method, args, None, "timeout"))
            return HttpAnswer(drop=True, hold=self.faults.timeout_seconds)
        error = ApiError(fault.error or "internal_error", status=fault.status)
        if fault.retry_after is not None:
            error.extra["retry_after"] = fault.retry_after
        return self._error(method, args, error)

    def _error(self, method: str, args: Args, error: ApiError) -> HttpAnswer:
        """Record and answer an API error (HTTP 200 unless rate-limited or a 5xx)."""
        retry_after = error.extra.pop("retry_after", None)
        body = error.body()
        self._record(Call(method, args, error.status, error.error, body))
        answer = self._json(error.status, body, method)
        if retry_after is not None:
            answer.headers["Retry-After"] = str(retry_after)
        return answer

    def _json(self, status: int, body: dict[str, Any], method: str) -> HttpAnswer:
        """Return a JSON answer with the headers Slack sends on every API response."""
        spec = METHODS.get(method) or APP_METHODS.get(method)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "x-oauth-scopes": ",".join(self.ctx.team.scopes),
            "x-accepted-oauth-scopes": (spec[1] or "") if spec else "",
            "x-slack-req-id": self.ctx.ws.ids.secret(8),
        }
        return HttpAnswer(status, json.dumps(body).encode(), headers)

    def _record(self, call: Call) -> None:
        """Keep a call for `emu.calls()`."""
        with self._lock:
            self.calls.append(call)

    def recorded(self) -> list[Call]:
        """Return the calls so far, oldest first."""
        with self._lock:
            return list(self.calls)

    def route(self, path: str, headers: Mapping[str, str], raw: bytes, query: str) -> HttpAnswer:
        """Dispatch a request by path: /api/<method>, /response/<id>, /upload/v1/<file id>."""
        if path.startswith("/api/"):
            return self.call(path.removeprefix("/api/"), headers, raw, query)
        if path.startswith("/response/"):
            status, body = handle_response_post(self.ctx, path.removeprefix("/response/"), raw)
            return HttpAnswer(
                status, json.dumps(body).encode(), {"Content-Type": "application/json"}
            )
        if path.startswith("/upload/v1/"):
            file_id = path.removeprefix("/upload/v1/")
            status, text = api_files.receive_upload(self.ctx, file_id, raw)
            return HttpAnswer(status, text.encode(), {"Content-Type": "text/plain"})
        return HttpAnswer(404, b"not found", {"Content-Type": "text/plain"})


class _RequestHandler(BaseHTTPRequestHandler):
    """Hand each HTTP request to the WebApi router and write (or withhold) its answer."""

    server: "EmulatorServer"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket" and self.server.upgrade:
            self.server.upgrade(self)  # holds this thread until the WebSocket closes
            self.close_connection = True
            return
        self._dispatch(b"")

    def _dispatch(self, raw: bytes) -> None:
        """Route the request and send the answer, honouring held or dropped connections."""
        path, _, query = self.path.partition("?")
        # An HTTPMessage: read like a mapping, its keys ignoring case.
        answer = self.server.api.route(path, self.headers, raw, query)  # type: ignore[arg-type]
        if answer.hold:
            self.server.stopping.wait(answer.hold)
        if answer.drop:
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read `emu.calls()` instead of access logs."""


class EmulatorServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 serving one WebApi (and WebSocket upgrades)."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        api: WebApi,
        stopping: threading.Event,
        port: int = 0,
        upgrade: Callable[[BaseHTTPRequestHandler], None] | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", port), _RequestHandler)
        self.api = api
        self.stopping = stopping
        self.upgrade = upgrade
