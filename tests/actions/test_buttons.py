"""Acknowledge, Start and Done on a task's card record at once and the card follows."""

from datetime import timedelta

import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import Update
from tests.actions.cards import CHANNEL, buttons, card_now, card_of, run_task
from tests.bot.sites import task


def updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        return list(session.scalars(sa.select(Update).order_by(Update.id)))


def assigned_card(slack, siteloop, text: str = "add Pour slab L3 @cam"):
    run_task(slack, text)
    return card_of(siteloop, "TWR-1")


def test_it_records_an_acknowledgement_and_shows_who_and_after_how_long(site, slack):
    card = assigned_card(slack, site)
    site.clock.advance(minutes=40)

    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_ack")

    [ack] = updates(site)
    assert (ack.kind, ack.source, ack.idempotency_key.startswith("button:")) == (
        UpdateKind.ACK,
        UpdateSource.BUTTON,
        True,
    )
    stored = task(site, "TWR-1")
    assert stored.acknowledged_at - stored.assigned_at == timedelta(minutes=40)
    shown = card_now(site, card)
    assert "Acknowledged by Cam Le after 40 min" in shown.rendered
    assert shown.ts == card.ts and len(slack.messages(CHANNEL)) == 1  # edited in place
    assert "Status*\nAcknowledged · 0%" in shown.rendered


def test_it_starts_the_work_and_acknowledges_it_on_the_way(site, slack):
    card = assigned_card(slack, site)

    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_start")

    assert [(u.kind, u.source) for u in updates(site)] == [
        (UpdateKind.ACK, UpdateSource.BUTTON),
        (UpdateKind.PROGRESS, UpdateSource.BUTTON),
    ]
    shown = card_now(site, card)
    assert "In progress · 0%" in shown.rendered
    assert buttons(shown) == ["Update…", "Blocked…", "Done"]


def test_it_finishes_the_task_and_the_card_loses_its_buttons(site, slack):
    card = assigned_card(slack, site)

    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_done")

    assert [(u.kind, u.source) for u in updates(site)] == [(UpdateKind.DONE, UpdateSource.BUTTON)]
    shown = card_now(site, card)
    assert "Done · 100%" in shown.rendered
    assert buttons(shown) == []


def test_it_records_a_repeated_click_once(site, slack):
    card = assigned_card(slack, site)
    delivery = slack.driver.click("U0CAM", CHANNEL, card.ts, "task_done")

    slack.driver.payload(delivery.body)

    assert [u.kind for u in updates(site)] == [UpdateKind.DONE]
    assert task(site, "TWR-1").status == TaskStatus.DONE
