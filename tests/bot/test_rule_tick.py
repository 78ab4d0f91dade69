"""The rule tick inside `siteloop serve`: stalled work gets a follow-up, then an escalation."""

from datetime import timedelta

from tests.bot.sites import setup_project


def test_stalled_work_is_followed_up_in_the_tasks_thread_then_escalated(siteloop, slack, clock):
    setup_project(slack)
    slack.driver.command("/siteloop", "crew Concrete @bob", user="U0ANN", channel="C0TOWER")
    slack.driver.command(
        "/task", "add Pour slab L3 @bob crew:Concrete", user="U0ANN", channel="C0TOWER"
    )
    [card] = slack.wait_for(lambda: slack.messages("C0TOWER"))
    slack.driver.command("/update", "TWR-1 10% formwork started", user="U0BOB", channel="C0TOWER")

    clock.advance(days=2)  # Monday 08:00 → Wednesday 08:00: 17 working hours of silence
    result = siteloop.tick()

    assert result.opened >= 1
    follow_up = slack.wait_for(
        lambda: [m for m in slack.thread("C0TOWER", card.ts)[1:] if m.bot_id]
    )
    assert "<@U0BOB>" in follow_up[0].text
    assert "TWR-1" in follow_up[0].text


def test_ticking_twice_at_the_same_instant_changes_nothing(siteloop, slack, clock):
    setup_project(slack)
    slack.driver.command("/task", "add Rebar L4 @bob", user="U0ANN", channel="C0TOWER")
    clock.advance(days=3)

    first = siteloop.tick()
    second = siteloop.tick()

    assert first.messages_queued >= 1
    assert (second.opened, second.messages_queued) == (0, 0)


def test_a_fresh_report_resolves_the_alert(siteloop, slack, clock):
    setup_project(slack)
    slack.driver.command("/task", "add Rebar L4 @bob", user="U0ANN", channel="C0TOWER")
    slack.driver.command("/update", "TWR-1 started", user="U0BOB", channel="C0TOWER")
    clock.advance(days=2)
    siteloop.tick()

    clock.advance(timedelta(minutes=5))
    slack.driver.command("/update", "TWR-1 40% going well", user="U0BOB", channel="C0TOWER")
    result = siteloop.tick()

    assert result.resolved >= 1


def test_a_message_waiting_for_working_hours_is_withdrawn_when_the_alert_resolves_first(
    siteloop, slack, clock
):
    setup_project(slack)  # Tuesday 08:00 on site
    slack.driver.command("/siteloop", "crew Concrete @ann", user="U0ANN", channel="C0TOWER")
    slack.driver.command(
        "/task", "add Pour slab L3 @bob crew:Concrete", user="U0ANN", channel="C0TOWER"
    )
    slack.driver.command("/update", "TWR-1 started", user="U0BOB", channel="C0TOWER")
    clock.advance(hours=23, minutes=30)  # Wednesday 07:30: a working day of silence
    siteloop.tick()  # the follow-up goes to Bob's thread
    clock.advance(hours=4)  # 11:30, the lunch break: the lead's DM waits for 13:00
    siteloop.tick()

    clock.advance(minutes=15)
    slack.driver.command(
        "/update", "TWR-1 35% sorry, was on the pump", user="U0BOB", channel="C0TOWER"
    )
    siteloop.tick()
    clock.advance(hours=2)  # 13:45: the DM would have been due
    siteloop.dispatcher.deliver_due(clock.now())
    slack.wait_idle()

    assert slack.dms("U0ANN") == []
