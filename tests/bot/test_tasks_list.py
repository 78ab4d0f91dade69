"""`/tasks`: the project's tasks, most urgent first, readable on a phone, within Slack's limits."""

from datetime import date

import pytest

from rules.vocabulary import TaskStatus
from storage.db import session_scope
from storage.tasks import find_task
from tests.bot.sites import plan_task, setup_project


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    slack.driver.command("/siteloop", "crew Concrete @bob", user="U0ANN", channel="C0TOWER")
    return siteloop


def listed(slack, user: str = "U0ANN", text: str = "", channel: str = "C0TOWER"):
    slack.driver.command("/tasks", text, user=user, channel=channel)
    return slack.ephemerals(user=user)[-1]


def test_it_lists_open_tasks_blocked_and_late_first(tower, slack):
    plan_task(tower, "Waterproofing", planned_finish=date(2026, 12, 20))
    plan_task(tower, "Pour slab L3", assignee="U0BOB", planned_finish=date(2026, 11, 28))
    blocked = plan_task(tower, "Rebar L4")
    finished = plan_task(tower, "Site fence")
    slack.driver.command(
        "/blocked", f"{blocked} waiting for steel", user="U0BOB", channel="C0TOWER"
    )
    slack.driver.command("/done", f"{finished}", user="U0BOB", channel="C0TOWER")

    shown = listed(slack).rendered.replace("*", "")

    assert shown.splitlines() == [
        "TWR: 3 open tasks",
        "⛔ TWR-3 Rebar L4 · unassigned · 0% · blocked",
        "• TWR-2 Pour slab L3 · Bob Nguyen · 0% · due Sat 28 Nov (3 days late)",
        "• TWR-1 Waterproofing · unassigned · 0% · due Sun 20 Dec",
    ]


@pytest.mark.parametrize(
    ("text", "expected_keys"),
    [
        ("mine", ["TWR-2"]),
        ("@bob", ["TWR-2"]),
        ("late", ["TWR-2"]),
        ("blocked", []),
        ("concrete", ["TWR-1"]),
        ("all", ["TWR-2", "TWR-1", "TWR-3"]),
    ],
)
def test_it_narrows_down(tower, slack, text, expected_keys):
    plan_task(tower, "Formwork", crew_id=1)
    plan_task(tower, "Pour slab L3", assignee="U0BOB", planned_finish=date(2026, 11, 30))
    done = plan_task(tower, "Fence")
    with session_scope(tower.runtime.sessions) as session:
        find_task(session, done).status = TaskStatus.DONE

    shown = listed(slack, "U0BOB" if text == "mine" else "U0ANN", text).rendered

    keys = [word.strip("*") for word in shown.split() if word.strip("*").startswith("TWR-")]
    assert keys == expected_keys


def test_a_long_list_is_summarised_within_slacks_limits(tower, slack):
    for number in range(130):
        plan_task(tower, f"Install anchor bolt set {number} on grid line {number % 12} " + "x" * 60)

    answer = listed(slack)

    assert len(answer.blocks) <= 50
    assert all(len(block.get("text", {}).get("text", "")) <= 3000 for block in answer.blocks)
    assert "TWR: 130 open tasks" in answer.rendered
    assert "Showing the 60 most urgent. Narrow it down: `/tasks blocked`" in answer.rendered


def test_an_unknown_word_says_what_to_type(tower, slack):
    assert listed(slack, text="urgent").rendered.startswith("I don't know `urgent`. Type `/tasks`")


def test_in_a_direct_message_it_lists_the_persons_project(tower, slack):
    plan_task(tower, "Pour slab L3", assignee="U0BOB")

    shown = listed(slack, "U0BOB", "mine", channel=slack.dm_channel("U0BOB")).rendered

    assert "TWR-1" in shown
