"""From an outbox row to the exact Web API call, and from Slack's answer to where it landed (pure).

Posts carry Slack message metadata naming their outbox id,

    {"event_type": "siteloop_outbox", "event_payload": {"outbox_id": 42}}

so when a send's outcome is unknown the message can be found in the conversation's history
(`find_outbox_message`) instead of being posted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import outbox
from storage.models import OutboxMessage

EVENT_TYPE = "siteloop_outbox"


@dataclass(frozen=True)
class Job:
    """A claimed outbox message, copied out of its session so no transaction outlives the claim."""

    id: int
    kind: str
    target: str
    thread_ts: str | None
    payload: Mapping[str, Any]
    attempts: int
    created_at: datetime
    may_have_been_sent: bool

    @classmethod
    def of(cls, message: OutboxMessage) -> Job:
        """Return the job for a claimed row."""
        return cls(
            id=message.id,
            kind=message.kind,
            target=message.target,
            thread_ts=message.thread_ts,
            payload=message.payload,
            attempts=message.attempts,
            created_at=message.created_at,
            may_have_been_sent=outbox.may_have_been_sent(message),
        )

    @property
    def method(self) -> str:
        """Return the Web API method the payload asks for."""
        return str(self.payload.get("method"))

    @property
    def needs_reconciling(self) -> bool:
        """Return whether to look for this message in Slack before sending it.

        Only posts and uploads: chat.update and reactions.add are safe to repeat, and
        ephemeral messages leave no history to search.
        """
        return self.may_have_been_sent and self.method in (outbox.POST_MESSAGE, outbox.UPLOAD_FILE)


@dataclass(frozen=True)
class SlackCall:
    """One Web API call: the method and its keyword arguments for the WebClient."""

    method: str
    kwargs: dict[str, Any]


def outbox_metadata(outbox_id: int, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return message metadata tagging a post with its outbox id (merged into `given`, if any)."""
    event_type = str(given.get("event_type") or EVENT_TYPE) if given else EVENT_TYPE
    event_payload = dict(given.get("event_payload") or {}) if given else {}
    event_payload["outbox_id"] = outbox_id
    return {"event_type": event_type, "event_payload": event_payload}


def prepare(job: Job) -> SlackCall:
    """Return the Web API call that delivers `job`.

    Raises `InvalidPayload` when the payload breaks the outbox contract.
    """
    problem = outbox.payload_problem(job.target, job.payload)
    if problem is not None:
        raise outbox.InvalidPayload(problem)
    method = job.method
    if method == outbox.PUBLISH_VIEW:
        return SlackCall(method, {**job.payload["args"], "user_id": job.target})
    kwargs: dict[str, Any] = {**job.payload["args"], "channel": job.target}
    if job.thread_ts and method in (outbox.POST_MESSAGE, outbox.POST_EPHEMERAL, outbox.UPLOAD_FILE):
        kwargs["thread_ts"] = job.thread_ts
    if method == outbox.UPLOAD_FILE:
        kwargs["request_file_info"] = False  # files.info would cost a call and tell us nothing
    if method == outbox.POST_MESSAGE:
        kwargs["metadata"] = outbox_metadata(job.id, kwargs.get("metadata"))
    return SlackCall(method, kwargs)


def landed_at(call: SlackCall, answer: Mapping[str, Any]) -> tuple[str, str]:
    """Return the (channel, ts) a delivered call left its message at, from Slack's answer.

    A DM posted to a user id answers with the D… conversation; a reaction is on `timestamp`;
    an upload is recorded by its file's id; a Home tab by its person and its view's id.
    """
    if call.method == outbox.PUBLISH_VIEW:
        return str(call.kwargs["user_id"]), str((answer.get("view") or {}).get("id") or "")
    channel = str(answer.get("channel") or call.kwargs["channel"])
    if call.method == outbox.UPLOAD_FILE:
        return channel, str(answer["files"][0]["id"])
    if call.method == outbox.ADD_REACTION:
        return channel, str(call.kwargs["timestamp"])
    if call.method == outbox.POST_EPHEMERAL:
        return channel, str(answer.get("message_ts") or "")
    return channel, str(answer["ts"])


def find_uploaded_file(
    messages: Iterable[Mapping[str, Any]], filename: str
) -> Mapping[str, Any] | None:
    """Return the file named `filename` shared in one of `messages`, or None (an upload's
    message carries no metadata; its file's name is how it is told apart)."""
    for message in messages:
        for shared in message.get("files") or []:
            if shared.get("name") == filename:
                return shared
    return None


def find_outbox_message(
    messages: Iterable[Mapping[str, Any]], outbox_id: int
) -> Mapping[str, Any] | None:
    """Return the message among `messages` whose metadata carries `outbox_id`, or None."""
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if str(payload.get("outbox_id")) == str(outbox_id):
            return message
    return None
