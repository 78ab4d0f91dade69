"""A real Bolt app accepts what the emulator sends and how its Web API answers."""

import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from tests.emulator.helpers import PERCENT_MODAL as MODAL

CARD = [
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "TWR-42 assigned"},
        "accessory": {
            "type": "button",
            "action_id": "ack",
            "value": "TWR-42",
            "text": {"type": "plain_text", "text": "Acknowledge"},
        },
    }
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def bolt_app(emu, heard: list) -> App:
    """Return a small Bolt app using each kind of Slack input once."""
    client = WebClient(base_url=emu.api_url, token=emu.bot_token)
    app = App(signing_secret=emu.signing_secret, client=client)

    @app.command("/update")
    def update(ack, command, client, context):
        heard.append(("scopes", context.authorize_result.bot_scopes))
        ack(f"Noted: {command['text']}")
        client.views_open(trigger_id=command["trigger_id"], view=MODAL)

    @app.event("message")
    def message(event, say):
        heard.append(("message", event["text"]))
        say(text="TWR-42 assigned", blocks=CARD, thread_ts=event["ts"])

    @app.action("ack")
    def acknowledge(ack, body, respond):
        ack()
        respond(replace_original=True, text=f"Acknowledged by <@{body['user']['id']}>")

    @app.view("update")
    def submitted(ack, view):
        value = view["state"]["values"]["pct"]["value"]["value"]
        if not value.isdigit():
            ack(response_action="errors", errors={"pct": "A number, please"})
            return
        ack()

    return app


@pytest.fixture
def heard(emu) -> Iterator[list]:
    """Serve a Bolt app connected to the emulator; yield what its listeners heard."""
    seen: list = []
    handler = SlackRequestHandler(bolt_app(emu, seen))
    server = make_server("127.0.0.1", 0, handler, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    emu.connect(f"http://127.0.0.1:{server.server_port}/slack/events")
    yield seen
    server.shutdown()
    server.server_close()


def test_bolt_verifies_a_command_and_its_ack_is_shown(emu, heard):
    delivery = emu.driver.command("/update", "TWR-42 @bob 60%", user="U_ANN", channel="C_TWR")

    assert delivery.status == 200
    [shown] = emu.ephemerals(user="U_ANN")
    assert shown.rendered == "Noted: TWR-42 <@U_BOB|bob> 60%"
    assert heard[0] == ("scopes", list(emu.team.scopes))  # read from x-oauth-scopes
    # Bolt acks first and opens the modal after: wait for it as a person would.
    assert [v.title for v in emu.wait_for(lambda: emu.views("U_ANN"))] == ["Update"]


def test_bolt_hears_people_and_ignores_its_own_posts(emu, heard):
    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 poured")

    emu.wait_for(lambda: len(emu.thread("C_TWR", posted.ts)) == 2)
    emu.wait_idle()

    assert heard == [("message", "TWR-42 poured")]
    assert emu.deliveries[-1].body["event"]["bot_id"] == "B0BOT"  # delivered, then ignored


def test_bolt_answers_a_click_through_the_response_url(emu, heard):
    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 poured")
    card = emu.wait_for(lambda: emu.thread("C_TWR", posted.ts)[1:])[0]

    emu.driver.click("U_BOB", "C_TWR", card.ts, "ack")

    replaced = emu.wait_for(
        lambda: [m for m in emu.thread("C_TWR", posted.ts) if "Acknowledged" in m.rendered]
    )
    assert replaced[0].ts == card.ts and replaced[0].rendered == "Acknowledged by <@U_BOB>"


def test_bolt_keeps_a_modal_open_with_errors_then_closes_it(emu, heard):
    emu.driver.command("/update", "", user="U_ANN", channel="C_TWR")
    [view] = emu.wait_for(lambda: emu.views("U_ANN"))

    refused = emu.driver.submit_view("U_ANN", view.id, {"pct": {"value": "lots"}})
    accepted = emu.driver.submit_view("U_ANN", view.id, {"pct": {"value": "60"}})

    assert refused.json() == {"response_action": "errors", "errors": {"pct": "A number, please"}}
    assert accepted.status == 200 and emu.views("U_ANN") == []
