"""`siteloop report --html`: the site report as one self-contained page, opened in a real
headless Chromium; and the same numbers on every surface that shows a project."""

import base64
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from tests.bot.sites import answer, plan_task
from tests.cli import run_siteloop, site_environment

CHANNEL = "C0TOWER"


def arrange(site, slack):
    """Two tasks planned in November, so the numbers read the same at any hour after: the
    report reads the wall clock."""
    plan_task(
        site,
        "Pour slab L3",
        crew="Concrete",
        planned_start=date(2026, 11, 23),
        planned_finish=date(2026, 11, 27),
        budget=Decimal(1000),
    )
    plan_task(
        site,
        "Strip forms <L2> & @channel",
        planned_start=date(2026, 11, 26),
        planned_finish=date(2026, 11, 28),
        budget=Decimal(500),
    )
    slack.driver.command("/task", "assign TWR-1 @cam", user="U0ANN", channel=CHANNEL)
    slack.driver.command("/task", "assign TWR-2 @dee", user="U0ANN", channel=CHANNEL)
    slack.driver.command("/update", "TWR-1 50% $600 formwork up", user="U0CAM", channel=CHANNEL)
    slack.driver.command(
        "/blocked", "TWR-2 waiting for the <crane> & @here", user="U0DEE", channel=CHANNEL
    )
    site.step()


def cli_env(site, slack, tmp_path):
    return site_environment(tmp_path, site, slack)


def write_report(site, slack, tmp_path):
    page = tmp_path / "tower-a.html"
    done = run_siteloop(
        "report",
        "--project",
        "twr",
        "--html",
        str(page),
        env=cli_env(site, slack, tmp_path),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Site report of TWR written to {page} (")
    return page


def text(browser, css: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, css).text


def rows(browser, css: str) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, f"{css} tbody tr")
    ]


def test_the_html_report_shows_health_chart_crews_and_what_holds_work_up(
    site, slack, tmp_path, browser
):
    arrange(site, slack)
    page = write_report(site, slack, tmp_path)

    browser.get(page.as_uri())

    assert browser.title == "Tower A (TWR) · site report"
    assert text(browser, "h1") == "Tower A (TWR)"
    figures = {
        key: text(browser, f"#{key}")
        for key in (
            "bac",
            "eac",
            "vac",
            "tcpi",
            "percent-complete",
            "planned-percent",
            "earned-value",
            "planned-value",
            "actual-cost",
            "cpi",
            "spi",
            "open-tasks",
        )
    }
    assert figures == {
        "bac": "$1,500",
        "eac": "$1,800",
        "vac": "-$300",
        "tcpi": "1.11",  # the 1,000 of work left on the 900 of budget left
        "percent-complete": "33.3%",
        "planned-percent": "100%",
        "earned-value": "$500",
        "planned-value": "$1,500",
        "actual-cost": "$600",
        "cpi": "0.83",
        "spi": "0.33",
        "open-tasks": "2",
    }
    # The chart is embedded, and the page asks the network for nothing.
    chart = browser.find_element(By.CSS_SELECTOR, "#s-curve img")
    assert (
        browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart)
        == 800
    )
    sources = browser.execute_script(
        "return [...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href)"
    )
    assert sources and all(source.startswith("data:") for source in sources)
    # Earned value by crew adds up to the project's.
    assert rows(browser, "#crews") == [
        [
            "Concrete",
            "1 / 1",
            "50%",
            "100%",
            "$1,000",
            "$500",
            "$600",
            "0.83",
            "0.5",
            "$1,200",
            "-$200",
        ],
        ["No crew", "1 / 1", "0%", "100%", "$500", "$0", "$0", "–", "0", "–", "–"],
        [
            "The project",
            "2 / 2",
            "33.3%",
            "100%",
            "$1,500",
            "$500",
            "$600",
            "0.83",
            "0.33",
            "$1,800",
            "-$300",
        ],
    ]
    # What people typed reads as they typed it: escaped once, neither markup nor a mention.
    held = rows(browser, "#held-up")
    assert [row[0] for row in held] == ["TWR-2 Strip forms <L2> & @channel", "TWR-1 Pour slab L3"]
    assert held[0][1:3] == ["Dee Vo", "Sat 28 Nov 2026"]
    assert held[0][3].startswith("late, blocked for ")
    assert held[0][4].startswith("“waiting for the <crane> & @here” (Tue 01 Dec ")
    assert held[1][1:4] == ["Cam Le", "Fri 27 Nov 2026", "late"]
    assert held[1][4].startswith("“formwork up” (Tue 01 Dec ")
    # It prints on A4 (596 × 842 points): a sheet, front and back.
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(browser.print_page(options))
    assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 2
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert sizes and all(round(float(w)) == 596 and round(float(h)) == 842 for w, h in sizes)


def test_a_report_for_an_unknown_project_or_an_unwritable_file_changes_nothing(
    site, slack, tmp_path
):
    env = cli_env(site, slack, tmp_path)

    unknown = run_siteloop(
        "report", "--project", "XYZ", "--html", str(tmp_path / "x.html"), env=env, cwd=tmp_path
    )
    unwritable = run_siteloop(
        "report",
        "--project",
        "TWR",
        "--html",
        str(tmp_path / "no" / "x.html"),
        env=env,
        cwd=tmp_path,
    )

    assert unknown.returncode == 2 and "there is no project XYZ (projects: TWR)" in unknown.stderr
    assert (
        unwritable.returncode == 2
        and f"--html {tmp_path / 'no' / 'x.html'}: cannot be written" in unwritable.stderr
    )
    assert "Traceback" not in unknown.stderr + unwritable.stderr
    assert list(tmp_path.glob("**/*.html")) == []


NUMBERS = (
    r"(?P<done>\S+) done · the plan says (?P<planned>\S+) by now",
    r"(?P<ev>\S+) earned · (?P<pv>\S+) planned · (?P<ac>\S+) spent",
    r"CPI (?P<cpi>\S+) · SPI (?P<spi>\S+)",
)


def numbers(said: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pattern in NUMBERS:
        match = re.search(pattern, said)
        assert match, f"{pattern!r} not in:\n{said}"
        found |= match.groupdict()
    return found


def test_home_the_digest_status_the_cli_digest_and_the_report_show_the_same_numbers(
    site, slack, tmp_path, browser
):
    arrange(site, slack)
    site.clock.set(datetime.now(UTC))  # the commands below read the wall clock
    site.step()  # the last working day's digest, posted now

    [digest] = [m for m in slack.messages(CHANNEL) if "end of day" in m.rendered]
    slack.driver.command("/siteloop", "status", user="U0ANN", channel=CHANNEL)
    status = answer(slack, "U0ANN")
    slack.driver.home_opened("U0ANN")
    home = slack.views("U0ANN")[-1].rendered
    printed = run_siteloop(
        "digest", "--project", "TWR", env=cli_env(site, slack, tmp_path), cwd=tmp_path
    )
    browser.get(write_report(site, slack, tmp_path).as_uri())
    report = {
        "done": text(browser, "#percent-complete"),
        "planned": text(browser, "#planned-percent"),
        "ev": text(browser, "#earned-value"),
        "pv": text(browser, "#planned-value"),
        "ac": text(browser, "#actual-cost"),
        "cpi": text(browser, "#cpi"),
        "spi": text(browser, "#spi"),
    }

    expected = {
        "done": "33.3%",
        "planned": "100%",
        "ev": "$500",
        "pv": "$1,500",
        "ac": "$600",
        "cpi": "0.83",
        "spi": "0.33",
    }
    assert numbers(digest.rendered) == expected
    assert numbers(status) == expected
    assert numbers(home) == expected
    assert numbers(printed.stdout) == expected
    assert report == expected
