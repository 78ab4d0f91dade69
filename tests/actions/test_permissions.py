"""Only the assignee, the crew's lead and the project's managers may answer a task's card."""

import sqlalchemy as sa

from rules.vocabulary import Role, UpdateKind
from storage import projects
from storage.members import find_member
from storage.models import ProjectRole, Update
from tests.actions.cards import CHANNEL, card_now, card_of, run_task
from tests.bot.sites import setup_project


def updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        return list(session.scalars(sa.select(Update).order_by(Update.id)))


def crew_card(slack, siteloop):
    run_task(slack, "add Pour slab L3 @cam crew:Concrete")
    return card_of(siteloop, "TWR-1")


def private_answer(slack, site, user: str) -> str:
    """Deliver what is due; return the last private answer `user` read."""
    site.step()
    return slack.ephemerals(user=user)[-1].rendered


def test_it_tells_someone_else_why_and_records_nothing(site, slack):
    card = crew_card(slack, site)

    slack.driver.click("U0DEE", CHANNEL, card.ts, "task_ack")

    assert private_answer(slack, site, "U0DEE") == (
        "Only <@U0CAM> (assigned), the Concrete crew's lead and TWR's managers can answer "
        "TWR-1's card, so nothing was recorded. To report on it, type `/update TWR-1 …`."
    )
    assert updates(site) == []


def test_it_opens_no_modal_for_someone_else(site, slack):
    card = crew_card(slack, site)

    slack.driver.click("U0DEE", CHANNEL, card.ts, "task_update")

    assert "can answer TWR-1's card" in private_answer(slack, site, "U0DEE")
    assert slack.views("U0DEE") == []


def test_it_lets_the_crews_lead_and_a_manager_answer(site, slack):
    card = crew_card(slack, site)

    slack.driver.click("U0BOB", CHANNEL, card.ts, "task_start")
    slack.driver.click("U0ANN", CHANNEL, card.ts, "task_done")

    assert [(u.kind, u.member_id) for u in updates(site)] == [
        (UpdateKind.ACK, 2),
        (UpdateKind.PROGRESS, 2),
        (UpdateKind.DONE, 1),
    ]
    assert "Done · 100%" in card_now(site, card).rendered


def test_it_refuses_a_button_naming_another_task(site, slack):
    card = crew_card(slack, site)
    run_task(slack, "add Rebar L4")
    pressed = slack.driver.click("U0CAM", CHANNEL, card.ts, "task_ack")
    tampered = dict(pressed.body, actions=[dict(pressed.body["actions"][0], value="2")])
    slack.driver.payload(tampered)
    unknown = dict(pressed.body, actions=[dict(pressed.body["actions"][0], value="DROP TABLE")])

    slack.driver.payload(unknown)

    assert "doesn't belong to a task card siteloop knows" in private_answer(slack, site, "U0CAM")
    assert [u.task_id for u in updates(site)] == [1]


def test_it_says_when_a_button_has_had_its_moment(site, slack):
    card = crew_card(slack, site)
    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_done")

    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_ack")

    assert private_answer(slack, site, "U0CAM") == (
        "TWR-1 is done: there is nothing left to do on it."
    )
    assert [u.kind for u in updates(site)] == [UpdateKind.DONE]


def test_it_records_no_reaction_by_another_projects_manager(site, slack):
    # Eve manages the Bridge project; she is in Tower A's channel too, but has no part in it.
    slack.add_user("U0EVE", name="eve", real_name="Eve Ho", tz="Asia/Ho_Chi_Minh")
    slack.add_channel("C0BRIDGE", name="bridge", members=["U0EVE"], bot_is_member=True)
    slack.add_member(CHANNEL, "U0EVE")
    setup_project(slack, "BRG", "Bridge", channel="C0BRIDGE", by="U0EVE")
    card = crew_card(slack, site)

    slack.driver.react("U0EVE", CHANNEL, card.ts, "white_check_mark")
    slack.driver.react("U0DEE", CHANNEL, card.ts, "eyes")  # Dee is crew, not Cam's lead
    slack.driver.react("U0CAM", CHANNEL, card.ts, "+1")

    cam = member_id(site, "U0CAM")
    assert [(u.kind, u.member_id) for u in updates(site)] == [(UpdateKind.ACK, cam)]
    assert roles_in_tower(site, "U0EVE") == []  # not enrolled as Tower A's crew
    assert "Acknowledged by Cam Le" in card_now(site, card).rendered


def member_id(siteloop, user: str) -> int:
    with siteloop.runtime.sessions() as session:
        return find_member(session, user).id


def roles_in_tower(siteloop, user: str) -> list[Role]:
    with siteloop.runtime.sessions() as session:
        tower = projects.find_project(session, "TWR")
        member = find_member(session, user)
        query = sa.select(ProjectRole.role).where(
            ProjectRole.project_id == tower.id, ProjectRole.member_id == member.id
        )
        return list(session.scalars(query))
