"""Posts, thread replies, edits, deletions and reactions in a project's channel become data."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import Update
from tests.bot.sites import plan_task, setup_project, task


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3", unit="m³", planned_qty=Decimal(40))
    plan_task(siteloop, "Rebar L4")
    return siteloop


def live_updates(siteloop) -> list[Update]:
    with siteloop.runtime.sessions() as session:
        query = sa.select(Update).where(Update.retracted_at.is_(None)).order_by(Update.id)
        return list(session.scalars(query))


def test_a_post_naming_a_task_is_recorded_and_marked(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 at 40%, 12 m3 poured this morning")

    slack.wait_for(lambda: slack.reactions("C0TOWER", posted.ts))
    [update] = live_updates(tower)
    assert (update.source, update.kind, update.percent, update.quantity) == (
        UpdateSource.MESSAGE,
        UpdateKind.PROGRESS,
        40,
        12,
    )
    assert (update.slack_channel, update.slack_ts) == ("C0TOWER", posted.ts)
    assert slack.reactions("C0TOWER", posted.ts) == {"memo": ["U0BOT"]}


def test_a_post_naming_two_tasks_records_one_update_each(tower, slack):
    slack.driver.post("U0BOB", "C0TOWER", "#1 and #2 started")

    assert [u.task_id for u in live_updates(tower)] == [1, 2]
    assert task(tower, "TWR-2").status == TaskStatus.IN_PROGRESS


def test_chatter_is_not_stored(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "lunch at 12, who's in?")
    slack.wait_idle()

    assert live_updates(tower) == []
    assert slack.reactions("C0TOWER", posted.ts) == {}


def test_a_reply_in_a_tasks_thread_needs_no_reference(tower, slack):
    parent = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 formwork started")

    slack.driver.post("U0ANN", "C0TOWER", "now at 70%", thread_ts=parent.ts)

    first, reply = live_updates(tower)
    assert (reply.task_id, reply.source, reply.percent) == (
        first.task_id,
        UpdateSource.THREAD_REPLY,
        70,
    )
    assert reply.slack_thread_ts == parent.ts


def test_an_edit_revises_the_update_and_keeps_the_old_text(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 60%")

    slack.driver.edit("C0TOWER", posted.ts, "TWR-1 45% (typo)")

    [update] = live_updates(tower)
    assert (update.percent, update.revision) == (45, 2)
    assert task(tower, "TWR-1").percent_complete == 45


def test_an_edit_that_names_another_task_moves_the_report(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 blocked, waiting for pump")

    slack.driver.edit("C0TOWER", posted.ts, "TWR-2 blocked, waiting for pump")

    [update] = live_updates(tower)
    assert update.task_id == 2
    assert task(tower, "TWR-1").status == TaskStatus.PLANNED
    assert task(tower, "TWR-2").status == TaskStatus.BLOCKED


def test_deleting_a_done_post_leaves_the_task_not_done(tower, slack):
    slack.driver.post("U0BOB", "C0TOWER", "TWR-1 60%")
    done = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 100% done")

    slack.driver.delete("C0TOWER", done.ts)

    stored = task(tower, "TWR-1")
    assert (stored.status, stored.percent_complete) == (TaskStatus.IN_PROGRESS, 60)
    assert len(live_updates(tower)) == 1


def test_a_retried_event_is_recorded_once(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 12 m3")

    slack.driver.redeliver(posted.delivery, retry_num=1, reason="http_timeout")
    slack.driver.redeliver(posted.delivery, retry_num=2, reason="http_timeout")

    assert len(live_updates(tower)) == 1
    assert task(tower, "TWR-1").installed_qty == 12


def test_a_bad_value_is_told_privately_and_nothing_is_stored(tower, slack):
    slack.driver.post("U0BOB", "C0TOWER", "TWR-1 at 140%")

    [note] = slack.wait_for(lambda: slack.ephemerals(user="U0BOB"))
    assert "140%" in note.rendered
    assert live_updates(tower) == []


def test_posts_in_unlinked_channels_are_not_read(tower, slack):
    slack.add_channel("C0RANDOM", name="random", members=["U0BOB"])

    slack.driver.post("U0BOB", "C0RANDOM", "TWR-1 100%")

    assert live_updates(tower) == []


def test_other_bots_never_report(tower, slack):
    slack.driver.event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0OTHER",
            "text": "TWR-1 100%",
            "channel": "C0TOWER",
            "channel_type": "channel",
            "ts": "1764550800.000100",
        }
    )

    assert live_updates(tower) == []


def test_a_thumbs_up_on_a_tasks_post_acknowledges_it_and_removing_it_retracts(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 started, formwork going up")

    slack.driver.react("U0ANN", "C0TOWER", posted.ts, "+1::skin-tone-3")
    acknowledged = [u for u in live_updates(tower) if u.kind == UpdateKind.ACK]
    slack.driver.unreact("U0ANN", "C0TOWER", posted.ts, "+1::skin-tone-3")

    assert [(u.source, u.note) for u in acknowledged] == [
        (UpdateSource.REACTION, ":+1::skin-tone-3:")
    ]
    assert [u.kind for u in live_updates(tower)] == [UpdateKind.PROGRESS]


def test_other_reactions_record_nothing(tower, slack):
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 formwork started")

    slack.driver.react("U0ANN", "C0TOWER", posted.ts, "tada")

    assert len(live_updates(tower)) == 1


def test_a_thread_reply_also_sent_to_the_channel_counts_once(tower, slack):
    parent = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 started")

    slack.driver.post("U0BOB", "C0TOWER", "80% now", thread_ts=parent.ts, broadcast=True)

    assert [u.percent for u in live_updates(tower)] == [None, 80]


def test_a_direct_message_naming_a_task_is_recorded_for_project_people(tower, slack):
    slack.driver.post("U0ANN", slack.dm_channel("U0ANN"), "TWR-2 blocked, crane down")

    assert task(tower, "TWR-2").status == TaskStatus.BLOCKED


def test_a_direct_message_without_a_task_gets_the_help(tower, slack):
    slack.driver.post("U0BOB", slack.dm_channel("U0BOB"), "hello?")

    [_, answer] = slack.wait_for(lambda: slack.dms("U0BOB")[1:] and slack.dms("U0BOB"))
    assert "/update TWR-42" in answer.rendered
    assert live_updates(tower) == []
