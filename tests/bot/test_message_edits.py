"""Edits and deletions of a post revise only the report read from its author's own text."""

import copy
import dataclasses

import pytest

from bot.emulator.to_bot import envelopes
from tests.bot.sites import answer, plan_task, setup_project


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    return siteloop


def shown(slack, key: str = "TWR-1") -> str:
    """Return what `/task show` tells Ann about a task."""
    slack.driver.command("/task", f"show {key}", user="U0ANN", channel="C0TOWER")
    return answer(slack, "U0ANN")


def again(slack, delivery) -> None:
    """Deliver an earlier event once more under a new event id, as a late duplicate of it."""
    slack.driver.event(copy.deepcopy(delivery.body["event"]))


def test_it_revises_the_authors_report_and_leaves_a_reaction_on_the_post_alone(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 20%")
    slack.driver.react("U0ANN", "C0TOWER", posted.ts, "white_check_mark")

    slack.driver.edit("C0TOWER", posted.ts, "TWR-1 25%")

    reports = shown(slack)
    assert "25% reported" in reports
    assert "Ann Tran: ack" in reports
    assert "Bob Nguyen: TWR-1 25%" in reports
    assert "20%" not in reports


def test_it_keeps_the_newest_edit_when_an_older_one_arrives_late(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 20%")
    older = slack.driver.edit("C0TOWER", posted.ts, "TWR-1 25%")
    slack.driver.edit("C0TOWER", posted.ts, "TWR-1 30%")

    again(slack, older)

    reports = shown(slack)
    assert "30% reported" in reports
    assert "Bob Nguyen: TWR-1 30%" in reports


def test_it_keeps_a_deleted_report_retracted_when_its_edit_arrives_again(tower, slack):
    slack.driver.post("U0BOB", "C0TOWER", "TWR-1 60%")
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 90%")
    edit = slack.driver.edit("C0TOWER", posted.ts, "TWR-1 100% done")
    slack.driver.delete("C0TOWER", posted.ts)

    again(slack, edit)

    reports = shown(slack)
    assert "in progress, 60% reported" in reports
    assert "100% done" not in reports


def test_it_ignores_an_edit_naming_someone_else_as_the_writer(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 20%")
    original = slack.workspace.message("C0TOWER", posted.ts)
    edit_ts = slack.workspace.ts.next()
    changed = dataclasses.replace(
        original, user="U0ANN", text="TWR-1 100% done", edited={"user": "U0ANN", "ts": edit_ts}
    )

    slack.driver.event(
        envelopes.message_changed_event(
            changed, original, slack.workspace.channel("C0TOWER"), edit_ts
        )
    )

    reports = shown(slack)
    assert "20% reported" in reports
    assert "Bob Nguyen: TWR-1 20%" in reports
    assert "100% done" not in reports
