"""Status words in a report: "done", "blocked", "started", "resumed", and "ok" to an assignment.

A status word counts when it opens a clause — the text, or a part after `,` `;` `.` `!` `?` `:`
a dash, a new line, or "and"/"but"/"then" — once task references, numbers and filler words
(`all`, `now`, `we're`, `still`, `work` …) are set aside. So "TWR-42 done", "all done ✅",
"12 m3 poured, finished" and "we're stuck, no cement" say something about the task, while
"formwork done" or "pump blocked" describe a part of it and stay in the note (the report then
says, in `ignored`, how to mark the task itself).

"Done" closes the task, so it must also end its clause: only fillers, `today`/`now`,
thanks or a 👍 may follow ("all done now 👍"). "Done with rebar", "finished L3 east" and
"done for today" stay notes.

- done: done, complete, completed, finished; also `100%` and `100% done`.
- blocked: blocked, blocked by, stuck, waiting for …, waiting on …, on hold, held up, halted,
  can't proceed, cannot proceed. ("stopped" is not one: "stopped for lunch".)
- started: started, starting, begun, began, commenced, underway, under way, in progress, on it.
- unblocked: unblocked, resumed, resuming, restarted, back on, back on it, back at it,
  no longer blocked.
- ack (only in a reply to an assignment): ack, acked, ok, okay, got it, will do, roger, noted,
  yes, sure, on it, 👍 ✅ 👌 🫡 ✔️ ☑️ (any skin tone), and Slack's `:+1:` `:thumbsup:`
  `:white_check_mark:` `:heavy_check_mark:` `:ok_hand:` `:saluting_face:`.

Words that only state the status ("done", "stuck", "ok") leave the note; words that carry the
reason ("waiting for rebar", "on hold until inspection") stay in it and become the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rules.vocabulary import TaskStatus


class StatusIntent(StrEnum):
    """What a report says about the task's state."""

    STARTED = "started"
    DONE = "done"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    ACK = "ack"

    @property
    def task_status(self) -> TaskStatus:
        """Return the status the task moves to when this intent is recorded."""
        return _TASK_STATUS[self]


_TASK_STATUS = {
    StatusIntent.STARTED: TaskStatus.IN_PROGRESS,
    StatusIntent.DONE: TaskStatus.DONE,
    StatusIntent.BLOCKED: TaskStatus.BLOCKED,
    StatusIntent.UNBLOCKED: TaskStatus.IN_PROGRESS,
    StatusIntent.ACK: TaskStatus.ACKNOWLEDGED,
}


def _listed(text: str) -> tuple[str, ...]:
    """Return the comma-separated phrases of `text` (a compact way to write vocabularies)."""
    return tuple(phrase.strip() for phrase in text.split(","))


# Status phrases. Those in _KEPT carry the reason ("waiting for rebar") and stay in the note;
# the others only state the status and leave it.
_PHRASES: dict[StatusIntent, tuple[str, ...]] = {
    StatusIntent.DONE: _listed("done, complete, completed, finished"),
    StatusIntent.BLOCKED: _listed(
        "blocked, blocked by, stuck, waiting for, waiting on, on hold, held up, halted,"
        " can't proceed, cannot proceed, cant proceed"
    ),
    StatusIntent.STARTED: _listed(
        "started, starting, begun, began, commenced, underway, under way, in progress, on it"
    ),
    StatusIntent.UNBLOCKED: _listed(
        "unblocked, resumed, resuming, restarted, back on, back on it, back at it,"
        " no longer blocked"
    ),
    StatusIntent.ACK: _listed(
        "ack, acked, ok, okay, got it, will do, roger, noted, yes, sure, on it,"
        " 👍, ✅, 👌, 🫡, ✔, ☑, :+1:, :thumbsup:, :white_check_mark:, :ok_hand:,"
        " :heavy_check_mark:, :saluting_face:"
    ),
}
_KEPT = frozenset(
    _listed(
        "waiting for, waiting on, on hold, held up, halted, can't proceed, cannot proceed,"
        " cant proceed"
    )
)
_FILLER = frozenset(
    _listed(
        "all, also, already, am, are, at, been, currently, everything, finally, fully, got,"
        " getting, has, have, i, i'm, im, is, it, it's, its, job, just, now, so, still, task,"
        " that, the, this, totally, was, we, we're, were, work, works"
    )
)
# What may follow "done" in its clause for it to be about the whole task: "all done now 👍"
# is, "done with rebar" or "finished L3 east" is about a part of it and stays a note.
_AFTER_DONE = (
    _FILLER
    | frozenset(_listed("today, now, yesterday, tonight, here, boss, guys, thanks, thx, ty"))
    | frozenset(_PHRASES[StatusIntent.ACK])
)
# "done for today" is the end of a shift, not of the task.
_SHIFT_END = re.compile(r"\bfor (?:today|now|the day|tonight|the week|the weekend)\b", re.I)
# Words that, met inside a clause, suggest the person may have meant the task's status.
_HINTED = {
    "done": StatusIntent.DONE,
    "finished": StatusIntent.DONE,
    "completed": StatusIntent.DONE,
    "blocked": StatusIntent.BLOCKED,
    "stuck": StatusIntent.BLOCKED,
}

# Slack's emoji codes (`:+1:`) are matched first so that their colons do not break clauses.
_CLAUSE_BREAK = re.compile(
    r"(?P<code>:[a-z0-9_+\-]+:(?::skin-tone-[2-6]:)?)|[,;.!?:\n]|\s[-–—]+\s|\b(?:and|but|then)\b",
    re.IGNORECASE,
)
_WORD = re.compile(
    r":[a-z0-9_+\-]+:(?::skin-tone-[2-6]:)?|[^\W_]+(?:['’][^\W_]+)*"
    r"|[👍👌🫡✅✔☑][\U0001F3FB-\U0001F3FF\ufe0f]*",
    re.IGNORECASE,
)
_MODIFIERS = re.compile(r"[\U0001F3FB-\U0001F3FF\ufe0f]")


Words = list[tuple[str, tuple[int, int]]]  # a clause's words, normalised, with their spans


@dataclass(frozen=True)
class StatusWord:
    """A status phrase found at `span`; `drop` spans what leaves the note with it."""

    intent: StatusIntent
    span: tuple[int, int]
    drop: tuple[int, int] | None


@dataclass(frozen=True)
class Hint:
    """A status word inside a clause ("formwork done"), not read as the task's status."""

    intent: StatusIntent
    clause: str


def find_status_words(masked: str, *, acks: bool) -> tuple[list[StatusWord], list[Hint]]:
    """Return the status phrases opening a clause of `masked`, and status words met elsewhere.

    `masked` is the text with references and values blanked out; `acks` says whether
    acknowledgement words count (a reply to an assignment). "on it" acknowledges an assignment
    and otherwise means started.
    """
    found: list[StatusWord] = []
    hints: list[Hint] = []
    start = 0
    breaks = [match for match in _CLAUSE_BREAK.finditer(masked) if not match.group("code")]
    for boundary in [*breaks, None]:
        end = boundary.start() if boundary else len(masked)
        words = [(_normal(m.group()), m.span()) for m in _WORD.finditer(masked, start, end)]
        opening = _opening_status(words, acks)
        found.extend(opening)
        if not any(word.intent in (StatusIntent.DONE, StatusIntent.BLOCKED) for word in opening):
            hints.extend(_hints(words, masked[start:end]))
        start = boundary.end() if boundary else end
    return found, hints


def _opening_status(words: Words, acks: bool) -> list[StatusWord]:
    """Return the status phrases that open a clause's `words`, one after another ("ok, on it").

    Filler words may come before each phrase ("we're stuck", "all done"), and are dropped from
    the note with it.
    """
    found: list[StatusWord] = []
    position = 0
    while (match := _phrase_at(words, position, acks)) is not None:
        intent, first, last, phrase = match
        if intent is StatusIntent.DONE and any(w not in _AFTER_DONE for w, _ in words[last + 1 :]):
            break
        span = (words[first][1][0], words[last][1][1])
        drop = None if phrase in _KEPT else (words[position][1][0], span[1])
        found.append(StatusWord(intent, span, drop))
        position = last + 1
    return found


def _phrase_at(
    words: Words, position: int, acks: bool
) -> tuple[StatusIntent, int, int, str] | None:
    """Return the status phrase at `position`, after any fillers: (intent, first, last, phrase)."""
    for first in range(position, len(words)):
        for length in (3, 2, 1):
            phrase = " ".join(word for word, _ in words[first : first + length])
            intent = _intent_of(phrase, acks) if first + length <= len(words) else None
            if intent is not None:
                return intent, first, first + length - 1, phrase
        if words[first][0] not in _FILLER:
            return None
    return None


def _normal(word: str) -> str:
    """Return `word` lower-cased, with a plain apostrophe and no emoji skin tone or variant."""
    word = word.lower().replace("’", "'")
    return _MODIFIERS.sub("", re.sub(r"::skin-tone-[2-6]:$", ":", word))


def _intent_of(phrase: str, acks: bool) -> StatusIntent | None:
    """Return the intent `phrase` expresses, given whether acknowledgements count."""
    if acks and phrase in _PHRASES[StatusIntent.ACK]:
        return StatusIntent.ACK
    for intent, phrases in _PHRASES.items():
        if intent is not StatusIntent.ACK and phrase in phrases:
            return intent
    return None


def _hints(words: Words, clause: str) -> list[Hint]:
    """Return a hint for a done/blocked word in a clause that was not read as a status."""
    if _SHIFT_END.search(clause):
        return []
    for word, _ in words:
        if word in _HINTED:
            return [Hint(_HINTED[word], " ".join(clause.replace("\ue000", " ").split()))]
    return []


def resolve_intents(intents: list[StatusIntent]) -> tuple[StatusIntent | None, bool]:
    """Return the one intent several status words add up to, and whether they conflicted.

    Done wins over started and resumed ("resumed and finished"); blocked and unblocked: the
    last said wins ("stuck yesterday, resumed today"); started wins over an acknowledgement.
    Done together with blocked cannot both be true: neither is recorded.
    """
    kinds = set(intents)
    if {StatusIntent.DONE, StatusIntent.BLOCKED} <= kinds:
        return None, True
    if StatusIntent.DONE in kinds:
        return StatusIntent.DONE, False
    for intent in reversed(intents):
        if intent in (StatusIntent.BLOCKED, StatusIntent.UNBLOCKED):
            return intent, False
    for intent in (StatusIntent.STARTED, StatusIntent.ACK):
        if intent in kinds:
            return intent, False
    return None, False
