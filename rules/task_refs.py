"""Task references in what people type: `TWR-42`, and in a project's channel `#42` or `42`.

- `TWR-42`, `twr-42`, `TWR–42` → `TWR-42`, always (a key is 2–6 letters).
- `twr42` → `TWR-42`, only for a key the caller knows (`known_keys` or `project_key`).
- `#42` → `TWR-42` anywhere, in a project's channel (`project_key="TWR"`).
- `42` → `TWR-42` only as the first word of a command's text (`leading_number`), in a
  project's channel, and not followed by a unit (`12 m3`, `6 workers`, `8 h`, `60 %`).

Never references: `12 m3`, `60%`, `$1,500`, `2026-12-04`, `8h`, `6 workers`, `7:30`, `L3`,
`cost:1500`, task number 0, and anything inside Slack's escapes (`<@U123|bob>`,
`<#C123|general>`, `<https://…|label>`, `<!here>`).

`KEY-N` looks like many things on a site (`zone-2`, `level-3`, `phase-1`): pass `known_keys`
(the workspace's project keys) and only those keys count; the others stay ordinary words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

# Slack escapes `<@U123|bob>`, `<#C123|name>`, `<https://…|label>`, `<!here>`: never data.
SLACK_ESCAPE = re.compile(r"<[^<>\n]*>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>\n]*)?>")

_KEY_REF = re.compile(
    r"(?<![\w\-–])(?P<key>[A-Za-z]{2,6})[-–](?P<number>[0-9]{1,7})(?![\w]|[-–.,][0-9])"
)
_GLUED_REF = re.compile(
    r"(?<![\w\-–])(?P<key>[A-Za-z]{2,6})(?P<number>[0-9]{1,7})(?![\w]|[.,][0-9])"
)
_HASH_REF = re.compile(r"(?<![\w&#])#(?P<number>[0-9]{1,7})(?![\w]|[.,:][0-9])")
_LEADING_NUMBER = re.compile(r"^\s*(?P<number>[0-9]{1,7})(?=$|\s|[,;:.!?](?:\s|$))")
# What makes a leading number a value rather than a task: `12 m3`, `60 %`, `6 workers`, `8 h`.
_VALUE_AFTER = re.compile(
    r"[ \t]*(?:%|％|percent|pct|m3|m³|m\^3|m2|m²|m\^2|m|lm|t|kg|l|pcs?|pieces?|bags?|sheets?|"
    r"rolls?|sets?|loads?|nos|units?|h|hrs?|hours?|workers?|men|people|persons?|pax|guys|"
    r"crew|usd|eur|gbp|vnd|aud|sgd|[$€£₫đ]|k\b)(?![^\W_])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TaskRef:
    """One task reference found in a text.

    `key` is normalised (`TWR-42`); `written` is the text as typed (`twr-42`, `#42`, `42`),
    found at `span` (start, end) of the text.
    """

    project: str
    number: int
    span: tuple[int, int]
    written: str

    @property
    def key(self) -> str:
        """Return the normalised reference, e.g. `TWR-42`."""
        return f"{self.project}-{self.number}"


def mask_slack_escapes(text: str, mask: str = "\ue000") -> str:
    """Return `text` with every Slack escape (`<@U1|bob>`, links …) blanked out, same length."""
    return SLACK_ESCAPE.sub(lambda match: mask * len(match.group()), text)


def extract_mentions(text: str) -> list[str]:
    """Return the Slack user ids mentioned in `text` (`<@U123|bob>`, `<@U123>`), first seen first,
    each once."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def find_task_refs(
    text: str,
    *,
    project_key: str | None = None,
    known_keys: Collection[str] | None = None,
    leading_number: bool = False,
) -> list[TaskRef]:
    """Return every task reference in `text`, in the order written (repeats included).

    Args:
        text: what the person typed, Slack-escaped as Slack delivers it.
        project_key: the project of the channel the text was typed in, if any; only then do
            `#42` (and, with `leading_number`, `42`) mean a task.
        known_keys: the project keys that exist; when given, `KEY-N` with any other key is
            not a reference (`zone-2`), and `KEY42` without a dash is accepted for these keys.
        leading_number: the text is a command's (`/update 42 60%`): a bare number as its first
            word is a task of `project_key`.
    """
    return list(
        scan_task_refs(
            text, project_key=project_key, known_keys=known_keys, leading_number=leading_number
        ).refs
    )


@dataclass(frozen=True)
class RefScan:
    """The references found in a text, and `KEY-N`s whose key is not a known project."""

    refs: tuple[TaskRef, ...]
    unknown: tuple[TaskRef, ...]

    def suggestion(self, ref: TaskRef, known_keys: Collection[str]) -> str | None:
        """Return the known key `ref` was probably meant to be (`TRW-42` → `TWR-42`), if any."""
        close = difflib.get_close_matches(ref.project, sorted(known_keys), n=1, cutoff=0.6)
        return f"{close[0]}-{ref.number}" if close else None


def scan_task_refs(
    text: str,
    *,
    project_key: str | None = None,
    known_keys: Collection[str] | None = None,
    leading_number: bool = False,
) -> RefScan:
    """Return the references in `text` (see `find_task_refs`) and the unknown-key `KEY-N`s."""
    masked = mask_slack_escapes(text)
    keys = _known(project_key, known_keys)
    found: list[TaskRef] = []
    unknown: list[TaskRef] = []
    for match in _KEY_REF.finditer(masked):
        ref = _ref(match, match.group("key").upper())
        if ref is None:
            continue
        (found if keys is None or ref.project in keys else unknown).append(ref)
    if keys:
        for match in _GLUED_REF.finditer(masked):
            ref = _ref(match, match.group("key").upper())
            if ref is not None and ref.project in keys:
                found.append(ref)
    if project_key:
        found.extend(_bare_refs(masked, project_key.upper(), leading_number))
    return RefScan(tuple(sorted(found, key=lambda ref: ref.span)), tuple(unknown))


def _known(project_key: str | None, known_keys: Collection[str] | None) -> set[str] | None:
    """Return the upper-cased known keys (with the channel's own), or None for "any key"."""
    if known_keys is None:
        return None
    keys = {key.upper() for key in known_keys}
    if project_key:
        keys.add(project_key.upper())
    return keys


def _bare_refs(masked: str, project_key: str, leading_number: bool) -> list[TaskRef]:
    """Return the `#42` references, and a leading `42` when the text is a command's."""
    refs = [_ref(match, project_key) for match in _HASH_REF.finditer(masked)]
    if leading_number:
        match = _LEADING_NUMBER.match(masked)
        if match and not _VALUE_AFTER.match(masked, match.end()):
            refs.append(_ref(match, project_key, group="number"))
    return [ref for ref in refs if ref is not None]


def _ref(match: re.Match[str], project: str, group: str | None = None) -> TaskRef | None:
    """Return the reference `match` found (the whole match, or just `group`), or None for 0."""
    number = int(match.group("number"))
    if number < 1:
        return None
    start, end = match.span(group) if group else match.span()
    return TaskRef(project, number, (start, end), match.string[start:end])
