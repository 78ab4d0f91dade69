"""Web API methods that read: auth.test, conversations.*, users.info."""

from typing import Any

from bot.emulator.state.ids import decode_cursor, encode_cursor, parse_ts
from bot.emulator.state.models import Channel, Message
from bot.emulator.web_api.context import ApiContext, Args, flag, integer, require
from bot.emulator.web_api.errors import ApiError

HISTORY_SCOPES = {"channel": "channels:history", "group": "groups:history", "im": "im:history"}


def auth_test(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """auth.test: who the token belongs to (Bolt reads the scopes from the response header)."""
    team = ctx.team
    return {
        "ok": True,
        "url": team.url,
        "team": team.team_name,
        "user": team.bot_name,
        "team_id": team.team_id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "is_enterprise_install": False,
    }


def open_conversation(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """conversations.open: the bot's DM with one user, the same id every time."""
    if args.get("channel"):
        channel = ctx.ws.channel(str(args["channel"]))
        if channel is None or not channel.is_im:
            raise ApiError("channel_not_found")
        return {"ok": True, "channel": {"id": channel.id}, "no_op": True, "already_open": True}
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        ctx.require_scope("mpim:write")  # group DMs need a scope this app lacks
        raise ApiError("method_not_supported_for_channel_type")
    user = ctx.ws.users.get(users[0])
    if user is None:
        raise ApiError("user_not_found")
    if user.deleted:
        raise ApiError("user_disabled")
    if user.id == ctx.team.bot_user_id:
        raise ApiError("cannot_dm_bot")
    existed = ctx.ws.has_dm(user.id)
    dm = ctx.ws.dm_with(user.id)
    answer: dict[str, Any] = {"ok": True, "channel": _im_object(dm, flag(args, "return_im"))}
    if existed:
        answer.update(no_op=True, already_open=True)
    return answer


def _im_object(dm: Channel, full: bool) -> dict[str, Any]:
    """Return the `channel` of conversations.open: just the id, or the IM object."""
    if not full:
        return {"id": dm.id}
    return {
        "id": dm.id,
        "created": dm.created,
        "is_im": True,
        "is_org_shared": False,
        "user": dm.im_user,
        "is_user_deleted": False,
        "priority": 0,
    }


def readable_channel(ctx: ApiContext, ref: str | None) -> Channel:
    """Return a channel the bot may read, checking the history scope of its kind."""
    channel = ctx.visible_channel(ref)
    ctx.require_scope(HISTORY_SCOPES[channel.channel_type])
    return channel


def history(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """conversations.history: the channel's messages, newest first, paginated by cursor."""
    channel = readable_channel(ctx, args.get("channel"))
    shown = list(reversed(ctx.ws.top_level(channel.id)))
    page, next_ts = paginate(shown, args, newest_first=True, default_limit=100)
    with_metadata = flag(args, "include_all_metadata")
    answer: dict[str, Any] = {
        "ok": True,
        "messages": [_shape(ctx, m, with_metadata) for m in page],
        "has_more": next_ts is not None,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    if next_ts is not None:
        answer["response_metadata"] = {"next_cursor": encode_cursor(next_ts)}
    return answer


def replies(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """conversations.replies: a thread, parent first then replies oldest first, paginated."""
    channel = readable_channel(ctx, args.get("channel"))
    thread = ctx.ws.thread(channel.id, require(args, "ts", "thread_not_found"))
    if thread is None:
        raise ApiError("thread_not_found")
    parent, rest = thread[0], thread[1:]
    page, next_ts = paginate(rest, args, newest_first=False, default_limit=1000)
    with_metadata = flag(args, "include_all_metadata")
    answer: dict[str, Any] = {
        "ok": True,
        "messages": [_shape(ctx, m, with_metadata) for m in [parent, *page]],
        "has_more": next_ts is not None,
    }
    if next_ts is not None:
        answer["response_metadata"] = {"next_cursor": encode_cursor(next_ts)}
    return answer


def _shape(ctx: ApiContext, message: Message, with_metadata: bool) -> dict[str, Any]:
    """Return a message for history/replies; a broadcast carries its thread's `root`."""
    shape = message.as_slack(include_metadata=with_metadata)
    if message.subtype == "thread_broadcast":
        root = ctx.ws.root_of(message)
        if root is not None:
            shape["root"] = root
    return shape


def paginate(
    messages: list[Message], args: Args, newest_first: bool, default_limit: int
) -> tuple[list[Message], str | None]:
    """Return one page of `messages` (already ordered) and the ts the next page starts at.

    `oldest`/`latest` bound the range, exclusive unless `inclusive`; `cursor` resumes where
    the previous page stopped; `limit` caps the page.
    """
    limit = max(1, min(integer(args, "limit", default_limit), 1000))
    oldest = _bound(args, "oldest", "invalid_ts_oldest")
    latest = _bound(args, "latest", "invalid_ts_latest")
    inclusive = flag(args, "inclusive")
    start = None
    if args.get("cursor"):
        cursor_ts = decode_cursor(str(args["cursor"]))
        if cursor_ts is None:
            raise ApiError("invalid_cursor")
        start = parse_ts(cursor_ts)

    def wanted(message: Message) -> bool:
        at = parse_ts(message.ts) or 0
        if oldest is not None and (at < oldest or (at == oldest and not inclusive)):
            return False
        if latest is not None and (at > latest or (at == latest and not inclusive)):
            return False
        if start is None:
            return True
        return at <= start if newest_first else at >= start

    kept = [m for m in messages if wanted(m)]
    next_ts = kept[limit].ts if len(kept) > limit else None
    return kept[:limit], next_ts


def _bound(args: Args, name: str, error: str) -> int | None:
    """Return an `oldest`/`latest` argument in microseconds, or None when absent."""
    value = args.get(name)
    if value in (None, ""):
        return None
    micros = parse_ts(str(value))
    if micros is None:
        raise ApiError(error)
    return micros


def users_info(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """users.info: a member's profile and time zone (email only with users:read.email)."""
    user = ctx.ws.users.get(require(args, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    now = ctx.ws.ts.now()
    shape = user.as_slack(ctx.team.team_id, now, "users:read.email" in ctx.team.scopes)
    if flag(args, "include_locale"):
        shape["locale"] = "en-US"
    return {"ok": True, "user": shape}


METHODS = {
    "auth.test": (auth_test, None),
    "conversations.open": (open_conversation, "im:write"),
    "conversations.history": (history, None),
    "conversations.replies": (replies, None),
    "users.info": (users_info, "users:read"),
}
