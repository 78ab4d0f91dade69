"""`reaction_added` / `reaction_removed`: a ✅, 👍 or 👀 on a task's message acknowledges it."""

from datetime import UTC, datetime

from bot.directory import enroll
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
    with session_scope(runtime.sessions) as session:
        if event["type"] == "reaction_removed":
            reactions.unreact(session, channel, ts, user, name, now)
            return
        task = reactions.task_of_message(session, channel, ts)
        if task is not None:
            actor = enroll(session, client, user, now)
            when = datetime.fromtimestamp(float(event.get("event_ts") or ts), UTC)
            reactions.react(session, actor, task, channel, ts, name, when, now)
