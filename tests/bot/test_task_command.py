"""`/task add|assign|show`: the plan is made and read from Slack."""

from datetime import date
from decimal import Decimal

import pytest

from rules.vocabulary import TaskStatus
from tests.bot.sites import answer, plan_task, setup_project, task


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    slack.driver.command("/siteloop", "crew Concrete @bob", user="U0ANN", channel="C0TOWER")
    return siteloop


def run(slack, user: str, text: str) -> str:
    slack.driver.command("/task", text, user=user, channel="C0TOWER")
    return answer(slack, user).replace("*", "")


def test_a_manager_adds_a_task_with_everything_on_one_line(tower, slack):
    said = run(
        slack,
        "U0ANN",
        'add Pour slab L3 @bob crew:Concrete at:"Level 3 east" start:2026-12-02 due:2026-12-04 '
        "budget:12000 qty:40m3",
    )

    assert said == (
        "Created TWR-1 Pour slab L3 · assigned to Bob Nguyen · Concrete crew · at Level 3 east · "
        "starts Wed 02 Dec 2026 · due Fri 04 Dec 2026 · budget $12,000 · 40 m³"
    )
    stored = task(tower, "TWR-1")
    assert (stored.status, stored.planned_start, stored.planned_finish) == (
        TaskStatus.ASSIGNED,
        date(2026, 12, 2),
        date(2026, 12, 4),
    )
    assert (stored.budget, stored.planned_qty, stored.unit) == (Decimal(12000), Decimal(40), "m³")
    assert stored.assigned_at == tower.clock.now()


def test_task_numbers_follow_on(tower, slack):
    run(slack, "U0ANN", "add Formwork L3")

    said = run(slack, "U0ANN", "add Rebar L3 due:tomorrow")

    assert said == "Created TWR-2 Rebar L3 · due Wed 02 Dec 2026"


def test_bad_task_lines_list_every_problem_and_create_nothing(tower, slack):
    said = run(slack, "U0ANN", "add Pour slab due:4/12 budget:lots")

    assert said.startswith("Nothing created:")
    assert "4/12" in said and "budget" in said
    assert task(tower, "TWR-1") is None


def test_crew_members_cannot_add_tasks(tower, slack):
    slack.add_user("U0CAM", name="cam", real_name="Cam Le", tz="Asia/Ho_Chi_Minh")
    slack.add_member("C0TOWER", "U0CAM")
    slack.driver.command("/update", "hello", user="U0CAM", channel="C0TOWER")

    said = run(slack, "U0CAM", "add Something")

    assert said == "Only TWR's leads and managers create and assign tasks."


def test_an_unknown_crew_is_refused(tower, slack):
    said = run(slack, "U0ANN", "add Pour slab crew:Plumbing")

    assert said == (
        "Nothing created: TWR has no crew Plumbing. Form it with `/siteloop crew Plumbing @lead`."
    )


def test_assigning_and_reassigning(tower, slack):
    key = plan_task(tower, "Install sleeves")
    slack.add_user("U0CAM", name="cam", real_name="Cam Le", tz="Asia/Ho_Chi_Minh")

    first = run(slack, "U0BOB", f"assign {key} @bob")
    second = run(slack, "U0ANN", f"assign {key} @cam")

    assert first == "TWR-1 Install sleeves is assigned to Bob Nguyen."
    assert second == "TWR-1 moves from Bob Nguyen to Cam Le."
    assert task(tower, key).status == TaskStatus.ASSIGNED


def test_assign_needs_a_task_and_a_person(tower, slack):
    assert run(slack, "U0ANN", "assign @bob") == "Type `/task assign TWR-42 @person`."
    assert run(slack, "U0ANN", "assign TWR-77 @bob").startswith("There is no task TWR-77.")


def test_show_gives_the_state_and_the_last_reports_in_the_readers_time(tower, slack):
    key = plan_task(
        tower, "Pour slab L3", budget=Decimal(12000), planned_qty=Decimal(40), unit="m³"
    )
    slack.driver.command(
        "/update", f"{key} 60% 12 m3 poured cost:1500", user="U0BOB", channel="C0TOWER"
    )

    said = run(slack, "U0ANN", f"show {key}")

    assert said.splitlines() == [
        "TWR-1 Pour slab L3 · budget $12,000 · 40 m³",
        "Status: in progress, 60% reported",
        "Quantity: 12 of 40 m³",
        "Cost: $1,500 of $12,000 budget",
        # No planned dates: nothing is planned yet; 60% of 12,000 earned for 1,500 spent.
        "Earned value: $7,200 earned · $0 planned · $1,500 spent · CPI 4.8 · SPI –",
        "Budget $12,000 · EAC $2,500 · ETC $1,000 · VAC +$9,500 · TCPI 0.46",
        "Last reports:",
        "• Tue 01 Dec 08:00 · Bob Nguyen: TWR-1 60% 12 m3 poured cost:1500",
    ]


def test_an_unknown_subcommand_shows_the_usage(tower, slack):
    assert run(slack, "U0ANN", "delete TWR-1").startswith("Type `/task add Pour slab L3")


def test_a_person_slack_does_not_know_is_named_in_the_answer(tower, slack):
    key = plan_task(tower, "Install sleeves")

    said = run(slack, "U0ANN", f"assign {key} @nobody")

    assert said.startswith("Slack doesn't know @nobody here. Pick the person from the list")
    assert task(tower, key).assignee_id is None
