"""The Home tab: your open tasks, most urgent first; a manager's projects and their health."""

from datetime import date
from decimal import Decimal

from tests.bot.sites import plan_task

CHANNEL = "C0TOWER"


def home_of(site, slack, user: str) -> str:
    slack.driver.home_opened(user)
    site.step()
    [home] = [view for view in slack.views(user=user) if view.type == "home"]
    return home.rendered


def test_it_shows_a_crew_member_their_open_tasks_blocked_first_then_soonest_due(site, slack):
    slack.driver.command("/siteloop", "crew Concrete add @cam @dee", user="U0ANN", channel=CHANNEL)
    plan_task(site, "Pour slab L3", assignee="U0CAM", planned_finish=date(2026, 12, 4))
    plan_task(site, "Seal joints", assignee="U0CAM", planned_finish=date(2026, 12, 2))
    plan_task(site, "Strip forms L2", assignee="U0CAM")
    plan_task(site, "Rebar L4", assignee="U0DEE")
    slack.driver.command("/blocked", "TWR-3 waiting for the crane", user="U0CAM", channel=CHANNEL)

    home = home_of(site, slack, "U0CAM")

    mine = [line for line in home.splitlines() if "TWR-" in line]
    assert [line.split("*")[1] for line in mine] == ["TWR-3", "TWR-2", "TWR-1"]
    assert "⛔ *TWR-3* Strip forms L2 · Cam Le · 0% · blocked" in home
    assert "Rebar L4" not in home and "Earned value" not in home  # Dee's, and not a manager


def test_it_shows_a_manager_each_projects_health(site, slack):
    slack.driver.command("/siteloop", "crew Concrete add @cam", user="U0ANN", channel=CHANNEL)
    plan_task(
        site,
        "Pour slab L3",
        assignee="U0CAM",
        planned_start=date(2026, 11, 30),
        planned_finish=date(2026, 12, 4),
        budget=Decimal(1000),
    )
    slack.driver.command("/update", "TWR-1 50% $600 formwork up", user="U0CAM", channel=CHANNEL)

    home = home_of(site, slack, "U0ANN")

    assert "Your tasks\nNothing is assigned to you now." in home
    assert "Tower A (TWR)" in home
    assert "$500 earned · $223.53 planned · $600 spent\nCPI 0.83 · SPI 2.24" in home


def test_someone_on_no_project_sees_how_to_start(site, slack):
    slack.add_user("U0EVE", name="eve", real_name="Eve Pham")

    home = home_of(site, slack, "U0EVE")

    assert home.startswith("You are not on a project yet.")
    assert "/siteloop setup TWR Tower A" in home and "Tower A (TWR)" not in home
