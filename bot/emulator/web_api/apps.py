"""Web API methods called with the app-level token (xapp-…): apps.connections.open."""

from __future__ import annotations

from typing import Any

from bot.emulator.web_api.context import ApiContext, Args


def apps_connections_open(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """apps.connections.open: a WebSocket URL for Socket Mode (app-level token only)."""
    if ctx.socket_mode is None:
        raise RuntimeError("this emulator serves no Socket Mode")
    return {"ok": True, "url": ctx.socket_mode.issue_url()}


# Methods called with the app-level token, with the scope each needs.
APP_METHODS = {"apps.connections.open": (apps_connections_open, "connections:write")}
