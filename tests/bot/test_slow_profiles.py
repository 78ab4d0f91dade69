"""A slow Slack answering `users.info` for a newcomer holds nobody else's report back."""

import threading

from rules.vocabulary import TaskStatus
from storage.db import session_scope
from storage.tasks import find_task
from tests.actions.cards import CHANNEL, card_of, run_task


def status(site, key: str) -> TaskStatus:
    """Return the task's status, read without waiting for the writers."""
    with session_scope(site.runtime.sessions, read_only=True) as session:
        return find_task(session, key).status


def test_it_records_a_press_promptly_while_slack_is_slow_to_say_who_a_newcomer_is(site, slack):
    run_task(slack, "add Pour slab L3 @bob")
    card = card_of(site, "TWR-1")
    slack.add_user("U0EVE", name="eve", real_name="Eve Pham", tz="Asia/Ho_Chi_Minh")
    slack.add_member(CHANNEL, "U0EVE")
    asked, answered = slack.arrived("users.info"), len(slack.calls("users.info"))
    slack.faults.set(latency=4.0, methods=["users.info"])
    newcomer = threading.Thread(
        target=slack.driver.post, args=("U0EVE", CHANNEL, "TWR-1 concrete truck on site")
    )
    newcomer.start()
    slack.wait_for(lambda: slack.arrived("users.info") > asked)  # Slack is thinking about Eve

    slack.driver.click("U0BOB", CHANNEL, card.ts, "task_start")

    try:
        slack.wait_for(lambda: status(site, "TWR-1") is TaskStatus.IN_PROGRESS)
        assert len(slack.calls("users.info")) == answered  # Slack is still thinking about Eve
    finally:
        newcomer.join()
