"""Web API methods for modals and the Home tab: views.open, .push, .update and .publish."""

from typing import Any

from bot.emulator.state.models import View
from bot.emulator.web_api.block_kit import assign_block_ids, unknown_files, view_errors
from bot.emulator.web_api.context import ApiContext, Args, require, structured
from bot.emulator.web_api.errors import ApiError, invalid_arguments

MODAL_STACK = 3  # Slack keeps at most three modals stacked


def view_definition(args: Args, kind: str) -> dict[str, Any]:
    """Return the `view` argument if Slack would accept it on a `kind` surface, else raise."""
    view = structured(args, "view", "invalid_arguments")
    if view is None:
        raise invalid_arguments(["missing required field: view [json-pointer:/view]"])
    errors = view_errors(view)
    if not errors and view.get("type") != kind:
        errors = [
            "failed to match all allowed schemas [json-pointer:/view]",
            "must be a valid enum value [json-pointer:/view/type]",
        ]
    if errors:
        raise invalid_arguments(errors)
    return view


def view_payload(
    ctx: ApiContext, definition: dict[str, Any], view_id: str, previous: View | None = None
) -> dict[str, Any]:
    """Return the full `view` object Slack stores and returns for a definition."""
    root_id = (previous.payload.get("root_view_id") if previous else None) or view_id
    payload: dict[str, Any] = {
        "id": view_id,
        "team_id": ctx.team.team_id,
        "type": definition["type"],
        "blocks": assign_block_ids(definition.get("blocks") or []),
        "private_metadata": definition.get("private_metadata", ""),
        "callback_id": definition.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{ctx.ws.ts.now_seconds()}.{ctx.ws.ids.secret(6)}",
        "title": definition.get("title"),
        "clear_on_close": bool(definition.get("clear_on_close", False)),
        "notify_on_close": bool(definition.get("notify_on_close", False)),
        "close": definition.get("close"),
        "submit": definition.get("submit"),
        "previous_view_id": previous.id if previous else None,
        "root_view_id": root_id,
        "app_id": ctx.team.app_id,
        "external_id": definition.get("external_id", ""),
        "app_installed_team_id": ctx.team.team_id,
        "bot_id": ctx.team.bot_id,
    }
    return payload


def _check_external_id(ctx: ApiContext, definition: dict[str, Any], keep: str | None) -> None:
    """Raise `duplicate_external_id` when another open view already uses the external_id."""
    external_id = definition.get("external_id")
    if not external_id:
        return
    for view in ctx.ws.open_views():
        if view.payload.get("external_id") == external_id and view.id != keep:
            raise ApiError("duplicate_external_id")


def open_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """views.open: show a modal to whoever triggered the interaction (trigger valid for 3 s)."""
    definition = view_definition(args, "modal")
    _check_external_id(ctx, definition, None)
    trigger = ctx.triggers.exchange(args.get("trigger_id") or args.get("interactivity_pointer"))
    view_id = ctx.ws.ids.next("V")
    view = View(view_id, trigger.user, view_payload(ctx, definition, view_id))
    ctx.ws.views[view_id] = view
    return {"ok": True, "view": view.payload}


def push_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """views.push: stack a modal on the one the user has open."""
    definition = view_definition(args, "modal")
    trigger = ctx.triggers.exchange(args.get("trigger_id") or args.get("interactivity_pointer"))
    stack = [v for v in ctx.ws.open_views(trigger.user) if v.type == "modal"]
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MODAL_STACK:
        raise ApiError("push_limit_reached")
    view_id = ctx.ws.ids.next("V")
    view = View(view_id, trigger.user, view_payload(ctx, definition, view_id, stack[-1]))
    ctx.ws.views[view_id] = view
    return {"ok": True, "view": view.payload}


def update_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """views.update: replace an open view's content (a stale `hash` is refused)."""
    view = _find_view(ctx, args)
    definition = view_definition(args, view.type)
    _check_external_id(ctx, definition, view.id)
    if args.get("hash") and args["hash"] != view.payload.get("hash"):
        raise ApiError("hash_conflict")
    replace_view(ctx, view, definition)
    return {"ok": True, "view": view.payload}


def replace_view(ctx: ApiContext, view: View, definition: dict[str, Any]) -> None:
    """Give `view` new content, keeping its id, place in the stack and entered values."""
    payload = view_payload(ctx, definition, view.id)
    for key in ("previous_view_id", "root_view_id", "state"):
        payload[key] = view.payload.get(key)
    view.payload = payload


def _find_view(ctx: ApiContext, args: Args) -> View:
    """Return the open view named by `view_id` or `external_id`, or raise `not_found`."""
    view_id, external_id = args.get("view_id"), args.get("external_id")
    for view in ctx.ws.open_views():
        if view.id == view_id or (external_id and view.payload.get("external_id") == external_id):
            return view
    raise ApiError("not_found")


def publish_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """views.publish: set a user's Home tab (one per user; later calls replace it)."""
    user = ctx.ws.users.get(require(args, "user_id", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    definition = view_definition(args, "home")
    missing = unknown_files(definition.get("blocks"), ctx.ws.files)
    if missing:
        raise invalid_arguments(missing)
    current = next((v for v in ctx.ws.open_views(user.id) if v.type == "home"), None)
    if current and args.get("hash") and args["hash"] != current.payload.get("hash"):
        raise ApiError("hash_conflict")
    if current is not None:
        replace_view(ctx, current, definition)
        return {"ok": True, "view": current.payload}
    view_id = ctx.ws.ids.next("V")
    view = View(view_id, user.id, view_payload(ctx, definition, view_id))
    ctx.ws.views[view_id] = view
    return {"ok": True, "view": view.payload}


METHODS = {
    "views.open": (open_view, None),
    "views.push": (push_view, None),
    "views.update": (update_view, None),
    "views.publish": (publish_view, None),
}
