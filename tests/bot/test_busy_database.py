"""A busy database never makes Slack wait more than its 3 seconds for a command's answer."""

import sqlite3
import threading

import pytest

from bot.slack import inbox
from tests.bot.sites import plan_task, setup_project, task


@pytest.fixture
def tower(siteloop, slack):
    if siteloop.runtime.engine.dialect.name != "sqlite":
        pytest.skip("holds SQLite's write lock to make the database busy")
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    return siteloop


def run_update_while_locked(slack, database: str, acknowledgement_shown: bool = False):
    """Send `/update TWR-1 60%` while another writer holds `database`; return the delivery
    and what Bob had read by the time Slack had its answer (and showed it, when there is one
    to show), once the writer let go."""
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    sent = []
    command = threading.Thread(
        target=lambda: sent.append(
            slack.driver.command("/update", "TWR-1 60%", user="U0BOB", channel="C0TOWER")
        )
    )
    command.start()
    [delivery] = slack.wait_for(
        lambda: [d for d in slack.deliverer.log if d.kind == "command" and d.replies][-1:]
    )
    if acknowledgement_shown:
        slack.wait_for(lambda: slack.ephemerals(user="U0BOB"))
    read_then = [e.rendered for e in slack.ephemerals(user="U0BOB")]
    blocker.rollback()
    command.join(10)
    slack.wait_for(lambda: [p for p in slack.response_posts if "60%" in p.body["text"]])
    return delivery, read_then


def test_a_busy_database_delays_the_answer_but_not_the_acknowledgement(tower, slack):
    delivery, read_then = run_update_while_locked(slack, tower.runtime.engine.url.database)

    assert delivery.status == 200 and delivery.reply.elapsed < 1  # stored in the inbox at once
    assert read_then == []  # nothing to read until the report is recorded
    assert "TWR-1 Pour slab L3 · 0% → 60%" in slack.ephemerals(user="U0BOB")[-1].rendered
    assert task(tower, "TWR-1").percent_complete == 60


def test_a_command_that_cannot_be_stored_in_time_is_answered_recording_then_recorded(
    tower, slack, monkeypatch
):
    monkeypatch.setattr(inbox, "ACK_BUDGET_SECONDS", 0.2)

    delivery, read_then = run_update_while_locked(
        slack, tower.runtime.inbox_engine.url.database, acknowledgement_shown=True
    )

    assert delivery.status == 200 and delivery.reply.elapsed < 1
    assert read_then == ["⏳ Recording… siteloop is busy; you'll see the result here in a moment."]
    assert "TWR-1 Pour slab L3 · 0% → 60%" in slack.ephemerals(user="U0BOB")[-1].rendered
    assert task(tower, "TWR-1").percent_complete == 60
