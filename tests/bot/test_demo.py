"""`siteloop demo`, the README's first command, as a newcomer runs it."""

import sqlite3

import pytest

from tests.cli import environment, run_siteloop


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    kept = folder / "kept.db"
    result = run_siteloop(
        "demo",
        "--speed",
        "0",
        "--keep",
        str(kept),
        env=environment(folder, COLUMNS="100"),
        cwd=folder,
    )
    return result, kept


def test_the_demo_finishes_cleanly_and_prints_a_plain_transcript_when_piped(demo):
    result, _ = demo

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout, "colour codes when the output is not a terminal"


def test_the_transcript_shows_the_whole_loop(demo):
    transcript = demo[0].stdout

    for moment in [
        "/siteloop setup TWR Tower A",  # the manager sets the project up
        "siteloop import tasks tower_a.csv --project TWR → 12 tasks created",
        "@Bob Nguyen, this task is yours",  # an assignment card
        "[Acknowledge] on “TWR-1 Pour slab L3",  # acknowledged by button…
        "✅ on “TWR-2 Rebar L4",  # …by reaction…
        "DM with Tuan Vo",  # the lead hears of the stalled task
        "/blocked TWR-2 waiting for rebar delivery",
        "TWR-2 Rebar L4 · unblocked",
        "has cost $9,000 against $6,000 of work done",  # over budget
        "[Acknowledge] on “Escalation: TWR-3",  # the manager acknowledges in her DM
        "TWR: 12 open tasks",  # the project's state at the end
        "Loop metrics · TWR",  # signal → action → response → resolution
        "resolved by fresh field data",
    ]:
        assert moment in transcript, moment


def test_the_loop_is_in_the_kept_database(demo):
    _, kept = demo
    database = sqlite3.connect(kept)

    updates = database.execute("SELECT source, count(*) FROM updates GROUP BY source").fetchall()
    resolved = database.execute(
        "SELECT count(*) FROM alerts"
        " WHERE rule_id = 'stalled' AND resolved_by_update_id IS NOT NULL"
    ).fetchone()[0]
    sent = database.execute("SELECT count(*) FROM outbox WHERE state = 'sent'").fetchone()[0]

    assert {source for source, _ in updates} >= {
        "command",
        "message",
        "thread_reply",
        "button",
        "reaction",
    }
    assert resolved >= 1
    assert sent >= 20


def test_the_demo_is_repeatable_with_a_seed(demo, tmp_path):
    again = run_siteloop(
        "demo", "--speed", "0", env=environment(tmp_path, COLUMNS="100"), cwd=tmp_path
    )

    first = demo[0].stdout.split("\nThe database is kept")[0]
    assert again.stdout.rstrip() == first.rstrip()
