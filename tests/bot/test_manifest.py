"""manifest.yml and the registered listeners declare exactly the same Slack surface."""

import logging
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.blocks import alert_messages, task_card
from bot.blocks.alert_messages import AlertMessage, Style, alert_blocks
from bot.blocks.task_card import CardFacts, card_blocks
from bot.blocks.task_modals import ModalOrigin, blocked_modal, update_modal
from bot.emulator import DEFAULT_SCOPES
from bot.slack import listeners
from rules.vocabulary import TaskStatus

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())
# The emulated app is granted exactly the manifest's scopes in the tests, so a Web API call
# the manifest doesn't allow fails a test with Slack's `missing_scope`.
SHIPPED_SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])
# A manifest subscription names an event type and, for messages, the kind of conversation.
SUBSCRIPTION_CHANNEL_TYPES = {
    "message.channels": "channel",
    "message.groups": "group",
    "message.im": "im",
}


def manifest_commands() -> dict[str, dict]:
    return {entry["command"]: entry for entry in MANIFEST["features"]["slash_commands"]}


def manifest_subscriptions() -> list[str]:
    return MANIFEST["settings"]["event_subscriptions"]["bot_events"]


def event_type(subscription: str) -> str:
    return subscription.split(".", 1)[0]


def test_every_listener_is_declared_in_the_manifest():
    assert set(listeners.SLASH_COMMANDS) == set(manifest_commands())
    assert set(listeners.EVENTS) == {event_type(s) for s in manifest_subscriptions()}
    # Buttons and modals reach the bot only with interactivity on (the manifest has no list
    # of action ids: the next test ties them to the blocks that carry them).
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is bool(
        listeners.ACTIONS or listeners.VIEWS
    )


def test_every_button_and_modal_has_a_listener_and_every_listener_a_button_or_modal():
    card = CardFacts(1, "TWR-1", "Pour slab", TaskStatus.ASSIGNED, Decimal(0), assignee="U0BOB")
    origin = ModalOrigin(1, "C0TOWER", "1764550800.000100")
    modals = [update_modal("TWR-1", "Pour slab", None, origin), blocked_modal("TWR-1", "x", origin)]

    alert = [AlertMessage(1, style, "TWR-1 is late.", task_id=1) for style in Style]
    on_cards = {
        element["action_id"]
        for block in card_blocks(card)
        for element in block.to_dict().get("elements", [])
        if element.get("type") == "button"
    }
    on_alerts = {
        element["action_id"]
        for message in alert
        for block in alert_blocks(message)
        for element in block.get("elements", [])
        if "action_id" in element
    }

    assert on_cards == set(task_card.BUTTONS)
    assert on_alerts == set(alert_messages.ACTIONS)
    assert set(listeners.ACTIONS) == on_cards | on_alerts
    assert set(listeners.VIEWS) == {modal.callback_id for modal in modals}


def test_the_manifest_asks_for_the_scopes_and_settings_the_bot_needs():
    assert set(DEFAULT_SCOPES) == SHIPPED_SCOPES
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    for entry in manifest_commands().values():
        assert entry["should_escape"] is True, entry["command"]
        assert entry["description"] and len(entry["description"]) <= 100


@pytest.mark.parametrize("command", sorted(manifest_commands()))
def test_every_declared_command_is_answered(siteloop, slack, command):
    delivery = slack.driver.command(command, "help", user="U0ANN", channel="C0TOWER")

    assert delivery.status == 200


@pytest.mark.parametrize("subscription", manifest_subscriptions())
def test_every_declared_event_is_handled(siteloop, slack, subscription, caplog):
    kind = event_type(subscription)
    event = {"type": kind, "user": "U0ANN", "event_ts": "1764550800.000100"}
    if kind == "message":
        event |= {"text": "hello", "ts": "1764550800.000100", "channel": "C0TOWER"}
        event["channel_type"] = SUBSCRIPTION_CHANNEL_TYPES[subscription]
    if kind == "app_home_opened":
        event |= {"tab": "home", "channel": slack.dm_channel("U0ANN")}

    with caplog.at_level(logging.INFO, logger="inbox"):
        delivery = slack.driver.event(event)

    assert delivery.status == 200
    # Processed: no failure, and a listener was found.
    assert [r.getMessage() for r in caplog.records if r.name == "inbox"] == []


def test_an_undeclared_event_is_acknowledged_and_logged_as_unhandled(siteloop, slack, caplog):
    with caplog.at_level(logging.WARNING, logger="inbox"):
        delivery = slack.driver.event({"type": "channel_created", "channel": {"id": "C9"}})

    assert delivery.status == 200  # stored: Slack must not retry it
    ours = [r.getMessage() for r in caplog.records if r.name == "inbox"]
    assert ours == ["no listener for event channel_created"]
