"""`/siteloop setup|link|role|crew`: a project is set up from Slack, by the people on it."""

import pytest
import sqlalchemy as sa

from rules.vocabulary import Role
from storage import projects
from storage.members import find_member
from storage.models import Channel, Project


def said(slack, user: str) -> str:
    """Return the last private answer `user` read, without mrkdwn's bold stars."""
    return slack.ephemerals(user=user)[-1].rendered.replace("*", "")


def run(slack, user: str, text: str, channel: str = "C0TOWER") -> str:
    delivery = slack.driver.command("/siteloop", text, user=user, channel=channel)
    assert delivery.status == 200
    return said(slack, user)


def role(siteloop, key: str, user: str) -> Role | None:
    with siteloop.runtime.sessions() as session:
        project, member = projects.find_project(session, key), find_member(session, user)
        return projects.role_of(session, project, member) if member else None


@pytest.fixture
def tower(siteloop, slack):
    run(slack, "U0ANN", "setup TWR Tower A")
    return siteloop


def test_setup_links_the_channel_and_makes_its_author_manager(siteloop, slack):
    answer = run(slack, "U0ANN", "setup twr Tower A")

    assert answer.startswith("Tower A (TWR) is set up in this channel, on Asia/Ho_Chi_Minh time.")
    assert "You are its manager" in answer
    assert role(siteloop, "TWR", "U0ANN") == Role.MANAGER
    with siteloop.runtime.sessions() as session:
        [channel] = session.scalars(sa.select(Channel)).all()
        assert (channel.slack_channel_id, channel.name) == ("C0TOWER", "tower-a")
        member = find_member(session, "U0ANN")
        assert (member.real_name, member.timezone) == ("Ann Tran", "Asia/Ho_Chi_Minh")


def test_setup_takes_a_time_zone_at_the_end(siteloop, slack):
    run(slack, "U0ANN", "setup BRG Bridge over the Rhine Europe/Berlin")

    with siteloop.runtime.sessions() as session:
        project = projects.find_project(session, "BRG")
        assert (project.name, project.timezone) == ("Bridge over the Rhine", "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("setup", "Type `/siteloop setup KEY Project name [time zone]`"),
        ("setup TWR", "Type `/siteloop setup KEY Project name [time zone]`"),
        ("setup T1 Tower", "`T1` can't be a project key: use 2–6 letters, like TWR."),
        ("setup TOOLONGKEY Tower", "can't be a project key"),
        ("setup TWR Tower Mars/Olympus", "`Mars/Olympus` is not a time zone I know"),
    ],
)
def test_setup_refuses_bad_input_and_changes_nothing(siteloop, slack, text, expected):
    answer = run(slack, "U0ANN", text)

    assert expected in answer
    with siteloop.runtime.sessions() as session:
        assert session.scalars(sa.select(Project)).all() == []


def test_setup_in_a_linked_channel_says_which_project_it_belongs_to(tower, slack):
    answer = run(slack, "U0BOB", "setup NEW New thing")

    assert answer == "This channel is already linked to Tower A (TWR)."


def test_a_key_is_used_once(tower, slack):
    slack.add_channel("C0BRIDGE", name="bridge", members=["U0ANN"])

    answer = run(slack, "U0ANN", "setup TWR Another tower", channel="C0BRIDGE")

    assert answer == "The key TWR is already used by Tower A. Choose another key."


def test_managers_link_another_channel(tower, slack):
    slack.add_channel("C0TOWER2", name="tower-a-mep", members=["U0ANN", "U0BOB"])

    refused = run(slack, "U0BOB", "link TWR", channel="C0TOWER2")
    answer = run(slack, "U0ANN", "link twr", channel="C0TOWER2")

    assert refused == "Only TWR's managers can do that. Ask <@U0ANN>."
    assert answer == "This channel is now linked to Tower A (TWR)."


def test_managers_give_roles(tower, slack):
    answer = run(slack, "U0ANN", "role @bob lead")

    assert answer == "Bob Nguyen is now a lead on TWR."
    assert role(tower, "TWR", "U0BOB") == Role.LEAD


def test_only_managers_give_roles(tower, slack):
    answer = run(slack, "U0BOB", "role @bob manager")

    assert answer.startswith("Only TWR's managers can do that.")
    assert role(tower, "TWR", "U0BOB") is None


def test_the_last_manager_cannot_step_down(tower, slack):
    answer = run(slack, "U0ANN", "role @ann crew")

    assert answer == "Ann Tran is TWR's only manager: name another manager first."
    assert role(tower, "TWR", "U0ANN") == Role.MANAGER


def test_roles_need_a_person_and_a_known_role(tower, slack):
    assert (
        run(slack, "U0ANN", "role @bob boss")
        == "Type `/siteloop role @person manager`, `lead` or `crew`."
    )
    assert (
        run(slack, "U0ANN", "role lead")
        == "Type `/siteloop role @person manager`, `lead` or `crew`."
    )


def test_roles_need_a_linked_channel(siteloop, slack):
    answer = run(slack, "U0ANN", "role @bob lead")

    assert answer.startswith("This channel is not linked to a project. Type `/siteloop setup KEY")


def test_a_crew_is_formed_with_its_lead_and_grows(tower, slack):
    slack.add_user("U0CAM", name="cam", real_name="Cam Le", tz="Asia/Ho_Chi_Minh")

    formed = run(slack, "U0ANN", "crew Concrete @bob")
    grown = run(slack, "U0BOB", "crew concrete add @cam @bob")

    assert formed == "The Concrete crew is formed, led by Bob Nguyen."
    assert grown == "Added Cam Le to the Concrete crew."
    assert role(tower, "TWR", "U0BOB") == Role.LEAD
    assert role(tower, "TWR", "U0CAM") == Role.CREW
    with tower.runtime.sessions() as session:
        crew = projects.find_crew(session, projects.find_project(session, "TWR"), "CONCRETE")
        assert [m.slack_user_id for m in projects.crew_members(session, crew)] == ["U0BOB", "U0CAM"]


def test_crews_are_formed_by_leads_and_managers_only(tower, slack):
    answer = run(slack, "U0BOB", "crew Rebar @bob")

    assert answer.startswith("Only TWR's leads and managers can do that.")


def test_a_name_with_an_ampersand_reads_as_typed(siteloop, slack):
    answer = run(slack, "U0ANN", "setup MEP M&E fit-out")

    assert answer.startswith("M&amp;E fit-out (MEP) is set up")  # read as M&E
