"""A follow-up in the task's thread: numbers, how to answer, and the answer linked to its alert."""

from rules.vocabulary import UpdateSource
from tests.actions.cards import CHANNEL, site
from tests.escalations.loop import (
    alerts,
    bot_replies,
    settle,
    site_time,
    stalled_task,
    tick_at,
    updates,
)

__all__ = ["site"]


def test_it_follows_up_in_the_cards_thread_with_the_numbers(site, slack):
    card = stalled_task(site, slack)

    tick_at(site, slack, site_time(2, 8))

    [follow_up] = bot_replies(slack, card)
    print(follow_up.rendered)
    print(follow_up.text)
    assert "<@U0CAM>" in follow_up.rendered
    assert "has had no update for 8.5 working hours" in follow_up.rendered
    assert "[Update…] [Blocked…]" in follow_up.rendered


def test_the_assignees_reply_answers_the_alert_and_resolves_it(site, slack):
    card = stalled_task(site, slack)
    tick_at(site, slack, site_time(2, 8))

    site.clock.set(site_time(2, 8, 25))
    slack.driver.post("U0CAM", CHANNEL, "40% formwork done", thread_ts=card.ts)
    settle(site, slack)
    tick_at(site, slack, site_time(2, 8, 30))

    [alert] = alerts(site)
    reply = updates(site)[-1]
    assert (reply.source, reply.alert_id) == (UpdateSource.THREAD_REPLY, alert.id)
    assert alert.resolved_by_update_id == reply.id
