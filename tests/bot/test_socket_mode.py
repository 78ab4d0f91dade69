"""siteloop over Socket Mode: with SLACK_APP_TOKEN it connects out and answers on the socket."""

from collections.abc import Iterator

import pytest

from bot.process.service import Service
from tests.conftest import SIGNING_SECRET, settings_for


@pytest.fixture
def socket_siteloop(slack, app_database_url, clock) -> Iterator[Service]:
    """Yield siteloop connected to the emulator over Socket Mode (no HTTP endpoint)."""
    settings = settings_for(
        slack,
        app_database_url,
        SLACK_APP_TOKEN=slack.app_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    service = Service(settings, clock=clock, host="127.0.0.1")
    service.start()
    slack.wait_for(lambda: slack.socket_mode.connected)
    slack.deliverer.settle = service.inbox.settle
    try:
        yield service
    finally:
        service.stop(grace_seconds=5)


def test_help_is_acknowledged_over_the_socket_and_answered_privately(socket_siteloop, slack):
    delivery = slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER")

    assert delivery.transport == "socket" and delivery.status == 200
    envelope_id = delivery.reply.envelope_id
    acks = [m for m in slack.socket_mode.received if m["envelope_id"] == envelope_id]
    assert len(acks) == 1 and not acks[0].get("payload")  # stored, answered at once
    [answer] = slack.ephemerals(user="U0BOB")
    assert answer.source == "response_url"
    assert answer.channel == "C0TOWER"
    assert "siteloop closes the loop between the site and the office" in answer.rendered
    assert "/siteloop help" in answer.rendered
    assert slack.messages("C0TOWER") == []


def test_a_direct_message_gets_the_help_reply(socket_siteloop, slack):
    posted = slack.driver.post("U0ANN", slack.dm_channel("U0ANN"), "hi, how do I use this?")

    slack.wait_for(lambda: len(slack.dms("U0ANN")) == 2)
    slack.wait_idle()

    assert posted.delivery is not None and posted.delivery.transport == "socket"
    assert posted.delivery.body["event"]["channel_type"] == "im"
    _question, answer = slack.dms("U0ANN")
    assert answer.bot_id == "B0BOT"
    assert "/siteloop help" in answer.rendered
    assert len(slack.calls("chat.postMessage")) == 1


def test_it_reconnects_when_slack_refreshes_the_connection(socket_siteloop, slack):
    slack.socket_mode.disconnect()
    slack.wait_for(lambda: slack.socket_mode.connections_made == 2)

    delivery = slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER")

    assert delivery.status == 200
    assert len(slack.calls("apps.connections.open")) == 2
    assert "/siteloop help" in slack.ephemerals(user="U0BOB")[-1].rendered


def test_it_connects_with_the_app_token_and_stopping_closes_the_socket(
    slack, app_database_url, clock
):
    settings = settings_for(slack, app_database_url, SLACK_APP_TOKEN=slack.app_token)
    service = Service(settings, clock=clock, host="127.0.0.1")
    service.start()
    slack.wait_for(lambda: slack.socket_mode.connected)
    [opened] = slack.calls("apps.connections.open")
    assert opened.status == 200 and slack.socket_mode.sent[0]["type"] == "hello"

    service.stop(grace_seconds=5)

    slack.wait_for(lambda: slack.socket_mode.open_connections == 0)
    assert slack.deliverer.bot_url is None  # it never had an HTTP endpoint
    assert slack.driver.post("U0ANN", "C0TOWER", "still there?").delivery is None
