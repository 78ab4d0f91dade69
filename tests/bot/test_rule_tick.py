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
