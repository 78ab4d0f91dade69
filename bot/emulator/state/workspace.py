"""The emulated workspace: people, conversations, messages, threads, reactions, views, files.

Everything lives behind one re-entrant lock; every change wakes `changed` so tests can wait
for a condition instead of sleeping.
"""

import threading
from typing import Any

from bot.emulator.state.ids import IdSource, TsSource, parse_ts
from bot.emulator.state.models import (
    Channel,
    Ephemeral,
    Message,
    ResponsePost,
    Team,
    UploadedFile,
    User,
    View,
)


class Workspace:
    """All state of one emulated Slack workspace with one installed app."""

    def __init__(self, team: Team, ids: IdSource, ts: TsSource) -> None:
        self.team = team
        self.ids = ids
        self.ts = ts
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.files: dict[str, UploadedFile] = {}
        self.response_posts: list[ResponsePost] = []
        self._messages: dict[str, dict[str, Message]] = {}
        self._dms: dict[str, str] = {}
        bot = User(team.bot_user_id, team.bot_name, real_name=team.bot_name, is_bot=True)
        self.users[bot.id] = bot

    def notify(self) -> None:
        """Wake everyone waiting for the workspace to change."""
        with self.changed:
            self.changed.notify_all()

    # People and conversations

    def add_user(self, user: User) -> User:
        """Add (or replace) a member."""
        with self.lock:
            self.users[user.id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        """Add (or replace) a channel."""
        with self.lock:
            self.channels[channel.id] = channel
            self._messages.setdefault(channel.id, {})
        return channel

    def channel(self, ref: str | None) -> Channel | None:
        """Return the conversation with id `ref`, or named `ref` / `#ref`, or None."""
        if not ref:
            return None
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            name = ref.removeprefix("#")
            return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def dm_with(self, user_id: str) -> Channel:
        """Return the bot's DM with `user_id`, creating it the first time (same id ever after)."""
        with self.lock:
            if user_id not in self._dms:
                dm = Channel(self.ids.next("D"), user_id, private=True, members=[user_id])
                dm.im_user = user_id
                dm.created = self.ts.now_seconds()
                self.add_channel(dm)
                self._dms[user_id] = dm.id
            return self.channels[self._dms[user_id]]

    def has_dm(self, user_id: str) -> bool:
        """Return whether the bot's DM with `user_id` exists already."""
        with self.lock:
            return user_id in self._dms

    def post_target(self, ref: str | None) -> Channel | None:
        """Return where chat.postMessage(channel=ref) goes (a user id: their DM with the bot)."""
        with self.lock:
            user = self.users.get(ref or "")
            if user is not None and not user.is_bot:
                return self.dm_with(user.id)
            return self.channel(ref)

    def is_visible_member(self, channel: Channel, user_id: str) -> bool:
        """Return whether `user_id` is in `channel` (the bot is in all of its DMs)."""
        if user_id == self.team.bot_user_id:
            return channel.bot_is_member
        return user_id in channel.members

    # Messages

    def bot_message(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> Message:
        """Return a new (unsaved) message authored by the app's bot user."""
        return Message(
            ts=self.ts.next(),
            channel=channel,
            user=self.team.bot_user_id,
            bot_id=self.team.bot_id,
            app_id=self.team.app_id,
            team=self.team.team_id,
            bot_profile=self.team.bot_profile(),
            text=text,
            blocks=blocks,
        )

    def add_message(self, message: Message) -> Message:
        """Store a message; a reply joins its thread and updates the parent's bookkeeping.

        A reply to a reply joins the parent's thread, as in Slack. A reply to a ts that does
        not exist is stored but shows nowhere, as Slack does (`ok: true`, lost message).
        """
        with self.lock:
            parent = self.message(message.channel, message.thread_ts) if message.thread_ts else None
            if parent is not None and parent.is_reply:
                parent = self.message(message.channel, parent.thread_ts)
            if parent is not None:
                message.thread_ts = parent.ts
                message.parent_user_id = parent.user
                parent.thread_ts = parent.ts
                parent.reply_count += 1
                parent.latest_reply = message.ts
                if message.user and message.user not in parent.reply_users:
                    parent.reply_users.append(message.user)
            self._messages.setdefault(message.channel, {})[message.ts] = message
        return message

    def message(self, channel: str, ts: str | None) -> Message | None:
        """Return the message `ts` of `channel` (top level or reply), or None."""
        with self.lock:
            return self._messages.get(channel, {}).get(ts or "")

    def top_level(self, channel: str) -> list[Message]:
        """Return the messages shown in the channel itself (incl. broadcasts), oldest first."""
        with self.lock:
            shown = [
                m
                for m in self._messages.get(channel, {}).values()
                if not m.is_reply or m.subtype == "thread_broadcast"
            ]
        return sorted(shown, key=lambda m: parse_ts(m.ts) or 0)

    def thread(self, channel: str, ts: str) -> list[Message] | None:
        """Return a thread, parent first then replies oldest first; None if `ts` is unknown."""
        with self.lock:
            root = self.message(channel, ts)
            if root is None:
                return None
            if root.is_reply:
                root = self.message(channel, root.thread_ts) or root
            replies = [
                m
                for m in self._messages.get(channel, {}).values()
                if m.is_reply and m.thread_ts == root.ts
            ]
        return [root, *sorted(replies, key=lambda m: parse_ts(m.ts) or 0)]

    def root_of(self, message: Message) -> dict[str, Any] | None:
        """Return the parent of a reply in Slack's shape (the `root` of a thread broadcast)."""
        parent = self.message(message.channel, message.thread_ts)
        return parent.as_slack() if parent is not None and parent is not message else None

    def remove_message(self, channel: str, ts: str) -> Message:
        """Delete a message; a parent with replies stays as Slack's tombstone.

        Returns the message as it was. Raises KeyError when it does not exist.
        """
        with self.lock:
            message = self._messages[channel].pop(ts)
            if message.is_reply:
                self._recount_thread(channel, message.thread_ts or "")
            elif message.reply_count:
                tombstone = Message(ts=ts, channel=channel, user="USLACKBOT", subtype="tombstone")
                tombstone.text = "This message was deleted."
                tombstone.thread_ts, tombstone.reply_count = ts, message.reply_count
                tombstone.reply_users = list(message.reply_users)
                tombstone.latest_reply = message.latest_reply
                self._messages[channel][ts] = tombstone
            return message

    def _recount_thread(self, channel: str, parent_ts: str) -> None:
        """Recompute a parent's reply count, repliers and latest reply after a deletion."""
        parent = self.message(channel, parent_ts)
        thread = self.thread(channel, parent_ts) if parent is not None else None
        if parent is None or thread is None:
            return
        replies = thread[1:]
        parent.reply_count = len(replies)
        parent.latest_reply = replies[-1].ts if replies else None
        parent.reply_users = list(dict.fromkeys(r.user for r in replies if r.user))

    # Ephemeral messages and views

    def add_ephemeral(self, ephemeral: Ephemeral) -> Ephemeral:
        """Store an ephemeral message shown only to its recipient."""
        with self.lock:
            self.ephemerals.append(ephemeral)
        return ephemeral

    def ephemeral(self, user: str, ts: str) -> Ephemeral | None:
        """Return the (undeleted) ephemeral message `ts` shown to `user`, or None."""
        with self.lock:
            return next(
                (
                    e
                    for e in self.ephemerals
                    if e.recipient == user and e.ts == ts and not e.deleted
                ),
                None,
            )

    def open_views(self, user: str | None = None) -> list[View]:
        """Return the views on screen (modal stack and Home tabs), oldest first."""
        with self.lock:
            return [v for v in self.views.values() if v.open and user in (None, v.user)]
