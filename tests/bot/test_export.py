"""`siteloop export`: a project's data goes out to spreadsheets and other systems."""

import csv
import io
import json

import pytest

from tests.bot.sites import plan_task, setup_project
from tests.cli import environment, run_siteloop


@pytest.fixture
def reported(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3", unit="m³")
    slack.driver.command(
        "/update", "TWR-1 60% 12 m3 poured, crew 6", user="U0BOB", channel="C0TOWER"
    )
    slack.driver.command("/blocked", "TWR-1 waiting for pump", user="U0BOB", channel="C0TOWER")
    return siteloop


def export(siteloop, tmp_path, *args):
    env = environment(tmp_path, DATABASE_URL=siteloop.settings.database_url)
    return run_siteloop("export", *args, env=env, cwd=tmp_path)


def test_it_exports_updates_as_csv_for_a_spreadsheet(reported, tmp_path):
    result = export(reported, tmp_path, "updates", "--project", "twr")

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [
        (r["task"], r["kind"], r["percent"], r["quantity"], r["unit"], r["manpower"]) for r in rows
    ] == [
        ("TWR-1", "progress", "60", "12", "m³", "6"),
        ("TWR-1", "blocked", "", "", "", ""),
    ]
    assert rows[0]["who"] == "Bob Nguyen" and rows[1]["note"] == "waiting for pump"


def test_it_exports_tasks_as_json_to_a_file(reported, tmp_path):
    target = tmp_path / "tasks.json"

    result = export(
        reported, tmp_path, "tasks", "--project", "TWR", "--format", "json", "--output", str(target)
    )

    assert result.returncode == 0, result.stderr
    assert "Wrote 1 tasks of TWR" in result.stderr
    [task] = json.loads(target.read_text())
    assert (task["key"], task["status"], task["percent_complete"], task["installed_qty"]) == (
        "TWR-1",
        "blocked",
        "60",
        "12",
    )


def test_an_unknown_project_is_named_with_the_known_ones(reported, tmp_path):
    result = export(reported, tmp_path, "alerts", "--project", "XYZ")

    assert result.returncode == 2
    assert result.stderr.strip() == "siteloop: there is no project XYZ (projects: TWR)"
