"""The loop report's blocks stay within Slack's limits however many rules there are (pure)."""

from datetime import UTC, date, datetime, timedelta

from slack_sdk.models.blocks import Block

from bot.blocks.loop_report import report_blocks, report_text
from storage.loop_metrics import AlertTimes, summarise

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def test_a_report_of_many_rules_keeps_within_slacks_limits():
    rows = [
        AlertTimes(f"rule_{i:03d}_{'x' * 50}", T0, first_sent_at=T0 + timedelta(seconds=i))
        for i in range(300)
    ]

    blocks = [block.to_dict() for block in report_blocks(summarise(rows), "TWR", "Tower A", None)]

    assert len(blocks) <= 50
    assert all(Block.parse(block).to_dict() == block for block in blocks)
    assert all(len(block.get("text", {}).get("text", "")) <= 3000 for block in blocks)


def test_the_text_says_the_same_as_the_blocks():
    rows = [AlertTimes("stalled", T0, first_sent_at=T0 + timedelta(minutes=3))]

    text = report_text(summarise(rows), "TWR", "Tower A", date(2026, 12, 1))

    assert text.splitlines() == [
        "Loop metrics for TWR: Tower A · 1 alert opened since Tue 01 Dec 2026 · wall-clock times",
        "signal → delivered: median 3 min · p90 3 min · 1 alert",
        "delivered → answered: no alert got this far",
        "answered → resolved: no alert got this far",
        "signal → resolved: no alert got this far",
        "stalled: 1 opened, 0 acknowledged, 0 answered, 0 resolved",
        "0 resolved by fresh field data (0%) · 0 closed otherwise (0%) · 1 still open (100%)",
    ]
