"""What a Slack request must hold for siteloop's listeners to read it (pure).

Slack's requests are signed, so a malformed one is not an attack but a payload siteloop can
never act on: Bolt and the listeners would raise on it, and the inbox would retry it in vain.
`problem_with` names what is wrong, so the door can answer 200 (Slack must not retry) and log
one line, and nothing is stored. The models check only the fields siteloop reads, with strict
types (a number is not a text); other fields and other kinds of request pass untouched.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

# A Slack timestamp, "1764550800.000100": seconds, then a sequence number.
Ts = Annotated[str, StringConstraints(pattern=r"^\d{1,12}\.\d{1,9}$")]


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Id(_Shape):
    id: str


class _Event(_Shape):
    type: str


class _Envelope(_Shape):
    type: Literal["event_callback"]
    team_id: str | None = None
    api_app_id: str | None = None
    event_id: str | None = None
    event: _Event


class _Edited(_Shape):
    ts: Ts


class _Message(_Shape):
    ts: Ts
    user: str | None = None
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


class _Item(_Shape):
    type: str
    channel: str | None = None
    ts: Ts | None = None

    @model_validator(mode="after")
    def _names_its_message(self) -> Self:
        if self.type == "message" and (self.channel is None or self.ts is None):
            raise ValueError("a message item needs its `channel` and `ts`")
        return self


class _ReactionEvent(_Shape):
    user: str
    reaction: str
    item: _Item
    event_ts: Ts | None = None


class _HomeOpened(_Shape):
    user: str
    tab: str | None = None


class _Command(_Shape):
    command: str
    text: str = ""
    user_id: str
    channel_id: str
    response_url: str


class _Action(_Shape):
    action_id: str
    value: str | None = None
    action_ts: str | None = None
    selected_user: str | None = None


class _Container(_Shape):
    channel_id: str | None = None
    message_ts: Ts | None = None


class _Click(_Shape):
    user: _Id
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


class _Submission(_Shape):
    user: _Id
    view: _View


_EVENTS: dict[str, type[_Shape]] = {
    "message": _MessageEvent,
    "reaction_added": _ReactionEvent,
    "reaction_removed": _ReactionEvent,
    "app_home_opened": _HomeOpened,
}
_INTERACTIONS: dict[str, type[_Shape]] = {
    "block_actions": _Click,
    "view_submission": _Submission,
}


def problem_with(body: dict) -> str | None:
    """Return what makes a request's `body` unreadable to siteloop (`event.ts: …`), or None."""
    kind = body.get("type")
    if "command" in body:
        return _problem(_Command, body)
    if kind == "event_callback":
        return _problem(_Envelope, body) or _problem(
            _EVENTS.get(body["event"]["type"]), body["event"], within="event"
        )
    return _problem(_INTERACTIONS.get(kind) if isinstance(kind, str) else None, body)


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
        # Pydantic would name our private model ("… or instance of _Event").
        said = "Input should be an object" if first["type"] == "model_type" else first["msg"]
        return f"{where or 'body'}: {said}"
    return None
