"""Status words: done, blocked (with its reason), started, unblocked, and acknowledgements."""

from decimal import Decimal

import pytest

from rules.grammar.parsed import ReportContext
from rules.grammar.report import parse_report
from rules.grammar.status import StatusIntent
from rules.vocabulary import TaskStatus, UpdateKind
from tests.grammar.helpers import update


@pytest.mark.parametrize(
    "text",
    [
        "TWR-42 done",
        "TWR-42 DONE!!!",
        "TWR-42 all done ✅",
        "TWR-42 complete",
        "TWR-42 completed",
        "TWR-42 finished, site cleaned",
        "TWR-42 100% done",
        "TWR-42 100%",
        "TWR-42 12 m3 poured, done",
        "done TWR-42",
    ],
)
def test_it_reads_done_when_a_clause_opens_with_it(text):
    parsed = update(text)

    assert (parsed.status, parsed.kind) == (StatusIntent.DONE, UpdateKind.DONE)


def test_it_keeps_a_done_part_of_the_task_as_a_note_and_says_how_to_finish_the_task():
    parsed = update("TWR-42 formwork done")

    assert (parsed.status, parsed.note) == (None, "formwork done")
    assert parsed.ignored == (
        '"formwork done" kept as a note — to mark the task done, send "done" on its own '
        "or use /done",
    )


@pytest.mark.parametrize(
    "text",
    ["TWR-42 done with rebar", "TWR-42 finished L3 east, starting L4", "TWR-42 completed formwork"],
)
def test_it_keeps_done_followed_by_what_was_done_as_a_note(text):
    parsed = update(text)

    assert parsed.status is not StatusIntent.DONE
    assert "to mark the task done" in parsed.ignored[0]


@pytest.mark.parametrize("text", ["TWR-42 done for today", "TWR-42 finished for the day, 6h"])
def test_it_reads_done_for_today_as_the_end_of_a_shift_not_of_the_task(text):
    parsed = update(text)

    assert (parsed.status, parsed.ignored) == (None, ())


def test_it_does_not_read_stopped_for_lunch_as_blocked():
    assert update("TWR-42 stopped for lunch").status is None


def test_it_reads_done_after_a_percent_below_100_as_how_far_along_it_is():
    parsed = update("TWR-42 60% done on L3")

    assert (parsed.status, parsed.percent, parsed.kind) == (None, Decimal(60), UpdateKind.PROGRESS)
    assert parsed.ignored == ()


def test_it_records_only_the_percent_when_done_comes_with_less_than_100():
    parsed = update("TWR-42 60%, done")

    assert (parsed.status, parsed.percent) == (None, Decimal(60))
    assert parsed.ignored == (
        "done with 60%: recorded 60%, not done — to finish the task say done or 100%",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("TWR-42 blocked", None),
        ("TWR-42 blocked: crane down", "crane down"),
        ("TWR-42 blocked by rain", "rain"),
        ("TWR-42 stuck, no cement", "no cement"),
        ("TWR-42 we're stuck, no cement", "no cement"),
        ("TWR-42 waiting for rebar delivery", "waiting for rebar delivery"),
        ("TWR-42 still waiting on the crane", "still waiting on the crane"),
        ("TWR-42 on hold until inspection", "on hold until inspection"),
        ("TWR-42 stuck waiting for concrete truck 🚚", "waiting for concrete truck 🚚"),
    ],
)
def test_it_reads_blocked_and_keeps_the_reason(text, reason):
    parsed = update(text)

    assert (parsed.status, parsed.kind, parsed.reason) == (
        StatusIntent.BLOCKED,
        UpdateKind.BLOCKED,
        reason,
    )


def test_it_keeps_a_blocked_part_as_a_note_with_a_hint():
    parsed = update("TWR-42 pump blocked, pouring by hand")

    assert parsed.status is None
    assert parsed.ignored == (
        '"pump blocked" kept as a note — to mark the task blocked, start with "blocked" '
        "or use /blocked",
    )


@pytest.mark.parametrize(
    "text", ["TWR-42 started", "TWR-42 starting now", "TWR-42 on it", "TWR-42 in progress"]
)
def test_it_reads_started_as_progress(text):
    parsed = update(text)

    assert (parsed.status, parsed.kind) == (StatusIntent.STARTED, UpdateKind.PROGRESS)
    assert parsed.status.task_status is TaskStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "text",
    ["TWR-42 unblocked", "TWR-42 resumed after rain", "TWR-42 back on it", "TWR-42 work resumed"],
)
def test_it_reads_unblocked(text):
    assert update(text).status is StatusIntent.UNBLOCKED


def test_it_takes_the_last_of_blocked_and_resumed():
    assert update("TWR-42 stuck yesterday, resumed today").status is StatusIntent.UNBLOCKED
    assert update("TWR-42 resumed, but stuck again").status is StatusIntent.BLOCKED


def test_it_changes_no_status_for_done_and_blocked_together_and_says_so():
    parsed = update("TWR-42 done, but waiting for inspection")

    assert parsed.status is None
    assert parsed.ignored == ('both "done" and "blocked": status not changed — send one',)
    assert parsed.note == "done, but waiting for inspection"


@pytest.mark.parametrize(
    "text",
    ["ok", "OK 👍", "on it", "👍", "👍🏽", ":+1:", ":thumbsup::skin-tone-3:", "ack", "got it"],
)
def test_it_reads_a_reply_to_an_assignment_as_an_acknowledgement(text):
    parsed = parse_report(text, context=ReportContext.ASSIGNMENT_REPLY)

    assert (parsed.status, parsed.kind, parsed.problems) == (StatusIntent.ACK, UpdateKind.ACK, ())


def test_it_keeps_the_rest_of_an_acknowledgement_as_the_note():
    parsed = parse_report("ok, will start monday", context=ReportContext.ASSIGNMENT_REPLY)

    assert (parsed.status, parsed.note) == (StatusIntent.ACK, "will start monday")


def test_it_reads_starting_in_a_reply_to_an_assignment_as_more_than_an_ack():
    parsed = parse_report("ok starting now", context=ReportContext.ASSIGNMENT_REPLY)

    assert parsed.status is StatusIntent.STARTED


def test_it_reads_ok_elsewhere_as_words_and_on_it_as_started():
    assert parse_report("ok", context=ReportContext.THREAD_REPLY).status is None
    assert parse_report("on it", context=ReportContext.THREAD_REPLY).status is StatusIntent.STARTED


def test_it_blocks_on_the_blocked_command_with_the_text_as_the_reason():
    parsed = parse_report("TWR-42 stuck waiting for rebar delivery", context=ReportContext.BLOCKED)

    assert (parsed.status, parsed.reason) == (StatusIntent.BLOCKED, "waiting for rebar delivery")


def test_it_blocks_on_the_blocked_command_without_a_reason():
    parsed = parse_report("TWR-42", context=ReportContext.BLOCKED)

    assert (parsed.status, parsed.reason, parsed.problems) == (StatusIntent.BLOCKED, None, ())


def test_it_finishes_on_the_done_command_and_keeps_the_words():
    parsed = parse_report("TWR-42 poured and cured", context=ReportContext.DONE)

    assert (parsed.status, parsed.kind, parsed.note) == (
        StatusIntent.DONE,
        UpdateKind.DONE,
        "poured and cured",
    )


def test_it_refuses_a_percent_below_100_on_the_done_command():
    parsed = parse_report("TWR-42 60%", context=ReportContext.DONE)

    assert parsed.problems == ("/done means 100%, you wrote 60% — use /update for progress",)


def test_it_refuses_100_percent_on_the_blocked_command():
    parsed = parse_report("TWR-42 100%", context=ReportContext.BLOCKED)

    assert parsed.problems == ("100% means done: use /done",)
