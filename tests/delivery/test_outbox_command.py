"""`siteloop outbox`: an admin sees what was sent and what failed, and resends once fixed."""

import pytest

from rules.vocabulary import OutboxState
from storage import projects
from storage.db import session_scope
from storage.members import Profile, save_member
from tests.cli import environment, run_siteloop, table_rows
from tests.delivery.conftest import drain, enqueue, row


@pytest.fixture
def tower(sessions, clock) -> int:
    """Return the id of project TWR, managed by Ann, with #tower-a and #office linked."""
    with session_scope(sessions) as session:
        ann = save_member(session, "U0ANN", Profile("U0ANN", name="ann"), clock.now())
        project = projects.create_project(
            session, key="TWR", name="Tower A", timezone="UTC", created_by=ann, now=clock.now()
        )
        for channel, name in (("C0TOWER", "tower-a"), ("C0OFFICE", "office")):
            projects.link_channel(
                session,
                project,
                slack_channel_id=channel,
                name=name,
                linked_by=ann,
                now=clock.now(),
            )
        return project.id


@pytest.fixture
def history(dispatcher, sessions, emulator, clock, tower) -> dict[str, int]:
    """Deliver one message, fail one for good (and its summary DM to Ann), leave one pending."""
    ids = {
        "sent": enqueue(sessions, clock, "C0TOWER", text="Pour at 7", project_id=tower),
        "failed": enqueue(sessions, clock, "C0OFFICE", text="Budget at 4", project_id=tower),
        "other": enqueue(sessions, clock, "C0YARD", text="Yard closed"),
    }
    drain(dispatcher, sessions, clock)
    emulator.faults.fail_next("chat.postMessage", status=503)
    ids["pending"] = enqueue(sessions, clock, "C0TOWER", text="Crane at 9", project_id=tower)
    dispatcher.deliver_one(clock.now())
    return ids


def outbox(app_database_url, tmp_path, *args):
    env = environment(tmp_path, DATABASE_URL=app_database_url, COLUMNS="200")
    return run_siteloop("outbox", *args, env=env, cwd=tmp_path)


def test_it_lists_every_message_newest_first_with_its_state(app_database_url, tmp_path, history):
    result = outbox(app_database_url, tmp_path)

    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (str(history["pending"]), "follow_up", "#tower-a", "pending", "1"),
        ("4", "delivery_failures", "@ann", "sent", "0"),
        (str(history["other"]), "follow_up", "C0YARD", "sent", "0"),
        (str(history["failed"]), "follow_up", "#office", "failed", "1"),
        (str(history["sent"]), "follow_up", "#tower-a", "sent", "0"),
    ]
    assert rows[0][5].startswith("due 2026-12-01 ") and rows[0][6] == "HTTP 503 service_unavailable"
    assert rows[1][5].startswith("sent 2026-12-01 01:01:")
    assert (rows[3][5], rows[3][6]) == ("gave up 2026-12-01 01:00:00Z", "not_in_channel")
    assert "siteloop outbox retry ID" in result.stdout


def test_failed_lists_only_what_was_given_up_on_in_one_project(
    app_database_url, tmp_path, history, dispatcher, sessions, clock
):
    enqueue(sessions, clock, "C0NOWHERE", text="Lost, but no project's")
    drain(dispatcher, sessions, clock)

    result = outbox(app_database_url, tmp_path, "--failed", "--project", "twr")

    assert result.returncode == 0, result.stderr
    assert "Outbox: failed messages of TWR, newest first" in result.stdout
    assert [r[0] for r in table_rows(result.stdout)] == [str(history["failed"])]


def test_a_long_outbox_is_cut_to_the_newest(app_database_url, tmp_path, history):
    result = outbox(app_database_url, tmp_path, "--limit", "2")

    assert [r[0] for r in table_rows(result.stdout)] == [str(history["pending"]), "4"]
    assert "Showing the newest 2 of 5; use --limit to see more." in result.stdout


def test_nothing_failed_says_so(app_database_url, tmp_path, dispatcher, sessions, clock, tower):
    enqueue(sessions, clock, "C0TOWER", text="Pour at 7", project_id=tower)
    drain(dispatcher, sessions, clock)

    result = outbox(app_database_url, tmp_path, "--failed")

    assert (result.returncode, result.stdout.strip()) == (0, "No failed messages in the outbox.")


def test_an_unknown_project_is_named_with_the_known_ones(app_database_url, tmp_path, history):
    result = outbox(app_database_url, tmp_path, "--project", "XYZ")

    assert result.returncode == 2
    assert result.stderr.strip() == "siteloop: there is no project XYZ (projects: TWR)"


def test_retry_resends_a_failed_message_once_its_cause_is_fixed(
    app_database_url, tmp_path, history, dispatcher, sessions, emulator, clock
):
    emulator.add_bot_to("C0OFFICE")

    result = outbox(app_database_url, tmp_path, "retry", str(history["failed"]))
    queued = row(sessions, history["failed"])
    clock.set(max(clock.now(), queued.next_attempt_at))
    drain(dispatcher, sessions, clock)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"Outbox message {history['failed']} (follow up to #office) is queued again."
    )
    assert (queued.state, queued.attempts) == (OutboxState.PENDING, 0)
    assert [m.text for m in emulator.messages("C0OFFICE")] == ["Budget at 4"]
    assert row(sessions, history["failed"]).state == OutboxState.SENT


@pytest.mark.parametrize(
    ("which", "error"),
    [
        ("unknown", "siteloop: there is no outbox message 999"),
        (
            "sent",
            "siteloop: outbox message {id} was delivered (sent 2026-12-01 01:00:00Z): "
            "only failed messages can be retried",
        ),
        ("pending", "siteloop: outbox message {id} is still pending (due "),
    ],
)
def test_retry_refuses_what_is_not_a_failed_message_and_changes_nothing(
    app_database_url, tmp_path, history, sessions, which, error
):
    message_id = history.get(which, 999)

    result = outbox(app_database_url, tmp_path, "retry", str(history["failed"]), str(message_id))

    assert result.returncode == 2
    assert result.stderr.startswith(error.format(id=message_id))
    assert row(sessions, history["failed"]).state == OutboxState.FAILED
