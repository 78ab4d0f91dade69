"""`siteloop inbox`: an admin sees the events taken in and reprocesses one given up, once fixed."""

import pytest

from tests.bot.sites import plan_task, setup_project
from tests.cli import environment, run_siteloop, table_rows


def inbox(app_database_url, tmp_path, *args):
    env = environment(tmp_path, DATABASE_URL=app_database_url, COLUMNS="220")
    return run_siteloop("inbox", *args, env=env, cwd=tmp_path)


@pytest.fixture
def history(siteloop, slack, clock) -> None:
    """A post processed, then a Home tab opened while Slack refused views.publish, given up."""
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    slack.driver.post("U0BOB", "C0TOWER", "TWR-1 40%")
    slack.faults.set(error_rate=1.0, methods=["views.publish"], seed=7)
    slack.driver.home_opened("U0BOB")
    for _ in range(siteloop.inbox.max_attempts - 1):
        clock.advance(hours=1)
        siteloop.inbox.sweep()
        siteloop.inbox.settle()


def test_it_lists_the_events_newest_first_with_their_state(
    history, slack, app_database_url, tmp_path
):
    listed = inbox(app_database_url, tmp_path)

    assert listed.returncode == 0, listed.stderr
    rows = table_rows(listed.stdout)
    home = f"event app_home_opened from U0BOB in {slack.dm_channel('U0BOB')}"
    assert [(r[0], r[1], r[4], r[5]) for r in rows] == [
        ("3", home, "given up", "5"),
        ("2", "event message from U0BOB in C0TOWER", "processed", "1"),
        ("1", "command /siteloop from U0ANN in C0TOWER", "processed", "1"),
    ]
    assert "SlackApiError" in rows[0][6] and rows[1][6] == ""
    assert "siteloop inbox retry ID" in listed.stdout


def test_failed_lists_only_the_events_given_up(history, app_database_url, tmp_path):
    listed = inbox(app_database_url, tmp_path, "--failed")

    assert [r[0] for r in table_rows(listed.stdout)] == ["3"]


def test_retry_reprocesses_an_event_given_up_once_the_cause_is_fixed(
    history, siteloop, slack, app_database_url, tmp_path
):
    slack.faults.clear()  # Slack takes views.publish again

    retried = inbox(app_database_url, tmp_path, "retry", "3")
    siteloop.inbox.sweep()
    siteloop.inbox.settle()

    assert retried.returncode == 0, retried.stderr
    assert "Inbox event 3 (event app_home_opened from U0BOB in D" in retried.stdout
    assert "is queued again." in retried.stdout
    [home] = [view for view in slack.views(user="U0BOB") if view.type == "home"]
    assert "/siteloop help" in home.rendered
    assert inbox(app_database_url, tmp_path, "--failed").stdout.strip() == (
        "No events given up in the inbox."
    )


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ("2", "inbox event 2 was processed"),
        ("9", "there is no inbox event 9"),
    ],
)
def test_retry_refuses_an_event_not_given_up_and_changes_nothing(
    history, app_database_url, tmp_path, event, problem
):
    refused = inbox(app_database_url, tmp_path, "retry", "3", event)

    assert refused.returncode == 2
    assert problem in refused.stderr
    still = table_rows(inbox(app_database_url, tmp_path, "--failed").stdout)
    assert [(r[0], r[4]) for r in still] == [("3", "given up")]
