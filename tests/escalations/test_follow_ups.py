"""A follow-up in the task's thread: numbers, how to answer, and the answer linked to its alert."""

from rules.vocabulary import UpdateSource
from tests.actions.cards import CHANNEL, card_of, run_task
from tests.escalations.loop import (
    alerts,
    bot_replies,
    reply_in_thread,
    site_time,
    stalled_task,
    updates,
)


def followed_up(site, slack):
    """Stall Cam's task and follow it up Wednesday 08:00; return the card and the follow-up."""
    card = stalled_task(site, slack)
    site.at(site_time(2, 8))
    [follow_up] = bot_replies(slack, card)
    return card, follow_up


def test_it_follows_up_in_the_cards_thread_with_the_numbers_and_how_to_answer(site, slack):
    card = stalled_task(site, slack)

    site.at(site_time(2, 8))

    [follow_up] = bot_replies(slack, card)
    assert follow_up.rendered.splitlines() == [
        "<@U0CAM> *TWR-1 Pour slab L3* has had no update for 8.5 working hours.",
        "*Last update*",
        "8.5 working hours ago",
        "*Reported*",
        "10%",
        "Reply here with progress (e.g. `60% formwork done`) or `/blocked TWR-1 reason`. "
        "Or press *Update…* or *Blocked…* below.",
        "[Update…] [Blocked…]",
    ]
    assert follow_up.text == (  # the notification, and the fallback
        "<@U0CAM> TWR-1 Pour slab L3 has had no update for 8.5 working hours. Reply here "
        "with progress (e.g. `60% formwork done`) or `/blocked TWR-1 reason`."
    )


def test_it_gives_the_plan_for_today_against_what_was_reported(site, slack):
    run_task(slack, "add Pour slab L3 @cam crew:Concrete start:2026-11-30 due:2026-12-04")
    card = card_of(site, "TWR-1")
    slack.driver.command("/update", "TWR-1 10% formwork started", user="U0CAM", channel=CHANNEL)
    site.step()

    site.at(site_time(2, 10))

    [follow_up] = [m for m in bot_replies(slack, card) if "behind" in m.rendered]
    assert follow_up.rendered.splitlines()[:9] == [
        "<@U0CAM> *TWR-1 Pour slab L3* is 10% done where the plan says 47.1% by now "
        "(37.1 points behind).",
        "*Planned finish*",
        "Fri 04 Dec",
        "*Plan for today*",
        "47.1%",
        "*Reported*",
        "10%",
        "*Behind plan*",
        "37.1 points",
    ]


def test_the_assignees_reply_answers_the_alert_and_resolves_it(site, slack):
    card, _follow_up = followed_up(site, slack)
    site.clock.set(site_time(2, 8, 25))

    reply_in_thread(site, slack, "U0CAM", card, "40% formwork done")
    site.at(site_time(2, 8, 30))

    [alert] = alerts(site)
    reply = updates(site)[-1]
    assert (reply.source, reply.alert_id) == (UpdateSource.THREAD_REPLY, alert.id)
    assert alert.resolved_by_update_id == reply.id
    assert reply.recorded_at == site_time(2, 8, 25)


def test_a_report_made_before_anyone_was_told_answers_no_alert(site, slack):
    stalled_task(site, slack)

    [started] = updates(site)

    assert started.alert_id is None


def test_update_on_the_follow_up_opens_the_cards_form_and_its_answer_is_linked(site, slack):
    _card, follow_up = followed_up(site, slack)

    slack.driver.click("U0CAM", CHANNEL, follow_up.ts, "alert_update")
    [modal] = slack.wait_for(lambda: slack.views("U0CAM"))
    slack.driver.submit_view("U0CAM", modal.id, {"percent": {"value": "35%"}})

    [alert] = alerts(site)
    answer = updates(site)[-1]
    assert modal.rendered.splitlines()[0] == "Update TWR-1"
    assert (answer.source, answer.percent, answer.alert_id) == (UpdateSource.MODAL, 35, alert.id)


def test_someone_who_may_not_answer_the_task_is_told_why(site, slack):
    _card, follow_up = followed_up(site, slack)

    slack.driver.click("U0DEE", CHANNEL, follow_up.ts, "alert_blocked")

    said = slack.wait_for(lambda: slack.ephemerals(user="U0DEE"))[-1].rendered
    assert said.startswith("Only <@U0CAM> (assigned), the Concrete crew's lead and TWR's")
    assert slack.views("U0DEE") == []
