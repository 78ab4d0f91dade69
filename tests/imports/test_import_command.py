"""`siteloop import tasks`: a schedule comes in from a spreadsheet, all or nothing, and again."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.models import Member, Task
from tests.bot.sites import setup_project
from tests.cli import environment, run_siteloop

SCHEDULE = """\
Activity ID,Task name,Trade,Assigned to,Area,Start,Finish,Budget,Qty,UoM,Colour
A100,Pour slab L3,Concrete,U0BOB,Level 3,2026-12-02,2026-12-04,"12,000",40,m3,red
A110,Rebar L4,Rebar,,Level 4,3 Dec 2026,Dec 8 2026,8500,6.5,t,
A120,Sleeves L3,MEP,,Level 3,,2026-12-10,,,,
"""


@pytest.fixture
def project(siteloop, slack):
    setup_project(slack)
    return siteloop


def run(siteloop, tmp_path: Path, *args: str):
    env = environment(tmp_path, DATABASE_URL=siteloop.settings.database_url)
    return run_siteloop(*args, env=env, cwd=tmp_path)


def tasks(siteloop) -> list[Task]:
    with siteloop.runtime.sessions() as session:
        return list(session.scalars(sa.select(Task).order_by(Task.number)))


def test_it_imports_a_schedule_with_crews_and_assignees(project, tmp_path):
    (tmp_path / "schedule.csv").write_text(SCHEDULE)

    result = run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "Imported schedule.csv into TWR: 3 created, 0 updated, 0 skipped."
    )
    assert "Columns not used: Colour" in result.stderr
    pour, rebar, sleeves = tasks(project)
    assert (pour.external_id, pour.title, pour.unit, str(pour.budget)) == (
        "A100",
        "Pour slab L3",
        "m³",
        "12000.00",
    )
    assert pour.assignee_id is not None and pour.status.value == "assigned"
    assert (str(rebar.planned_qty), rebar.unit) == ("6.500", "t")
    assert sleeves.planned_start is None


def test_importing_again_updates_instead_of_duplicating(project, tmp_path):
    (tmp_path / "schedule.csv").write_text(SCHEDULE)
    run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")
    (tmp_path / "schedule.csv").write_text(SCHEDULE.replace("Pour slab L3", "Pour slab L3 (east)"))

    result = run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")

    assert (
        result.stdout.strip() == "Imported schedule.csv into TWR: 0 created, 3 updated, 0 skipped."
    )
    assert [t.title for t in tasks(project)] == ["Pour slab L3 (east)", "Rebar L4", "Sleeves L3"]


def test_a_bad_row_stops_the_import_and_says_where(project, tmp_path):
    (tmp_path / "schedule.csv").write_text(SCHEDULE + "A130,,Concrete,,,,04/12/2026,,,,\n")

    result = run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")

    assert result.returncode == 2
    assert "line 5: title: empty — every task needs a title" in result.stderr
    assert "line 5: due: `04/12/2026` could be day/month or month/day" in result.stderr
    assert "1 of 4 rows have problems: nothing imported" in result.stderr
    assert tasks(project) == []


def test_skip_invalid_imports_the_good_rows(project, tmp_path):
    (tmp_path / "schedule.csv").write_text(SCHEDULE + "A130,,Concrete,,,,,,,,\n")

    result = run(
        project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR", "--skip-invalid"
    )

    assert (
        result.stdout.strip() == "Imported schedule.csv into TWR: 3 created, 0 updated, 1 skipped."
    )


def test_exported_tasks_import_back_unchanged(project, tmp_path):
    (tmp_path / "schedule.csv").write_text(SCHEDULE)
    run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")
    exported = run(project, tmp_path, "export", "tasks", "--project", "TWR").stdout
    before = [
        (t.number, t.title, t.budget, t.planned_finish, t.unit, t.crew_id, t.assignee_id)
        for t in tasks(project)
    ]
    (tmp_path / "export.csv").write_text(exported)

    result = run(project, tmp_path, "import", "tasks", "export.csv", "--project", "TWR")

    assert result.stdout.strip() == "Imported export.csv into TWR: 0 created, 3 updated, 0 skipped."
    after = [
        (t.number, t.title, t.budget, t.planned_finish, t.unit, t.crew_id, t.assignee_id)
        for t in tasks(project)
    ]
    assert after == before


def test_a_file_without_a_title_column_is_refused(project, tmp_path):
    (tmp_path / "odd.csv").write_text("a,b\n1,2\n")

    result = run(project, tmp_path, "import", "tasks", "odd.csv", "--project", "TWR")

    assert result.returncode == 2
    assert "has no title column" in result.stderr


def test_it_matches_an_assignee_written_as_the_email_slack_gave_siteloop(project, slack, tmp_path):
    # Cam's email reaches siteloop from users.info only with the manifest's users:read.email.
    slack.add_user("U0CAM", name="cam", real_name="Cam Le", email="Cam.Le@site.example")
    slack.add_member("C0TOWER", "U0CAM")
    slack.driver.command("/siteloop", "role @cam lead", user="U0ANN", channel="C0TOWER")
    (tmp_path / "schedule.csv").write_text(
        "Task name,Assigned to,Finish\nPour slab L3,cam.le@site.example,2026-12-04\n"
    )

    result = run(project, tmp_path, "import", "tasks", "schedule.csv", "--project", "TWR")

    assert result.returncode == 0, result.stderr
    [pour] = tasks(project)
    with project.runtime.sessions() as session:
        assert session.get(Member, pour.assignee_id).slack_user_id == "U0CAM"
