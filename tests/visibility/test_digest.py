"""The end-of-day digest: posted in the project's channel when the site's day ends, once, with
its S-curve uploaded in its thread (a PNG a person can open)."""

import io
import struct
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from matplotlib.image import imread

from bot.services.digest import queue_due_digests
from rules.rulebook import DEFAULT_RULES, parse_rulebook
from tests.bot.sites import plan_task, plan_the_pour

CHANNEL = "C0TOWER"
# Tuesday 1 December 2026 on site (UTC+7): the day's last shift ends at 17:00.
TUESDAY_END = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def digests(slack):
    return [m for m in slack.messages(CHANNEL) if "end of day" in m.rendered]


def report_a_day(site, slack):
    plan_the_pour(site)
    plan_task(
        site,
        "Strip forms L2",
        assignee="U0DEE",
        planned_start=date(2026, 12, 2),
        planned_finish=date(2026, 12, 2),
        budget=Decimal(500),
    )
    slack.driver.command("/update", "TWR-1 40% 12 m3 poured", user="U0CAM", channel=CHANNEL)
    site.step()
    site.clock.advance(timedelta(hours=3))
    slack.driver.command(
        "/update", "TWR-1 75% $600 8 m3, 4 workers 8h", user="U0CAM", channel=CHANNEL
    )
    slack.driver.command("/blocked", "TWR-2 waiting for the crane", user="U0DEE", channel=CHANNEL)
    site.step()


def test_the_day_ends_with_the_digest_and_its_chart_in_the_thread(site, slack):
    report_a_day(site, slack)
    site.at(TUESDAY_END - timedelta(minutes=1))
    assert digests(slack) == []  # not before the day's last shift ends

    site.at(TUESDAY_END)

    [digest] = digests(slack)
    said = digest.rendered
    assert said.startswith("Tower A (TWR) · end of day Tue 01 Dec\n")
    assert "3 reports from 2 people: Cam Le 2, Dee Vo 1" in said
    assert "• TWR-1 Pour slab L3 0% → 75%" in said
    assert "*Installed*\n20 m³\nCrew-hours 32 · cost recorded $600" in said
    assert "*Progress*\n50% done · the plan says 26.7% by now" in said
    assert "$750 earned · $400 planned · $600 spent\nCPI 1.25 · SPI 1.88" in said
    assert "*Alerts today*\n2 opened · 0 answered · 0 resolved" in said
    assert "Blocked (1):\n• TWR-2 Strip forms L2 — blocked for" in said
    assert "*Next working day, Wed 02 Dec*\nStarts: TWR-2 Strip forms L2\nDue: TWR-2" in said
    assert "@" not in said.replace("<@", "")  # people are named, not pinged
    [reply] = slack.thread(CHANNEL, digest.ts)[1:]
    [shared] = reply.files
    assert shared["name"] == "TWR-s-curve-2026-12-01.png"
    png = slack.file_content(shared["id"])
    width, height = struct.unpack(">II", png[16:24])  # the PNG's header
    assert (width, height) == (800, 450)
    assert imread(io.BytesIO(png), format="png").shape[:2] == (450, 800)  # it opens


def test_each_day_is_posted_once_and_a_missed_day_once_when_siteloop_is_back(site, slack):
    site.at(TUESDAY_END)
    site.at(TUESDAY_END + timedelta(hours=2))
    assert len(digests(slack)) == 1  # a quiet day has its digest too, once

    # siteloop is down from Wednesday noon to Friday 08:00: Thursday's digest is posted once,
    # Wednesday's is not (a missed run posts the latest day, not a backlog).
    site.at(TUESDAY_END + timedelta(days=3, hours=-9))

    posted = digests(slack)
    assert [m.rendered.splitlines()[0] for m in posted] == [
        "Tower A (TWR) · end of day Tue 01 Dec",
        "Tower A (TWR) · end of day Thu 03 Dec",
    ]
    assert "No reports today." in posted[-1].rendered


def test_no_digest_on_a_day_off_or_when_switched_off(site, slack):
    sunday_end = TUESDAY_END + timedelta(days=5)
    site.at(TUESDAY_END + timedelta(days=4))  # Saturday is a working day here
    saturday = len(digests(slack))
    site.at(sunday_end)
    assert len(digests(slack)) == saturday  # Sunday: nothing new

    shipped = DEFAULT_RULES.read_text(encoding="utf-8")
    on = "digest:\n  at: end_of_day\n  to: channel\n"
    assert on in shipped
    off = parse_rulebook(shipped.replace(on, "digest: off\n"), "rules.yml")
    monday_end = sunday_end + timedelta(days=1)
    assert queue_due_digests(site.runtime.sessions, off, monday_end) == 0
    twr_off = parse_rulebook(shipped + "projects:\n  TWR:\n    digest: off\n", "rules.yml")
    assert queue_due_digests(site.runtime.sessions, twr_off, monday_end) == 0
    assert queue_due_digests(site.runtime.sessions, site.service.rulebook, monday_end) == 1


def test_a_report_after_the_digest_is_in_the_next_one(site, slack):
    plan_task(site, "Pour slab L3", assignee="U0CAM", planned_finish=date(2026, 12, 4))
    site.at(TUESDAY_END)  # Tuesday's digest, at 17:00
    site.clock.advance(timedelta(hours=1, minutes=15))  # 18:15: the crew stayed on
    slack.driver.command("/update", "TWR-1 40% 12 m3 poured late", user="U0CAM", channel=CHANNEL)
    site.step()

    site.at(TUESDAY_END + timedelta(days=1))

    tuesday, wednesday = digests(slack)
    assert "No reports today." in tuesday.rendered
    assert "1 report from 1 person: Cam Le 1" in wednesday.rendered
    assert "• TWR-1 Pour slab L3 0% → 40%" in wednesday.rendered


def test_a_digest_posted_late_says_what_it_said_at_its_time(site, slack):
    plan_task(site, "Pour slab L3", assignee="U0CAM", planned_finish=date(2026, 12, 4))
    slack.driver.command("/update", "TWR-1 40%", user="U0CAM", channel=CHANNEL)
    site.step()
    # Down over the evening; back at 19:00, after another report.
    site.clock.set(TUESDAY_END + timedelta(hours=1))
    slack.driver.command("/update", "TWR-1 90%", user="U0CAM", channel=CHANNEL)
    site.at(TUESDAY_END + timedelta(hours=2))

    [digest] = digests(slack)
    assert "• TWR-1 Pour slab L3 0% → 40%" in digest.rendered  # 90% is tomorrow's news
    assert "As of Tue 01 Dec 17:00." in digest.rendered
