"""The things a Slack workspace holds — people, conversations, messages, views, files — as data."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator.state.rendering import render

# Slack labels time zones with long names; zoneinfo only knows abbreviations, so the common
# zones of siteloop's users are spelled out and others fall back to the abbreviation.
_TZ_LABELS = {
    "Asia/Ho_Chi_Minh": ("Indochina Time", "Indochina Time"),
    "Asia/Bangkok": ("Indochina Time", "Indochina Time"),
    "Asia/Singapore": ("Singapore Standard Time", "Singapore Standard Time"),
    "Europe/London": ("Greenwich Mean Time", "British Summer Time"),
    "Europe/Paris": ("Central European Time", "Central European Summer Time"),
    "Europe/Berlin": ("Central European Time", "Central European Summer Time"),
    "America/New_York": ("Eastern Standard Time", "Eastern Daylight Time"),
    "America/Chicago": ("Central Standard Time", "Central Daylight Time"),
    "America/Los_Angeles": ("Pacific Standard Time", "Pacific Daylight Time"),
    "UTC": ("Coordinated Universal Time", "Coordinated Universal Time"),
}


@dataclass(frozen=True)
class Team:
    """Who the emulated workspace and its one installed app are."""

    team_id: str
    team_domain: str
    team_name: str
    bot_user_id: str
    bot_id: str
    app_id: str
    bot_name: str
    verification_token: str
    scopes: tuple[str, ...]

    @property
    def url(self) -> str:
        """Return the workspace URL (`https://<domain>.slack.com/`)."""
        return f"https://{self.team_domain}.slack.com/"

    def bot_profile(self) -> dict[str, Any]:
        """Return the `bot_profile` Slack attaches to the app's messages."""
        return {
            "id": self.bot_id,
            "deleted": False,
            "name": self.bot_name,
            "updated": 1700000000,
            "app_id": self.app_id,
            "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
            "team_id": self.team_id,
        }


@dataclass
class User:
    """A member of the workspace (or the bot's own user)."""

    id: str
    name: str
    real_name: str = ""
    tz: str = "UTC"
    email: str | None = None
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False
    display_name: str = ""

    def as_slack(self, team_id: str, now: datetime, include_email: bool) -> dict[str, Any]:
        """Return the `user` object of users.info; the email only with `users:read.email`."""
        local = now.astimezone(ZoneInfo(self.tz))
        offset = local.utcoffset()
        is_dst = bool(local.dst())
        standard, daylight = _TZ_LABELS.get(self.tz, (local.tzname(), local.tzname()))
        profile: dict[str, Any] = {
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "team": team_id,
        }
        if include_email and self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": daylight if is_dst else standard,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": self.is_bot,
            "is_admin": self.is_admin,
            "is_app_user": False,
            "updated": int(now.timestamp()),
            "profile": profile,
        }


@dataclass
class Channel:
    """A conversation: public or private channel, or the bot's DM with one person."""

    id: str
    name: str
    private: bool = False
    members: list[str] = field(default_factory=list)
    bot_is_member: bool = True
    archived: bool = False
    im_user: str | None = None
    created: int = 0

    @property
    def is_im(self) -> bool:
        """Return whether this is a direct message with the bot."""
        return self.im_user is not None

    @property
    def channel_type(self) -> str:
        """Return the `channel_type` Slack puts on message events (`channel`, `group`, `im`)."""
        if self.is_im:
            return "im"
        return "group" if self.private else "channel"


@dataclass
class Message:
    """A message as Slack stores it; `rendered` is what a person reads."""

    ts: str
    channel: str
    user: str | None = None
    bot_id: str | None = None
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    reply_count: int = 0
    reactions: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, Any] | None = None
    edited: dict[str, str] | None = None
    subtype: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    client_msg_id: str | None = None
    parent_user_id: str | None = None
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    app_id: str | None = None
    team: str | None = None
    bot_profile: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rendered(self) -> str:
        """Return the text a person reads (block text, buttons as `[Label]`, or `text`).

        Shared files show by title, as `[file: title]`.
        """
        shown = render(self.text, self.blocks)
        files = [f"[file: {f.get('title') or f.get('name')}]" for f in self.files]
        return "\n".join([shown, *files]) if shown else "\n".join(files)

    @property
    def is_reply(self) -> bool:
        """Return whether this message lives in another message's thread."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    def as_slack(self, include_metadata: bool = True) -> dict[str, Any]:
        """Return the message in the shape Slack's history, replies and events use."""
        shape: dict[str, Any] = {"type": "message"}
        if self.subtype:
            shape["subtype"] = self.subtype
        shape["text"] = self.text
        optional = {
            "user": self.user,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "client_msg_id": self.client_msg_id,
        }
        shape.update({k: v for k, v in optional.items() if v is not None})
        shape["ts"] = self.ts
        if self.team:
            shape["team"] = self.team
        if self.bot_profile:
            shape["bot_profile"] = self.bot_profile
        for key in ("blocks", "attachments", "files"):
            if getattr(self, key):
                shape[key] = getattr(self, key)
        shape.update(self._thread_fields())
        if self.edited:
            shape["edited"] = dict(self.edited)
        if self.reactions:
            shape["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in self.reactions.items()
            ]
        if include_metadata and self.metadata:
            shape["metadata"] = self.metadata
        return shape

    def _thread_fields(self) -> dict[str, Any]:
        """Return the thread bookkeeping Slack adds to parents and replies."""
        if self.is_reply:
            return {"thread_ts": self.thread_ts, "parent_user_id": self.parent_user_id}
        if not self.reply_count:
            return {}
        return {
            "thread_ts": self.ts,
            "reply_count": self.reply_count,
            "reply_users_count": len(self.reply_users),
            "latest_reply": self.latest_reply,
            "reply_users": list(self.reply_users),
            "is_locked": False,
            "subscribed": False,
        }


@dataclass
class Ephemeral(Message):
    """A message only `recipient` sees, from chat.postEphemeral, a response_url or an ack."""

    recipient: str = ""
    source: str = ""
    deleted: bool = False


@dataclass
class View:
    """A modal or Home tab as Slack holds it; `payload` is the `view` object the API returns."""

    id: str
    user: str
    payload: dict[str, Any]
    open: bool = True
    errors: dict[str, str] = field(default_factory=dict)  # shown under inputs after a submit

    @property
    def type(self) -> str:
        """Return `modal` or `home`."""
        return str(self.payload.get("type"))

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """Return the view's blocks."""
        return list(self.payload.get("blocks") or [])

    @property
    def title(self) -> str:
        """Return the modal's title text ('' for a Home tab)."""
        return str((self.payload.get("title") or {}).get("text", ""))

    @property
    def rendered(self) -> str:
        """Return what a person reads in the view: title, then the blocks' text."""
        body = render("", self.blocks)
        return f"{self.title}\n{body}" if self.title else body


@dataclass
class UploadedFile:
    """A file going through Slack's three-step external upload."""

    id: str
    filename: str
    length: int
    user: str
    created: int
    title: str = ""
    alt_txt: str | None = None
    content: bytes | None = None
    completed: bool = False

    def as_slack(self, team_domain: str) -> dict[str, Any]:
        """Return the file object Slack attaches to messages and upload answers."""
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": "application/octet-stream",
            "filetype": self.filename.rsplit(".", 1)[-1] if "." in self.filename else "binary",
            "user": self.user,
            "size": len(self.content or b""),
            "url_private": f"https://files.slack.com/files-pri/{self.id}/{self.filename}",
            "permalink": f"https://{team_domain}.slack.com/files/{self.user}/{self.id}",
        }


@dataclass
class Call:
    """One Web API call the bot made, as recorded by the emulator."""

    method: str
    args: dict[str, Any]
    status: int | None
    error: str | None = None
    response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """Return whether the call succeeded (HTTP 200 and `ok: true`)."""
        return self.status == 200 and self.error is None


@dataclass
class ResponsePost:
    """One POST the bot made to a response_url, and what became of it."""

    url_id: str
    body: dict[str, Any]
    status: int
    error: str | None = None
    channel: str | None = None
    user: str | None = None
