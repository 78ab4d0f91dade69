"""A busy database never makes Slack wait more than its 3 seconds for a command's answer."""

import sqlite3
import threading

import pytest

from bot import inbox
from tests.bot.sites import plan_task, setup_project, task


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    return siteloop


def test_a_command_is_acknowledged_at_once_and_answered_when_the_database_frees_up(
    tower, slack, monkeypatch
):
    if tower.runtime.engine.dialect.name != "sqlite":
        pytest.skip("holds SQLite's write lock to make the database busy")
    monkeypatch.setattr(inbox, "ACK_BUDGET_SECONDS", 0.2)
    blocker = sqlite3.connect(tower.runtime.engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    sent = []
    command = threading.Thread(
        target=lambda: sent.append(
            slack.driver.command("/update", "TWR-1 60%", user="U0BOB", channel="C0TOWER")
        )
    )

    command.start()
    command.join(3)
    acknowledged = list(slack.ephemerals(user="U0BOB"))
    blocker.rollback()
    answered = slack.wait_for(lambda: [p for p in slack.response_posts if "60%" in p.body["text"]])

    assert sent and sent[0].status == 200
    assert [e.rendered for e in acknowledged] == [
        "⏳ Recording… siteloop is busy; you'll see the result here in a moment."
    ]
    assert answered
    assert "TWR-1 Pour slab L3 · 0% → 60%" in slack.ephemerals(user="U0BOB")[-1].rendered
    assert task(tower, "TWR-1").percent_complete == 60
