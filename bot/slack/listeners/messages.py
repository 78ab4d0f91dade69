"""`message` events: posts, thread replies, edits and deletions in linked channels and DMs.

Bots never report — neither siteloop (Bolt drops its own events) nor other apps — and message
subtypes that are not a person writing (joins, topic changes…) are left alone. The work runs
before Slack gets its 200, so a failure means a retry, and retries are harmless: every update
is keyed by the message's channel and ts, and an edit counts only if newer than what is stored.
"""

from datetime import UTC, datetime

from bot.blocks.help import help_text
from bot.runtime import Runtime
from bot.services import channel_posts
from bot.services.channel_posts import Post
from bot.slack.directory import enroll, meet
from rules.vocabulary import OutboxKind
from storage.db import session_scope
from storage.outbox import enqueue

PEOPLE_WRITING = (None, "thread_broadcast", "file_share")


def handle(*, event, client, runtime: Runtime, **_) -> None:
    """Route a message event to capture, revision or retraction."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        _edited(event, client, runtime)
    elif subtype == "message_deleted":
        with session_scope(runtime.sessions) as session:
            channel_posts.retract(
                session, event["channel"], event["deleted_ts"], event["ts"], runtime.clock.now()
            )
    elif subtype in PEOPLE_WRITING and not event.get("bot_id") and event.get("user"):
        _posted(event, client, runtime)


def _posted(event: dict, client, runtime: Runtime) -> None:
    post = Post(
        channel=event["channel"],
        ts=event["ts"],
        user=event["user"],
        text=event.get("text") or "",
        thread_ts=event.get("thread_ts"),
        is_direct_message=event.get("channel_type") == "im",
        version=event["ts"],
    )
    now = runtime.clock.now()
    _meet_author(runtime, client, post, now)
    with session_scope(runtime.sessions) as session:
        if not channel_posts.is_watched(session, post):
            return
        actor = enroll(session, post.user, now)
        read = channel_posts.capture(session, actor, post, _instant(post.ts), now)
        if not read and post.is_direct_message:
            enqueue(
                session,
                kind=OutboxKind.HELP,
                target=post.channel,
                payload={"method": "chat.postMessage", "args": {"text": help_text()}},
                now=now,
                dedupe_key=f"help:{post.channel}:{post.ts}",
            )
    runtime.doorbell.ring()


def _edited(event: dict, client, runtime: Runtime) -> None:
    message = event.get("message") or {}
    if message.get("bot_id") or not message.get("user"):
        return
    post = Post(
        channel=event["channel"],
        ts=message["ts"],
        user=message["user"],
        text=message.get("text") or "",
        thread_ts=message.get("thread_ts"),
        is_direct_message=event.get("channel_type") == "im",
        version=(message.get("edited") or {}).get("ts") or event.get("ts", ""),
    )
    now = runtime.clock.now()
    _meet_author(runtime, client, post, now)
    with session_scope(runtime.sessions) as session:
        if channel_posts.is_watched(session, post):
            channel_posts.revise(session, enroll(session, post.user, now), post, now)
    runtime.doorbell.ring()


def _meet_author(runtime: Runtime, client, post: Post, now: datetime) -> None:
    """Meet the author of a post siteloop watches (chatter elsewhere costs no Slack call)."""
    with session_scope(runtime.sessions, read_only=True) as session:
        watched = channel_posts.is_watched(session, post)
    if watched:
        meet(runtime.sessions, client, [post.user], now)


def _instant(ts: str) -> datetime:
    """Return the instant a Slack `ts` ("1700000000.000100") stands for."""
    return datetime.fromtimestamp(float(ts), UTC)
