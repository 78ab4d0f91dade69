"""Failed deliveries reach people: the project's managers get one DM saying what to fix."""

import logging
from datetime import timedelta

import pytest

from bot.delivery.failures import GATHER, QUIET, Problem, advise, problem_of
from rules.vocabulary import OutboxKind, OutboxState, Role
from storage import outbox, projects
from storage.db import session_scope
from storage.members import Profile, save_member
from storage.models import OutboxMessage
from tests.delivery.conftest import drain, enqueue, post, row

LINKED = {"C0TOWER": "tower-a", "C0YARD": "yard", "C0SITE": "site", "C0OFFICE": "office"}


@pytest.fixture
def tower(sessions, clock) -> int:
    """Return the id of project TWR (Tower A), managed by Ann, linked to the four channels."""
    with session_scope(sessions) as session:
        ann = save_member(session, "U0ANN", Profile("U0ANN", name="ann"), clock.now())
        save_member(session, "U0BOB", Profile("U0BOB", name="bob"), clock.now())
        project = projects.create_project(
            session, key="TWR", name="Tower A", timezone="UTC", created_by=ann, now=clock.now()
        )
        for channel, name in LINKED.items():
            projects.link_channel(
                session,
                project,
                slack_channel_id=channel,
                name=name,
                linked_by=ann,
                now=clock.now(),
            )
        return project.id


def summaries(sessions) -> list[OutboxMessage]:
    with session_scope(sessions, read_only=True) as session:
        return (
            session.query(OutboxMessage)
            .filter_by(kind=OutboxKind.DELIVERY_FAILURES)
            .order_by("id")
            .all()
        )


def receipt(ts: str = "1764550800.000100") -> dict:
    return {"method": "reactions.add", "args": {"name": "memo", "timestamp": ts}}


def test_it_tells_the_manager_to_invite_siteloop_to_the_channel(
    dispatcher, sessions, emulator, clock, tower
):
    message_id = enqueue(sessions, clock, "C0OFFICE", text="Budget review at 4", project_id=tower)

    drain(dispatcher, sessions, clock)

    [dm] = emulator.dms("U0ANN")
    assert dm.rendered.splitlines() == [
        "Tower A (TWR): 1 message could not be delivered",
        f"• 1 follow-up for <#C0OFFICE|office> (id {message_id}): siteloop is not in "
        "<#C0OFFICE|office>. *Fix:* invite @siteloop to <#C0OFFICE|office> "
        "(type `/invite @siteloop` there).",
        f"Once fixed, an admin resends them with `siteloop outbox retry {message_id}`; "
        "`siteloop outbox --failed --project TWR` lists them.",
    ]
    assert "invite @siteloop to <#C0OFFICE|office>" in dm.text  # the notification says it too
    assert row(sessions, message_id).state == OutboxState.FAILED


def test_a_burst_of_failures_makes_one_dm_listing_them_all(
    dispatcher, sessions, emulator, clock, tower
):
    emulator.archive_channel("C0SITE")
    first = enqueue(sessions, clock, "C0OFFICE", text="Budget review", project_id=tower)
    dispatcher.deliver_one(clock.now())
    clock.advance(seconds=20)
    later = [
        enqueue(sessions, clock, "C0OFFICE", receipt(), kind="capture_receipt", project_id=tower),
        enqueue(sessions, clock, "C0SITE", text="Crane at 7", project_id=tower),
        enqueue(sessions, clock, "C0SITE", text="Pump at 9", project_id=tower),
    ]

    drain(dispatcher, sessions, clock)

    [dm] = emulator.dms("U0ANN")
    lines = dm.rendered.splitlines()
    assert lines[0] == "Tower A (TWR): 4 messages could not be delivered"
    assert lines[1].startswith(
        f"• 2 follow-ups and 📝 receipts for <#C0OFFICE|office> (id {first}, {later[0]})"
    )
    assert lines[2] == (
        f"• 2 follow-ups for <#C0SITE|site> (id {later[1]}, {later[2]}): <#C0SITE|site> was "
        "archived or deleted. *Fix:* relink the project with `/siteloop link TWR` in its new "
        "channel."
    )
    assert f"`siteloop outbox retry {first} {later[0]} {later[1]} {later[2]}`" in lines[3]
    [summary] = summaries(sessions)
    assert summary.sent_at == summary.created_at + GATHER


def test_it_calls_each_failed_message_what_people_know_it_as(
    dispatcher, sessions, emulator, clock, tower
):
    card = {"method": "chat.postMessage", "args": {"text": "TWR-42 Pour slab L3"}}
    ids = [
        enqueue(sessions, clock, "C0SITE", card, kind=OutboxKind.TASK_CARD, project_id=tower),
        enqueue(sessions, clock, "C0SITE", text="TWR-42 late", kind=OutboxKind.ESCALATION),
    ]
    emulator.archive_channel("C0SITE")

    drain(dispatcher, sessions, clock)

    [dm] = emulator.dms("U0ANN")
    assert dm.rendered.splitlines()[1].startswith(
        f"• 2 assignment cards and escalation DMs for <#C0SITE|site> (id {ids[0]}, {ids[1]})"
    )


def test_every_kind_of_message_has_a_name_people_read():
    assert all(kind.label and kind.label == kind.label.strip() for kind in OutboxKind)


def test_after_a_summary_the_next_waits_an_hour_and_lists_only_new_failures(
    dispatcher, sessions, emulator, clock, tower
):
    first = enqueue(sessions, clock, "C0OFFICE", text="Budget review", project_id=tower)
    drain(dispatcher, sessions, clock)
    clock.advance(minutes=10)
    second = enqueue(sessions, clock, "C0OFFICE", text="Site walk at 3", project_id=tower)
    third = enqueue(sessions, clock, "C0NOWHERE", text="Crane at 7", project_id=tower)

    drain(dispatcher, sessions, clock)

    one, two = summaries(sessions)
    assert two.sent_at == one.sent_at + QUIET
    assert [m.rendered.splitlines()[0] for m in emulator.dms("U0ANN")] == [
        "Tower A (TWR): 1 message could not be delivered",
        "Tower A (TWR): 2 messages could not be delivered",
    ]
    latest = emulator.dms("U0ANN")[-1].rendered
    assert f"(id {second})" in latest and f"(id {third})" in latest
    assert f"id {first})" not in latest


def test_every_manager_gets_one_dm(dispatcher, sessions, emulator, clock, tower):
    with session_scope(sessions) as session:
        bob = save_member(session, "U0BOB", None, clock.now())
        projects.set_role(session, session.get(projects.Project, tower), bob, Role.MANAGER)
    for text in ("one", "two", "three"):
        enqueue(sessions, clock, "C0OFFICE", text=text, project_id=tower)

    drain(dispatcher, sessions, clock)

    assert [len(emulator.dms(user)) for user in ("U0ANN", "U0BOB")] == [1, 1]
    assert emulator.dms("U0ANN")[0].rendered == emulator.dms("U0BOB")[0].rendered


def test_a_message_queued_without_a_project_counts_for_its_channels_project(
    dispatcher, sessions, emulator, clock, tower
):
    whisper = {"method": "chat.postEphemeral", "args": {"user": "U0ANN", "text": "Not recorded"}}
    message_id = enqueue(sessions, clock, "C0OFFICE", whisper, kind="capture_refusal")

    drain(dispatcher, sessions, clock)

    [dm] = emulator.dms("U0ANN")
    assert f"1 private note for <#C0OFFICE|office> (id {message_id})" in dm.rendered


def test_a_failed_summary_is_never_summarised(dispatcher, sessions, emulator, clock, tower, caplog):
    enqueue(sessions, clock, "C0OFFICE", text="Budget review", project_id=tower)
    dispatcher.deliver_one(clock.now())
    emulator.faults.fail_next("chat.postMessage", error="account_inactive")

    with caplog.at_level(logging.ERROR, logger="delivery"):
        drain(dispatcher, sessions, clock)

    [summary] = summaries(sessions)
    assert (summary.state, summary.last_error) == (OutboxState.FAILED, "account_inactive")
    with session_scope(sessions, read_only=True) as session:
        assert session.query(OutboxMessage).count() == 2
    assert emulator.dms("U0ANN") == []
    assert "a delivery failure summary could not be delivered" in caplog.text


def test_a_failure_nobody_can_be_told_about_is_logged_with_its_id(
    dispatcher, sessions, emulator, clock, caplog
):
    message_id = enqueue(sessions, clock, "C0OFFICE", text="Budget review")

    with caplog.at_level(logging.WARNING, logger="delivery"):
        drain(dispatcher, sessions, clock)

    assert summaries(sessions) == []
    [record] = [r for r in caplog.records if "not summarised" in r.getMessage()]
    assert record.getMessage() == "delivery failure not summarised: no project"
    assert record.siteloop_fields["outbox"] == message_id
    assert record.siteloop_fields["error"] == "not_in_channel"


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        ("token_revoked", "*Fix:* reinstall the app in Slack, or check SLACK_BOT_TOKEN."),
        ("missing_scope (needs chat:write)", "reinstall the app in Slack"),
        ("msg_too_long", "*Fix:* this is a bug in siteloop: report it with outbox id 41, 42."),
        ("invalid payload: chat.update needs ts in its args", "report it with outbox id 41, 42"),
        ("account_inactive", "<@U0CAM> left Slack (`account_inactive`). *Fix:* reassign"),
        ("user_not_found", "*Fix:* reassign their tasks (`/task assign`)."),
        ("is_archived", "relink the project with `/siteloop link TWR` in its new channel"),
        ("channel_not_found", "relink the project with `/siteloop link TWR`"),
        ("not_in_channel", "invite @siteloop to <@U0CAM>"),
        ("gave up after 9 attempts over 24 h: HTTP 503 service_unavailable", "status.slack.com"),
        (
            "outcome unknown: gave up after 9 attempts over 24 h: TimeoutError: timed out",
            "Slack could not be reached for a day",
        ),
        ("cannot_dm_bot", "Slack answered `cannot_dm_bot`."),
    ],
)
def test_each_error_comes_with_its_fix(error, fix):
    advice = advise(problem_of(error), "<@U0CAM>", "TWR", [41, 42], error)

    assert fix in advice


def test_slack_errors_are_sorted_into_problems():
    assert [problem_of(e) for e in ("not_in_channel", "is_archived", "invalid_blocks", "")] == [
        Problem.NOT_IN_CHANNEL,
        Problem.CHANNEL_GONE,
        Problem.BUG,
        Problem.OTHER,
    ]


def test_a_resent_message_that_fails_again_is_summarised_again(
    dispatcher, sessions, emulator, clock, tower
):
    message_id = enqueue(sessions, clock, "C0OFFICE", post("Budget review"), project_id=tower)
    drain(dispatcher, sessions, clock)
    clock.advance(hours=2)

    with session_scope(sessions) as session:
        outbox.resend(session, message_id, clock.now())
    drain(dispatcher, sessions, clock)

    assert len(emulator.dms("U0ANN")) == 2
    assert clock.now() - timedelta(hours=2) >= summaries(sessions)[0].sent_at
