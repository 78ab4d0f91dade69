"""Turn Block Kit into the plain text a person reads, so tests assert on what people see."""

from typing import Any


def render(text: str, blocks: list[dict[str, Any]] | None) -> str:
    """Return what a person reads for a message: its blocks' text, or `text` without blocks.

    Section text and fields, headers, context, input labels and rich text become lines; buttons
    show as `[Label]`, images as `[image: title]`. Slack shows `text` only as the notification
    fallback when blocks exist.
    """
    if not blocks:
        return text
    lines = [line for block in blocks for line in _render_block(block)]
    return "\n".join(line for line in lines if line)


def _text_of(obj: Any) -> str:
    """Return the string inside a text object (`{"type": "mrkdwn", "text": …}`) or ''."""
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return ""


def _render_block(block: dict[str, Any]) -> list[str]:
    """Return the lines one block shows."""
    kind = block.get("type")
    if kind == "section":
        lines = [_text_of(block.get("text"))]
        lines += [_text_of(field) for field in block.get("fields") or []]
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "button":
            lines.append(_button(accessory))
        return lines
    if kind == "header":
        return [_text_of(block.get("text"))]
    if kind == "context":
        return [" ".join(_text_of(e) for e in block.get("elements") or [] if _text_of(e))]
    if kind == "actions":
        buttons = [_button(e) for e in block.get("elements") or [] if e.get("type") == "button"]
        return [" ".join(buttons)]
    if kind == "input":
        return [_text_of(block.get("label"))]
    if kind == "image":
        return [f"[image: {_text_of(block.get('title')) or block.get('alt_text', '')}]"]
    if kind == "markdown":
        return [str(block.get("text", ""))]
    if kind == "rich_text":
        return ["".join(_rich_text(e) for e in block.get("elements") or [])]
    return []


def _button(element: dict[str, Any]) -> str:
    """Return a button as a person sees it: its label in brackets."""
    return f"[{_text_of(element.get('text'))}]"


def _rich_text(element: dict[str, Any]) -> str:
    """Return the characters a rich-text element shows, recursing into sections and lists."""
    kind = element.get("type")
    if kind in {"rich_text_section", "rich_text_preformatted", "rich_text_quote"}:
        return "".join(_rich_text(e) for e in element.get("elements") or [])
    if kind == "rich_text_list":
        return "\n".join(_rich_text(e) for e in element.get("elements") or [])
    if kind == "text":
        return str(element.get("text", ""))
    if kind == "user":
        return f"<@{element.get('user_id')}>"
    if kind == "channel":
        return f"<#{element.get('channel_id')}>"
    if kind == "link":
        return str(element.get("text") or element.get("url", ""))
    if kind == "emoji":
        return f":{element.get('name')}:"
    return ""
