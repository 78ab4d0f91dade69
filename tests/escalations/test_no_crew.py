"""A task with no crew still has someone to lead it: the project's leads."""

from tests.actions.cards import CHANNEL, card_of, run_task
from tests.escalations.loop import dms_now, site_time


def test_it_tells_the_projects_leads_what_a_crewless_tasks_crew_lead_would_hear(site, slack):
    run_task(slack, "add Pour slab L3 @cam")  # no crew; Bob leads the project's Concrete crew
    card_of(site, "TWR-1")
    slack.driver.command("/blocked", "TWR-1 waiting for rebar", user="U0CAM", channel=CHANNEL)
    site.step()

    site.at(site_time(1, 14))  # blocked for 4.5 working hours: the crew lead hears

    [dm] = dms_now(site, slack, "U0BOB")
    assert "TWR-1" in dm.text and "blocked" in dm.text
