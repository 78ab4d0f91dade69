"""Reassigning a task says so in its thread, mentioning the new assignee; the card follows."""

from tests.actions.cards import CHANNEL, card_now, card_of, run_task, shown
from tests.bot.sites import task


def thread_replies(slack, site, ts: str) -> list[str]:
    """Deliver what is due; return the replies in the thread of `ts`, as people read them."""
    site.step()
    return [message.rendered for message in slack.thread(CHANNEL, ts)[1:]]


def test_it_notes_the_reassignment_in_the_thread_and_updates_the_card(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")
    slack.driver.click("U0CAM", CHANNEL, card.ts, "task_ack")
    site.clock.advance(minutes=5)

    said = run_task(slack, "assign TWR-1 @dee")

    assert said == "TWR-1 moves from Cam Le to Dee Vo."
    assert thread_replies(slack, site, card.ts) == [
        "Reassigned from <@U0CAM> to <@U0DEE> by <@U0ANN>. "
        "<@U0DEE>, TWR-1 is yours now: acknowledge it on the card."
    ]
    updated = card_now(site, card)
    assert "<@U0DEE>, this task is yours." in updated.rendered
    assert "Not acknowledged yet" in updated.rendered
    assert len(slack.messages(CHANNEL)) == 1


def test_it_tells_a_reassignment_made_before_the_card_was_delivered(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    run_task(slack, "assign TWR-1 @dee")  # no step yet: the card is still on its way

    card = card_of(site, "TWR-1")
    assert thread_replies(slack, site, card.ts) == [
        "Reassigned from <@U0CAM> to <@U0DEE>. "
        "<@U0DEE>, TWR-1 is yours now: acknowledge it on the card."
    ]
    assert "<@U0DEE>, this task is yours." in card_now(site, card).rendered
    assert [message.ts for message in slack.messages(CHANNEL)] == [card.ts]  # one card


def test_it_posts_no_note_when_the_assignee_stays_the_same(site, slack):
    run_task(slack, "add Pour slab L3 @cam")
    card = card_of(site, "TWR-1")

    run_task(slack, "assign TWR-1 @cam")
    site.clock.advance(seconds=5)

    assert slack.thread(CHANNEL, card.ts)[1:] == []
    assert task(site, "TWR-1").thread_ts == card.ts
    assert "<@U0CAM>" in shown(slack, card.ts).rendered
