"""Socket Mode: slack_sdk's builtin client connects, gets envelopes, acks, and reconnects."""

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import SlackEmulator
from tests.emulator.helpers import NO_ACK, SocketBot
from tests.emulator.helpers import PERCENT_MODAL as MODAL

CARD = [
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "ack",
                "value": "TWR-42",
                "text": {"type": "plain_text", "text": "Acknowledge"},
            }
        ],
    }
]


def open_error(emu, token: str) -> str:
    """Return the error apps.connections.open answers for `token`."""
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=emu.api_url).apps_connections_open(app_token=token)
    return raised.value.response["error"]


# apps.connections.open


def test_the_app_token_opens_a_websocket_url_on_the_emulator(emu):
    answer = WebClient(base_url=emu.api_url).apps_connections_open(app_token=emu.app_token)

    port = emu.api_url.split(":")[2].split("/")[0]
    assert answer["ok"] is True
    assert answer["url"].startswith(f"ws://127.0.0.1:{port}/link/?ticket=")
    assert emu.calls("apps.connections.open")[0].status == 200


def test_a_bot_token_is_the_wrong_kind_of_token_for_socket_mode(emu):
    assert open_error(emu, emu.bot_token) == "not_allowed_token_type"


def test_an_unknown_app_token_is_refused(emu):
    assert open_error(emu, "xapp-1-A0SITE-1-someone-elses") == "invalid_auth"


def test_an_app_token_without_connections_write_is_refused(clock):
    with SlackEmulator(clock=clock, app_token_scopes=("authorizations:read",)) as emu:
        assert open_error(emu, emu.app_token) == "missing_scope"


def test_bot_methods_refuse_the_app_token(emu):
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=emu.api_url, token=emu.app_token).chat_postMessage(
            channel="C_TWR", text="hi"
        )

    assert raised.value.response["error"] == "not_allowed_token_type"


# Connecting


def test_slack_says_hello_first_with_the_app_and_the_connection_count(emu, socket_bot):
    with socket_bot.changed:
        socket_bot.changed.wait_for(lambda: socket_bot.messages, 5)
        hello = socket_bot.messages[0]

    assert hello["type"] == "hello"
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0SITE"}
    assert set(hello["debug_info"]) >= {"host", "approximate_connection_time"}
    assert emu.socket_mode.sent[0] == hello


def test_a_websocket_url_works_once(emu):
    first = SocketBot(emu.api_url, emu.app_token).connect()
    emu.wait_for(lambda: emu.socket_mode.connected)
    first.close()
    emu.wait_for(lambda: not emu.socket_mode.connected)

    second = SocketBot(emu.api_url, emu.app_token)
    second.client.wss_uri = first.client.wss_uri  # reuse the spent ticket
    second.connect()

    assert not second.client.is_connected()
    assert emu.socket_mode.connections_made == 1
    second.close()


# Deliveries become envelopes


def test_an_event_arrives_as_an_events_api_envelope_and_the_ack_answers_it(emu, socket_bot):
    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 60%")

    [request] = socket_bot.wait_for_requests(1)
    assert request.type == "events_api"
    assert request.payload == posted.delivery.body
    assert request.payload["event"]["text"] == "TWR-42 60%"
    assert request.accepts_response_payload is False
    assert (request.retry_attempt, request.retry_reason) == (0, "")
    assert posted.delivery.transport == "socket"
    assert posted.delivery.status == 200
    assert posted.delivery.reply.envelope_id == request.envelope_id


def test_a_command_arrives_with_its_fields_and_the_ack_payload_is_shown_privately(emu, socket_bot):
    socket_bot.answer = lambda index, request: {"text": "Nothing is late on tower A."}

    delivery = emu.driver.command("/tasks", "late", user="U_ANN", channel="C_TWR")

    [request] = socket_bot.requests
    assert request.type == "slash_commands"
    assert request.accepts_response_payload is True
    assert request.payload["command"] == "/tasks" and request.payload["text"] == "late"
    assert request.payload["response_url"].startswith(emu.server_root())
    assert delivery.status == 200
    assert delivery.json() == {"text": "Nothing is late on tower A."}
    [answer] = emu.ephemerals(user="U_ANN")
    assert answer.text == "Nothing is late on tower A." and answer.source == "command_ack"


def test_a_click_arrives_as_an_interactive_envelope(emu, socket_bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]

    delivery = emu.driver.click("U_BOB", "C_TWR", ts, "ack")

    request = next(r for r in socket_bot.requests if r.type == "interactive")
    assert request.payload == delivery.body
    assert request.payload["type"] == "block_actions"
    assert request.accepts_response_payload is False
    assert delivery.ok


def test_a_modal_submission_is_answered_in_the_ack(emu, socket_bot, client):
    emu.driver.command("/update", "", user="U_ANN", channel="C_TWR")
    trigger_id = socket_bot.requests[-1].payload["trigger_id"]
    view = client.views_open(trigger_id=trigger_id, view=MODAL)["view"]
    socket_bot.answer = lambda index, request: {
        "response_action": "errors",
        "errors": {"pct": "Enter a number from 0 to 100"},
    }

    emu.driver.submit_view("U_ANN", view["id"], {"pct": {"value": "lots"}})

    request = socket_bot.requests[-1]
    assert request.type == "interactive" and request.payload["type"] == "view_submission"
    assert request.accepts_response_payload is True
    [shown] = emu.views("U_ANN")
    assert shown.errors == {"pct": "Enter a number from 0 to 100"}


# Acks that never come


def test_an_unacknowledged_event_comes_again_with_the_retry_attempt(emu, socket_bot):
    emu.driver.ack_timeout = 0.2
    socket_bot.answer = lambda index, request: NO_ACK if index == 0 else None

    delivery = emu.driver.event({"type": "app_mention", "user": "U_ANN", "text": "hi"})

    first, second = socket_bot.wait_for_requests(2)
    assert (second.retry_attempt, second.retry_reason) == (1, "timeout")
    assert second.payload["event_id"] == first.payload["event_id"]
    assert second.envelope_id != first.envelope_id
    assert [(r.status, r.retry_num, r.retry_reason) for r in delivery.replies] == [
        (None, 0, None),
        (200, 1, "timeout"),
    ]


def test_an_unacknowledged_command_times_out_for_the_person(emu, socket_bot):
    emu.driver.ack_timeout = 0.2
    socket_bot.answer = lambda index, request: NO_ACK

    delivery = emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")

    assert delivery.status is None and len(delivery.replies) == 1
    [shown] = emu.ephemerals(user="U_ANN")
    assert shown.text == '/tasks failed with the error "operation_timeout"'


def test_a_late_ack_does_not_count(emu, socket_bot):
    emu.driver.ack_timeout = 0.2
    released = threading.Event()
    socket_bot.answer = lambda index, request: released.wait(5) and {"text": "late"}

    delivery = emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")
    released.set()
    emu.wait_for(lambda: emu.socket_mode.received)

    assert delivery.status is None
    assert emu.socket_mode.received[-1]["envelope_id"] == socket_bot.requests[0].envelope_id


# Slack's side of the connection's life


def test_after_a_refresh_the_client_reconnects_and_deliveries_continue(emu, socket_bot):
    emu.socket_mode.disconnect()
    emu.wait_for(lambda: emu.socket_mode.connections_made == 2)

    delivery = emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")

    assert {"type": "disconnect", "reason": "refresh_requested"}.items() <= next(
        m for m in emu.socket_mode.sent if m["type"] == "disconnect"
    ).items()
    assert len(emu.calls("apps.connections.open")) == 2
    assert delivery.status == 200 and delivery.transport == "socket"
    emu.wait_for(lambda: emu.socket_mode.open_connections == 1)


def test_a_delivery_during_the_refresh_waits_for_the_new_connection(emu, socket_bot):
    emu.socket_mode.disconnect()

    delivery = emu.driver.event({"type": "app_mention", "user": "U_ANN", "text": "hi"})

    assert delivery.status == 200 and len(delivery.replies) == 1
    assert emu.socket_mode.connections_made == 2


def test_a_closed_client_leaves_nothing_to_deliver_to(emu, socket_bot):
    socket_bot.close()
    emu.wait_for(lambda: emu.socket_mode.open_connections == 0)

    posted = emu.driver.post("U_ANN", "C_TWR", "anyone there?")

    assert posted.delivery is None
    with pytest.raises(RuntimeError, match="no bot connected"):
        emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")


def test_an_http_bot_still_gets_url_verification_while_a_socket_is_open(emu, bot, socket_bot):
    delivery = emu.driver.url_verification("abc")

    assert delivery.transport == "http" and delivery.status == 200
    assert len(bot.requests) == 1 and socket_bot.requests == []
