"""`reaction_added` / `reaction_removed`: a ✅, 👍 or 👀 on a task's message acknowledges it."""

from datetime import UTC, datetime

from bot.directory import enroll, meet
from bot.runtime import Runtime
from bot.services import reactions
from storage.db import session_scope


def handle(*, event, client, runtime: Runtime, **_) -> None:
    """Record or retract an acknowledging reaction on a task's message."""
    item = event.get("item") or {}
    if item.get("type") != "message" or reactions.meaning(event.get("reaction", "")) is None:
        return
    channel, ts, user, name = item["channel"], item["ts"], event["user"], event["reaction"]
    now = runtime.clock.now()
    if event["type"] != "reaction_removed":
        _meet_on_task(runtime, client, channel, ts, user, now)
    with session_scope(runtime.sessions) as session:
        if event["type"] == "reaction_removed":
            reactions.unreact(session, channel, ts, user, name, now)
            return
        task = reactions.task_of_message(session, channel, ts)
        if task is not None:
            actor = enroll(session, user, now)
            when = datetime.fromtimestamp(float(event.get("event_ts") or ts), UTC)
            reactions.react(session, actor, task, channel, ts, name, when, now)


def _meet_on_task(runtime: Runtime, client, channel: str, ts: str, user: str, now) -> None:
    """Meet whoever reacted on a task's message (reactions elsewhere cost no Slack call)."""
    with session_scope(runtime.sessions, read_only=True) as session:
        on_task = reactions.task_of_message(session, channel, ts) is not None
    if on_task:
        meet(runtime.sessions, client, [user], now)
