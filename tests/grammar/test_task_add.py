"""`/task add <title> [@assignee] [crew:NAME] [at:LOCATION] [start:DATE] [due:DATE]
[budget:AMOUNT] [qty:NUMBER UNIT]` read into a draft, with every problem collected."""

from datetime import date
from decimal import Decimal

import pytest

from rules.grammar.task_add import TaskDraft, parse_task_add

TUESDAY = date(2026, 12, 1)


def draft(text: str) -> TaskDraft:
    return parse_task_add(text, today=TUESDAY)


def test_it_reads_the_example_from_the_design():
    task = draft("Pour slab L3 <@U0BOB|bob> due:2026-12-04 budget:12000 qty:40m3")

    assert task == TaskDraft(
        title="Pour slab L3",
        assignee="U0BOB",
        assignee_name="bob",
        due=date(2026, 12, 4),
        budget=Decimal(12000),
        quantity=Decimal(40),
        unit="m³",
    )
    assert task.ok


def test_it_reads_quoted_values_with_curly_quotes_and_vietnamese_names():
    task = draft('Đổ bê tông sàn tầng 3 crew:"Đội anh Hùng" at:“Tầng 3 khu Đông” start:mon due:+2w')

    assert (task.title, task.crew, task.location) == (
        "Đổ bê tông sàn tầng 3",
        "Đội anh Hùng",
        "Tầng 3 khu Đông",
    )
    assert (task.start, task.due) == (date(2026, 12, 7), date(2026, 12, 15))
    assert task.ok


def test_it_forgives_a_space_after_the_colon_and_between_number_and_unit():
    task = draft("Tile lobby due: fri qty: 40 m2 budget: $3.5k")

    assert (task.title, task.due, task.quantity, task.unit, task.budget) == (
        "Tile lobby",
        date(2026, 12, 4),
        Decimal(40),
        "m²",
        Decimal(3500),
    )


def test_it_reads_options_anywhere_and_in_any_case():
    task = draft("AT:L3 Fix handrail CREW:steel <@U0ANN>")

    assert (task.title, task.location, task.crew, task.assignee, task.assignee_name) == (
        "Fix handrail",
        "L3",
        "steel",
        "U0ANN",
        None,
    )


def test_it_suggests_the_known_keys_for_an_unknown_one():
    task = draft("Pour slab dew:fri")

    assert task.problems == (
        "unknown `dew:` — did you mean `due:`? I know crew: at: start: due: budget: qty: code:",
    )


def test_it_keeps_a_word_followed_by_a_colon_and_a_space_in_the_title():
    task = draft("Rebar: level 3 east")

    assert (task.title, task.problems) == ("Rebar: level 3 east", ())


def test_it_refuses_a_start_after_the_due_date():
    task = draft("Pour slab start:fri due:wed")

    assert task.problems == ("start 2026-12-04 is after due 2026-12-02",)


def test_it_shows_the_usage_for_an_empty_title():
    task = draft("crew:concrete due:tomorrow")

    [problem] = task.problems
    assert problem.startswith("no title: type `/task add <title> [@assignee] [crew:NAME]")


def test_it_shows_the_usage_for_an_empty_command():
    [problem] = draft("  ").problems

    assert problem.startswith("empty: type `/task add <title>")


def test_it_collects_every_problem_at_once():
    task = draft("Pour slab <@U1|a> <@U2|b> @carl qty:40 budget:1,50 due:4/12 start:")

    assert task.problems == (
        "start: needs a value, e.g. start:mon",
        "@carl: I don't know who that is — pick the person from Slack's @ list",
        "one assignee per task: <@U1> and <@U2> — name one",
        "due: `4/12` is ambiguous (which is the day, which the month?): use 2026-12-04, "
        "12-04 (month-day), 4 dec, today, tomorrow, mon…sun (the next one), +3d, +2w",
        "budget: 1,50: use a point for decimals (1.50)",
        "qty: 40 has no unit: write it like 40m3 (units: m³ m² m t kg l pcs bags sheets rolls "
        "sets loads)",
    )


def test_it_refuses_an_unclosed_quote():
    assert draft('Pour slab at:"Level 3 east due:fri').problems == (
        'at: close the quote, like at:"Level 3 east"',
    )


def test_it_refuses_the_same_option_twice_with_different_values():
    assert draft("Pour slab due:fri due:mon").problems == (
        "two due: values (fri and mon): give one",
    )


def test_it_keeps_links_and_channel_names_in_the_title_as_plain_text():
    task = draft("Fix gate see <https://x.io/a:b|photo> in <#C0GEN|general> &amp; <!here>")

    assert (task.title, task.problems) == (
        "Fix gate see photo (https://x.io/a:b) in #general & @here",
        (),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x" * 4001, "too long: 4,001 characters, at most 4,000"),
        ("x" * 501, "the title is 501 characters long, at most 500"),
        ("Slab at:" + "y" * 256, "at: at most 255 characters"),
    ],
)
def test_it_refuses_what_does_not_fit(text, problem):
    assert draft(text).problems == (problem,)
