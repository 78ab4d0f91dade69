"""`app_home_opened`: the Home tab shows the person's tasks and their projects' health
(`bot.services.home`)."""

from slack_sdk.models.views import View

from bot.runtime import Runtime
from bot.services.home import home_blocks
from storage.db import session_scope


def handle(*, event, client, runtime: Runtime, **_) -> None:
    """Publish the person's Home tab when they open it (read first, then call Slack)."""
    if event.get("tab", "home") != "home":
        return
    user = event["user"]
    with session_scope(runtime.sessions, read_only=True) as session:
        blocks = home_blocks(session, user, runtime.clock.now(), runtime.settings.rules_path)
    client.views_publish(user_id=user, view=View(type="home", blocks=blocks))
