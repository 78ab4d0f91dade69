"""Update… and Blocked… open a modal; bad values are shown in it, good ones are recorded."""

from decimal import Decimal

import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import Update
from tests.actions.cards import CHANNEL, card_now, card_of, run_task
from tests.bot.sites import task


def updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        return list(session.scalars(sa.select(Update).order_by(Update.id)))


def open_modal(slack, siteloop, button: str, user: str = "U0CAM"):
    run_task(slack, "add Pour slab L3 @cam budget:12000 qty:40m3")
    card = card_of(siteloop, "TWR-1")
    slack.driver.click(user, CHANNEL, card.ts, button)
    [modal] = slack.wait_for(lambda: slack.views(user))
    return card, modal


def typed(**fields: str) -> dict[str, dict[str, str]]:
    return {block: {"value": text} for block, text in fields.items()}


def test_it_opens_the_update_modal_from_the_card(site, slack):
    _, modal = open_modal(slack, site, "task_update")

    assert modal.rendered.splitlines() == [
        "Update TWR-1",
        "*TWR-1* Pour slab L3",
        "Percent complete",
        "Quantity installed (m³)",
        "Cost to add",
        "Note",
    ]


def test_it_shows_bad_values_under_their_inputs_and_records_nothing(site, slack):
    _, modal = open_modal(slack, site, "task_update")

    slack.driver.submit_view(
        "U0CAM", modal.id, typed(percent="140", quantity="12 t", cost="1.500,00")
    )

    [still_open] = slack.views("U0CAM")
    assert set(still_open.errors) == {"percent", "quantity", "cost"}
    assert still_open.errors["percent"].startswith("140% is more than 100%")
    assert (
        still_open.errors["quantity"] == "TWR-1 is counted in m³, not t: give the quantity in m³."
    )
    assert "1.500,00" in still_open.errors["cost"]
    assert updates(site) == []


def test_it_asks_for_something_when_the_form_is_empty(site, slack):
    _, modal = open_modal(slack, site, "task_update")

    slack.driver.submit_view("U0CAM", modal.id, {})

    [still_open] = slack.views("U0CAM")
    assert still_open.errors == {
        "percent": "Fill in at least one: a percent, a quantity, a cost or a note."
    }


def test_it_records_good_values_like_the_update_command(site, slack):
    card, modal = open_modal(slack, site, "task_update")

    slack.driver.submit_view(
        "U0CAM", modal.id, typed(percent="60", quantity="12", cost="1500", note="formwork done")
    )

    assert slack.views("U0CAM") == []
    [update] = updates(site)
    assert (update.source, update.kind, update.percent, update.quantity, update.cost) == (
        UpdateSource.MODAL,
        UpdateKind.PROGRESS,
        60,
        12,
        1500,
    )
    assert (update.note, update.raw_text) == (
        "formwork done",
        "TWR-1 60% 12 m³ cost:1500 formwork done",
    )
    shown = card_now(site, card)
    assert "In progress · 60%" in shown.rendered
    assert "12 of 40 m³" in shown.rendered and "$1,500 of $12,000" in shown.rendered


def test_it_refuses_a_note_that_says_something_else(site, slack):
    _, modal = open_modal(slack, site, "task_update")

    slack.driver.submit_view("U0CAM", modal.id, typed(percent="60", note="no wait, 70%"))

    [still_open] = slack.views("U0CAM")
    assert "two percents (60% and 70%)" in still_open.errors["note"]
    assert updates(site) == []


def test_it_blocks_the_task_with_the_reason(site, slack):
    card, modal = open_modal(slack, site, "task_blocked")
    assert modal.title == "Blocked TWR-1"

    slack.driver.submit_view("U0CAM", modal.id, typed(reason="waiting for rebar delivery"))

    [update] = updates(site)
    assert (update.source, update.kind, update.note) == (
        UpdateSource.MODAL,
        UpdateKind.BLOCKED,
        "waiting for rebar delivery",
    )
    assert task(site, "TWR-1").status == TaskStatus.BLOCKED
    shown = card_now(site, card)
    assert "Blocked · 0%" in shown.rendered
    assert "*Blocked by*\nwaiting for rebar delivery" in shown.rendered


def test_it_refuses_a_blocked_reason_the_grammar_refuses(site, slack):
    _, modal = open_modal(slack, site, "task_blocked")

    slack.driver.submit_view("U0CAM", modal.id, typed(reason="100%"))

    [still_open] = slack.views("U0CAM")
    assert still_open.errors == {"reason": "Nothing recorded: 100% means done: use /done"}
    assert task(site, "TWR-1").percent_complete == Decimal(0)


def test_it_refuses_a_form_whose_task_is_gone(site, slack):
    _, modal = open_modal(slack, site, "task_update")
    with slack.workspace.lock:  # a tampered or stale form: its task id names nothing
        slack.workspace.views[modal.id].payload["private_metadata"] = '{"task": 99}'

    slack.driver.submit_view("U0CAM", modal.id, typed(percent="60"))

    [still_open] = slack.views("U0CAM")
    assert still_open.errors == {
        "percent": "This form names no task siteloop knows: nothing was recorded."
    }
    assert updates(site) == []
