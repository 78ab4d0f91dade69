"""Events are stored and answered at once, then processed: none lost, none processed twice."""

import json
import logging
from datetime import timedelta

import sqlalchemy as sa

from bot import logs
from bot.emulator import Message
from bot.emulator.to_bot import envelopes
from bot.process.service import Service
from storage import inbox
from storage.models import InboxEvent, Update
from tests.bot.sites import plan_task, setup_project, task
from tests.conftest import settings_for


def start_siteloop(slack, database_url, clock) -> Service:
    service = Service(settings_for(slack, database_url), clock=clock, host="127.0.0.1")
    service.start(port=0)
    slack.connect(f"http://127.0.0.1:{service.port}/slack/events")
    slack.deliverer.settle = service.inbox.settle
    return service


def inbox_rows(service) -> list[InboxEvent]:
    """Return the events stored (the slash commands that set the site up left aside)."""
    with service.runtime.inbox_sessions() as session:
        query = sa.select(InboxEvent).where(InboxEvent.body.startswith("{"))
        rows = list(session.scalars(query.order_by(InboxEvent.id)))
        session.expunge_all()
        return rows


def reporters(service, key) -> list[str]:
    """Return who reported on the task, one name per recorded update."""
    with service.runtime.sessions() as session:
        updates = session.scalars(sa.select(Update).where(Update.task_id == task(service, key).id))
        return [update.member.real_name for update in updates]


def left_over_post(slack, service, text: str, event_id: str, accepted_at) -> str:
    """Store a channel post in Slack, and in the inbox as a process that answered Slack, then
    died before processing it, would have left it; return the post's ts."""
    message = Message(
        ts=slack.workspace.ts.next(), channel="C0TOWER", user="U0BOB", text=text, team="T0SITE"
    )
    slack.workspace.add_message(message)
    event = envelopes.message_event(message, slack.workspace.channel("C0TOWER"))
    envelope = envelopes.event_envelope(
        slack.workspace.team, event, event_id, int(accepted_at.timestamp())
    )
    with service.runtime.inbox_engine.begin() as connection:
        inbox.accept(connection, event_id, json.dumps(envelope), accepted_at)
    return message.ts


def test_a_post_is_answered_before_its_work_so_a_slow_slack_api_causes_no_retry(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    slack.driver.ack_timeout = 0.5
    # Bob is new: reading his profile (users.info) takes longer than Slack waits for an answer.
    slack.faults.set(latency=1.0, methods=["users.info"])

    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 40% formwork up")

    assert [(reply.status, reply.retry_num) for reply in posted.responses] == [(200, 0)]
    assert task(siteloop, "TWR-1").percent_complete == 40
    # The profile did arrive, after the answer.
    assert reporters(siteloop, "TWR-1") == ["Bob Nguyen"]


def test_a_retried_delivery_is_stored_and_processed_once(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 40%")

    retried = slack.driver.redeliver(posted.delivery, retry_num=1, reason="http_timeout")

    assert retried.status == 200
    [stored] = inbox_rows(siteloop)
    assert stored.event_id == posted.delivery.body["event_id"] and stored.done_at is not None
    slack.wait_for(lambda: slack.reactions("C0TOWER", posted.ts))
    slack.wait_idle()
    assert reporters(siteloop, "TWR-1") == ["Bob Nguyen"]
    assert len(slack.calls("reactions.add")) == 1


def test_events_a_dead_process_left_are_processed_once_its_lease_runs_out(
    slack, app_database_url, clock
):
    first = start_siteloop(slack, app_database_url, clock)
    setup_project(slack)
    plan_task(first, "Pour slab L3")
    plan_task(first, "Strip formwork L2")
    # One process answered Slack for a post and died; another, still alive, holds a fresh one.
    dead = left_over_post(slack, first, "TWR-1 40%", "Ev0DEAD", clock.now())
    clock.advance(minutes=1)
    alive = left_over_post(slack, first, "TWR-2 10%", "Ev0ALIVE", clock.now())
    first.stop(grace_seconds=5)
    clock.advance(timedelta(seconds=61))  # the dead process's lease has run out

    second = start_siteloop(slack, app_database_url, clock)
    try:
        second.inbox.settle()
        assert task(second, "TWR-1").percent_complete == 40
        assert task(second, "TWR-2").percent_complete == 0  # still the live process's to do
        assert slack.wait_for(lambda: slack.reactions("C0TOWER", dead)) == {"memo": ["U0BOT"]}

        clock.advance(minutes=1)
        assert second.inbox.sweep() == 1
        second.inbox.settle()

        assert task(second, "TWR-2").percent_complete == 10
        assert slack.wait_for(lambda: slack.reactions("C0TOWER", alive)) == {"memo": ["U0BOT"]}
        assert [row.done_at is not None for row in inbox_rows(second)] == [True, True]
        assert second.inbox.sweep() == 0  # nothing is processed twice
    finally:
        second.stop(grace_seconds=5)


def rename_table(service, old: str, new: str) -> None:
    with service.runtime.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")


def test_an_event_that_keeps_failing_is_retried_then_given_up_and_logged(
    siteloop, slack, clock, caplog
):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    rename_table(siteloop, "updates", "updates_away")  # the database is in trouble
    try:
        with caplog.at_level(logging.WARNING, logger="inbox"):
            posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 50%")
            for _ in range(siteloop.inbox.max_attempts - 1):
                clock.advance(hours=1)
                assert siteloop.inbox.sweep() == 1
                siteloop.inbox.settle()
    finally:
        rename_table(siteloop, "updates_away", "updates")

    assert posted.delivery.status == 200 and len(posted.responses) == 1
    [stored] = inbox_rows(siteloop)
    assert stored.attempts == 5 and "updates" in stored.last_error
    assert stored.done_at is not None and siteloop.inbox.sweep() == 0
    messages = [r.getMessage() for r in caplog.records if r.name == "inbox"]
    assert messages == ["event failed, will retry"] * 4 + ["event given up"]
    assert task(siteloop, "TWR-1").percent_complete == 0


def test_the_request_log_shows_an_event_stored_then_processed(siteloop, slack, caplog):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")

    with caplog.at_level(logging.INFO, logger="request"):
        posted = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 40%")
        slack.driver.redeliver(posted.delivery)

    event_id = posted.delivery.body["event_id"]
    # (The bot's own 📝 on the post may come back as an event too: Bolt drops it unstored.)
    lines = [
        (r.getMessage(), fields)
        for r in caplog.records
        if r.name == "request" and (fields := getattr(r, logs._FIELDS)).get("event_id") == event_id
    ]
    assert [(message, f["inbox"], f["status"], f["event_id"]) for message, f in lines] == [
        ("event message", "stored", 200, event_id),
        ("event message", "processed", 200, event_id),
        ("event message", "duplicate", 200, event_id),
    ]
    assert all(f["ms"] >= 0 and (f["user"], f["channel"]) == ("U0BOB", "C0TOWER") for _, f in lines)
