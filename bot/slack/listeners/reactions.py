"""`reaction_added` / `reaction_removed`: a ✅, 👍 or 👀 on a task's message acknowledges it.

Only someone who may answer the task's card (its assignee, its crew's lead, its project's
managers: `task_actions.may_answer`) acknowledges it with a reaction, as with the card's button
or an "ok" in its thread; anyone else's reaction records nothing and enrols nobody. A reaction
can't say why it was refused, so none is said: the button tells those who press it.
"""

from datetime import UTC, datetime

from bot.runtime import Runtime
from bot.services import reactions
from bot.slack.directory import meet
from storage.db import session_scope
from storage.members import find_member


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
        actor = find_member(session, user)
        if task is None or actor is None:
            return  # nobody is enrolled by a reaction: a stranger may not answer a card
        when = datetime.fromtimestamp(float(event.get("event_ts") or ts), UTC)
        reactions.react(session, actor, task, channel, ts, name, when, now)


def _meet_on_task(runtime: Runtime, client, channel: str, ts: str, user: str, now) -> None:
    """Refresh the profile of someone known who reacted on a task's message (a stranger can't
    answer a card, and reactions elsewhere cost no Slack call)."""
    with session_scope(runtime.sessions, read_only=True) as session:
        on_task = reactions.task_of_message(session, channel, ts) is not None
        known = find_member(session, user) is not None
    if on_task and known:
        meet(runtime.sessions, client, [user], now)
