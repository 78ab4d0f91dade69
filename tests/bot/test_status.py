"""`/siteloop status`: a project's health, privately, from its channel or by its key."""

from datetime import UTC, date, datetime

from tests.bot.sites import answer, plan_task, plan_the_pour

CHANNEL = "C0TOWER"


def test_it_shows_progress_earned_value_and_what_is_late_or_blocked(site, slack):
    # Tuesday 1 December 2026, 08:00 on site; the week runs Monday to Saturday.
    plan_the_pour(site)
    plan_task(site, "Strip forms L2", assignee="U0DEE", planned_finish=date(2026, 11, 28))
    slack.driver.command("/update", "TWR-1 50% $600 formwork up", user="U0CAM", channel=CHANNEL)
    slack.driver.command("/blocked", "TWR-2 waiting for the crane", user="U0DEE", channel=CHANNEL)
    site.step()

    slack.driver.command("/siteloop", "status", user="U0ANN", channel=CHANNEL)

    said = answer(slack, "U0ANN")
    assert said.splitlines()[0] == "Tower A (TWR)"
    # The strip, with no budget, weighs as much as the average budgeted task.
    assert "*Progress*\n25% done · the plan says 22.4% by now" in said
    assert "$500 earned · $223.53 planned · $600 spent\nCPI 0.83 · SPI 2.24" in said
    # The pour's budget, at the efficiency so far, ends at 1,200: 200 over.
    assert "\nBudget $1,000 · EAC $1,200 · ETC $600 · VAC -$200 · TCPI 1.25\n" in said
    assert "Late (1):\n• TWR-2 Strip forms L2 — was due Sat 28 Nov" in said
    assert "Blocked (1):\n• TWR-2 Strip forms L2 — blocked for 0 s" in said
    assert "Due this week (1):\n• TWR-1 Pour slab L3 — due Fri 04 Dec" in said
    assert not any("Earned value" in m.rendered for m in slack.messages(CHANNEL))  # private


def test_it_shows_a_project_by_its_key_to_its_people_only(site, slack):
    slack.driver.command("/siteloop", "status twr", user="U0ANN", channel=slack.dm_channel("U0ANN"))
    assert answer(slack, "U0ANN").startswith("Tower A (TWR)")

    slack.add_user("U0EVE", name="eve", real_name="Eve Pham")
    slack.driver.command("/siteloop", "status TWR", user="U0EVE", channel=slack.dm_channel("U0EVE"))
    refused = answer(slack, "U0EVE")
    assert refused.startswith("You have no project `TWR`.") and "Tower A" not in refused


def test_it_shows_the_s_curve_of_the_latest_digest_once_there_is_one(site, slack):
    slack.driver.command("/siteloop", "status", user="U0ANN", channel=CHANNEL)
    assert answer(slack, "U0ANN").endswith(
        "The S-curve comes with the end-of-day digest, in the project's channel."
    )

    site.at(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # 17:00 on site: the digest and its chart
    slack.driver.command("/siteloop", "status", user="U0ANN", channel=CHANNEL)

    [chart] = slack.files()
    [image] = [b for b in slack.ephemerals(user="U0ANN")[-1].blocks if b["type"] == "image"]
    assert image["slack_file"] == {"id": chart["id"]}
    assert "[image: TWR S-curve to Tue 01 Dec]" in answer(slack, "U0ANN")
