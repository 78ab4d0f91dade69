"""Every process delivers through the same pipeline: cards open threads, imports edit cards,
and a thread's messages wait for its card."""

from datetime import UTC, datetime, timedelta

from bot.process.delivery import build_dispatcher
from tests.actions.cards import CHANNEL, card_of, run_task, shown
from tests.bot.sites import task
from tests.cli import environment, run_siteloop
from tests.conftest import BOT_TOKEN


def run(siteloop, slack, tmp_path, *args: str):
    """Run `siteloop ARGS…` as an operator does, on the service's database and Slack."""
    env = environment(
        tmp_path,
        DATABASE_URL=siteloop.settings.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
    )
    result = run_siteloop(*args, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result


def deliver_everything(siteloop, at: datetime) -> None:
    """Deliver what is queued up to `at`, a second apart per conversation (Slack's pacing)."""
    dispatcher = build_dispatcher(siteloop.runtime)
    for step in range(60):
        dispatcher.deliver_due(at + timedelta(seconds=step))


def test_it_makes_a_card_siteloop_tick_delivers_the_tasks_thread(site, slack, tmp_path):
    run_task(slack, "add Pour slab L3 @bob")  # no step: the card waits in the outbox

    run(site, slack, tmp_path, "tick")
    [card] = [m for m in slack.messages(CHANNEL) if "Pour slab L3" in m.rendered]
    slack.driver.post("U0BOB", CHANNEL, "40% formwork up", thread_ts=card.ts)

    assert task(site, "TWR-1").percent_complete == 40


def test_it_edits_a_posted_card_when_an_import_changes_its_task(site, slack, tmp_path):
    run_task(slack, "add Pour slab L3 @bob")
    card = card_of(site, "TWR-1")
    (tmp_path / "plan.csv").write_text("key,title,assignee\nTWR-1,Pour slab L3 east,U0BOB\n")

    run(site, slack, tmp_path, "import", "tasks", "plan.csv", "--project", "TWR")
    deliver_everything(site, datetime.now(UTC))  # the import queued its edits on the wall clock

    assert "Pour slab L3 east" in shown(slack, card.ts).rendered


def test_it_posts_a_follow_up_decided_before_its_card_arrived_in_the_cards_thread(
    site, slack, clock
):
    run_task(slack, "add Pour slab L3 @bob")
    clock.advance(hours=3)  # unacknowledged for 3 working hours: the assignee is asked

    assert site.tick().messages_queued == 1
    site.step()

    [card] = slack.messages(CHANNEL)[-1:]
    assert "Pour slab L3" in card.rendered
    [follow_up] = slack.thread(CHANNEL, card.ts)[1:]
    assert "<@U0BOB>" in follow_up.text and "TWR-1" in follow_up.text


def test_it_posts_a_follow_up_in_the_channel_saying_so_when_its_card_failed_for_good(
    site, slack, clock
):
    run_task(slack, "add Pour slab L3 @bob")
    clock.advance(hours=3)
    assert site.tick().messages_queued == 1
    slack.faults.fail_next("chat.postMessage", error="invalid_blocks")  # the card, refused

    site.step()

    shown_in_channel = [m for m in slack.messages(CHANNEL) if "TWR-1" in m.rendered]
    [follow_up] = shown_in_channel  # no card: the follow-up alone, in the channel
    assert "<@U0BOB>" in follow_up.text and follow_up.thread_ts is None
    assert "This belongs in the task's thread, but its card could not be posted" in (
        follow_up.rendered
    )
