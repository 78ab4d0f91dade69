"""The response_url endpoint: delayed answers to commands and clicks, applied as Slack shows them.

A post can replace or delete the message the interaction came from, post in the channel for
everyone (`response_type: in_channel`), or show an ephemeral message to the person who acted
(the default). Each URL takes at most 5 posts within 30 minutes.
"""

import copy
import json
from typing import Any

from bot.emulator.state.models import Ephemeral, ResponsePost
from bot.emulator.to_bot import envelopes
from bot.emulator.web_api.block_kit import assign_block_ids, message_block_errors
from bot.emulator.web_api.chat import MESSAGE_TEXT_LIMIT, apply_edit
from bot.emulator.web_api.context import ApiContext, flag
from bot.emulator.web_api.triggers import ResponseUrl, ResponseUrlRejected


def handle_response_post(ctx: ApiContext, url_id: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Apply one POST to a response_url; return the HTTP status and JSON body to answer."""
    body = _parse(raw)
    post = ResponsePost(url_id, body, 200)
    with ctx.ws.lock:
        ctx.ws.response_posts.append(post)
        try:
            url = ctx.response_urls.admit(url_id)
        except ResponseUrlRejected as rejected:
            post.status, post.error = 404, rejected.reason
            return 404, {"ok": False, "error": rejected.reason}
        post.channel, post.user = url.channel, url.user
        blocks = body.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or message_block_errors(blocks)):
            post.status, post.error = 400, "invalid_blocks"
            return 400, {"ok": False, "error": "invalid_blocks"}
        _apply(ctx, url, body)
    ctx.ws.notify()
    return 200, {"ok": True}


def _parse(raw: bytes) -> dict[str, Any]:
    """Return the posted JSON object; a plain-text body counts as `{"text": …}`."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return {"text": raw.decode("utf-8", "replace")}
    return body if isinstance(body, dict) else {"text": str(body)}


def _apply(ctx: ApiContext, url: ResponseUrl, body: dict[str, Any]) -> None:
    """Do what the post asks: delete, replace, post in channel, or show ephemerally."""
    text = str(body.get("text") or "")[:MESSAGE_TEXT_LIMIT]
    blocks = assign_block_ids(body.get("blocks") or [])
    if flag(body, "delete_original"):
        if url.source_ts:  # a command has no original to delete
            _delete_source(ctx, url)
    elif flag(body, "replace_original") and url.source_ts:
        _replace_source(ctx, url, text, blocks)
    elif body.get("response_type") == "in_channel":
        _post_in_channel(ctx, url.channel, text, blocks, body.get("thread_ts"))
    else:
        post_ephemeral_answer(ctx, url.channel, url.user, text, blocks, "response_url")


def _delete_source(ctx: ApiContext, url: ResponseUrl) -> None:
    """Delete the message (or ephemeral message) the interaction came from."""
    if url.source_ephemeral:
        ephemeral = ctx.ws.ephemeral(url.user, url.source_ts or "")
        if ephemeral is not None:
            ephemeral.deleted = True
        return
    channel = ctx.ws.channel(url.channel)
    if channel is None or ctx.ws.message(channel.id, url.source_ts) is None:
        return
    previous = ctx.ws.remove_message(channel.id, url.source_ts or "")
    if channel.bot_is_member:
        ctx.emit(envelopes.message_deleted_event(previous, channel, ctx.ws.ts.next()))


def _replace_source(
    ctx: ApiContext, url: ResponseUrl, text: str, blocks: list[dict[str, Any]]
) -> None:
    """Replace the content of the message (or ephemeral message) the interaction came from."""
    if url.source_ephemeral:
        ephemeral = ctx.ws.ephemeral(url.user, url.source_ts or "")
        if ephemeral is not None:
            apply_edit(ephemeral, text, blocks or None)
        return
    channel = ctx.ws.channel(url.channel)
    message = ctx.ws.message(url.channel, url.source_ts) if channel else None
    if channel is None or message is None:
        return
    previous = copy.deepcopy(message)
    apply_edit(message, text, blocks or None)
    if channel.bot_is_member:
        event_ts = ctx.ws.ts.next()
        ctx.emit(envelopes.message_changed_event(message, previous, channel, event_ts))


def _post_in_channel(
    ctx: ApiContext, channel_id: str, text: str, blocks: list[dict[str, Any]], thread_ts: Any
) -> None:
    """Post the answer in the channel as the app, for everyone to see."""
    channel = ctx.ws.channel(channel_id)
    if channel is None:
        return
    message = ctx.ws.bot_message(channel.id, text, blocks)
    if thread_ts:
        message.thread_ts = str(thread_ts)
    ctx.ws.add_message(message)
    ctx.emit_new_message(message, channel)


def post_ephemeral_answer(
    ctx: ApiContext,
    channel_id: str,
    user: str,
    text: str,
    blocks: list[dict[str, Any]],
    source: str,
) -> Ephemeral:
    """Show an answer to `user` only (response_url default, or a command's ack body)."""
    template = ctx.ws.bot_message(channel_id, text, blocks)
    ephemeral = Ephemeral(**vars(template), recipient=user, source=source)
    return ctx.ws.add_ephemeral(ephemeral)


def post_channel_answer(
    ctx: ApiContext, channel_id: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    """Post a command's `in_channel` ack in the channel, as the app."""
    _post_in_channel(ctx, channel_id, text, blocks, None)
