"""`app_home_opened`: the Home tab shows what siteloop does and how to use it."""

from slack_sdk.models.views import View

from bot.blocks.help import help_blocks


def handle(*, event, client, **_) -> None:
    """Publish the help as the person's Home tab when they open it."""
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=event["user"], view=View(type="home", blocks=help_blocks()))
