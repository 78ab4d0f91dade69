"""`/update`, `/blocked`, `/done`: one line from the site becomes a stored fact, confirmed."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import Update
from tests.bot.sites import answer, plan_task, setup_project, task


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    return plan_task(siteloop, "Pour slab L3", unit="m³", planned_qty=Decimal(40))


def updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        return list(session.scalars(sa.select(Update).order_by(Update.id)))


def test_an_update_is_recorded_and_confirmed(siteloop, slack, tower):
    slack.driver.command(
        "/update", f"{tower} 60% formwork done, 12 m3 poured", user="U0BOB", channel="C0TOWER"
    )

    assert (
        answer(slack, "U0BOB") == 'TWR-1 Pour slab L3 · 0% → 60% · +12 m³ · "formwork done, poured"'
    )
    stored = task(siteloop, tower)
    assert (stored.status, stored.percent_complete, stored.installed_qty) == (
        TaskStatus.IN_PROGRESS,
        60,
        12,
    )
    [update] = updates(siteloop)
    assert (update.kind, update.source, update.raw_text) == (
        UpdateKind.PROGRESS,
        UpdateSource.COMMAND,
        "TWR-1 60% formwork done, 12 m3 poured",
    )
    assert update.occurred_at == siteloop.clock.now()


def test_a_bare_number_names_a_task_in_the_projects_channel(siteloop, slack, tower):
    slack.driver.command("/update", "1 35%", user="U0BOB", channel="C0TOWER")

    assert answer(slack, "U0BOB").startswith("TWR-1 Pour slab L3 · 0% → 35%")


def test_blocked_records_the_reason(siteloop, slack, tower):
    slack.driver.command(
        "/blocked", f"{tower} waiting for rebar delivery", user="U0BOB", channel="C0TOWER"
    )

    assert answer(slack, "U0BOB") == 'TWR-1 Pour slab L3 · blocked: "waiting for rebar delivery"'
    stored = task(siteloop, tower)
    assert (stored.status, stored.blocked_since) == (TaskStatus.BLOCKED, siteloop.clock.now())
    assert updates(siteloop)[0].note == "waiting for rebar delivery"


def test_done_completes_the_task(siteloop, slack, tower):
    slack.driver.command("/done", f"{tower} poured and cured", user="U0BOB", channel="C0TOWER")

    stored = task(siteloop, tower)
    assert (stored.status, stored.percent_complete, stored.done_at) == (
        TaskStatus.DONE,
        100,
        siteloop.clock.now(),
    )
    assert "done" in answer(slack, "U0BOB")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Nothing recorded: empty: type `/update TWR-42 60% what you did`"),
        ("TWR-1 120%", "120%"),
        (
            "TWR-9 60%",
            "Nothing recorded: there is no task TWR-9. Closest: TWR-1. "
            "Type `/tasks` to see the list.",
        ),
        ("TRW-1 60%", "did you mean TWR-1?"),
        ("TWR-1 12 m2", "Nothing recorded: TWR-1 is counted in m³, not m²."),
        ("TWR-1 " + "x" * 5000, "too long"),
    ],
)
def test_bad_reports_get_a_clear_answer_and_change_nothing(siteloop, slack, tower, text, expected):
    slack.driver.command("/update", text, user="U0BOB", channel="C0TOWER")

    assert expected in answer(slack, "U0BOB")
    assert updates(siteloop) == []
    assert task(siteloop, tower).percent_complete == 0


def test_a_task_of_another_project_is_reported_in_its_own_channel(siteloop, slack, tower):
    slack.add_channel("C0BRIDGE", name="bridge", members=["U0ANN", "U0BOB"])
    setup_project(slack, key="BRG", name="Bridge", channel="C0BRIDGE")

    slack.driver.command("/update", f"{tower} 50%", user="U0BOB", channel="C0BRIDGE")

    assert answer(slack, "U0BOB") == "Nothing recorded: TWR tasks are reported in <#C0TOWER>."
    assert updates(siteloop) == []


def test_project_people_can_report_from_a_direct_message(siteloop, slack, tower):
    dm = slack.dm_channel("U0ANN")

    slack.driver.command("/update", f"{tower} 20% rebar fixing", user="U0ANN", channel=dm)

    assert answer(slack, "U0ANN").startswith("TWR-1 Pour slab L3 · 0% → 20%")


def test_strangers_cannot_report_from_a_direct_message(siteloop, slack, tower):
    slack.add_user("U0EVE", name="eve", real_name="Eve", tz="UTC")

    slack.driver.command(
        "/update", f"{tower} 100%", user="U0EVE", channel=slack.dm_channel("U0EVE")
    )

    assert answer(slack, "U0EVE") == "Nothing recorded: TWR tasks are reported in <#C0TOWER>."
    assert task(siteloop, tower).status == TaskStatus.PLANNED


def test_nul_characters_are_dropped_so_every_database_stores_the_report(siteloop, slack, tower):
    slack.driver.command(
        "/update", f"{tower} 60%\x00 formwork\x00 done", user="U0BOB", channel="C0TOWER"
    )

    assert answer(slack, "U0BOB").startswith("TWR-1 Pour slab L3 · 0% → 60%")
    assert updates(siteloop)[0].raw_text == "TWR-1 60% formwork done"
