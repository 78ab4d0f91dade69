"""Alert messages' blocks stay within Slack's limits, and their later edits too (pure)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.alert_messages import (
    ACTIONS,
    ESCALATION_BUTTONS,
    AlertMessage,
    History,
    Style,
    Told,
    alert_blocks,
    history_text,
    with_history,
    with_outcome,
)
from bot.services.alert_actions import tomorrows_start
from rules.rulebook import load_default_rulebook

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
HUGE = "Pour slab L3 & <east> " * 500


def message(style: Style, **fields) -> AlertMessage:
    defaults = {
        "alert_id": 7,
        "style": style,
        "lead": f"<@U0CAM> *TWR-1 {HUGE}* has had no update for 8.5 working hours.",
        "numbers": tuple((f"Label {i} {HUGE}", HUGE) for i in range(14)),
        "how": HUGE,
        "where": HUGE,
        "task_id": 1,
    }
    return AlertMessage(**(defaults | fields))


def validated(blocks: list[dict]) -> list[dict]:
    """Return the blocks as slack_sdk's models give them back (raising on any limit)."""
    assert len(blocks) <= 50
    return [Block.parse(block).to_dict() for block in blocks]


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize("style", list(Style))
def test_every_layout_keeps_within_slacks_limits_however_long_its_texts(style):
    blocks = alert_blocks(message(style))

    assert validated(blocks) == blocks


def test_a_follow_up_offers_the_forms_and_an_escalation_the_chain_buttons():
    follow_up = alert_blocks(message(Style.FOLLOW_UP))
    escalation = alert_blocks(message(Style.ESCALATION))

    assert action_ids(follow_up) == ["alert_update", "alert_blocked"]
    assert action_ids(escalation) == ["alert_ack", "alert_snooze", "alert_reassign"]
    assert set(action_ids(follow_up) + action_ids(escalation)) == set(ACTIONS)


def test_without_a_task_there_is_nothing_to_fill_in_or_reassign():
    follow_up = alert_blocks(message(Style.FOLLOW_UP, task_id=None))
    escalation = alert_blocks(message(Style.ESCALATION, task_id=None))

    assert action_ids(follow_up) == []
    assert action_ids(escalation) == ["alert_ack", "alert_snooze"]


def test_the_history_and_the_outcome_replace_their_parts_and_stay_valid():
    blocks = alert_blocks(message(Style.ESCALATION))

    filled = with_history(blocks, HUGE)
    snoozed = with_outcome(filled, "Snoozed by Bob until 14:35.", keep_buttons=True)
    acknowledged = with_outcome(snoozed, "Acknowledged by Bob at 13:40.", keep_buttons=False)

    assert validated(acknowledged) == acknowledged
    assert snoozed[-1]["block_id"] == ESCALATION_BUTTONS  # the outcome sits above the buttons
    assert [b.get("block_id") for b in acknowledged].count("alert_outcome") == 1
    assert action_ids(acknowledged) == []
    assert acknowledged[-1]["elements"][0]["text"] == "Acknowledged by Bob at 13:40."


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SAIGON)


def test_the_history_counts_what_was_sent_after_the_last_answer():
    told = (
        Told(at(2, 8), "in the thread to <@U0CAM>"),
        Told(at(2, 13, 30), "DM to <@U0BOB>"),
    )

    unanswered = history_text(History(told, SAIGON, link="https://x.slack.com/archives/C1/p1"))
    answered = history_text(
        History(told, SAIGON, answered_at=at(2, 9), answer="by <@U0CAM>: “20%”", channel="C1")
    )

    assert unanswered.splitlines() == [
        "*Unanswered:* 2 messages — Wed 08:00 in the thread to <@U0CAM>, Wed 13:30 DM to <@U0BOB>.",
        "<https://x.slack.com/archives/C1/p1|Open the task's thread>",
    ]
    assert answered.splitlines() == [
        "*Unanswered:* 1 message — Wed 13:30 DM to <@U0BOB>.",
        "*Last answer:* Wed 09:00 by <@U0CAM>: “20%”",
        "*Thread:* the task's thread in <#C1>.",
    ]
    assert history_text(History((), SAIGON)) == "*First notice:* nobody was told before you."


def test_a_long_history_lists_the_last_five_messages():
    told = tuple(Told(at(2, 7, minute), "DM to <@U0BOB>") for minute in range(8))

    text = history_text(History(told, SAIGON))

    assert text.startswith("*Unanswered:* 8 messages — 3 earlier, Wed 07:03 DM to <@U0BOB>")


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (at(2, 16), at(3, 7)),  # Wednesday afternoon → Thursday's first shift
        (at(2, 6), at(3, 7)),  # before today's start: still tomorrow's
        (at(5, 10), at(7, 7)),  # Saturday → Monday (Sunday is off)
    ],
)
def test_until_tomorrows_start_is_the_first_shift_after_today(now, start):
    calendar, _rules = load_default_rulebook().for_project("TWR")

    assert tomorrows_start(calendar, now.astimezone(UTC)) == start
