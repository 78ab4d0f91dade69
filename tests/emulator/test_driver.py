"""The driver plays people: commands and what their acks show, clicks, posts, waiting."""

import json

import pytest

CARD = [
    {"type": "header", "text": {"type": "plain_text", "text": "TWR-42 Pour slab L3"}},
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Assigned to <@U_BOB>"},
        "fields": [
            {"type": "mrkdwn", "text": "*Due* 4 Dec"},
            {"type": "mrkdwn", "text": "*Qty* 40 m3"},
        ],
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "Tower A"}]},
    {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "ack", "value": "TWR-42",
             "text": {"type": "plain_text", "text": "Acknowledge"}},
            {"type": "button", "action_id": "done", "value": "TWR-42",
             "text": {"type": "plain_text", "text": "Done"}},
            {"type": "static_select", "action_id": "snooze",
             "placeholder": {"type": "plain_text", "text": "Snooze"},
             "options": [{"text": {"type": "plain_text", "text": "1 hour"}, "value": "1h"}]},
        ],
    },
]  # fmt: skip


def answering(bot, status: int, body: str, content_type: str = "application/json") -> None:
    bot.answer = lambda index, request: (status, body, content_type)


def test_a_plain_text_ack_is_shown_privately_to_the_person(emu, bot):
    answering(bot, 200, "TWR-42 is at 60%", "text/plain")

    emu.driver.command("/update", "TWR-42 60%", user="U_ANN", channel="C_TWR")

    [shown] = emu.ephemerals(user="U_ANN", channel="C_TWR")
    assert shown.rendered == "TWR-42 is at 60%" and shown.source == "command_ack"
    assert emu.ephemerals(user="U_BOB") == [] and emu.messages("C_TWR") == []


def test_a_json_ack_with_blocks_is_rendered_from_its_blocks(emu, bot):
    answering(bot, 200, json.dumps({"text": "fallback", "blocks": CARD[:3]}))

    emu.driver.command("/task", "show TWR-42", user="U_ANN", channel="C_TWR")

    [shown] = emu.ephemerals(user="U_ANN")
    assert shown.rendered == (
        "TWR-42 Pour slab L3\nAssigned to <@U_BOB>\n*Due* 4 Dec\n*Qty* 40 m3\nTower A"
    )


def test_an_in_channel_ack_is_posted_for_everyone(emu, bot):
    answering(bot, 200, json.dumps({"response_type": "in_channel", "text": "TWR-42 done"}))

    emu.driver.command("/done", "TWR-42", user="U_ANN", channel="C_TWR")

    assert [m.text for m in emu.messages("C_TWR")] == ["TWR-42 done"]


def test_an_empty_ack_shows_nothing(emu, bot):
    emu.driver.command("/update", "TWR-42 60%", user="U_ANN", channel="C_TWR")

    assert emu.ephemerals() == []


def test_a_failing_bot_makes_slack_say_dispatch_failed(emu, bot):
    answering(bot, 500, "boom", "text/plain")

    emu.driver.command("/update", "x", user="U_ANN", channel="C_TWR")

    assert emu.ephemerals(user="U_ANN")[0].text == '/update failed with the error "dispatch_failed"'


def test_a_command_in_the_bots_dm_comes_from_the_dm(emu, bot):
    emu.driver.command("/tasks", "mine", user="U_ANN", channel=emu.team.bot_user_id)

    form = bot.latest().form()
    assert form["channel_id"] == emu.dm_channel("U_ANN") and form["channel_name"] == "directmessage"


def test_buttons_render_as_labels_in_brackets(emu, client):
    client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)

    [message] = emu.messages("C_TWR")
    assert message.rendered.endswith("Tower A\n[Acknowledge] [Done]")


def test_a_click_names_the_button_and_the_message(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]

    delivery = emu.driver.click("U_BOB", "C_TWR", ts, "done")

    # The bot's own post also comes back to it as an event, in its own time: read the click.
    payload = delivery.body
    assert payload["actions"][0]["action_id"] == "done"
    assert payload["actions"][0]["block_id"] == emu.messages("C_TWR")[0].blocks[3]["block_id"]
    assert payload["user"]["id"] == "U_BOB" and payload["channel"]["name"] == "tower-a"
    assert payload["state"] == {"values": {}}


def test_choosing_in_a_menu_sends_the_option_and_its_state(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]

    emu.driver.click("U_BOB", "C_TWR", ts, "snooze", value="1h")

    payload = bot.latest().json()
    action = payload["actions"][0]
    assert action["type"] == "static_select" and action["selected_option"]["value"] == "1h"
    block_id = action["block_id"]
    assert payload["state"]["values"][block_id]["snooze"]["selected_option"]["value"] == "1h"


def test_clicking_what_is_not_on_the_message_is_a_test_error(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)["ts"]

    with pytest.raises(LookupError, match="on screen"):
        emu.driver.click("U_BOB", "C_TWR", ts, "reassign")
    with pytest.raises(LookupError):
        emu.driver.click("U_BOB", "C_TWR", ts, "ack", value="TWR-99")


def test_people_only_post_where_they_belong(emu):
    emu.add_user("U_CARL", name="carl")

    with pytest.raises(ValueError, match="not a member"):
        emu.driver.post("U_CARL", "C_TWR", "hi")
    with pytest.raises(LookupError, match="unknown user"):
        emu.driver.post("U_NOBODY", "C_TWR", "hi")


def test_wait_for_returns_once_the_condition_holds(emu, client):
    client.chat_postMessage(channel="C_TWR", text="TWR-42")

    found = emu.wait_for(lambda: [m for m in emu.messages("C_TWR") if "TWR-42" in m.text])

    assert found[0].text == "TWR-42"
    with pytest.raises(TimeoutError):
        emu.wait_for(lambda: emu.messages("C_TWR") == [], timeout=0.05)


def test_people_and_places_can_be_looked_up_by_id_or_name(emu):
    assert emu.user_info("U_ANN").real_name == "Ann Lee"
    assert emu.channel_info("#tower-a").id == "C_TWR"
    assert emu.channel_info(emu.dm_channel("U_BOB")).im_user == "U_BOB"
    assert emu.user_info("U_NOBODY") is None and emu.channel_info("nowhere") is None
