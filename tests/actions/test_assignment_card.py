"""Assigning a task posts its card in the project channel; the card's thread is the task's."""

import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import OutboxMessage, Update
from tests.actions.cards import CHANNEL, buttons, card_now, card_of, run_task
from tests.bot.sites import task


def updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        query = sa.select(Update).where(Update.retracted_at.is_(None)).order_by(Update.id)
        return list(session.scalars(query))


def test_it_posts_a_card_naming_the_assignee_and_the_plan(site, slack):
    run_task(
        slack,
        'add Pour slab L3 @cam crew:Concrete at:"Level 3 east" start:2026-12-02 '
        "due:2026-12-04 budget:12000 qty:40m3",
    )

    card = card_of(site, "TWR-1")
    assert card.rendered.splitlines() == [
        "TWR-1 Pour slab L3",
        "<@U0CAM>, this task is yours. Press *Acknowledge*, react :white_check_mark: or reply "
        "“on it” in the thread.",
        "*Status*",
        "Assigned · 0%",
        "*Crew*",
        "Concrete",
        "*Location*",
        "Level 3 east",
        "*Planned*",
        "Wed 02 Dec → Fri 04 Dec 2026",
        "*Cost*",
        "$0 of $12,000",
        "*Quantity*",
        "0 of 40 m³",
        ":hourglass_flowing_sand: Not acknowledged yet. Reply in this thread with progress, "
        "e.g. `60% formwork done, 12 m3 poured`.",
        "[Acknowledge] [Start] [Update…] [Blocked…] [Done]",
    ]
    assert "<@U0CAM>" in card.text


def test_it_makes_the_card_the_tasks_thread(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")

    slack.driver.post("U0CAM", CHANNEL, "formwork up, 30%", thread_ts=card.ts)

    [reply] = updates(site)
    assert (reply.source, reply.percent, reply.task_id) == (UpdateSource.THREAD_REPLY, 30, 1)
    assert task(site, "TWR-1").thread_channel == CHANNEL


def test_it_acknowledges_on_an_on_it_reply_in_the_cards_thread(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")
    site.clock.advance(minutes=25)

    slack.driver.post("U0CAM", CHANNEL, "on it", thread_ts=card.ts)

    [ack] = updates(site)
    assert (ack.kind, ack.source) == (UpdateKind.ACK, UpdateSource.THREAD_REPLY)
    assert task(site, "TWR-1").status == TaskStatus.ACKNOWLEDGED
    acknowledged = card_now(site, card)
    assert "Acknowledged by Cam Le after 25 min" in acknowledged.rendered
    assert buttons(acknowledged) == ["Start", "Update…", "Blocked…", "Done"]


def test_it_acknowledges_on_a_check_mark_on_the_card(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")

    slack.driver.react("U0CAM", CHANNEL, card.ts, "white_check_mark")

    [ack] = updates(site)
    assert (ack.kind, ack.source) == (UpdateKind.ACK, UpdateSource.REACTION)
    assert "Acknowledged by Cam Le after 0 s" in card_now(site, card).rendered


def test_it_updates_the_card_in_place_when_a_command_reports(site, slack):
    run_task(slack, "add Pour slab L3 @cam qty:40m3")
    card = card_of(site, "TWR-1")

    slack.driver.command("/update", "TWR-1 35% 12 m3 poured", user="U0CAM", channel=CHANNEL)

    shown = card_now(site, card)

    assert "In progress · 35%" in shown.rendered
    assert "12 of 40 m³" in shown.rendered
    assert [message.ts for message in slack.messages(CHANNEL)] == [card.ts]


def test_it_coalesces_a_burst_of_changes_into_one_edit(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")

    for percent in (10, 20, 30):  # no step between them
        slack.driver.command("/update", f"TWR-1 {percent}%", user="U0CAM", channel=CHANNEL)

    with site.runtime.sessions() as session:
        edits = session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "task_card_update")
        ).all()
    assert len(edits) == 1 and "In progress · 30%" in edits[0].payload["args"]["text"]
    assert "In progress · 30%" in card_now(site, card).rendered
    assert len(slack.calls("chat.update")) == 1
