"""`siteloop digest`: a day's digest printed as people read it, its chart written to a file,
and posted on demand, once per project and day."""

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.bot.sites import plan_task
from tests.cli import environment, run_siteloop, site_environment

CHANNEL = "C0TOWER"


def test_it_prints_the_day_writes_the_chart_and_posts_once(site, slack, tmp_path):
    # Tuesday 1 December 2026 on site, a day now past.
    plan_task(
        site,
        "Pour slab L3 & ramps",
        assignee="U0CAM",
        planned_start=date(2026, 11, 30),
        planned_finish=date(2026, 12, 4),
        budget=Decimal(1000),
    )
    slack.driver.command("/update", "TWR-1 40% 12 m3 poured", user="U0CAM", channel=CHANNEL)
    site.step()
    env = site_environment(tmp_path, site, slack)
    chart = tmp_path / "twr.png"

    shown = run_siteloop(
        "digest",
        "--project",
        "twr",
        "--date",
        "2026-12-01",
        "--chart",
        str(chart),
        env=env,
        cwd=tmp_path,
    )

    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Tower A (TWR) · end of day Tue 01 Dec"
    assert "• TWR-1 Pour slab L3 & ramps 0% → 40%" in lines  # read as typed, unescaped
    assert "1 report from 1 person: Cam Le 1" in lines
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"S-curve written to {chart}" in lines
    assert not any("end of day" in m.rendered for m in slack.messages(CHANNEL))  # none posted

    posted = run_siteloop(
        "digest", "--project", "TWR", "--date", "2026-12-01", "--post", env=env, cwd=tmp_path
    )
    again = run_siteloop(
        "digest", "--project", "TWR", "--date", "2026-12-01", "--post", env=env, cwd=tmp_path
    )
    site.clock.set(datetime.now(UTC))  # the command ran on real time: catch up with it
    site.step()  # the chart follows in the digest's thread, and the scheduled digests run

    assert posted.returncode == again.returncode == 0, posted.stderr + again.stderr
    assert "Queued for channel C0TOWER" in posted.stdout
    assert "Already posted for that day: nothing sent." in again.stdout
    [digest] = [m for m in slack.messages(CHANNEL) if "end of day Tue 01 Dec" in m.rendered]
    [reply] = slack.thread(CHANNEL, digest.ts)[1:]
    assert reply.files[0]["name"] == "TWR-s-curve-2026-12-01.png"
    tuesdays = [m for m in slack.messages(CHANNEL) if "end of day Tue 01 Dec" in m.rendered]
    assert len(tuesdays) == 1  # the scheduled digest did not post the day again


def test_it_refuses_an_unknown_project_a_bad_day_and_a_day_to_come(site, tmp_path):
    env = environment(tmp_path, DATABASE_URL=site.settings.database_url)
    for args, said in (
        (("--project", "BRG"), "there is no project BRG (projects: TWR)"),
        (("--project", "TWR", "--date", "1/12/2026"), "--date 1/12/2026: write the day as"),
        (("--project", "TWR", "--date", "2999-01-01"), "--date 2999-01-01 is still to come"),
    ):
        refused = run_siteloop("digest", *args, env=env, cwd=tmp_path)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr


def test_it_will_not_post_today_before_the_digest_time(site, slack, tmp_path):
    # A site whose day is now around noon (whatever the hour here), its digest due at 23:59.
    offset = (12 - datetime.now(UTC).hour) % 24
    zone = f"Etc/GMT{-offset:+d}" if offset <= 12 else f"Etc/GMT{24 - offset:+d}"
    rules = tmp_path / "rules.yml"
    rules.write_text(
        f"calendar: {{timezone: {zone}, workdays: mon-sun, hours: '00:00-23:59'}}\n"
        "digest: {at: '23:59'}\nrules: []\n"
    )
    env = site_environment(tmp_path, site, slack, SITELOOP_RULES=str(rules))

    early = run_siteloop("digest", "--project", "TWR", "--post", env=env, cwd=tmp_path)

    assert early.returncode == 2, early.stdout
    assert "today's digest is due at 23:59 on site: post it then" in early.stderr
    assert not any("end of day" in m.rendered for m in slack.messages(CHANNEL))
