"""`app_home_opened`: the Home tab shows the person's tasks, what waits on them and their
projects' health (`bot.services.home`); from then on siteloop keeps it current."""

from bot.runtime import Runtime
from bot.services.home import home_blocks, home_view
from bot.slack.directory import enroll, meet
from storage import home
from storage.db import session_scope


def handle(*, event, client, runtime: Runtime, **_) -> None:
    """Publish the person's Home tab when they open it (read first, call Slack, then note
    it), so that later changes republish it."""
    if event.get("tab", "home") != "home":
        return
    user = event["user"]
    meet(runtime.sessions, client, [user], runtime.clock.now())  # their name and time zone
    now = runtime.clock.now()
    with session_scope(runtime.sessions) as session:
        member = enroll(session, user, now)
    with session_scope(runtime.sessions, read_only=True) as session:
        shown = home.latest_change(session, member.id, now)  # before drawing: see storage.home
        blocks = home_blocks(session, user, now, runtime.settings.rules_path)
    client.views_publish(user_id=user, view=home_view(blocks))
    with session_scope(runtime.sessions) as session:
        home.note_drawn(session, member.id, shown, now, opened=True)
