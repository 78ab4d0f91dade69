"""What the driver sends the bot has the field names of Slack's real payloads (fixtures/slack/)."""

from urllib.parse import parse_qsl

from tests.emulator.helpers import slack_fixture

MODAL = {
    "type": "modal",
    "callback_id": "update",
    "title": {"type": "plain_text", "text": "Update"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "hspI",
            "label": {"type": "plain_text", "text": "Label"},
            "element": {"type": "plain_text_input", "action_id": "maBWU"},
        }
    ],
}
CARD = [
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "TWR-42 assigned to <@U_BOB>"},
        "accessory": {
            "type": "button",
            "action_id": "ack",
            "text": {"type": "plain_text", "text": "Acknowledge"},
            "value": "TWR-42",
        },
    }
]


def test_it_sends_slash_commands_with_slacks_fields_in_slacks_order(emu, bot):
    expected = list(slack_fixture("slash_command")["fields"])
    expected = [k for k in expected if k not in ("enterprise_id", "enterprise_name")]
    expected.insert(expected.index("response_url"), "api_app_id")
    expected.insert(expected.index("response_url"), "is_enterprise_install")

    emu.driver.command("/update", "TWR-42 60%", user="U_ANN", channel="C_TWR")

    [request] = bot.wait_for_requests(1)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert [key for key, _ in parse_qsl(request.body.decode(), keep_blank_values=True)] == expected
    form = request.form()
    assert form["user_name"] == "ann" and form["channel_name"] == "tower-a"
    assert form["response_url"].startswith(emu.server_root() + "response/")


def test_each_command_gets_a_fresh_response_url_and_trigger_id(emu, bot):
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")

    first, second = (r.form() for r in bot.wait_for_requests(2))
    assert first["response_url"] != second["response_url"]
    assert first["trigger_id"] != second["trigger_id"]


def test_it_escapes_mentions_and_entities_like_should_escape(emu, bot):
    emu.driver.command(
        "/task", "assign TWR-42 @bob in #tower-a, not @carl <now> & then", "U_ANN", "C_TWR"
    )
    emu.driver.command("/task", "assign TWR-42 @bob", "U_ANN", "C_TWR", escape=False)

    escaped, plain = (r.form()["text"] for r in bot.wait_for_requests(2))
    assert escaped == (
        "assign TWR-42 <@U_BOB|bob> in <#C_TWR|tower-a>, not @carl &lt;now&gt; &amp; then"
    )
    assert plain == "assign TWR-42 @bob"


def test_event_envelopes_have_slacks_fields(emu, bot):
    fixture = slack_fixture("event_message_changed")["payload"]

    emu.driver.post("U_ANN", "C_TWR", "TWR-42 poured")

    envelope = bot.wait_for_requests(1)[0].json()
    assert set(envelope) == set(fixture) - {"enterprise_id"}  # not an Enterprise Grid install
    assert set(envelope["authorizations"][0]) == set(fixture["authorizations"][0])
    assert envelope["authorizations"][0]["user_id"] == emu.team.bot_user_id
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")


def test_a_persons_message_event_has_slacks_fields(emu, bot):
    fixture = slack_fixture("event_message")["payload"]["event"]

    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 done, thanks @bob")

    [event] = bot.events()
    assert set(event) == set(fixture)
    assert event["text"] == "TWR-42 done, thanks <@U_BOB>"
    assert event["ts"] == event["event_ts"] == posted.ts
    assert event["blocks"][0]["type"] == "rich_text"
    assert event["channel_type"] == "channel"


def test_a_broadcast_reply_has_slacks_fields(emu, bot):
    fixture = slack_fixture("event_message_thread_broadcast")["payload"]["event"]
    parent = emu.driver.post("U_ANN", "C_TWR", "TWR-42 pour today")

    emu.driver.post("U_BOB", "C_TWR", "started", thread_ts=parent.ts, broadcast=True)

    event = bot.events()[-1]
    assert set(event) == set(fixture) | {"blocks", "team", "parent_user_id"}
    assert set(fixture["root"]) <= set(event["root"])
    assert event["root"]["reply_count"] == 1 and event["parent_user_id"] == "U_ANN"


def test_edit_delete_and_reaction_events_have_slacks_fields(emu, bot):
    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 60%")

    emu.driver.edit("C_TWR", posted.ts, "TWR-42 70%")
    emu.driver.react("U_BOB", "C_TWR", posted.ts, "white_check_mark")
    emu.driver.delete("C_TWR", posted.ts)

    _, changed, reaction, deleted = bot.events()
    changed_fixture = slack_fixture("event_message_changed")["payload"]["event"]
    assert set(changed) == set(changed_fixture)
    assert set(changed_fixture["message"]) <= set(changed["message"])
    assert changed["message"]["ts"] == posted.ts and changed["message"]["text"] == "TWR-42 70%"
    assert set(reaction) == set(slack_fixture("event_reaction_added")["payload"]["event"])
    assert reaction["item_user"] == "U_ANN"
    assert set(deleted) == set(slack_fixture("event_message_deleted")["payload"]["event"])
    assert deleted["deleted_ts"] == posted.ts


def test_the_bots_own_message_event_has_slacks_fields(emu, bot, client):
    fixture = slack_fixture("event_message_bot")["payload"]["event"]

    client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned")
    emu.wait_idle()

    [event] = bot.events()
    assert set(event) == set(fixture) | {"app_id"}
    assert set(event["bot_profile"]) == set(fixture["bot_profile"])
    assert event["bot_id"] == emu.team.bot_id and event["user"] == emu.team.bot_user_id


def test_app_home_opened_has_slacks_fields(emu, bot):
    emu.driver.home_opened("U_ANN")

    [event] = bot.events()
    assert set(event) == set(slack_fixture("event_app_home_opened_org_install")["payload"]["event"])
    assert event["channel"] == emu.dm_channel("U_ANN")


def test_a_click_on_a_message_has_slacks_block_actions_fields(emu, bot, client):
    fixture = slack_fixture("interactive_block_actions_message")["payload"]
    token_fixture = slack_fixture("interactive_block_actions")["payload"]
    card = client.chat_postMessage(channel="C_TWR", text="TWR-42", blocks=CARD)
    emu.wait_idle()

    emu.driver.click("U_BOB", "C_TWR", card["ts"], "ack")

    payload = bot.latest().json()
    assert set(payload) == set(fixture) | {"token"}
    assert set(payload["user"]) == set(token_fixture["user"])
    assert set(payload["container"]) == set(fixture["container"])
    assert set(payload["actions"][0]) == set(fixture["actions"][0])
    assert payload["message"]["ts"] == payload["container"]["message_ts"] == card["ts"]
    assert payload["actions"][0]["value"] == "TWR-42"


def test_a_click_on_an_ephemeral_message_has_no_message_body(emu, bot, client):
    fixture = slack_fixture("interactive_block_actions")["payload"]
    shown = client.chat_postEphemeral(channel="C_TWR", user="U_BOB", text="TWR-42", blocks=CARD)

    emu.driver.click("U_BOB", "C_TWR", shown["message_ts"], "ack")

    payload = bot.latest().json()
    assert set(payload) == set(fixture) | {"enterprise", "is_enterprise_install"}
    assert payload["container"]["is_ephemeral"] is True


def test_a_submission_has_slacks_view_submission_fields(emu, bot, client):
    fixture = slack_fixture("interactive_view_submission")["payload"]
    emu.driver.command("/update", "", user="U_ANN", channel="C_TWR")
    trigger_id = bot.latest().form()["trigger_id"]
    view_id = client.views_open(trigger_id=trigger_id, view=MODAL)["view"]["id"]

    emu.driver.submit_view("U_ANN", view_id, {"hspI": {"maBWU": "test"}})

    payload = bot.latest().json()
    assert set(payload) == set(fixture)
    assert set(payload["view"]) == set(fixture["view"])
    assert payload["view"]["state"] == fixture["view"]["state"]
