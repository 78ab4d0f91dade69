"""Slack's three-step file upload: get an upload URL, POST the bytes, complete (and share)."""

import json
from typing import Any

from bot.emulator.state.models import Channel, UploadedFile
from bot.emulator.web_api.block_kit import assign_block_ids, message_block_errors
from bot.emulator.web_api.chat import writable_channel
from bot.emulator.web_api.context import ApiContext, Args, integer, structured
from bot.emulator.web_api.errors import ApiError, invalid_blocks


def get_upload_url(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """files.getUploadURLExternal: reserve a file id and a URL to POST its bytes to."""
    filename = args.get("filename")
    length = integer(args, "length", 0)
    if not filename or length <= 0:
        raise ApiError("missing_argument")
    upload = UploadedFile(
        id=ctx.ws.ids.next("F"),
        filename=str(filename),
        length=length,
        user=ctx.team.bot_user_id,
        created=ctx.ws.ts.now_seconds(),
        alt_txt=args.get("alt_txt"),
    )
    ctx.ws.files[upload.id] = upload
    return {
        "ok": True,
        "upload_url": f"{ctx.server_root()}upload/v1/{upload.id}",
        "file_id": upload.id,
    }


def receive_upload(ctx: ApiContext, file_id: str, content: bytes) -> tuple[int, str]:
    """Store bytes POSTed to an upload URL (no auth, as Slack's); return status and body."""
    with ctx.ws.lock:
        upload = ctx.ws.files.get(file_id)
        if upload is None or upload.completed:
            return 404, "not_found"
        upload.content = content
    return 200, f"OK - {len(content)}"


def complete_upload(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """files.completeUploadExternal: finish uploads and share them where asked.

    `files` arrives as a JSON string (`[{"id": "F…", "title": "…"}]`). Without a channel the
    files stay private to the bot.
    """
    entries = _file_entries(args)
    uploads = []
    for entry in entries:
        upload = ctx.ws.files.get(str(entry.get("id")))
        if upload is None or upload.content is None:
            raise ApiError("file_not_found")
        uploads.append((upload, entry))
    channels = _share_targets(ctx, args)
    blocks = _share_blocks(args)
    for upload, entry in uploads:
        upload.title = str(entry.get("title") or upload.filename)
        upload.completed = True
    for channel in channels:
        _share(ctx, channel, [u for u, _ in uploads], blocks, args)
    return {"ok": True, "files": [{"id": u.id, "title": u.title} for u, _ in uploads]}


def _file_entries(args: Args) -> list[dict[str, Any]]:
    """Return the `files` argument as a list of {id, title}, or raise invalid_arguments."""
    raw = args.get("files")
    try:
        entries = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    if not all(isinstance(e, dict) and e.get("id") for e in entries):
        raise ApiError("invalid_arguments")
    return entries


def _share_targets(ctx: ApiContext, args: Args) -> list[Channel]:
    """Return the conversations to share the files in (`channel_id` or `channels`)."""
    refs = [args["channel_id"]] if args.get("channel_id") else []
    refs += [c.strip() for c in str(args.get("channels") or "").split(",") if c.strip()]
    return [writable_channel(ctx, ref) for ref in refs]


def _share_blocks(args: Args) -> list[dict[str, Any]]:
    """Return the blocks to show with the files, or raise Slack's block errors."""
    blocks = structured(args, "blocks", "invalid_blocks_format")
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    errors = message_block_errors(blocks)
    if errors:
        raise invalid_blocks(errors)
    return assign_block_ids(blocks)


def _share(
    ctx: ApiContext,
    channel: Channel,
    uploads: list[UploadedFile],
    blocks: list[dict[str, Any]],
    args: Args,
) -> None:
    """Post the `file_share` message that shows the files in a conversation."""
    text = str(args.get("initial_comment") or "")
    message = ctx.ws.bot_message(channel.id, text, blocks)
    message.subtype = "file_share"
    message.files = [u.as_slack(ctx.team.team_domain) for u in uploads]
    if args.get("thread_ts"):
        message.thread_ts = str(args["thread_ts"])
    ctx.ws.add_message(message)
    ctx.emit_new_message(message, channel)


METHODS = {
    "files.getUploadURLExternal": (get_upload_url, "files:write"),
    "files.completeUploadExternal": (complete_upload, "files:write"),
}
