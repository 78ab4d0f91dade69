"""The payloads Slack sends to a bot, with the field names of its real ones (pure).

Events API envelopes, slash command forms and interactivity payloads. Each builder takes
everything it needs as arguments; nothing here reads the clock or the workspace.
"""

from typing import Any

from bot.emulator.state.models import Channel, Message, Team, User


def event_envelope(
    team: Team, event: dict[str, Any], event_id: str, event_time: int
) -> dict[str, Any]:
    """Return an `event_callback` envelope around `event` (as event_message_changed.json).

    Slack authorizes the delivery for the app's bot user; `event_context` is present for
    events that happen in a conversation.
    """
    envelope: dict[str, Any] = {
        "token": team.verification_token,
        "team_id": team.team_id,
        "api_app_id": team.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team.team_id,
                "user_id": team.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    if channel and event.get("type") != "app_home_opened":
        envelope["event_context"] = f"1-{event['type']}-{team.team_id}-{channel}"
    return envelope


def message_event(
    message: Message, channel: Channel, root: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the `message` event for a new message (a broadcast reply carries its `root`)."""
    event = message.as_slack()
    if root is not None and message.subtype == "thread_broadcast":
        event["root"] = root
    event.update(channel=channel.id, event_ts=message.ts, channel_type=channel.channel_type)
    return event


def message_changed_event(
    message: Message, previous: Message, channel: Channel, event_ts: str
) -> dict[str, Any]:
    """Return the `message_changed` event for an edit (event_message_changed.json)."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": message.as_slack(),
        "previous_message": previous.as_slack(),
        "channel": channel.id,
        "hidden": True,
        "ts": event_ts,
        "event_ts": event_ts,
        "channel_type": channel.channel_type,
    }


def message_deleted_event(previous: Message, channel: Channel, event_ts: str) -> dict[str, Any]:
    """Return the `message_deleted` event for a deletion (event_message_deleted.json)."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": previous.as_slack(),
        "channel": channel.id,
        "hidden": True,
        "deleted_ts": previous.ts,
        "event_ts": event_ts,
        "ts": event_ts,
        "channel_type": channel.channel_type,
    }


def reaction_event(
    added: bool, user: str, message: Message, name: str, event_ts: str
) -> dict[str, Any]:
    """Return `reaction_added` / `reaction_removed` for a reaction on a message."""
    event: dict[str, Any] = {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "item": {"type": "message", "channel": message.channel, "ts": message.ts},
        "reaction": name,
    }
    if message.user:
        event["item_user"] = message.user
    event["event_ts"] = event_ts
    return event


def app_home_opened_event(
    user: str, dm: Channel, tab: str, event_ts: str, view: dict[str, Any] | None
) -> dict[str, Any]:
    """Return `app_home_opened`; Slack includes the Home view once one was published."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": dm.id,
        "tab": tab,
        "event_ts": event_ts,
    }
    if view is not None and tab == "home":
        event["view"] = view
    return event


def slash_command_form(
    team: Team,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> list[tuple[str, str]]:
    """Return a slash command's form fields in the order Slack sends them (slash_command.json)."""
    return [
        ("token", team.verification_token),
        ("team_id", team.team_id),
        ("team_domain", team.team_domain),
        ("channel_id", channel.id),
        ("channel_name", "directmessage" if channel.is_im else channel.name),
        ("user_id", user.id),
        ("user_name", user.name),
        ("command", command),
        ("text", text),
        ("api_app_id", team.app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id),
    ]


def payload_user(team: Team, user: User) -> dict[str, Any]:
    """Return the `user` object of interactivity payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": team.team_id}


def block_actions_payload(
    team: Team,
    user: User,
    container: dict[str, Any],
    action: dict[str, Any],
    trigger_id: str,
    where: dict[str, Any],
) -> dict[str, Any]:
    """Return a `block_actions` payload (interactive_block_actions_message.json).

    `where` holds what depends on the surface: `channel`, `message`, `state`,
    `response_url` for messages; `view` for modals and Home tabs.
    """
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": payload_user(team, user),
        "api_app_id": team.app_id,
        "token": team.verification_token,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team.team_id, "domain": team.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    for key in ("channel", "message", "view", "state", "response_url"):
        if key in where:
            payload[key] = where[key]
    payload["actions"] = [action]
    return payload


def view_submission_payload(
    team: Team, user: User, view: dict[str, Any], trigger_id: str
) -> dict[str, Any]:
    """Return a `view_submission` payload (interactive_view_submission.json)."""
    return {
        "type": "view_submission",
        "team": {"id": team.team_id, "domain": team.team_domain},
        "user": payload_user(team, user),
        "api_app_id": team.app_id,
        "token": team.verification_token,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
    }


def url_verification_body(team: Team, challenge: str) -> dict[str, Any]:
    """Return the body of Slack's URL verification handshake."""
    return {"token": team.verification_token, "challenge": challenge, "type": "url_verification"}
