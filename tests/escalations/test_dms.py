"""Escalation DMs: the lead at the second step, the managers at the third, with the history
of unanswered messages, a link to the thread, and buttons that stop or pause the chain."""

from rules.vocabulary import TaskStatus
from tests.actions.cards import CHANNEL, card_now
from tests.bot.sites import task
from tests.escalations.loop import (
    alerts,
    assignee_of,
    bot_replies,
    dm_now,
    dms_now,
    site_time,
    stalled_task,
)


def escalated_to_bob(site, slack):
    """Stall Cam's task, follow it up Wednesday 08:00 and escalate it to Bob at 13:30."""
    card = stalled_task(site, slack)
    site.at(site_time(2, 8))
    site.at(site_time(2, 13, 30))
    [dm] = dms_now(site, slack, "U0BOB")
    return card, dm


def elements(message) -> dict[str, dict]:
    """Return a message's interactive elements by action id."""
    return {
        element["action_id"]: element
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
    }


def test_it_tells_the_lead_four_working_hours_after_the_follow_up(site, slack):
    card = stalled_task(site, slack)
    site.at(site_time(2, 8))

    site.at(site_time(2, 13, 30))

    [dm] = dms_now(site, slack, "U0BOB")
    assert dm.rendered.startswith(
        "Escalation: *TWR-1 Pour slab L3* (assigned to <@U0CAM>) has had no update for "
        "12.5 working hours."
    )
    assert "*Raised*\n4 working hours ago" in dm.rendered
    assert "*Unanswered:* 1 message — Wed 08:00 in the thread to <@U0CAM>." in dm.rendered
    link = f"https://siteloop-demo.slack.com/archives/{CHANNEL}/p{card.ts.replace('.', '')}"
    assert f"<{link}|Open the task's thread>" in dm.rendered
    assert "Escalation: TWR-1 Pour slab L3 (assigned to <@U0CAM>)" in dm.text  # the fallback
    shown = elements(dm)
    assert list(shown) == ["alert_ack", "alert_snooze", "alert_reassign"]
    assert [o["value"] for o in shown["alert_snooze"]["options"]] == ["1h", "4h", "tomorrow"]
    assert shown["alert_reassign"]["type"] == "users_select"
    assert slack.dms("U0ANN") == []


def test_the_managers_hear_next_with_every_message_that_went_unanswered(site, slack):
    escalated_to_bob(site, slack)

    site.at(site_time(3, 7, 30))  # 8 working hours after the follow-up

    [dm] = [m for m in dms_now(site, slack, "U0ANN") if "TWR-1" in m.text]
    assert (
        "*Unanswered:* 2 messages — Wed 08:00 in the thread to <@U0CAM>, Wed 13:30 DM to "
        "<@U0BOB>." in dm.rendered
    )


def test_acknowledging_stops_the_chain_and_the_dm_says_who_did(site, slack):
    _card, dm = escalated_to_bob(site, slack)
    site.clock.set(site_time(2, 13, 40))

    slack.driver.click("U0BOB", dm.channel, dm.ts, "alert_ack")

    edited = dm_now(site, slack, "U0BOB", dm.ts)

    assert "Acknowledged by Bob Nguyen at 13:40." in edited.rendered
    assert "alert_ack" not in elements(edited)
    for day, hour in ((3, 8), (3, 17), (4, 17)):
        site.at(site_time(day, hour))
    assert [m for m in slack.dms("U0ANN") if "TWR-1" in m.text] == []
    assert len(slack.dms("U0BOB")) == 1
    [alert] = alerts(site)
    assert alert.acknowledged_at == site_time(2, 13, 40) and alert.resolved_at is None


def test_a_snooze_of_an_hour_pauses_the_chain_then_reminds(site, slack):
    _card, dm = escalated_to_bob(site, slack)
    site.clock.set(site_time(2, 13, 35))

    slack.driver.click("U0BOB", dm.channel, dm.ts, "alert_snooze", "1h")

    edited = dm_now(site, slack, "U0BOB", dm.ts)

    assert "Snoozed by Bob Nguyen until 14:35" in edited.rendered
    assert "alert_ack" in elements(edited)  # still there, to acknowledge later
    site.at(site_time(2, 14, 30))
    assert len(slack.dms("U0BOB")) == 1
    site.at(site_time(2, 14, 35))
    reminder = dms_now(site, slack, "U0BOB")[-1]
    assert reminder.rendered.startswith("Reminder (snooze over): *TWR-1 Pour slab L3*")


def test_a_snooze_until_tomorrow_holds_the_chain_until_the_next_shift(site, slack):
    _card, dm = escalated_to_bob(site, slack)
    site.clock.set(site_time(2, 16))

    slack.driver.click("U0BOB", dm.channel, dm.ts, "alert_snooze", "tomorrow")

    assert "Snoozed by Bob Nguyen until Thu 07:00" in dm_now(site, slack, "U0BOB", dm.ts).rendered
    [alert] = alerts(site)
    assert alert.snoozed_until == site_time(3, 7)


def test_reassigning_gives_the_task_to_the_person_picked_and_starts_over_with_them(site, slack):
    card, dm = escalated_to_bob(site, slack)
    site.clock.set(site_time(2, 13, 40))

    slack.driver.click("U0BOB", dm.channel, dm.ts, "alert_reassign", "U0DEE")

    assert assignee_of(site, "TWR-1") == "U0DEE"
    site.step()
    assert (
        "Reassigned to <@U0DEE> by Bob Nguyen at 13:40."
        in dm_now(site, slack, "U0BOB", dm.ts).rendered
    )
    assert "<@U0DEE>" in card_now(site, card).rendered
    notes = [m.rendered for m in bot_replies(slack, card)]
    assert notes[-1].startswith("Reassigned from <@U0CAM> to <@U0DEE> by <@U0BOB>.")
    [first] = alerts(site)
    assert first.resolved_at == site_time(2, 13, 40) and first.resolved_by_update_id is None
    assert first.acknowledged_at == site_time(2, 13, 40)  # the press answered it
    # The chain starts over with Dee: 8 working hours after she got the task.
    site.at(site_time(3, 13, 5))
    assert len(bot_replies(slack, card)) == 2
    site.at(site_time(3, 13, 10))
    follow_up = bot_replies(slack, card)[-1]
    assert follow_up.rendered.startswith("<@U0DEE> *TWR-1 Pour slab L3* has had no update")
    assert task(site, "TWR-1").status is TaskStatus.IN_PROGRESS


def test_someone_the_alert_was_not_sent_to_is_told_why_and_nothing_changes(site, slack):
    _card, dm = escalated_to_bob(site, slack)

    slack.driver.click("U0CAM", dm.channel, dm.ts, "alert_ack")

    said = slack.wait_for(lambda: slack.ephemerals(user="U0CAM"))[-1].rendered
    assert said.startswith(
        "Only the people it was sent to (<@U0BOB>) and TWR's managers can answer this alert, "
        "so nothing changed."
    )
    site.step()
    [alert] = alerts(site)
    assert alert.acknowledged_at is None
    assert "Acknowledged" not in slack.dms("U0BOB")[0].rendered


def test_a_press_after_the_alert_resolved_changes_nothing(site, slack):
    _card, dm = escalated_to_bob(site, slack)
    slack.driver.command("/update", "TWR-1 30% formwork up", user="U0CAM", channel=CHANNEL)
    site.at(site_time(2, 13, 45))

    slack.driver.click("U0BOB", dm.channel, dm.ts, "alert_ack")

    said = slack.wait_for(lambda: slack.ephemerals(user="U0BOB"))[-1].rendered
    assert said == "This alert is over: a fresh report cleared it at 13:45. Nothing changed."
    [alert] = alerts(site)
    assert alert.acknowledged_at is None


def test_one_managers_acknowledgement_shows_in_every_dm_of_the_alert(site, slack):
    slack.driver.command("/siteloop", "role @dee manager", user="U0ANN", channel=CHANNEL)
    escalated_to_bob(site, slack)
    site.at(site_time(3, 7, 30))
    [ann] = [m for m in dms_now(site, slack, "U0ANN") if "TWR-1" in m.text]
    [dee] = [m for m in dms_now(site, slack, "U0DEE") if "TWR-1" in m.text]
    assert "*Unanswered:* 2 messages" in ann.rendered and "*Unanswered:* 2 messages" in dee.rendered
    site.clock.set(site_time(3, 7, 45))

    slack.driver.click("U0DEE", dee.channel, dee.ts, "alert_ack")

    for user, dm in (("U0DEE", dee), ("U0ANN", ann)):
        assert "Acknowledged by Dee Vo at 07:45." in dm_now(site, slack, user, dm.ts).rendered
    bob = slack.dms("U0BOB")[0]
    assert "Acknowledged by Dee Vo" in dm_now(site, slack, "U0BOB", bob.ts).rendered
