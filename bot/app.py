"""The Bolt app: Slack's requests in, listeners out, one log line per request."""

import logging
import time

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot import listeners
from bot.logs import fields
from bot.runtime import Runtime

log = logging.getLogger("request")


def build_app(
    *,
    runtime: Runtime,
    client: WebClient,
    identity: AuthorizeResult,
    signing_secret: str | None,
) -> App:
    """Return the Bolt app with every listener registered.

    Args:
        runtime: settings, database and clock shared by the listeners.
        client: the Web API client (pointed at Slack or at the local emulator).
        identity: the bot's identity, verified once at start (see `slack_identity`).
        signing_secret: HTTP mode's request-signing secret; None in Socket Mode, where the
            socket itself is authenticated and there is no signature to check.
    """
    app = App(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
        authorize=lambda **_: identity,
        token_verification_enabled=False,
        # Answer Slack only once the listener has stored what it was told: a crash before that
        # means no 2xx, so Slack retries (events) or the person sees the failure (commands), and
        # retries are de-duplicated by idempotency keys. Listeners never call Slack in this path
        # except to answer; what the bot says goes through the outbox.
        process_before_response=True,
        logger=logging.getLogger("bolt"),
    )
    app.middleware(_log_request)
    app.middleware(_drop_nul_characters)
    listeners.register(app, runtime)
    return app


def _log_request(body: dict, next) -> None:
    started = time.perf_counter()
    try:
        next()
    finally:
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(describe_request(body), extra=fields(**request_ids(body), ms=elapsed_ms))


def _drop_nul_characters(body: dict, next) -> None:
    # No Slack client types a NUL character, PostgreSQL can't store one, and SQLite would: so
    # they are dropped at the door, and both databases see the same text.
    _scrub_nul(body)
    next()


def _scrub_nul(value):
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _scrub_nul(item)
    elif isinstance(value, list):
        value[:] = [_scrub_nul(item) for item in value]
    elif isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def describe_request(body: dict) -> str:
    """Return a short name for a Slack request: `command /update`, `event message`, …"""
    if "command" in body:
        return f"command {body['command']}"
    if body.get("type") == "event_callback":
        event = body.get("event", {})
        subtype = event.get("subtype")
        return f"event {event.get('type')}" + (f"/{subtype}" if subtype else "")
    if body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        return f"action {actions[0].get('action_id')}"
    return str(body.get("type", "request"))


def request_ids(body: dict) -> dict[str, str | None]:
    """Return the ids that let a person find a request again: team, channel, user, event."""
    event = body.get("event") or {}
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    channel = (
        body.get("channel_id") or event.get("channel") or (body.get("channel") or {}).get("id")
    )
    user = body.get("user_id") or event.get("user") or (body.get("user") or {}).get("id")
    return {"team": team, "channel": channel, "user": user, "event_id": body.get("event_id")}
