"""What makes a report unusable, and what the person is told: nothing is guessed."""

import pytest

from rules.grammar import MAX_TEXT, ReportContext, parse_report
from tests.grammar.helpers import update


@pytest.mark.parametrize(
    ("context", "usage"),
    [
        (ReportContext.UPDATE, "empty: type `/update TWR-42 60% what you did`"),
        (ReportContext.BLOCKED, "empty: type `/blocked TWR-42 what is blocking it`"),
        (ReportContext.DONE, "empty: type `/done TWR-42 what was finished`"),
    ],
)
def test_an_empty_command_shows_its_usage(context, usage):
    parsed = parse_report("   ", context=context)

    assert parsed.problems == (usage,)
    assert not parsed.ok


def test_the_usage_uses_the_channels_project_key():
    parsed = parse_report("", context=ReportContext.UPDATE, project_key="abc")

    assert parsed.problems == ("empty: type `/update ABC-42 60% what you did`",)


def test_a_text_over_4000_characters_is_refused_before_it_is_read():
    parsed = update("TWR-42 60% " + "x" * MAX_TEXT)

    assert parsed.problems == (
        "too long: 4,011 characters, at most 4,000 — send the numbers and a short note",
    )
    assert (parsed.refs, parsed.percent) == ((), None)


def test_a_text_of_exactly_4000_characters_is_read():
    text = "TWR-42 60% " + "x" * (MAX_TEXT - 11)

    assert update(text).ok


def test_a_command_must_name_its_task():
    parsed = update("60% formwork")

    assert parsed.problems == (
        "which task? start with its reference: `/update TWR-42 60% what you did`",
    )


def test_a_thread_reply_needs_no_reference():
    parsed = parse_report("60% formwork", context=ReportContext.THREAD_REPLY)

    assert parsed.ok
    assert parsed.refs == ()


def test_channel_chatter_without_a_task_is_not_a_problem():
    parsed = parse_report("who has the keys to the site office?", context=ReportContext.POST)

    assert (parsed.ok, parsed.refs) == (True, ())


def test_a_reference_with_nothing_else_has_nothing_to_record():
    parsed = update("TWR-42")

    assert parsed.problems == (
        "nothing to record: add a percent, a quantity, a status or a few words — "
        "`/update TWR-42 60% what you did`",
    )


def test_when_only_ambiguous_values_were_given_the_problem_says_which():
    parsed = update("TWR-42 40% 60%")

    assert parsed.problems == ("two percents (40% and 60%): recorded neither — send one",)


def test_every_problem_is_listed_in_the_order_written():
    parsed = update("TWR-42 2,5 t 120%")

    assert parsed.problems == (
        "2,5: use a point for decimals (2.5)",
        "120% is more than 100%: give a percent from 0 to 100",
    )


def test_a_near_miss_of_a_known_project_key_is_pointed_out():
    parsed = update("TRW-42 60%, TWR-43 40%", known_keys={"TWR"})

    assert parsed.keys == ("TWR-43",)
    assert "TRW-42: no project TRW — did you mean TWR-42?" in parsed.ignored


def test_an_unknown_key_word_with_no_near_miss_is_just_words():
    parsed = update("TWR-42 zone-2 slab 30%", known_keys={"TWR"})

    assert (parsed.keys, parsed.note, parsed.ignored) == (("TWR-42",), "zone-2 slab", ())


def test_the_raw_text_is_kept_untouched():
    text = "TWR-42  60%  formwork <@U0BOB|bob>"

    assert update(text).raw == text
