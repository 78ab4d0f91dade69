"""What a person's client does before Slack sends anything: typing, escaping, picking (pure).

Slack's client turns `@ann` into a mention, the server escapes command text, a click names
one element of one block, and a submitted modal carries each input's state.
"""

import re
from typing import Any

from bot.emulator.state.ids import IdSource
from bot.emulator.state.models import Channel, User

MENTION = re.compile(r"(?<![\w<|@])@([\w][\w.\-]*)")
CHANNEL_REF = re.compile(r"(?<![\w<|&])#([\w][\w\-]*)")
USER_TOKEN = re.compile(r"<@([A-Z0-9_]+)(?:\|[^>]*)?>")
# Typed `@channel`, `@here`, `@everyone` reach apps as Slack's broadcast commands.
BROADCAST = re.compile(r"(?<![\w<|@])@(channel|here|everyone)\b")

# What each kind of element puts in `state.values` / `actions[]`, by its selection key.
SELECTION_KEYS = {
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
INITIAL_KEYS = {
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}


def escape_entities(text: str) -> str:
    """Return text with `&`, `<`, `>` as Slack sends them (`&amp;`, `&lt;`, `&gt;`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lookup(name: str, known: dict[str, Any]) -> tuple[str, Any] | None:
    """Find `name` (or `name` without trailing punctuation) among known names."""
    for candidate in (name, name.rstrip(".-")):
        if candidate in known:
            return candidate, known[candidate]
    return None


def command_text(text: str, users: list[User], channels: list[Channel], should_escape: bool) -> str:
    """Return slash command text as Slack delivers it: entities escaped, and with
    `should_escape` known `@name`s as `<@U…|name>`, `#channel`s as `<#C…|name>` and
    `@channel`/`@here`/`@everyone` as `<!channel>`/`<!here>`/`<!everyone>`."""
    text = escape_entities(text)
    if not should_escape:
        return text
    by_name = {u.name: u for u in users}
    by_channel = {c.name: c for c in channels if not c.is_im}

    def user(match: re.Match[str]) -> str:
        found = _lookup(match.group(1), by_name)
        if found is None:
            return match.group(0)
        name, person = found
        return f"<@{person.id}|{name}>" + match.group(1)[len(name) :]

    def channel(match: re.Match[str]) -> str:
        found = _lookup(match.group(1), by_channel)
        if found is None:
            return match.group(0)
        name, room = found
        return f"<#{room.id}|{name}>" + match.group(1)[len(name) :]

    return CHANNEL_REF.sub(channel, MENTION.sub(user, BROADCAST.sub(r"<!\1>", text)))


def typed_message_text(text: str, users: list[User]) -> str:
    """Return a typed message as Slack stores it: `@name` picked from the list becomes `<@U…>`,
    `@channel`/`@here`/`@everyone` become `<!channel>`/`<!here>`/`<!everyone>`."""
    by_name = {u.name: u for u in users}

    def user(match: re.Match[str]) -> str:
        found = _lookup(match.group(1), by_name)
        if found is None:
            return match.group(0)
        name, person = found
        return f"<@{person.id}>" + match.group(1)[len(name) :]

    return MENTION.sub(user, BROADCAST.sub(r"<!\1>", text))


def rich_text_blocks(text: str) -> list[dict[str, Any]]:
    """Return the `rich_text` block Slack's client attaches to a typed message."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in USER_TOKEN.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": text[position : match.start()]})
        elements.append({"type": "user", "user_id": match.group(1)})
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    section = {"type": "rich_text_section", "elements": elements}
    return [{"type": "rich_text", "block_id": IdSource.block_id(), "elements": [section]}]


def interactive_elements(blocks: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    """Return every (block, element) a person can act on, in reading order."""
    found = []
    for block in blocks:
        if isinstance(block.get("accessory"), dict):
            found.append((block, block["accessory"]))
        found.extend((block, e) for e in block.get("elements") or [] if "action_id" in e)
        if isinstance(block.get("element"), dict):
            found.append((block, block["element"]))
    return found


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: Any = None
) -> tuple[dict, dict]:
    """Return the (block, element) with `action_id` (a button also matched by `value`).

    Raises LookupError naming what is on screen: clicking something absent is a test bug.
    """
    candidates = [
        (b, e) for b, e in interactive_elements(blocks) if e.get("action_id") == action_id
    ]
    buttons = [(b, e) for b, e in candidates if e.get("type") == "button"]
    if value is not None and buttons:
        candidates = [(b, e) for b, e in buttons if e.get("value") == value] or []
    if not candidates:
        shown = [(e.get("action_id"), e.get("value")) for _, e in interactive_elements(blocks)]
        raise LookupError(f"no element {action_id!r} (value {value!r}) here; on screen: {shown}")
    return candidates[0]


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """Return the option of `element` whose value is `value` (groups included)."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == value:
            return option
    raise LookupError(f"{element.get('action_id')!r} has no option {value!r}")


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """Return an element's entry in `state.values` once a person chose `value` (None: untouched)."""
    kind = element.get("type", "")
    key = SELECTION_KEYS.get(kind, "value")
    if value is None:
        chosen = element.get(INITIAL_KEYS.get(key, "initial_value"))
    elif key == "selected_option":
        chosen = _option(element, value)
    elif key == "selected_options" and kind in ("checkboxes", "multi_static_select"):
        values = value if isinstance(value, list | tuple) else [value]
        chosen = [_option(element, v) for v in values]
    else:
        chosen = value
    return {"type": kind, key: chosen}


def action_entry(
    block: dict[str, Any], element: dict[str, Any], value: Any, action_ts: str
) -> dict[str, Any]:
    """Return the `actions[]` entry Slack sends for acting on `element`."""
    entry: dict[str, Any] = {
        "action_id": element.get("action_id"),
        "block_id": block.get("block_id"),
    }
    kind = element.get("type")
    if kind == "button":
        entry["text"] = element.get("text")
        if "value" in element:
            entry["value"] = element["value"]
        entry.update(type="button", action_ts=action_ts)
        return entry
    state = element_state(element, value)
    entry.update({k: v for k, v in state.items() if k != "type"})
    entry["type"] = kind
    if "placeholder" in element:
        entry["placeholder"] = element["placeholder"]
    entry["action_ts"] = action_ts
    return entry


def submission_state(
    blocks: list[dict[str, Any]], values: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Return a modal's `state.values` from what was typed: {block_id: {action_id: value}}.

    Every input block appears, untouched ones with their initial value or null, as Slack
    sends them. Raises ValueError for values aimed at no input, and for an empty required
    input (Slack's client refuses to submit it).
    """
    state: dict[str, dict[str, Any]] = {}
    known = set()
    for block in blocks:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
        known.add((block_id, action_id))
        entry = element_state(element, values.get(block_id, {}).get(action_id))
        if not block.get("optional") and all(v in (None, "", []) for v in _chosen(entry)):
            raise ValueError(f"required input {block_id}/{action_id} is empty: Slack won't submit")
        state[block_id] = {action_id: entry}
    unknown = {(b, a) for b, acts in values.items() for a in acts} - known
    if unknown:
        raise ValueError(f"no input {sorted(unknown)} in this view; inputs: {sorted(known)}")
    return state


def _chosen(entry: dict[str, Any]) -> list[Any]:
    """Return the chosen values of a state entry (everything but its type)."""
    return [v for k, v in entry.items() if k != "type"]
