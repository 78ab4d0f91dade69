"""Logging a person can follow: one line per Slack request, decision and delivery.

Call sites attach the ids that matter with `extra=fields(team=…, channel=…, task=…)`. On a
terminal the line reads `12:00:01 INFO  request  command=/siteloop team=T1 user=U2 12ms`; elsewhere
it is one JSON object per line. A filter scrubs anything shaped like a Slack token and any value
registered as secret, so a secret can't leak even through a third-party library's message.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, Literal

_FIELDS = "siteloop_fields"
_TOKEN_SHAPE = re.compile(r"\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")
_secrets: set[str] = set()


def fields(**values: Any) -> dict[str, dict[str, Any]]:
    """Return the `extra=` argument that attaches `values` (None values dropped) to a log line."""
    return {_FIELDS: {key: value for key, value in values.items() if value is not None}}


def register_secret(value: str | None) -> None:
    """Make sure `value` never appears in a log line (it is replaced by `***`)."""
    if value and len(value) >= 6:
        _secrets.add(value)


def scrub(text: str) -> str:
    """Return `text` with Slack tokens and registered secrets replaced by `***`."""
    for secret in _secrets:
        text = text.replace(secret, "***")
    return _TOKEN_SHAPE.sub(lambda match: f"{match.group(1)}-***", text)


class _ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class TextFormatter(logging.Formatter):
    """`HH:MM:SS LEVEL logger  message key=value …` for people at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        pairs = " ".join(f"{k}={v}" for k, v in getattr(record, _FIELDS, {}).items())
        line = f"{stamp} {record.levelname:<5} {record.name:<10} {record.getMessage()}"
        line = f"{line}  {pairs}" if pairs else line
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        return scrub(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, _FIELDS, {}),
        }
        if record.exc_text:
            entry["error"] = record.exc_text
        return scrub(json.dumps(entry, default=str))


def configure(log_format: Literal["text", "json"], level: int = logging.INFO) -> None:
    """Send every log line to stderr in `log_format`, scrubbed of secrets."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if log_format == "text" else JsonFormatter())
    handler.addFilter(_ScrubFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter that would drown the one-line-per-request log.
    for noisy in ("waitress.queue", "apscheduler.executors", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


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
