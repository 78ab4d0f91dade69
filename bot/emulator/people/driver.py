"""Play Slack towards the bot over real HTTP: people post, edit, react, run commands and click.

Every request is signed as Slack signs it and carries Slack's field names. Sending methods take
optional signing overrides for negative tests: `signing_secret=`, `signature=`,
`timestamp_offset=` (seconds; `-400` makes a stale request).
"""

import copy
import json
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

from bot.emulator.people.clicks import InteractiveDriver
from bot.emulator.people.client import command_text, rich_text_blocks, typed_message_text
from bot.emulator.people.slack import Slack
from bot.emulator.state.models import Channel, Message, User
from bot.emulator.to_bot import envelopes
from bot.emulator.to_bot.sender import Delivery, Reply, Signing
from bot.emulator.web_api.respond import post_channel_answer, post_ephemeral_answer


@dataclass
class Posted:
    """A message a person posted, and its delivery to the bot (None when the bot is not there)."""

    message: Message
    delivery: Delivery | None

    @property
    def ts(self) -> str:
        """Return the new message's `ts`."""
        return self.message.ts

    @property
    def channel(self) -> str:
        """Return the conversation the message is in."""
        return self.message.channel

    @property
    def responses(self) -> list[Reply]:
        """Return the bot's answers to each delivery attempt ([] when nothing was delivered)."""
        return list(self.delivery.replies) if self.delivery else []


class SlackDriver(InteractiveDriver):
    """Slack's side of the conversation with the bot, bound to one emulator."""

    def __init__(self, emulator: Slack) -> None:
        self.emu = emulator
        self.ws = emulator.workspace
        self.team = emulator.workspace.team

    @property
    def ack_timeout(self) -> float:
        """Return how long Slack waits for the bot's HTTP answer (3 s by default)."""
        return self.emu.deliverer.ack_timeout

    @ack_timeout.setter
    def ack_timeout(self, seconds: float) -> None:
        self.emu.deliverer.ack_timeout = seconds

    @property
    def retry_delays(self) -> tuple[float, ...]:
        """Return the pauses before event retries 1..3 (Slack: 0, ~60, ~300 s; default none)."""
        return self.emu.deliverer.retry_delays

    @retry_delays.setter
    def retry_delays(self, delays: tuple[float, ...]) -> None:
        self.emu.deliverer.retry_delays = tuple(delays)

    # Sending

    def event(self, event: dict[str, Any], event_id: str | None = None, **sign: Any) -> Delivery:
        """Deliver a raw event in an `event_callback` envelope, retrying as Slack does."""
        envelope = envelopes.event_envelope(
            self.team, event, event_id or self.ws.ids.event_id(), self.ws.ts.now_seconds()
        )
        raw = json.dumps(envelope).encode()
        return self.emu.deliverer.send(
            "event", envelope, raw, "application/json", Signing(**sign), retry=True
        )

    def redeliver(
        self, delivery: Delivery, retry_num: int = 1, reason: str = "http_timeout"
    ) -> Delivery:
        """Send an earlier event again, unchanged, with Slack's retry headers (a duplicate)."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
        raw = json.dumps(delivery.body).encode()
        return self.emu.deliverer.send(
            "event", delivery.body, raw, "application/json", headers=headers
        )

    def url_verification(self, challenge: str | None = None, **sign: Any) -> Delivery:
        """Run Slack's URL verification handshake (the bot must echo the challenge)."""
        body = envelopes.url_verification_body(self.team, challenge or self.ws.ids.secret())
        raw = json.dumps(body).encode()
        return self.emu.deliverer.send(
            "url_verification", body, raw, "application/json", Signing(**sign)
        )

    # People and places

    def _member(self, user_id: str, ref: str) -> tuple[User, Channel]:
        """Return a user and a conversation they can write in, or fail the test."""
        user, channel = self._user(user_id), self._conversation(ref, user_id)
        if channel.archived:
            raise ValueError(f"{channel.name} is archived: nobody can post there")
        if channel.is_im and channel.im_user != user.id:
            raise ValueError(f"{user.id} is not part of the DM {channel.id}")
        if not channel.is_im and user.id not in channel.members:
            raise ValueError(f"{user.id} is not a member of {channel.name}")
        return user, channel

    def _known_channel(self, ref: str) -> Channel:
        """Return a conversation by id or name (DMs by their D… id), or fail the test."""
        channel = self.ws.channel(ref)
        if channel is None:
            raise LookupError(f"unknown channel {ref!r}")
        return channel

    # Messages

    def post(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        broadcast: bool = False,
        **sign: Any,
    ) -> Posted:
        """Post as a person (in a thread with `thread_ts`, also in the channel with `broadcast`).

        `text` is what Slack stores: `<@U…>` mentions may be written directly, and a typed
        `@name` of a known user becomes one, as the client's autocomplete does.
        """
        author, room = self._member(user, channel)
        text = typed_message_text(text, list(self.ws.users.values()))
        message = Message(
            ts=self.ws.ts.next(),
            channel=room.id,
            user=author.id,
            text=text,
            blocks=rich_text_blocks(text),
            client_msg_id=str(uuid.uuid4()),
            team=self.team.team_id,
            thread_ts=thread_ts,
        )
        if thread_ts and broadcast:
            message.subtype = "thread_broadcast"
        with self.ws.lock:
            if thread_ts and self.ws.message(room.id, thread_ts) is None:
                raise LookupError(f"no message {thread_ts} in {room.name} to reply to")
            self.ws.add_message(message)
            stored = copy.deepcopy(message)
            root = self.ws.root_of(message) if broadcast else None
        self.ws.notify()
        event = envelopes.message_event(stored, room, root)
        return Posted(stored, self._tell_bot(room, event, sign))

    def edit(self, channel: str, ts: str, new_text: str, **sign: Any) -> Delivery | None:
        """Edit a person's message as its author; the bot gets `message_changed`."""
        room = self._known_channel(channel)
        with self.ws.lock:
            message = self._existing(room, ts)
            previous = copy.deepcopy(message)
            message.text = typed_message_text(new_text, list(self.ws.users.values()))
            message.blocks = rich_text_blocks(message.text)
            edit_ts = self.ws.ts.next()
            message.edited = {"user": str(message.user), "ts": edit_ts}
            event = envelopes.message_changed_event(message, previous, room, edit_ts)
        self.ws.notify()
        return self._tell_bot(room, event, sign)

    def delete(self, channel: str, ts: str, **sign: Any) -> Delivery | None:
        """Delete a message; the bot gets `message_deleted`."""
        room = self._known_channel(channel)
        with self.ws.lock:
            self._existing(room, ts)
            previous = self.ws.remove_message(room.id, ts)
            event = envelopes.message_deleted_event(previous, room, self.ws.ts.next())
        self.ws.notify()
        return self._tell_bot(room, event, sign)

    def _tell_bot(
        self, room: Channel, event: dict[str, Any], sign: dict[str, Any]
    ) -> Delivery | None:
        """Deliver an event from `room` if the bot is in it and connected (else Slack is silent)."""
        if not room.bot_is_member or not self.emu.deliverer.connected:
            return None
        return self.event(event, **sign)

    def _existing(self, room: Channel, ts: str) -> Message:
        """Return the message `ts` in `room`, or fail the test."""
        message = self.ws.message(room.id, ts)
        if message is None:
            raise LookupError(f"no message {ts} in {room.name}")
        return message

    def react(self, user: str, channel: str, ts: str, name: str, **sign: Any) -> Delivery | None:
        """Add a person's reaction; the bot gets `reaction_added` if it is in the channel."""
        return self._reaction(True, user, channel, ts, name.strip(":"), sign)

    def unreact(self, user: str, channel: str, ts: str, name: str, **sign: Any) -> Delivery | None:
        """Remove a person's reaction; the bot gets `reaction_removed`."""
        return self._reaction(False, user, channel, ts, name.strip(":"), sign)

    def _reaction(
        self, added: bool, user: str, channel: str, ts: str, name: str, sign: dict[str, Any]
    ) -> Delivery | None:
        """Change a reaction and tell the bot, as Slack does."""
        person, room = self._member(user, channel)
        with self.ws.lock:
            message = self._existing(room, ts)
            users = message.reactions.setdefault(name, [])
            if added == (person.id in users):
                raise ValueError(f"{person.id} {'already has' if added else 'has no'} :{name}:")
            if added:
                users.append(person.id)
            else:
                users.remove(person.id)
            if not users:
                del message.reactions[name]
            event = envelopes.reaction_event(added, person.id, message, name, self.ws.ts.next())
        self.ws.notify()
        return self._tell_bot(room, event, sign)

    def home_opened(self, user: str, tab: str = "home", **sign: Any) -> Delivery:
        """Open the app's Home (or Messages) tab as `user`; the bot gets `app_home_opened`."""
        person = self._user(user)
        dm = self.ws.dm_with(person.id)
        home = next((v for v in self.ws.open_views(person.id) if v.type == "home"), None)
        view = copy.deepcopy(home.payload) if home else None
        event = envelopes.app_home_opened_event(person.id, dm, tab, self.ws.ts.next(), view)
        return self.event(event, **sign)

    # Slash commands

    def command(
        self, command: str, text: str, user: str, channel: str, escape: bool = True, **sign: Any
    ) -> Delivery:
        """Run a slash command as `user` in `channel`; what the ack says is shown to the user.

        With `escape` (`should_escape: true` in the manifest) known `@name`s and `#channel`s
        arrive escaped. Slack does not retry commands; if the bot is late the user sees
        'failed with the error "operation_timeout"'.
        """
        person, room = self._member(user, channel)
        wire_text = command_text(
            text, list(self.ws.users.values()), list(self.ws.channels.values()), escape
        )
        url = self.emu.response_urls.issue(room.id, person.id)
        form = envelopes.slash_command_form(
            self.team,
            person,
            room,
            command,
            wire_text,
            f"{self.emu.server_root()}response/{url.id}",
            self.emu.triggers.issue(person.id),
        )
        raw = urllib.parse.urlencode(form).encode()
        delivery = self.emu.deliverer.send(
            "command", dict(form), raw, "application/x-www-form-urlencoded", Signing(**sign)
        )
        self._show_ack(command, person, room, delivery)
        if self.emu.deliverer.settle is not None:
            self.emu.deliverer.settle()  # the answer that follows the acknowledgement
        return delivery

    def _show_ack(self, command: str, person: User, room: Channel, delivery: Delivery) -> None:
        """Show the user what Slack shows for the command's HTTP answer."""
        ctx = self.emu.ctx
        if not delivery.ok:
            error = "operation_timeout" if delivery.status is None else "dispatch_failed"
            text = f'{command} failed with the error "{error}"'
            with self.ws.lock:
                post_ephemeral_answer(ctx, room.id, person.id, text, [], "command_error")
        elif delivery.text.strip():
            body = _ack_body(delivery)
            text, blocks = str(body.get("text") or ""), list(body.get("blocks") or [])
            with self.ws.lock:
                if body.get("response_type") == "in_channel":
                    post_channel_answer(ctx, room.id, text, blocks)
                else:
                    post_ephemeral_answer(ctx, room.id, person.id, text, blocks, "command_ack")
        self.ws.notify()


def _ack_body(delivery: Delivery) -> dict[str, Any]:
    """Return an ack's body as a message: JSON as sent, plain text as `{"text": …}`."""
    try:
        body = delivery.json()
    except ValueError:
        return {"text": delivery.text}
    return body if isinstance(body, dict) else {"text": delivery.text}
