"""HTTP mode's door: a request is judged from its bytes before Bolt reads it.

Bolt parses a body before it checks the signature, and raises (a 500, with a traceback) on a
body that is not UTF-8, a payload that is not JSON, JSON that is not an object or nests
deeper than Python recurses, or fields of an unexpected type. So the door checks, in order,
that the body is text, that Slack signed it, that it can be read, and that siteloop's
listeners can act on it; Bolt checks the signature again and dispatches only what passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.slack.request_shape import problem_with

# No Slack payload nests anywhere near this deep (the deepest, an edit's rich text, is ~10).
MAX_DEPTH = 100


@dataclass(frozen=True)
class Refusal:
    """The door's answer to a request that must not reach Bolt, and why (for the log)."""

    status: HTTPStatus
    reason: str


def judge(
    raw: bytes,
    *,
    timestamp: str | None,
    signature: str | None,
    content_type: str | None,
    verifier: SignatureVerifier,
) -> Refusal | None:
    """Return why a request must not reach Bolt, or None when Bolt may dispatch it.

    1. Not UTF-8, as Slack's requests always are (nor can its signature be checked): 400.
    2. Not signed by Slack (a timestamp that is not a number included): 401.
    3. Signed, but not JSON or a form as Bolt reads them, or not an object: 400.
    4. Signed and readable, but not what siteloop's listeners read (`bot.slack.request_shape`):
       200, so that Slack does not retry what could never succeed, and nothing is stored.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(HTTPStatus.BAD_REQUEST, "unreadable: the body is not UTF-8")
    if not (timestamp or "").isdecimal() or not verifier.is_valid(text, timestamp, signature):
        return Refusal(HTTPStatus.UNAUTHORIZED, "not signed by Slack")
    try:
        body = _read(text, content_type)
    except ValueError as error:
        return Refusal(HTTPStatus.BAD_REQUEST, f"unreadable: {error}")
    problem = problem_with(body)
    return None if problem is None else Refusal(HTTPStatus.OK, f"malformed: {problem}")


def _read(text: str, content_type: str | None) -> dict:
    """Return the body as Bolt will parse it; ValueError saying why it can't be read."""
    try:
        body = parse_body(text, content_type)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    if _deeper_than(body, MAX_DEPTH):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return body


def _deeper_than(body: dict, levels: int) -> bool:
    """Return whether objects and arrays in `body` nest more than `levels` deep (level by
    level, not recursing: recursion is what such a body would exhaust)."""
    level: list = [body]
    for _ in range(levels):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True
