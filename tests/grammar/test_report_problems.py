"""What makes a report unusable, and what the person is told: nothing is guessed."""

import pytest

from rules.grammar.parsed import ReportContext
from rules.grammar.report import MAX_TEXT, parse_report
from tests.grammar.helpers import update


@pytest.mark.parametrize(
    ("context", "usage"),
    [
        (ReportContext.UPDATE, "empty: type `/update TWR-42 60% what you did`"),
        (ReportContext.BLOCKED, "empty: type `/blocked TWR-42 what is blocking it`"),
        (ReportContext.DONE, "empty: type `/done TWR-42 what was finished`"),
    ],
)
def test_it_answers_an_empty_command_with_its_usage(context, usage):
    parsed = parse_report("   ", context=context)

    assert parsed.problems == (usage,)
    assert not parsed.ok


def test_it_shows_the_usage_with_the_channels_project_key():
    parsed = parse_report("", context=ReportContext.UPDATE, project_key="abc")

    assert parsed.problems == ("empty: type `/update ABC-42 60% what you did`",)


def test_it_refuses_a_text_over_4000_characters_before_reading_it():
    parsed = update("TWR-42 60% " + "x" * MAX_TEXT)

    assert parsed.problems == (
        "too long: 4,011 characters, at most 4,000 — send the numbers and a short note",
    )
    assert (parsed.refs, parsed.percent) == ((), None)


def test_it_reads_a_text_of_exactly_4000_characters():
    text = "TWR-42 60% " + "x" * (MAX_TEXT - 11)

    assert update(text).ok


def test_it_asks_which_task_when_a_command_names_none():
    parsed = update("60% formwork")

    assert parsed.problems == (
        "which task? start with its reference: `/update TWR-42 60% what you did`",
    )


def test_it_needs_no_reference_in_a_thread_reply():
    parsed = parse_report("60% formwork", context=ReportContext.THREAD_REPLY)

    assert parsed.ok
    assert parsed.refs == ()


def test_it_finds_no_problem_in_channel_chatter_without_a_task():
    parsed = parse_report("who has the keys to the site office?", context=ReportContext.POST)

    assert (parsed.ok, parsed.refs) == (True, ())


def test_it_has_nothing_to_record_for_a_bare_reference():
    parsed = update("TWR-42")

    assert parsed.problems == (
        "nothing to record: add a percent, a quantity, a status or a few words — "
        "`/update TWR-42 60% what you did`",
    )


def test_it_says_which_values_were_ambiguous_when_nothing_else_was_given():
    parsed = update("TWR-42 40% 60%")

    assert parsed.problems == ("two percents (40% and 60%): recorded neither — send one",)


def test_it_lists_every_problem_in_the_order_written():
    parsed = update("TWR-42 2,5 t 120%")

    assert parsed.problems == (
        "2,5: use a point for decimals (2.5)",
        "120% is more than 100%: give a percent from 0 to 100",
    )


def test_it_points_out_a_near_miss_of_a_known_project_key():
    parsed = update("TRW-42 60%, TWR-43 40%", known_keys={"TWR"})

    assert parsed.keys == ("TWR-43",)
    assert "TRW-42: no project TRW — did you mean TWR-42?" in parsed.ignored


def test_it_keeps_an_unknown_key_with_no_near_miss_as_words():
    parsed = update("TWR-42 zone-2 slab 30%", known_keys={"TWR"})

    assert (parsed.keys, parsed.note, parsed.ignored) == (("TWR-42",), "zone-2 slab", ())


def test_it_keeps_the_raw_text_untouched():
    text = "TWR-42  60%  formwork <@U0BOB|bob>"

    assert update(text).raw == text
