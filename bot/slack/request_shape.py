"""What a Slack request must hold for Bolt and siteloop's listeners to read it (pure).

Slack's requests are signed, so a malformed one is not an attack but a payload siteloop can
never act on: Bolt and the listeners would raise on it, and the inbox would retry it in vain.
`problem_with` names what is wrong, so the door can answer 200 (Slack must not retry) and log
one line, and nothing is stored. The models check only the fields that are read, with strict
types (a number is not a text); other fields pass untouched.

Two layers: what Bolt reads from any request to say whose it is (`_Context`, at the top, in
the event, its message and item, the first authorization), then what the listener of each kind
of request reads (`_KINDS`, then `_EVENTS` for an event's own fields).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

_TS = re.compile(r"\d{1,12}\.\d{1,9}")


def _ts(value: str) -> str:
    if not _TS.fullmatch(value):
        raise ValueError("not a Slack timestamp (like 1764550800.000100)")
    return value


def _ref(value: object) -> object:
    if not isinstance(value, str | dict):
        raise ValueError("neither an id nor an object")
    return value


# A Slack user id ("U0ANN"): whoever a request is from, never empty.
UserId = Annotated[str, Field(min_length=1)]
# A Slack timestamp, "1764550800.000100": seconds, then a sequence number.
Ts = Annotated[str, AfterValidator(_ts)]
# An id Bolt reads either as the text itself or from the object's `id`.
_Ref = Annotated[object, AfterValidator(_ref)]


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Context(_Shape):
    enterprise: _Ref | None = None
    team: _Ref | None = None
    user: _Ref | None = None
    channel: _Ref | None = None
    authorizations: list[_Context] | None = None
    message: _Context | None = None
    previous_message: _Context | None = None
    item: _Context | None = None
    view: dict | None = None
    response_urls: list | None = None


class _Request(_Context):
    # At the top, Slack sends whose a request is as objects, and the request log reads them so.
    type: str | None = None
    enterprise: dict | None = None
    team: dict | None = None
    user: dict | None = None
    channel: dict | None = None


class _Id(_Shape):
    id: UserId


class _Event(_Context):
    type: str


class _Envelope(_Request):
    type: Literal["event_callback"]
    team_id: str | None = None
    api_app_id: str | None = None
    event_id: str | None = None
    event: _Event


class _Edited(_Shape):
    ts: Ts


class _Message(_Context):
    ts: Ts
    user: UserId | None = None
    text: str | None = None
    thread_ts: Ts | None = None
    bot_id: str | None = None
    edited: _Edited | None = None


class _MessageEvent(_Message):
    channel: str
    subtype: str | None = None
    channel_type: str | None = None
    message: _Message | None = None
    deleted_ts: Ts | None = None

    @model_validator(mode="after")
    def _says_what_changed(self) -> Self:
        if self.subtype == "message_changed" and self.message is None:
            raise ValueError("an edit without its `message`")
        if self.subtype == "message_deleted" and self.deleted_ts is None:
            raise ValueError("a deletion without its `deleted_ts`")
        return self


class _Item(_Context):
    type: str
    channel: str | None = None
    ts: Ts | None = None

    @model_validator(mode="after")
    def _names_its_message(self) -> Self:
        if self.type == "message" and (self.channel is None or self.ts is None):
            raise ValueError("a message item needs its `channel` and `ts`")
        return self


class _ReactionEvent(_Event):
    user: UserId
    reaction: str
    item: _Item
    event_ts: Ts | None = None


class _HomeOpened(_Event):
    user: UserId
    tab: str | None = None


class _Command(_Request):
    command: str
    text: str = ""
    user_id: UserId
    channel_id: str
    response_url: str


class _Option(_Shape):
    value: str


class _Action(_Shape):
    action_id: str
    value: str | None = None
    action_ts: str | None = None
    selected_option: _Option | None = None
    selected_user: str | None = None


class _Container(_Shape):
    channel_id: str | None = None
    message_ts: Ts | None = None


class _Click(_Request):
    user: _Id  # type: ignore[assignment]  # a person who clicks is always named
    actions: Annotated[list[_Action], Field(min_length=1)]
    trigger_id: str | None = None
    container: _Container | None = None


class _State(_Shape):
    values: dict[str, dict[str, dict]]


class _View(_Shape):
    id: str
    callback_id: str
    private_metadata: str | None = None
    state: _State


class _Submission(_Request):
    user: _Id  # type: ignore[assignment]  # a person who submits is always named
    view: _View  # type: ignore[assignment]  # and the view is the one submitted


_SAID = {
    "missing": "missing",
    "model_type": "not an object",
    "dict_type": "not an object",
    "string_type": "not a text",
    "list_type": "not a list",
    "too_short": "empty",
    "string_too_short": "empty",
}
_KINDS: dict[str, type[_Shape]] = {
    "event_callback": _Envelope,
    "block_actions": _Click,
    "view_submission": _Submission,
}
_EVENTS: dict[str, type[_Shape]] = {
    "message": _MessageEvent,
    "reaction_added": _ReactionEvent,
    "reaction_removed": _ReactionEvent,
    "app_home_opened": _HomeOpened,
}


def problem_with(body: dict) -> str | None:
    """Return what makes a request's `body` unreadable to siteloop (`event.ts: …`), or None."""
    if problem := _problem(_Request, body):
        return problem
    kind = _Command if "command" in body else _KINDS.get(body.get("type") or "")
    if problem := _problem(kind, body):
        return problem
    if kind is _Envelope:
        event = body["event"]
        return _problem(_EVENTS.get(event["type"]), event, within="event")
    return None


def _problem(shape: type[_Shape] | None, value: dict, within: str = "") -> str | None:
    """Return the first thing `value` lacks to be a `shape` (None when it is one, or when no
    shape is asked for)."""
    if shape is None:
        return None
    try:
        shape.model_validate(value)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in (within, *first["loc"]) if part != "")
        # Pydantic would name our private model ("… or instance of _Event"), or Python's type,
        # and precede our own words with "Value error, ".
        said = _SAID.get(first["type"]) or str(first.get("ctx", {}).get("error") or first["msg"])
        return f"{where or 'body'}: {said}"
    return None
