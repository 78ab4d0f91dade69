"""The interactive half of the driver: clicks on messages and views, modal submissions.

Kept apart from `driver.py` so each stays readable; `SlackDriver` inherits these methods.
"""

import copy
import json
import urllib.parse
from typing import Any

from bot.emulator.people.client import (
    SELECTION_KEYS,
    action_entry,
    element_state,
    find_element,
    submission_state,
)
from bot.emulator.people.slack import Slack
from bot.emulator.state.models import Channel, Team, User, View
from bot.emulator.state.workspace import Workspace
from bot.emulator.to_bot import envelopes
from bot.emulator.to_bot.sender import Delivery, Signing
from bot.emulator.web_api.block_kit import view_errors
from bot.emulator.web_api.views import replace_view, view_payload


def _stateful(element: dict[str, Any]) -> bool:
    """Return whether an element keeps a value in `state.values` (selects, inputs, pickers)."""
    return element.get("type") in SELECTION_KEYS or str(element.get("type")).endswith("_input")


class InteractiveDriver:
    """Clicks and submissions, sent as Slack's interactivity payloads."""

    emu: Slack
    ws: Workspace
    team: Team

    def payload(self, payload: dict[str, Any], **sign: Any) -> Delivery:
        """Send an interactivity payload as Slack does: a form with one `payload` field."""
        raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.emu.deliverer.send(
            payload["type"], payload, raw, "application/x-www-form-urlencoded", Signing(**sign)
        )

    def _user(self, user_id: str) -> User:
        """Return a known user, or fail the test."""
        user = self.ws.users.get(user_id)
        if user is None:
            raise LookupError(f"unknown user {user_id!r}: add it with emu.add_user() first")
        return user

    def _conversation(self, ref: str, user_id: str) -> Channel:
        """Return a conversation by id or name; the bot's user id means the user's DM with it."""
        if ref == self.team.bot_user_id:
            return self.ws.dm_with(user_id)
        channel = self.ws.channel(ref)
        if channel is None:
            raise LookupError(f"unknown channel {ref!r}: add it with emu.add_channel() first")
        return channel

    def _view(self, user: str, view_id: str) -> View:
        """Return the view `view_id` open on `user`'s screen, or fail the test."""
        view = self.ws.views.get(view_id)
        if view is None or not view.open or view.user != user:
            raise LookupError(f"view {view_id!r} is not open for {user}")
        return view

    def click(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action_id: str,
        value: Any = None,
        **sign: Any,
    ) -> Delivery:
        """Click a button (or pick `value` in a menu) on a message or an ephemeral message.

        `value` also tells apart buttons sharing an action_id. Clicking something that is
        not on the message raises LookupError.
        """
        person, room = self._user(user), self._conversation(channel, user)
        with self.ws.lock:
            message = self.ws.message(room.id, message_ts)
            shown = message or self.ws.ephemeral(person.id, message_ts)
            if shown is None:
                raise LookupError(f"no message {message_ts} in {room.name} for {person.id}")
            block, element = find_element(shown.blocks, action_id, value)
            action = action_entry(block, element, value, self.ws.ts.next())
            url = self.emu.response_urls.issue(room.id, person.id, message_ts, message is None)
            container = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": room.id,
                "is_ephemeral": message is None,
            }
            where: dict[str, Any] = {"channel": {"id": room.id, "name": _name(room)}}
            if message is not None:
                where["message"] = message.as_slack()
                where["state"] = {"values": _clicked_state(block, element, value)}
            where["response_url"] = f"{self.emu.server_root()}response/{url.id}"
        trigger_id = self.emu.triggers.issue(person.id)
        body = envelopes.block_actions_payload(
            self.team, person, container, action, trigger_id, where
        )
        return self.payload(body, **sign)

    def click_in_view(
        self, user: str, view_id: str, action_id: str, value: Any = None, **sign: Any
    ) -> Delivery:
        """Click a button (or choose `value`) in an open modal or Home tab."""
        person = self._user(user)
        with self.ws.lock:
            view = self._view(person.id, view_id)
            block, element = find_element(view.blocks, action_id, value)
            action = action_entry(block, element, value, self.ws.ts.next())
            if _stateful(element):
                values = view.payload.setdefault("state", {}).setdefault("values", {})
                values.setdefault(block["block_id"], {})[element["action_id"]] = element_state(
                    element, value
                )
            where = {"view": copy.deepcopy(view.payload)}
        container = {"type": "view", "view_id": view.id}
        trigger_id = self.emu.triggers.issue(person.id)
        body = envelopes.block_actions_payload(
            self.team, person, container, action, trigger_id, where
        )
        return self.payload(body, **sign)

    def submit_view(
        self, user: str, view_id: str, values: dict[str, dict[str, Any]] | None = None, **sign: Any
    ) -> Delivery:
        """Submit an open modal with `values` ({block_id: {action_id: value}}).

        The bot's answer is applied as Slack does: nothing closes the modal, `errors` keeps
        it open with the messages (see `View.errors`), `update`/`push`/`clear` change it.
        """
        person = self._user(user)
        with self.ws.lock:
            view = self._view(person.id, view_id)
            state = submission_state(view.blocks, values or {})
            view.payload["state"] = {"values": state}
            submitted = copy.deepcopy(view.payload)
        trigger_id = self.emu.triggers.issue(person.id)
        body = envelopes.view_submission_payload(self.team, person, submitted, trigger_id)
        delivery = self.payload(body, **sign)
        self._apply_view_answer(view, delivery)
        return delivery

    def close_view(self, user: str, view_id: str, **sign: Any) -> Delivery | None:
        """Close a modal with its X; the bot hears `view_closed` only with `notify_on_close`."""
        person = self._user(user)
        with self.ws.lock:
            view = self._view(person.id, view_id)
            view.open = False
            closed = copy.deepcopy(view.payload)
        self.ws.notify()
        if not closed.get("notify_on_close"):
            return None
        body = {
            "type": "view_closed",
            "team": {"id": self.team.team_id, "domain": self.team.team_domain},
            "user": envelopes.payload_user(self.team, person),
            "api_app_id": self.team.app_id,
            "token": self.team.verification_token,
            "view": closed,
            "is_cleared": False,
        }
        return self.payload(body, **sign)

    def _apply_view_answer(self, view: View, delivery: Delivery) -> None:
        """Apply the bot's answer to a submission to what the user sees."""
        text = delivery.text.strip() if delivery.ok else None
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            answer = None  # Slack shows "trouble connecting" and keeps the modal
        if text is None or not isinstance(answer, dict):
            return
        action = answer.get("response_action")
        with self.ws.lock:
            view.errors = dict(answer.get("errors") or {}) if action == "errors" else {}
            if action is None:
                view.open = False
            elif action == "update" and not view_errors(answer.get("view")):
                replace_view(self.emu.ctx, view, answer["view"])
            elif action == "push" and not view_errors(answer.get("view")):
                pushed_id = self.ws.ids.next("V")
                payload = view_payload(self.emu.ctx, answer["view"], pushed_id, view)
                self.ws.views[pushed_id] = View(pushed_id, view.user, payload)
            elif action == "clear":
                for shown in self.ws.open_views(view.user):
                    shown.open = shown.type != "modal"
        self.ws.notify()


def _name(channel: Channel) -> str:
    """Return the channel name interactivity payloads carry (`directmessage` for DMs)."""
    return "directmessage" if channel.is_im else channel.name


def _clicked_state(block: dict[str, Any], element: dict[str, Any], value: Any) -> dict[str, Any]:
    """Return `state.values` after acting on a stateful element ({} for buttons)."""
    if not _stateful(element):
        return {}
    return {block["block_id"]: {element["action_id"]: element_state(element, value)}}
