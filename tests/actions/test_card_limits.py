"""Cards stay within Slack's Block Kit limits however long what they show is."""

from datetime import date, timedelta
from decimal import Decimal

from bot.blocks.task_card import CardFacts, card_blocks, card_text
from bot.blocks.task_modals import ModalOrigin, blocked_modal, update_modal
from bot.emulator.web_api.block_kit import message_block_errors, view_errors
from rules.vocabulary import TaskStatus
from tests.actions.cards import card_of, run_task

HUGE = "Pour & cure <slab> " * 2000


def facts(**changes) -> CardFacts:
    values = dict(
        task_id=42,
        key="TWR-42",
        title="Pour slab L3",
        status=TaskStatus.ASSIGNED,
        percent=Decimal(0),
        assignee="U0BOB",
    )
    return CardFacts(**(values | changes))


def test_it_keeps_a_card_of_huge_texts_within_the_limits():
    card = facts(
        title=HUGE,
        location=HUGE,
        crew=HUGE,
        status=TaskStatus.BLOCKED,
        blocked_reason=HUGE,
        acknowledged_by=HUGE,
        acknowledged_after=timedelta(days=400),
        planned_start=date(2026, 12, 1),
        planned_finish=date(2027, 3, 1),
        budget=Decimal("999999999999.99"),
        planned_qty=Decimal("99999999999.999"),
        unit="m³",
    )

    blocks = [block.to_dict() for block in card_blocks(card)]  # slack_sdk validates

    assert message_block_errors(blocks) == []
    assert len(card_text(card)) <= 3000
    assert all(len(f["text"]) <= 2000 for b in blocks for f in b.get("fields", []))


def test_it_keeps_the_modals_within_the_limits():
    origin = ModalOrigin(42, "C0TOWER", "1764550800.000100")

    for view in (
        update_modal("TWR-99999", HUGE, "m³", origin),
        blocked_modal("TWR-9", HUGE, origin),
    ):
        assert view_errors(view.to_dict()) == []


def test_it_posts_the_card_of_a_task_with_the_longest_title(site, slack):
    title = "Pour and cure the east slab " * 17  # 476 characters, near the 500 a title may have
    run_task(slack, f'add {title} @cam at:"{"Level 3 east, grid C-F " * 10}"')

    card = card_of(site, "TWR-1")

    header, lead = card.rendered.splitlines()[:2]
    assert len(header) == 150 and header.endswith("…")
    assert lead == f"*{title.strip()}*"
