"""Settle an unknown outcome: is the post already in Slack? (one look at the conversation)

A post whose send timed out, lost its connection, or whose sender died may be in the
conversation already. Its metadata names its outbox id, so reading the conversation's recent
history (or the thread's replies) tells: found, record it as sent with that `ts`; not found,
post it. The search starts a little before the message was queued and reads a bounded number
of pages, so it costs a call or two, not the channel's whole history.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.delivery.render import Job, find_outbox_message, find_uploaded_file
from storage.outbox import UPLOAD_FILE, is_person

# Our clock and Slack's may disagree a little; look this far before the message was queued.
CLOCK_SKEW = timedelta(minutes=10)
PAGE_SIZE = 200
MAX_PAGES = 5


def find_posted(client: WebClient, job: Job) -> tuple[str, str] | None:
    """Return (channel, ts) of `job`'s post if Slack has it, else None.

    Raises what the WebClient raises (the caller classifies it).
    """
    channel = job.target
    if is_person(channel):  # a DM: its history lives under the D… conversation id
        channel = client.conversations_open(users=channel)["channel"]["id"]
    for messages in _pages(client, job, channel):
        if job.method == UPLOAD_FILE:
            shared = find_uploaded_file(messages, str(job.payload["args"]["filename"]))
            if shared is not None:
                return channel, str(shared["id"])
            continue
        found = find_outbox_message(messages, job.id)
        if found is not None:
            return channel, str(found["ts"])
    return None


def _pages(client: WebClient, job: Job, channel: str) -> Iterator[list[Mapping[str, Any]]]:
    """Yield pages of the conversation (or the job's thread) since shortly before it was queued."""
    oldest = f"{(job.created_at - CLOCK_SKEW).timestamp():.6f}"
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        common: dict[str, Any] = {
            "channel": channel,
            "oldest": oldest,
            "limit": PAGE_SIZE,
            "include_all_metadata": True,
            "cursor": cursor,
        }
        if job.thread_ts:
            answer = client.conversations_replies(ts=job.thread_ts, **common)
        else:
            answer = client.conversations_history(**common)
        yield list(answer.get("messages") or [])
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not answer.get("has_more") or not cursor:
            return
