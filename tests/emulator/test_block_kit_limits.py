"""Block Kit limits: Slack refuses a whole message (invalid_blocks) or view (invalid_arguments)."""

import pytest
from slack_sdk.errors import SlackApiError

from tests.emulator.helpers import slack_fixture


def section(text: str = "ok", **extra) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str = "Go", **extra) -> dict:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, **extra}


def refusal(client, blocks: list) -> list[str]:
    """Return the `errors` of Slack's invalid_blocks answer to posting `blocks`."""
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C_TWR", text="fallback", blocks=blocks)
    body = raised.value.response.data
    assert body["error"] == "invalid_blocks"
    assert body["response_metadata"]["messages"] == [f"[ERROR] {e}" for e in body["errors"]]
    return body["errors"]


def test_the_refusal_has_slacks_documented_shape(client):
    documented = slack_fixture("block_kit_limits")["slack_error_when_violated"]["example"]

    errors = refusal(client, [section(), {"type": "actions", "elements": [button()] * 26}])

    assert errors == documented["errors"]


def test_a_message_holds_at_most_50_blocks(emu, client):
    too_many = refusal(client, [section()] * 51)

    client.chat_postMessage(channel="C_TWR", text="fits", blocks=[section()] * 50)

    assert too_many == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert len(emu.messages("C_TWR")[0].blocks) == 50


def test_section_text_holds_3000_characters(client):
    assert refusal(client, [section("x" * 3001)]) == [
        "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ]


def test_a_section_has_at_most_10_fields_of_2000_characters(client):
    field = {"type": "mrkdwn", "text": "f"}
    long_field = {"type": "mrkdwn", "text": "f" * 2001}

    assert refusal(client, [{"type": "section", "fields": [field] * 11}]) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]"
    ]
    assert refusal(client, [{"type": "section", "fields": [field, long_field]}]) == [
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]"
    ]


def test_a_header_is_plain_text_of_150_characters(client):
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    mrkdwn_header = {"type": "header", "text": {"type": "mrkdwn", "text": "h"}}

    assert refusal(client, [header]) == [
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    assert refusal(client, [mrkdwn_header]) == [
        "must be a valid enum value [json-pointer:/blocks/0/text/type]"
    ]


def test_a_button_label_holds_75_characters_and_its_value_2000(client):
    blocks = [section(accessory=button("b" * 76, value="v" * 2001, action_id="go"))]

    assert refusal(client, blocks) == [
        "must be less than 76 characters [json-pointer:/blocks/0/accessory/text/text]",
        "must be less than 2001 characters [json-pointer:/blocks/0/accessory/value]",
    ]


def test_action_ids_and_block_ids_hold_255_characters(client):
    blocks = [
        section(block_id="b" * 256),
        {"type": "actions", "elements": [button(action_id="a" * 256)]},
    ]

    assert refusal(client, blocks) == [
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
        "must be less than 256 characters [json-pointer:/blocks/1/elements/0/action_id]",
    ]


def test_an_actions_block_holds_25_elements(client):
    assert refusal(client, [{"type": "actions", "elements": [button()] * 26}]) == [
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]"
    ]


def test_a_context_block_holds_10_elements(client):
    text = {"type": "mrkdwn", "text": "c"}

    assert refusal(client, [{"type": "context", "elements": [text] * 11}]) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]"
    ]


def test_options_have_75_character_text_and_150_character_values(client):
    option = {"text": {"type": "plain_text", "text": "o" * 76}, "value": "v" * 151}
    select = {"type": "static_select", "action_id": "pick", "options": [option]}

    assert refusal(client, [{"type": "actions", "elements": [select]}]) == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]",
        "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]",
    ]


def test_unknown_block_and_element_types_are_refused(client):
    blocks = [{"type": "sections"}, {"type": "actions", "elements": [{"type": "slider"}]}]

    assert refusal(client, blocks) == [
        "unsupported type: sections [json-pointer:/blocks/0/type]",
        "unsupported type: slider [json-pointer:/blocks/1/elements/0/type]",
    ]


def test_required_parts_must_be_there(client):
    blocks = [{"type": "section"}, {"type": "header"}, {"type": "actions"}, section("")]

    assert refusal(client, blocks) == [
        "must define either `text` or `fields` [json-pointer:/blocks/0/type]",
        "missing required field: text [json-pointer:/blocks/1]",
        "missing required field: elements [json-pointer:/blocks/2]",
        "failed to match all allowed schemas [json-pointer:/blocks/3/text]",
        "must be more than 0 characters [json-pointer:/blocks/3/text/text]",
    ]


def test_blocks_that_are_not_json_are_invalid_blocks_format(client):
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", params={"channel": "C_TWR", "blocks": "[{"})

    assert raised.value.response["error"] == "invalid_blocks_format"


def test_it_stores_blocks_with_the_ids_slack_adds(emu, client):
    client.chat_postMessage(channel="C_TWR", text="x", blocks=[section(accessory=button())])

    [stored] = emu.messages("C_TWR")[0].blocks
    assert stored["block_id"] and stored["accessory"]["action_id"]


def modal(**changes) -> dict:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Update"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [section()],
    }
    view.update(changes)
    return view


def view_refusal(client, view: dict) -> list[str]:
    """Return the messages of Slack's invalid_arguments answer to publishing `view`."""
    with pytest.raises(SlackApiError) as raised:
        client.views_publish(user_id="U_ANN", view=view)
    body = raised.value.response.data
    assert body["error"] == "invalid_arguments"
    return body["response_metadata"]["messages"]


def test_a_view_title_submit_and_close_hold_24_characters(client):
    # Slack checks the view before the trigger_id, so no real trigger is needed here.
    long = {"type": "plain_text", "text": "t" * 25}

    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id="1.2.3", view=modal(title=long, submit=long, close=long))

    assert raised.value.response["response_metadata"]["messages"] == [
        "[ERROR] failed to match all allowed schemas [json-pointer:/view]",
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]",
        "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]",
    ]


def test_private_metadata_holds_3000_characters(client):
    home = {"type": "home", "blocks": [section()], "private_metadata": "m" * 3001}

    assert view_refusal(client, home) == [
        "[ERROR] failed to match all allowed schemas [json-pointer:/view]",
        "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ]


def test_a_view_holds_100_blocks(client):
    assert view_refusal(client, {"type": "home", "blocks": [section()] * 101}) == [
        "[ERROR] failed to match all allowed schemas [json-pointer:/view]",
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]",
    ]
    assert client.views_publish(user_id="U_ANN", view={"type": "home", "blocks": [section()] * 100})


def test_a_modal_with_inputs_needs_a_submit_button(emu, bot, client):
    emu.driver.command("/update", "", user="U_ANN", channel="C_TWR")
    trigger_id = bot.latest().form()["trigger_id"]
    field = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Percent"},
        "element": {"type": "plain_text_input", "action_id": "pct"},
    }

    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=trigger_id, view=modal(submit=None, blocks=[field]))

    assert raised.value.response["response_metadata"]["messages"][-1] == (
        "[ERROR] must define `submit` to use an `input` block in modals"
        " [json-pointer:/view/blocks/0]"
    )
