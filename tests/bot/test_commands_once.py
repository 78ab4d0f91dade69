"""A slash command has its effect once, even when a crash makes the worker run it again.

The worker notes requests as done in batches; one killed while behind leaves commands it already
ran unnoted, and the next sweep runs them again. Here the inbox row of the last command is put
back as such a crash leaves it, and the sweep picks it up.
"""

import sqlalchemy as sa

from storage.db import session_scope
from storage.models import CommandRun, Crew, CrewMember, InboxEvent, Member, Project, Task
from tests.actions.cards import card_of
from tests.bot.sites import answer, plan_task, setup_project, task


def run_again_after_a_crash(service, commands: int = 1) -> None:
    """Leave the last commands unnoted as done, as a worker killed before noting them leaves
    them, and let the sweep run them again."""
    with session_scope(service.runtime.inbox_sessions) as session:
        last = session.scalars(
            sa.select(InboxEvent)
            .where(sa.not_(InboxEvent.body.startswith("{")))
            .order_by(InboxEvent.id.desc())
            .limit(commands)
        )
        for row in last:
            row.done_at = None
            row.claimed_until = None
    assert service.inbox.sweep() == commands
    service.inbox.settle()


def ann_runs(slack, command: str, text: str) -> str:
    """Run a command as Ann in the project channel; return the answer she is shown."""
    shown = len(slack.ephemerals(user="U0ANN"))
    slack.driver.command(command, text, user="U0ANN", channel="C0TOWER")
    slack.wait_for(lambda: len(slack.ephemerals(user="U0ANN")) > shown)
    return answer(slack, "U0ANN")


def count(siteloop, model, *where) -> int:
    with siteloop.runtime.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def assignee(siteloop, key: str) -> str:
    with siteloop.runtime.sessions() as session:
        return session.get(Member, task(siteloop, key).assignee_id).real_name


def test_it_adds_a_task_once_when_the_command_is_run_again_after_a_crash(site, slack):
    first = ann_runs(slack, "/task", "add Seal joints @bob")
    card_of(site, "TWR-1")
    cards = len(slack.messages("C0TOWER"))

    run_again_after_a_crash(site.service)
    site.step()

    assert count(site, Task, Task.title == "Seal joints") == 1
    assert len(slack.messages("C0TOWER")) == cards  # no second card
    # Ann is told again what she was told the first time, not that the task exists.
    assert answer(slack, "U0ANN") == first and "TWR-1" in first


def test_it_assigns_a_task_once_when_the_command_is_run_again_after_a_crash(site, slack):
    key = plan_task(site, "Pour slab L3")
    ann_runs(slack, "/task", f"assign {key} @bob")
    card = card_of(site, key)
    first = ann_runs(slack, "/task", f"assign {key} @cam")
    site.step()
    thread = slack.thread("C0TOWER", card.ts)

    # Both assignments are run again, in order.
    run_again_after_a_crash(site.service, commands=2)
    site.step()

    assert assignee(site, key) == "Cam Le"
    assert slack.thread("C0TOWER", card.ts) == thread  # no reassignment said twice
    assert len(slack.messages("C0TOWER")) == 1
    assert answer(slack, "U0ANN") == first


def test_it_sets_a_project_up_once_when_the_command_is_run_again_after_a_crash(siteloop, slack):
    setup_project(slack)
    first = answer(slack, "U0ANN")

    run_again_after_a_crash(siteloop)

    assert count(siteloop, Project) == 1
    assert answer(slack, "U0ANN") == first and "is set up" in first


def test_it_enrols_a_crew_once_when_the_command_is_run_again_after_a_crash(siteloop, slack):
    setup_project(slack)
    first = ann_runs(slack, "/siteloop", "crew Concrete @bob")

    run_again_after_a_crash(siteloop)

    assert count(siteloop, Crew) == 1 and count(siteloop, CrewMember) == 1
    assert answer(slack, "U0ANN") == first


def test_it_forgets_the_commands_it_ran_a_week_later(siteloop, slack, clock):
    setup_project(slack)
    clock.advance(days=6)
    siteloop.inbox.sweep()
    assert count(siteloop, CommandRun) == 1

    clock.advance(days=1, minutes=1)
    siteloop.inbox.sweep()

    assert count(siteloop, CommandRun) == 0
