"""Web API methods that write messages: chat.* and reactions.*."""

import copy
import re
from typing import Any

from bot.emulator.state.models import Channel, Ephemeral, Message
from bot.emulator.to_bot import envelopes
from bot.emulator.web_api.block_kit import assign_block_ids, message_block_errors
from bot.emulator.web_api.context import ApiContext, Args, flag, require, structured
from bot.emulator.web_api.errors import ApiError, invalid_blocks

MESSAGE_TEXT_LIMIT = 40_000  # longer text is truncated
UPDATE_TEXT_LIMIT = 4_000  # chat.update refuses longer text with msg_too_long
EMOJI_NAME = re.compile(r"^[a-z0-9_+'\-]+$")


def writable_channel(ctx: ApiContext, ref: str | None) -> Channel:
    """Return where the bot may post (a user id means their DM with it), or raise Slack's error."""
    channel = ctx.ws.post_target(ref)
    if channel is None or (channel.private and not channel.bot_is_member):
        raise ApiError("channel_not_found")
    if channel.archived:
        raise ApiError("is_archived")
    if not channel.bot_is_member:
        raise ApiError("not_in_channel")
    return channel


def message_content(args: Args) -> tuple[str, list[dict[str, Any]] | None]:
    """Return a message's text and blocks (None when absent), or raise no_text / invalid_blocks."""
    text = args.get("text") or args.get("markdown_text") or ""
    if args.get("markdown_text") and (args.get("text") or args.get("blocks")):
        raise ApiError("markdown_text_conflict")
    blocks = structured(args, "blocks", "invalid_blocks_format")
    attachments = structured(args, "attachments", "invalid_attachments")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise ApiError("invalid_blocks_format")
        errors = message_block_errors(blocks)
        if errors:
            raise invalid_blocks(errors)
        blocks = assign_block_ids(blocks)
    return str(text), blocks


def message_metadata(args: Args) -> dict[str, Any] | None:
    """Return the `metadata` argument ({event_type, event_payload}) or raise Slack's error."""
    metadata = structured(args, "metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str):
        raise ApiError("invalid_metadata_format")
    if not isinstance(metadata.get("event_payload", {}), dict):
        raise ApiError("invalid_metadata_format")
    return {
        "event_type": metadata["event_type"],
        "event_payload": metadata.get("event_payload", {}),
    }


def post_message(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """chat.postMessage: post as the bot; a `thread_ts` makes a reply, optionally broadcast."""
    channel = writable_channel(ctx, args.get("channel"))
    text, blocks = message_content(args)
    message = ctx.ws.bot_message(channel.id, text[:MESSAGE_TEXT_LIMIT], blocks or [])
    message.metadata = message_metadata(args)
    message.attachments = structured(args, "attachments", "invalid_attachments") or []
    if args.get("thread_ts"):
        message.thread_ts = str(args["thread_ts"])
        if flag(args, "reply_broadcast"):
            message.subtype = "thread_broadcast"
    ctx.ws.add_message(message)
    ctx.emit_new_message(message, channel)
    return {"ok": True, "channel": channel.id, "ts": message.ts, "message": message.as_slack()}


def post_ephemeral(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """chat.postEphemeral: show a message to one member of the channel only."""
    channel = writable_channel(ctx, require(args, "channel", "channel_not_found"))
    user = ctx.ws.users.get(require(args, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    if not ctx.ws.is_visible_member(channel, user.id):
        raise ApiError("user_not_in_channel")
    text, blocks = message_content(args)
    template = ctx.ws.bot_message(channel.id, text[:MESSAGE_TEXT_LIMIT], blocks or [])
    ephemeral = Ephemeral(**vars(template), recipient=user.id, source="chat.postEphemeral")
    ephemeral.thread_ts = args.get("thread_ts") or None
    ctx.ws.add_ephemeral(ephemeral)
    return {"ok": True, "message_ts": ephemeral.ts}


def update_message(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """chat.update: edit one of the bot's messages; text alone removes the old blocks."""
    channel = ctx.visible_channel(require(args, "channel", "channel_not_found"))
    message = ctx.ws.message(channel.id, require(args, "ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    if message.bot_id != ctx.team.bot_id:
        raise ApiError("cant_update_message")
    if "text" in args and len(str(args["text"] or "")) > UPDATE_TEXT_LIMIT:
        raise ApiError("msg_too_long")
    text, blocks = message_content(args)
    previous = copy.deepcopy(message)
    apply_edit(message, text if "text" in args else message.text, blocks)
    metadata = message_metadata(args)
    if metadata is not None:
        message.metadata = metadata
    edit_ts = ctx.ws.ts.next()
    if blocks is None:
        message.edited = {"user": ctx.team.bot_user_id, "ts": edit_ts}
    if channel.bot_is_member:
        ctx.emit(envelopes.message_changed_event(message, previous, channel, edit_ts))
    shape = message.as_slack()
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": shape,
    }


def apply_edit(message: Message, text: str, blocks: list[dict[str, Any]] | None) -> None:
    """Replace a message's content the way chat.update does (blocks kept only when given)."""
    message.text = text
    message.blocks = blocks if blocks is not None else []


def get_permalink(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """chat.getPermalink: the message's URL (a reply's carries its thread)."""
    channel = ctx.ws.channel(require(args, "channel", "channel_not_found"))
    if channel is None:
        raise ApiError("channel_not_found")
    message = ctx.ws.message(channel.id, require(args, "message_ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    link = f"{ctx.team.url}archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def _reaction_target(ctx: ApiContext, args: Args) -> tuple[Channel, Message, str]:
    """Return the channel, message and emoji name a reactions.* call is about."""
    channel = ctx.visible_channel(args.get("channel"))
    if channel.archived:
        raise ApiError("is_archived")
    if not args.get("timestamp"):
        raise ApiError("no_item_specified")
    name = str(require(args, "name", "invalid_name")).strip(":")
    if not EMOJI_NAME.match(name):
        raise ApiError("invalid_name")
    message = ctx.ws.message(channel.id, str(args["timestamp"]))
    if message is None:
        raise ApiError("message_not_found")
    return channel, message, name


def add_reaction(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """reactions.add: the bot reacts; Slack then sends `reaction_added` to the bot as well."""
    _, message, name = _reaction_target(ctx, args)
    bot = ctx.team.bot_user_id
    if bot in message.reactions.get(name, []):
        raise ApiError("already_reacted")
    message.reactions.setdefault(name, []).append(bot)
    ctx.emit(envelopes.reaction_event(True, bot, message, name, ctx.ws.ts.next()))
    return {"ok": True}


def remove_reaction(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """reactions.remove: take the bot's reaction back."""
    _, message, name = _reaction_target(ctx, args)
    bot = ctx.team.bot_user_id
    if bot not in message.reactions.get(name, []):
        raise ApiError("no_reaction")
    message.reactions[name].remove(bot)
    if not message.reactions[name]:
        del message.reactions[name]
    ctx.emit(envelopes.reaction_event(False, bot, message, name, ctx.ws.ts.next()))
    return {"ok": True}


METHODS = {
    "chat.postMessage": (post_message, "chat:write"),
    "chat.postEphemeral": (post_ephemeral, "chat:write"),
    "chat.update": (update_message, "chat:write"),
    "chat.getPermalink": (get_permalink, None),
    "reactions.add": (add_reaction, "reactions:write"),
    "reactions.remove": (remove_reaction, "reactions:write"),
}
