"""Cost codes: a task's cost account, from `/task add … code:` or a schedule's `Cost code`
column, exported with it, and earned value by cost code in the site report."""

import csv
import io

from selenium.webdriver.common.by import By

from storage.tasks import find_task
from tests.actions.cards import CHANNEL, run_task
from tests.bot.sites import answer
from tests.cli import environment, run_siteloop
from tests.visibility.test_site_report import rows, write_report

SCHEDULE = """\
Activity ID,Task name,Trade,Start,Finish,Budget,Cost code
A100,Pour slab L3,Concrete,2026-11-23,2026-11-27,1000,03-300
A110,Strip forms L2,Concrete,2026-11-26,2026-11-28,500,03-100
A120,Sweep up,,2026-11-26,2026-11-28,100,
"""


def cost_code(site, key: str) -> str | None:
    with site.runtime.sessions() as session:
        return find_task(session, key).cost_code


def test_a_task_added_with_a_code_keeps_it_and_shows_it(site, slack):
    run_task(slack, "add Pour slab L3 budget:12000 code:03-300")

    assert "· budget $12,000 · code 03-300" in answer(slack, "U0ANN")
    assert cost_code(site, "TWR-1") == "03-300"


def test_a_schedule_brings_its_cost_codes_and_the_report_sums_by_them(
    site, slack, tmp_path, browser
):
    (tmp_path / "schedule.csv").write_text(SCHEDULE)
    env = environment(tmp_path, DATABASE_URL=site.settings.database_url)
    imported = run_siteloop(
        "import", "tasks", "schedule.csv", "--project", "TWR", env=env, cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    slack.driver.command("/update", "TWR-1 50% $600", user="U0ANN", channel=CHANNEL)
    site.step()

    exported = run_siteloop("export", "tasks", "--project", "TWR", env=env, cwd=tmp_path)
    codes = [row["cost_code"] for row in csv.DictReader(io.StringIO(exported.stdout))]
    assert codes == ["03-300", "03-100", ""]

    browser.get(write_report(site, slack, tmp_path).as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "#cost-codes h2").text == (
        "Earned value by cost code"
    )
    assert rows(browser, "#cost-codes") == [
        ["03-100", "1 / 1", "0%", "$500", "$0", "$0", "–", "0", "–", "–"],
        ["03-300", "1 / 1", "50%", "$1,000", "$500", "$600", "0.83", "0.5", "$1,200", "-$200"],
        ["No cost code", "1 / 1", "0%", "$100", "$0", "$0", "–", "0", "–", "–"],
    ]
