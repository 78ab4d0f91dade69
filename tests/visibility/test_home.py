"""The Home tab as a dashboard: your tasks with the card's buttons, what waits on you, your
crew, your projects' health with the S-curve; kept current as things change, a burst of
changes published once; and always within Slack's 100 blocks."""

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.actions.cards import CHANNEL, run_task
from tests.bot.sites import plan_task, plan_the_pour
from tests.escalations.loop import site_time, stalled_task

TUESDAY_END = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 17:00 on site


def home_of(slack, user: str):
    [tab] = [view for view in slack.views(user) if view.type == "home"]
    return tab


def opened(site, slack, user: str):
    slack.driver.home_opened(user)
    site.step()
    return home_of(slack, user)


def settle(site, seconds: float = 3) -> None:
    """Let the Home tabs' publication wait out its settling time, and deliver it."""
    site.step()
    site.clock.advance(seconds=seconds)
    site.step()


def test_a_crew_member_sees_their_tasks_and_reports_from_the_tab(site, slack):
    run_task(slack, "add Pour slab L3 @cam due:2026-12-04 qty:40m3")
    run_task(slack, "add Strip forms L2 @cam due:2026-11-28")
    site.step()

    tab = opened(site, slack, "U0CAM")

    lines = tab.rendered.splitlines()
    assert lines[:5] == [
        "Your tasks",
        "*TWR-2* Strip forms L2 · Assigned · 0% · due Sat 28 Nov (3 days late) · Tower A",
        "[Update…] [Blocked…] [Done]",
        "*TWR-1* Pour slab L3 · Assigned · 0% · due Fri 04 Dec · Tower A",
        "[Update…] [Blocked…] [Done]",
    ]
    # Update… opens the card's form; what it records shows on the tab once it settles.
    site.clock.advance(seconds=20)
    slack.driver.click_in_view("U0CAM", tab.id, "task_update", value=_task_id(tab, "TWR-1"))
    [modal] = [view for view in slack.views("U0CAM") if view.type == "modal"]
    assert modal.rendered.splitlines()[:2] == ["Update TWR-1", "*TWR-1* Pour slab L3"]
    slack.driver.submit_view(
        "U0CAM", modal.id, {"percent": {"value": "60"}, "note": {"value": "east side"}}
    )
    settle(site)

    assert (
        "*TWR-1* Pour slab L3 · In progress · 60% · due Fri 04 Dec · Tower A"
        in home_of(slack, "U0CAM").rendered
    )
    [card] = [m for m in slack.messages(CHANNEL) if m.bot_id and "TWR-1" in m.text]
    assert "60%" in card.rendered  # the card says the same

    # Done from the tab, like the card's.
    slack.driver.click_in_view(
        "U0CAM",
        home_of(slack, "U0CAM").id,
        "task_done",
        value=_task_id(home_of(slack, "U0CAM"), "TWR-2"),
    )
    settle(site)
    assert "TWR-2" not in home_of(slack, "U0CAM").rendered


def _task_id(tab, key: str) -> str:
    for block in tab.blocks:
        if block["type"] == "section" and f"*{key}*" in block["text"]["text"]:
            index = tab.blocks.index(block)
            return tab.blocks[index + 1]["elements"][0]["value"]
    raise LookupError(key)


def test_a_burst_of_reports_republishes_the_tab_once(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    site.step()
    opened(site, slack, "U0CAM")
    published = len(slack.calls("views.publish"))
    site.clock.advance(seconds=20)

    for percent in (10, 20, 30, 40, 50):
        slack.driver.command("/update", f"TWR-1 {percent}%", user="U0CAM", channel=CHANNEL)
        site.step()
    assert len(slack.calls("views.publish")) == published  # still settling
    settle(site)

    assert len(slack.calls("views.publish")) == published + 1
    assert "· In progress · 50% ·" in home_of(slack, "U0CAM").rendered
    settle(site)
    assert len(slack.calls("views.publish")) == published + 1  # nothing new, nothing sent

    # Drawn once more half a minute on (a change stamped before it committed is caught),
    # then hourly (its "ago"s and what is late move on); nothing in between.
    site.clock.advance(seconds=30)
    settle(site)
    assert len(slack.calls("views.publish")) == published + 2
    site.clock.advance(minutes=30)
    settle(site)
    assert len(slack.calls("views.publish")) == published + 2
    site.clock.advance(minutes=30)
    settle(site)
    assert len(slack.calls("views.publish")) == published + 3


def test_what_waits_on_a_lead_is_on_the_tab_and_acknowledged_from_it(site, slack):
    stalled_task(site, slack)
    site.at(site_time(2, 8))  # the follow-up in the thread
    site.at(site_time(2, 13, 30))  # Bob, the crew's lead, hears by DM
    tab = opened(site, slack, "U0BOB")
    site.clock.advance(seconds=20)

    said = tab.rendered
    assert (
        "Waiting on you\nEscalation: TWR-1 Pour slab L3 (assigned to <@U0CAM>) has had no "
        "update for" in said
    )
    assert "_Sent Wed 02 Dec 13:30._\n[Acknowledge]" in said
    assert "Concrete crew · TWR\n• *TWR-1* Pour slab L3 · Cam Le · 10%" in said

    slack.driver.click_in_view("U0BOB", tab.id, "alert_ack")
    settle(site)

    assert "Waiting on you" not in home_of(slack, "U0BOB").rendered
    [dm] = slack.dms("U0BOB")
    assert "Acknowledged by" in dm.rendered  # the escalation says who did it, as from the DM


def test_an_alert_snoozed_from_the_tab_says_until_when(site, slack):
    stalled_task(site, slack)
    site.at(site_time(2, 8))
    site.at(site_time(2, 13, 30))
    tab = opened(site, slack, "U0BOB")
    site.clock.advance(seconds=20)

    slack.driver.click_in_view("U0BOB", tab.id, "alert_snooze", value="1h")
    settle(site)

    said = home_of(slack, "U0BOB").rendered
    assert "_Sent Wed 02 Dec 13:30 · snoozed until Wed 02 Dec 14:30._" in said
    [dm] = slack.dms("U0BOB")
    assert "Snoozed by" in dm.rendered


def test_a_manager_sees_the_health_late_and_blocked_and_the_s_curve(site, slack):
    plan_task(
        site,
        "Pour slab L3",
        planned_start=date(2026, 11, 30),
        planned_finish=date(2026, 12, 4),
        budget=Decimal(1000),
    )
    plan_task(site, "Strip forms L2", planned_finish=date(2026, 11, 28), budget=Decimal(500))
    slack.driver.command("/blocked", "TWR-2 waiting for the crane", user="U0ANN", channel=CHANNEL)
    site.at(TUESDAY_END)  # the digest, and its chart

    said = opened(site, slack, "U0ANN").rendered

    assert "Tower A (TWR)\n*Progress*\n" in said
    assert "Late (1):\n• TWR-2 Strip forms L2 — was due Sat 28 Nov" in said
    assert "Blocked (1):\n• TWR-2 Strip forms L2 — blocked for 9 h" in said
    [chart] = slack.files()
    [image] = [b for b in home_of(slack, "U0ANN").blocks if b["type"] == "image"]
    assert image["slack_file"] == {"id": chart["id"]}


def test_it_shows_a_crew_member_their_open_tasks_blocked_first_then_soonest_due(site, slack):
    slack.driver.command("/siteloop", "crew Concrete add @cam @dee", user="U0ANN", channel=CHANNEL)
    plan_task(site, "Pour slab L3", assignee="U0CAM", planned_finish=date(2026, 12, 4))
    plan_task(site, "Seal joints", assignee="U0CAM", planned_finish=date(2026, 12, 2))
    plan_task(site, "Strip forms L2", assignee="U0CAM")
    plan_task(site, "Rebar L4", assignee="U0DEE")
    slack.driver.command("/blocked", "TWR-3 waiting for the crane", user="U0CAM", channel=CHANNEL)

    home = opened(site, slack, "U0CAM").rendered

    mine = [line for line in home.splitlines() if "TWR-" in line]
    assert [line.split("*")[1] for line in mine] == ["TWR-3", "TWR-2", "TWR-1"]
    assert "*TWR-3* Strip forms L2 · Blocked · 0% · Tower A" in home
    assert "Rebar L4" not in home and "Earned value" not in home  # Dee's, and not a manager


def test_it_shows_a_manager_each_projects_health(site, slack):
    slack.driver.command("/siteloop", "crew Concrete add @cam", user="U0ANN", channel=CHANNEL)
    plan_the_pour(site)
    slack.driver.command("/update", "TWR-1 50% $600 formwork up", user="U0CAM", channel=CHANNEL)

    home = opened(site, slack, "U0ANN").rendered

    assert "Your tasks\nNothing is assigned to you now." in home
    assert "Tower A (TWR)" in home
    assert "$500 earned · $223.53 planned · $600 spent\nCPI 0.83 · SPI 2.24" in home


def test_a_long_list_ends_with_how_many_more_and_the_tab_keeps_within_100_blocks(site, slack):
    for number in range(30):
        run_task(slack, f"add Task {number} @ann")
    site.step()

    tab = opened(site, slack, "U0ANN")

    assert "…and 22 more — `/tasks mine` in a project's channel" in tab.rendered
    assert len(tab.blocks) <= 100


def test_someone_on_no_project_sees_how_to_start(site, slack):
    slack.add_user("U0EVE", name="eve", real_name="Eve Pham")

    said = opened(site, slack, "U0EVE").rendered

    assert said.startswith(
        "You are not on a project yet. In your project's channel, type "
        "`/siteloop setup TWR Tower A`"
    )
