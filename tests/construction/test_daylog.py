"""`/log`: the site's daily log kept from Slack — weather, delays, manpower and notes — and a
day of it read back; bad lines get an answer and change nothing."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from rules.vocabulary import LogKind
from storage.models import LogEntry
from tests.actions.cards import CHANNEL, run_task
from tests.bot.sites import answer


def entries(site) -> list[LogEntry]:
    with site.runtime.sessions() as session:
        return list(session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def log(slack, text: str, user: str = "U0BOB") -> str:
    slack.driver.command("/log", text, user=user, channel=CHANNEL)
    return answer(slack, user)


def test_a_rain_stoppage_is_the_weather_and_a_delay_for_the_whole_project(site, slack):
    said = log(slack, "weather rain 25mm 27°C stopped 07:00-10:00")

    assert said.splitlines()[0] == (
        "📝 Logged for Tue 01 Dec: weather rain · 25 mm · 27 °C · work stopped 07:00–10:00, "
        "a weather delay for the whole project"
    )
    weather, stoppage = entries(site)
    assert (weather.kind, weather.conditions, weather.precipitation_mm, weather.temperature_c) == (
        LogKind.WEATHER,
        "rain",
        25,
        27,
    )
    assert (stoppage.kind, stoppage.delay_type, stoppage.task_id, stoppage.crew_id) == (
        LogKind.DELAY,
        "weather",
        None,
        None,
    )
    # 07:00–10:00 on site (UTC+7) is 00:00–03:00 UTC.
    assert (stoppage.starts_at, stoppage.ends_at, stoppage.minutes) == (
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        180,
    )


def test_delays_for_a_task_a_crew_and_the_project_and_the_day_read_back(site, slack):
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")
    log(slack, "delay TWR-1 materials 3h waiting for pump")
    log(slack, "delay concrete labour 1h30 short of <fixers> & @channel")
    log(slack, "delay all weather 07:00-10:00 heavy rain")
    log(slack, "manpower Concrete 6 8h")
    slack.driver.command("/update", "TWR-1 20% crew 4 8h", user="U0CAM", channel=CHANNEL)
    log(slack, "note crane inspection passed", user="U0ANN")

    day = log(slack, "", user="U0ANN").splitlines()

    assert day[0] == "Daily log · Tower A (TWR) · Tue 01 Dec"
    assert day[1:5] == [
        "*Delays* (7 h 30 min in all)",
        "• TWR-1 Pour slab L3 — materials delay, 3 h: waiting for pump · Bob Nguyen",
        "• Concrete — labour delay, 1 h 30 min: short of &lt;fixers&gt; &amp; @channel "
        "· Bob Nguyen",
        "• whole project — weather delay, 07:00–10:00 (3 h): heavy rain · Bob Nguyen",
    ]
    # The crew's own count stands; its reports are not added to it.
    assert day[5:7] == ["*Manpower*", "• Concrete — 6 workers × 8 h (logged) · Bob Nguyen"]
    assert day[7:9] == ["*Notes*", "• crane inspection passed · Ann Tran"]
    [task_delay, crew_delay, _project_delay] = [e for e in entries(site) if e.kind is LogKind.DELAY]
    assert task_delay.text == "waiting for pump" and task_delay.minutes == 180
    assert crew_delay.text == "short of <fixers> & @channel"  # kept as typed
    assert (crew_delay.crew_id is not None, crew_delay.minutes) == (True, 90)


def test_manpower_from_reports_shows_for_a_crew_that_logged_none(site, slack):
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")
    slack.driver.command("/update", "TWR-1 20% crew 4 8h", user="U0CAM", channel=CHANNEL)

    day = log(slack, "today")

    assert "*Manpower*\n• Concrete — up to 4 workers, 32 worker-hours (from 1 report)" in day


def test_another_day_is_logged_and_read_by_its_date(site, slack):
    said = log(slack, "note yesterday pump arrived late")
    assert said.startswith("📝 Logged for Mon 30 Nov: note: pump arrived late")

    assert "• pump arrived late" in log(slack, "2026-11-30")
    assert log(slack, "yesterday").startswith("Daily log · Tower A (TWR) · Mon 30 Nov")
    assert "Nothing logged for Tue 01 Dec yet." in log(slack, "")


@pytest.mark.parametrize(
    ("line", "refusal"),
    [
        ("rain", "`rain` is not a section of the log, nor a day."),
        ("delay TWR-1 mud 3h bogged", "`mud` is not a delay type. Use one of: weather, materials"),
        ("delay TWR-1 materials waiting", "Say how long: a duration (`3h`, `90min`)"),
        ("delay TWR-1 materials 3h", "Say why:"),
        ("delay TWR-9 materials 3h pump", "TWR-9 is not a task of Tower A"),
        (
            "delay Plumbing labour 2h short",
            "`Plumbing` is not a crew of Tower A: its crews are Concrete",
        ),
        ("delay all weather 10:00-07:00 rain", "`10:00-07:00` ends before it starts"),
        ("delay all weather 30h rain", "`30h` is not a delay within a day"),
        ("manpower Concrete six", "`six` is not a number of workers"),
        ("weather 2026-12-09 sunny", "2026-12-09 is still to come"),
        ("weather 2026-13-01 sunny", "`2026-13-01` is not a day"),
        ("note", "Say what to note"),
        ("weather rain stopped at lunch", "Say when work stopped: `stopped 07:00-10:00`."),
    ],
)
def test_a_bad_line_says_what_to_type_and_stores_nothing(site, slack, line, refusal):
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")

    said = log(slack, line)

    assert refusal in said
    assert entries(site) == []


def test_someone_outside_the_project_cannot_log(site, slack):
    slack.add_user("U0EVE", name="eve", real_name="Eve Pham")
    slack.add_member(CHANNEL, "U0EVE")

    said = log(slack, "note hello", user="U0EVE")

    assert said.startswith("Only TWR's people keep its daily log")
    assert entries(site) == []


def test_a_command_slack_delivers_twice_is_logged_once(site, slack):
    delivery = slack.driver.command("/log", "note pump arrived", user="U0BOB", channel=CHANNEL)
    slack.driver.redeliver(delivery)

    assert [e.text for e in entries(site)] == ["pump arrived"]
