"""Task references: `TWR-42` everywhere, `#42` and a leading `42` only in a project's channel."""

import pytest

from rules.task_refs import extract_mentions, find_task_refs


def keys(text: str, **options) -> list[str]:
    return [ref.key for ref in find_task_refs(text, **options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TWR-42 60%", ["TWR-42"]),
        ("twr-42 60%", ["TWR-42"]),
        ("Twr-42", ["TWR-42"]),
        ("TWR–42 poured", ["TWR-42"]),
        ("(TWR-42) and ab-7.", ["TWR-42", "AB-7"]),
        ("TWR-042", ["TWR-42"]),
        ("update on TWR-42, TWR-43; TWR-42 again", ["TWR-42", "TWR-43", "TWR-42"]),
    ],
)
def test_it_finds_key_dash_number_references_in_any_case(text, expected):
    assert keys(text) == expected


def test_it_gives_each_reference_its_span_and_written_form():
    [ref] = find_task_refs("poured twr-42 today")

    assert (ref.key, ref.project, ref.number, ref.span, ref.written) == (
        "TWR-42",
        "TWR",
        42,
        (7, 13),
        "twr-42",
    )


@pytest.mark.parametrize(
    "text",
    [
        "12 m3 poured",
        "60% done",
        "$1,500 for the pump",
        "due 2026-12-04",
        "8h today",
        "6 workers",
        "started 7:30",
        "L3 slab",
        "cost:1500",
        "A-1 gridline",
        "ABCDEFG-12",
        "TWR-0 is not a task",
        "TWR-42a",
        "<@U0BOB|bob-42> <#C042|twr-42> <https://x.io/TWR-42|TWR-42 photo> <!here>",
    ],
)
def test_it_finds_no_reference_in_values_dates_times_levels_or_slack_escapes(text):
    assert keys(text, project_key="TWR", leading_number=True) == []


def test_it_reads_a_hash_number_anywhere_as_a_task_of_the_channels_project():
    assert keys("pump for #42 is fixed", project_key="twr") == ["TWR-42"]


def test_it_ignores_a_hash_number_outside_a_project_channel():
    assert keys("pump for #42 is fixed") == []


def test_it_reads_a_leading_number_as_a_task_in_a_project_channels_command():
    assert keys("42 60% formwork", project_key="TWR", leading_number=True) == ["TWR-42"]


@pytest.mark.parametrize(
    "text", ["12 m3 poured", "6 workers today", "8 h", "60 % done", "1,500 spent", "7:30 start"]
)
def test_it_reads_a_leading_number_followed_by_a_unit_as_a_value_not_a_task(text):
    assert keys(text, project_key="TWR", leading_number=True) == []


def test_it_does_not_read_a_bare_number_later_in_the_text_as_a_task():
    assert keys("poured 42 today", project_key="TWR", leading_number=True) == []


def test_it_does_not_read_a_leading_number_outside_a_command_as_a_task():
    assert keys("42 done", project_key="TWR") == []


def test_it_does_not_read_site_words_like_zone_2_as_tasks_given_the_known_keys():
    assert keys("TWR-42 zone-2 level-3 done", known_keys={"TWR", "ABC"}) == ["TWR-42"]


def test_it_forgives_a_missing_dash_for_known_keys():
    assert keys("twr42 and abc7 and zone2", known_keys={"TWR", "ABC"}) == ["TWR-42", "ABC-7"]


def test_it_counts_the_channels_own_key_as_known():
    assert keys("twr-42", project_key="TWR", known_keys=set()) == ["TWR-42"]


def test_it_extracts_mentioned_user_ids_once_each_in_order():
    text = "<@U0BOB|bob> ask <@W0ANN> and <@U0BOB> — not <#C0GEN|general> or @carl"

    assert extract_mentions(text) == ["U0BOB", "W0ANN"]
