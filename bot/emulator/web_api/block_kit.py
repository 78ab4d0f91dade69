"""Block Kit limits as Slack enforces them, reported in Slack's words and json-pointers (pure).

Slack rejects a whole message (`invalid_blocks`) or view (`invalid_arguments`) when any block
breaks a limit, listing each problem as `"<problem> [json-pointer:/blocks/1/elements]"`. The
limits are those Slack documents (`tests/fixtures/slack/block_kit_limits.json`).
"""

import copy
from collections.abc import Callable, Collection
from typing import Any

from bot.emulator.state.ids import IdSource

BLOCKS_PER_MESSAGE = 50
BLOCKS_PER_VIEW = 100
VIEW_TEXT = 24  # title, submit, close
PRIVATE_METADATA = 3000
ID_LENGTH = 255  # block_id, action_id, callback_id, external_id

TEXT_TYPES = ("plain_text", "mrkdwn")
SELECTS = frozenset(
    {
        "static_select", "external_select", "users_select", "conversations_select",
        "channels_select", "multi_static_select", "multi_external_select", "multi_users_select",
        "multi_conversations_select", "multi_channels_select",
    }
)  # fmt: skip
INPUTS = frozenset(
    {
        "plain_text_input", "number_input", "email_text_input", "url_text_input",
        "rich_text_input", "file_input", "datepicker", "timepicker", "datetimepicker",
    }
)  # fmt: skip


class _Checker:
    """Collect Slack's complaints about one payload while walking it."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, problem: str, pointer: str) -> None:
        """Record one problem at a json-pointer."""
        self.errors.append(f"{problem} [json-pointer:{pointer}]")

    def require(self, obj: dict[str, Any], key: str, pointer: str) -> Any:
        """Return `obj[key]`, recording Slack's 'missing required field' when absent."""
        if obj.get(key) in (None, "", []):
            self.fail(f"missing required field: {key}", pointer)
            return None
        return obj[key]

    def length(self, value: Any, limit: int, pointer: str) -> None:
        """Record a string longer than `limit` characters."""
        if isinstance(value, str) and len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def count(self, items: Any, limit: int, pointer: str) -> bool:
        """Record a list with more than `limit` items; return whether it is a usable list."""
        if not isinstance(items, list):
            self.fail("must provide an array", pointer)
            return False
        if len(items) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)
        return True

    def text(self, obj: Any, pointer: str, limit: int, plain_only: bool = False) -> bool:
        """Check a text object; return False when it is broken (so callers can add context)."""
        before = len(self.errors)
        if not isinstance(obj, dict):
            self.fail("must provide an object", pointer)
            return False
        kind = obj.get("type")
        if kind not in TEXT_TYPES or (plain_only and kind != "plain_text"):
            self.fail("must be a valid enum value", f"{pointer}/type")
        value = obj.get("text")
        if value is None:
            self.fail("missing required field: text", pointer)
        elif value == "":
            self.fail("must be more than 0 characters", f"{pointer}/text")
        self.length(value, limit, f"{pointer}/text")
        return len(self.errors) == before

    def optional_text(self, obj: dict[str, Any], key: str, pointer: str, limit: int) -> None:
        """Check `obj[key]` as a text object when present."""
        if obj.get(key) is not None:
            self.text(obj[key], f"{pointer}/{key}", limit)


def message_block_errors(blocks: list[Any]) -> list[str]:
    """Return Slack's complaints about a message's blocks; [] when Slack would accept them."""
    checker = _Checker()
    _check_blocks(checker, blocks, "/blocks", BLOCKS_PER_MESSAGE)
    return checker.errors


def unknown_files(blocks: Any, known: Collection[str]) -> list[str]:
    """Return Slack's complaints about image blocks showing a `slack_file` it does not have."""
    if not isinstance(blocks, list):
        return []
    return [
        f"invalid slack_file: no file {block['slack_file'].get('id')!r} "
        f"[json-pointer:/blocks/{i}/slack_file]"
        for i, block in enumerate(blocks)
        if isinstance(block, dict)
        and block.get("type") == "image"
        and isinstance(block.get("slack_file"), dict)
        and block["slack_file"].get("id") not in known
    ]


def view_errors(view: Any) -> list[str]:
    """Return Slack's complaints about a modal or Home tab view; [] when valid.

    Slack prefixes a broken view's list with 'failed to match all allowed schemas' at /view.
    """
    checker = _Checker()
    if not isinstance(view, dict):
        checker.fail("must provide an object", "/view")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail(f"unsupported type: {kind}", "/view/type")
    if kind == "modal" and checker.require(view, "title", "/view") is not None:
        checker.text(view["title"], "/view/title", VIEW_TEXT, plain_only=True)
    for key in ("submit", "close"):
        checker.optional_text(view, key, "/view", VIEW_TEXT)
    checker.length(view.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    for key in ("callback_id", "external_id"):
        checker.length(view.get(key), ID_LENGTH, f"/view/{key}")
    if view.get("blocks") is None:
        checker.fail("missing required field: blocks", "/view")
    else:
        _check_blocks(checker, view["blocks"], "/view/blocks", BLOCKS_PER_VIEW)
        _check_submit_for_inputs(checker, view)
    if checker.errors:
        checker.errors.insert(0, "failed to match all allowed schemas [json-pointer:/view]")
    return checker.errors


def _check_submit_for_inputs(checker: _Checker, view: dict[str, Any]) -> None:
    """Record a modal that has input blocks but no submit button (Slack refuses it)."""
    if view.get("type") != "modal" or view.get("submit"):
        return
    for index, block in enumerate(view.get("blocks") or []):
        if isinstance(block, dict) and block.get("type") == "input":
            checker.fail(
                "must define `submit` to use an `input` block in modals",
                f"/view/blocks/{index}",
            )
            return


def assign_block_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a copy of `blocks` as Slack stores them: every block has a `block_id` and
    every interactive element an `action_id` (random ones where the app gave none)."""
    stored = copy.deepcopy(blocks)
    for block in stored:
        if not isinstance(block, dict):
            continue
        if not block.get("block_id"):
            block["block_id"] = IdSource.block_id()
        elements = [block.get("accessory"), block.get("element")]
        if block.get("type") == "actions":
            elements += block.get("elements") or []
        for element in elements:
            interactive = isinstance(element, dict) and element.get("type") != "image"
            if interactive and isinstance(element, dict) and "action_id" not in element:
                element["action_id"] = IdSource.block_id()
    return stored


def _check_blocks(checker: _Checker, blocks: Any, pointer: str, limit: int) -> None:
    """Check a list of blocks against the surface's count limit and each block's own limits."""
    if not checker.count(blocks, limit, pointer):
        return
    for index, block in enumerate(blocks):
        _check_block(checker, block, f"{pointer}/{index}")


def _check_block(checker: _Checker, block: Any, pointer: str) -> None:
    """Check one block: a known type, its block_id, then its type's own rules."""
    if not isinstance(block, dict):
        checker.fail("must provide an object", pointer)
        return
    kind = block.get("type")
    if kind is None:
        checker.fail("missing required field: type", pointer)
        return
    rule = BLOCK_RULES.get(kind)
    if rule is None:
        checker.fail(f"unsupported type: {kind}", f"{pointer}/type")
        return
    checker.length(block.get("block_id"), ID_LENGTH, f"{pointer}/block_id")
    rule(checker, block, pointer)


def _section(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Section: text (3000) or fields (10 × 2000), optional accessory."""
    if block.get("text") is None and not block.get("fields"):
        checker.fail("must define either `text` or `fields`", f"{pointer}/type")
    if block.get("text") is not None:
        probe = _Checker()
        if not probe.text(block["text"], f"{pointer}/text", 3000):
            # Slack first says the text matched neither text schema, then why.
            checker.fail("failed to match all allowed schemas", f"{pointer}/text")
            checker.errors.extend(probe.errors)
    fields = block.get("fields")
    if fields is not None and checker.count(fields, 10, f"{pointer}/fields"):
        for index, item in enumerate(fields):
            checker.text(item, f"{pointer}/fields/{index}", 2000)
    if block.get("accessory") is not None:
        _check_element(checker, block["accessory"], f"{pointer}/accessory")


def _header(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Header: plain_text of at most 150 characters."""
    if checker.require(block, "text", pointer) is not None:
        checker.text(block["text"], f"{pointer}/text", 150, plain_only=True)


def _actions(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Actions: 1 to 25 interactive elements."""
    elements = checker.require(block, "elements", pointer)
    if elements is not None and checker.count(elements, 25, f"{pointer}/elements"):
        for index, element in enumerate(elements):
            _check_element(checker, element, f"{pointer}/elements/{index}")


def _context(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Context: 1 to 10 text or image elements."""
    elements = checker.require(block, "elements", pointer)
    if elements is None or not checker.count(elements, 10, f"{pointer}/elements"):
        return
    for index, element in enumerate(elements):
        where = f"{pointer}/elements/{index}"
        if isinstance(element, dict) and element.get("type") == "image":
            _image_element(checker, element, where)
        else:
            checker.text(element, where, 3000)


def _image(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Image block: url 3000, alt_text 2000, title 2000."""
    if block.get("slack_file") is None and checker.require(block, "image_url", pointer):
        checker.length(block["image_url"], 3000, f"{pointer}/image_url")
    if checker.require(block, "alt_text", pointer) is not None:
        checker.length(block["alt_text"], 2000, f"{pointer}/alt_text")
    checker.optional_text(block, "title", pointer, 2000)


def _input(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Input: a label (2000), one element, optional hint (2000)."""
    if checker.require(block, "label", pointer) is not None:
        checker.text(block["label"], f"{pointer}/label", 2000, plain_only=True)
    checker.optional_text(block, "hint", pointer, 2000)
    if checker.require(block, "element", pointer) is not None:
        _check_element(checker, block["element"], f"{pointer}/element")


def _markdown(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Markdown block: text up to 12,000 characters."""
    if checker.require(block, "text", pointer) is not None:
        checker.length(block["text"], 12000, f"{pointer}/text")


def _rich_text(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Rich text: needs its elements (their inner shape is the client's business)."""
    checker.require(block, "elements", pointer)


def _video(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Video: title 200, author_name 50."""
    checker.optional_text(block, "title", pointer, 200)
    checker.length(block.get("author_name"), 50, f"{pointer}/author_name")


def _nothing(checker: _Checker, block: dict[str, Any], pointer: str) -> None:
    """Blocks without limits of their own (divider, file, …)."""


BLOCK_RULES: dict[str, Callable[[_Checker, dict[str, Any], str], None]] = {
    "section": _section,
    "header": _header,
    "actions": _actions,
    "context": _context,
    "divider": _nothing,
    "image": _image,
    "input": _input,
    "markdown": _markdown,
    "rich_text": _rich_text,
    "video": _video,
    "file": _nothing,
    "table": _nothing,
}


def _check_element(checker: _Checker, element: Any, pointer: str) -> None:
    """Check one interactive element (button, select, input, …)."""
    if not isinstance(element, dict):
        checker.fail("must provide an object", pointer)
        return
    kind = element.get("type")
    known = kind in (
        "button",
        "overflow",
        "checkboxes",
        "radio_buttons",
        "image",
        "workflow_button",
    )
    if not (known or kind in SELECTS or kind in INPUTS):
        checker.fail(f"unsupported type: {kind}", f"{pointer}/type")
        return
    checker.length(element.get("action_id"), ID_LENGTH, f"{pointer}/action_id")
    if kind == "button":
        _button(checker, element, pointer)
    elif kind == "image":
        _image_element(checker, element, pointer)
    else:
        _choices(checker, element, pointer)
    if element.get("confirm") is not None:
        _confirm(checker, element["confirm"], f"{pointer}/confirm")


def _button(checker: _Checker, element: dict[str, Any], pointer: str) -> None:
    """Button: text 75, value 2000, url 3000, accessibility_label 75."""
    if checker.require(element, "text", pointer) is not None:
        checker.text(element["text"], f"{pointer}/text", 75, plain_only=True)
    checker.length(element.get("value"), 2000, f"{pointer}/value")
    checker.length(element.get("url"), 3000, f"{pointer}/url")
    checker.length(element.get("accessibility_label"), 75, f"{pointer}/accessibility_label")


def _image_element(checker: _Checker, element: dict[str, Any], pointer: str) -> None:
    """Image element: url 3000, alt_text 2000."""
    checker.length(element.get("image_url"), 3000, f"{pointer}/image_url")
    checker.length(element.get("alt_text"), 2000, f"{pointer}/alt_text")


def _choices(checker: _Checker, element: dict[str, Any], pointer: str) -> None:
    """Selects, overflow menus, checkboxes, radios: placeholder 150, options and their texts."""
    checker.optional_text(element, "placeholder", pointer, 150)
    limits = {"overflow": 5, "checkboxes": 10, "radio_buttons": 10}
    options = element.get("options")
    if options is not None and checker.count(
        options, limits.get(element["type"], 100), f"{pointer}/options"
    ):
        for index, option in enumerate(options):
            _option(checker, option, f"{pointer}/options/{index}")
    groups = element.get("option_groups")
    if groups is not None and checker.count(groups, 100, f"{pointer}/option_groups"):
        for index, group in enumerate(groups):
            _option_group(checker, group, f"{pointer}/option_groups/{index}")


def _option_group(checker: _Checker, group: Any, pointer: str) -> None:
    """Option group: label 75, up to 100 options."""
    if not isinstance(group, dict):
        checker.fail("must provide an object", pointer)
        return
    if checker.require(group, "label", pointer) is not None:
        checker.text(group["label"], f"{pointer}/label", 75, plain_only=True)
    options = group.get("options")
    if options is not None and checker.count(options, 100, f"{pointer}/options"):
        for index, option in enumerate(options):
            _option(checker, option, f"{pointer}/options/{index}")


def _option(checker: _Checker, option: Any, pointer: str) -> None:
    """Option: text 75, value 150, description 75."""
    if not isinstance(option, dict):
        checker.fail("must provide an object", pointer)
        return
    if checker.require(option, "text", pointer) is not None:
        checker.text(option["text"], f"{pointer}/text", 75)
    checker.length(option.get("value"), 150, f"{pointer}/value")
    checker.optional_text(option, "description", pointer, 75)


def _confirm(checker: _Checker, confirm: Any, pointer: str) -> None:
    """Confirmation dialog: title 100, text 300, confirm 30, deny 30."""
    if not isinstance(confirm, dict):
        checker.fail("must provide an object", pointer)
        return
    for key, limit in (("title", 100), ("text", 300), ("confirm", 30), ("deny", 30)):
        if checker.require(confirm, key, pointer) is not None:
            checker.text(confirm[key], f"{pointer}/{key}", limit)
