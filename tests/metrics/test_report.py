"""The loop report after a real loop: in Slack (`/siteloop report`) and as a process."""

import pytest

from tests.actions.cards import CHANNEL
from tests.bot.sites import answer
from tests.cli import environment, run_siteloop
from tests.escalations.loop import site_time, stalled_task


@pytest.fixture
def loop(site, slack):
    """One loop closed: a follow-up Wednesday 08:00, Cam's answer at 08:25:30, resolved 08:30."""
    card = stalled_task(site, slack)
    site.at(site_time(2, 8))
    site.clock.set(site_time(2, 8, 25, 30))
    slack.driver.post("U0CAM", CHANNEL, "40% formwork done", thread_ts=card.ts)
    site.at(site_time(2, 8, 30))  # the next step, and its tick, at 08:30
    return site


def test_siteloop_report_shows_the_loop_privately_in_slack(loop, slack):
    slack.driver.command("/siteloop", "report", user="U0ANN", channel=CHANNEL)

    said = answer(slack, "U0ANN")
    assert said.splitlines()[:2] == ["Loop metrics · TWR", "Tower A · 1 alert · wall-clock times"]
    assert "*delivered → answered*\nmedian 25 min · p90 25 min · 1 alert" in said
    assert "*answered → resolved*\nmedian 4 min · p90 4 min · 1 alert" in said
    assert "*signal → resolved*\nmedian 30 min · p90 30 min · 1 alert" in said
    assert "*By rule* (opened · acknowledged · answered · resolved)\n`stalled` 1 · 0 · 1 · 1" in (
        said
    )
    assert said.endswith(
        "*How they ended:* 1 resolved by fresh field data (100%) · 0 closed otherwise (0%) · "
        "0 still open (0%)"
    )


def test_siteloop_report_since_a_day_counts_only_the_alerts_opened_since(loop, slack):
    slack.driver.command("/siteloop", "report since:2026-12-03", user="U0BOB", channel=CHANNEL)

    said = answer(slack, "U0BOB")
    assert "Tower A · 0 alerts opened since Thu 03 Dec 2026" in said
    assert "No alerts yet" in said


def test_siteloop_report_explains_a_bad_date(loop, slack):
    slack.driver.command("/siteloop", "report last week", user="U0ANN", channel=CHANNEL)

    assert answer(slack, "U0ANN").startswith("Type `/siteloop report` for every alert")


def test_the_siteloop_report_command_prints_medians_and_p90s(loop, app_database_url, tmp_path):
    env = environment(tmp_path, DATABASE_URL=app_database_url, COLUMNS="120")

    result = run_siteloop("report", "--project", "twr", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    rows = {
        cells[0]: cells[1:]
        for line in result.stdout.splitlines()
        if (cells := [cell.strip() for cell in line.strip("│").split("│")])[0]
    }
    assert "Loop metrics for TWR: Tower A · 1 alert · wall-clock times" in result.stdout
    assert "┃ stage                ┃ alerts ┃ median ┃    p90 ┃" in result.stdout
    assert rows["signal → delivered"][0] == "1"  # a few seconds, as the test's clock moves
    assert rows["delivered → answered"] == ["1", "25 min", "25 min"]
    assert rows["answered → resolved"] == ["1", "4 min", "4 min"]
    assert rows["signal → resolved"] == ["1", "30 min", "30 min"]
    assert rows["stalled"] == ["1", "0", "1", "1"]
    assert "How they ended: 1 resolved by fresh field data (100%)" in result.stdout


def test_the_siteloop_report_command_names_the_projects_it_knows(loop, app_database_url, tmp_path):
    env = environment(tmp_path, DATABASE_URL=app_database_url)

    result = run_siteloop("report", "--project", "XYZ", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "there is no project XYZ (projects: TWR)" in result.stderr
