"""`siteloop export dailylog`: the daily log, a row per entry in Procore's daily-log columns,
for the office's tools; the day's reports come with it."""

import csv
import io
import json
from datetime import timedelta

from tests.actions.cards import CHANNEL, run_task
from tests.cli import environment, run_siteloop


def export(site, tmp_path, *args):
    env = environment(tmp_path, DATABASE_URL=site.settings.database_url)
    return run_siteloop("export", "dailylog", "--project", "TWR", *args, env=env, cwd=tmp_path)


def a_logged_day(site, slack):
    """Monday and Tuesday on Tower A: a rain stoppage, a delay, manpower, a report, a note."""
    run_task(slack, "add Pour slab L3 @cam crew:Concrete at:Level-3 qty:40m3")
    slack.driver.command("/log", "note yesterday pump booked", user="U0BOB", channel=CHANNEL)
    slack.driver.command(
        "/log", "weather rain 25mm 27°C stopped 07:00-10:00", user="U0BOB", channel=CHANNEL
    )
    slack.driver.command(
        "/log", "delay TWR-1 materials 3h waiting for pump", user="U0BOB", channel=CHANNEL
    )
    slack.driver.command("/log", "manpower Concrete 6 8h", user="U0BOB", channel=CHANNEL)
    site.clock.advance(timedelta(hours=2))
    slack.driver.command("/update", "TWR-1 30% 12 m3 poured", user="U0CAM", channel=CHANNEL)
    site.step()


def test_it_exports_each_entry_day_by_day_as_csv(site, slack, tmp_path):
    a_logged_day(site, slack)

    result = export(site, tmp_path)

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["day"], r["section"]) for r in rows] == [
        ("2026-11-30", "note"),
        ("2026-12-01", "weather"),
        ("2026-12-01", "manpower"),
        ("2026-12-01", "delay"),
        ("2026-12-01", "delay"),
        ("2026-12-01", "quantity"),
    ]
    weather, manpower, stoppage, pump, poured = rows[1:]
    assert (weather["conditions"], weather["precipitation_mm"], weather["temperature_c"]) == (
        "rain",
        "25",
        "27",
    )
    assert (manpower["crew"], manpower["workers"], manpower["hours"]) == ("Concrete", "6", "8")
    assert (stoppage["delay_type"], stoppage["start"], stoppage["end"]) == (
        "weather",
        "2026-12-01T07:00:00+07:00",
        "2026-12-01T10:00:00+07:00",
    )
    assert (pump["task"], pump["delay_type"], pump["duration_minutes"], pump["location"]) == (
        "TWR-1",
        "materials",
        "180",
        "Level-3",
    )
    assert pump["description"] == "waiting for pump" and pump["who"] == "Bob Nguyen"
    assert (poured["task"], poured["quantity"], poured["unit"], poured["crew"]) == (
        "TWR-1",
        "12",
        "m³",
        "Concrete",
    )


def test_it_exports_a_span_of_days_as_json(site, slack, tmp_path):
    a_logged_day(site, slack)

    only_monday = export(site, tmp_path, "--format", "json", "--until", "2026-11-30")

    assert only_monday.returncode == 0, only_monday.stderr
    [row] = json.loads(only_monday.stdout)
    assert (row["day"], row["section"], row["description"]) == ("2026-11-30", "note", "pump booked")


def test_bad_days_are_refused_and_nothing_is_written(site, slack, tmp_path):
    target = tmp_path / "log.csv"

    bad = export(site, tmp_path, "--since", "1 dec", "--output", str(target))
    backwards = export(site, tmp_path, "--since", "2026-12-02", "--until", "2026-12-01")

    assert bad.returncode == 2 and "--since 1 dec: write the day as YYYY-MM-DD" in bad.stderr
    assert backwards.returncode == 2 and "--until 2026-12-01 is before --since 2026-12-02" in (
        backwards.stderr
    )
    assert not target.exists()
    assert "Traceback" not in bad.stderr + backwards.stderr
