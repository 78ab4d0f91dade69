"""response_url: delayed answers shown as Slack shows them, 5 posts within 30 minutes."""

import json
import urllib.error
import urllib.request

import pytest

CARD = [
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "TWR-42 assigned"},
        "accessory": {
            "type": "button",
            "action_id": "ack",
            "text": {"type": "plain_text", "text": "Acknowledge"},
        },
    }
]


def respond(url: str, body: dict) -> tuple[int, dict]:
    """POST JSON to a response_url as Bolt's respond() does; return status and body."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def command_url(emu, bot) -> str:
    """Run a command as Ann in #tower-a; return its response_url."""
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")
    return bot.latest().form()["response_url"]


def test_an_answer_is_ephemeral_to_the_person_by_default(emu, command_url):
    status, _ = respond(command_url, {"text": "3 tasks are late"})

    assert status == 200
    [shown] = emu.ephemerals(user="U_ANN")
    assert shown.rendered == "3 tasks are late" and shown.channel == "C_TWR"
    assert emu.messages("C_TWR") == []


def test_an_in_channel_answer_is_posted_for_everyone(emu, bot, command_url):
    respond(command_url, {"response_type": "in_channel", "text": "TWR-42 is done"})
    emu.wait_idle()

    [message] = emu.messages("C_TWR")
    assert message.text == "TWR-42 is done" and message.bot_id == "B0BOT"
    assert bot.events()[-1]["bot_id"] == "B0BOT"  # the bot hears its own post, as in Slack


def test_a_url_takes_five_posts(emu, command_url):
    statuses = [respond(command_url, {"text": f"answer {i}"}) for i in range(6)]

    assert [s for s, _ in statuses] == [200] * 5 + [404]
    assert statuses[-1][1] == {"ok": False, "error": "used_url"}
    assert len(emu.ephemerals(user="U_ANN")) == 5
    assert emu.response_posts[-1].error == "used_url"


def test_a_url_expires_after_30_minutes(emu, monotonic, command_url):
    monotonic.advance(30 * 60 + 1)

    status, body = respond(command_url, {"text": "too late"})

    assert (status, body) == (404, {"ok": False, "error": "expired_url"})
    assert emu.ephemerals(user="U_ANN") == []


def test_replace_original_edits_the_clicked_message(emu, bot, client):
    card = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]
    emu.wait_idle()
    emu.driver.click("U_BOB", "C_TWR", card, "ack")
    url = bot.latest().json()["response_url"]

    respond(url, {"replace_original": True, "text": "TWR-42 acknowledged by <@U_BOB>"})
    emu.wait_idle()

    [message] = emu.messages("C_TWR")
    assert message.ts == card and message.rendered == "TWR-42 acknowledged by <@U_BOB>"
    assert bot.events()[-1]["subtype"] == "message_changed"


def test_delete_original_removes_the_clicked_message(emu, bot, client):
    card = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]
    emu.driver.click("U_BOB", "C_TWR", card, "ack")
    url = bot.latest().json()["response_url"]

    respond(url, {"delete_original": True})

    assert emu.messages("C_TWR") == []


def test_replace_original_on_an_ephemeral_message_edits_it(emu, bot, client):
    shown = client.chat_postEphemeral(channel="C_TWR", user="U_ANN", text="x", blocks=CARD)
    emu.driver.click("U_ANN", "C_TWR", shown["message_ts"], "ack")
    url = bot.latest().json()["response_url"]

    respond(url, {"replace_original": True, "text": "Thanks!"})

    assert [e.rendered for e in emu.ephemerals(user="U_ANN")] == ["Thanks!"]


def test_invalid_blocks_are_refused(emu, command_url):
    status, body = respond(command_url, {"blocks": [{"type": "sections"}]})

    assert (status, body) == (400, {"ok": False, "error": "invalid_blocks"})
    assert emu.ephemerals(user="U_ANN") == []
