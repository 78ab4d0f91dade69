"""Modals and the Home tab: trigger_ids, submissions and the bot's answers to them."""

import json

import pytest
from slack_sdk.errors import SlackApiError

PERCENT = {
    "type": "input",
    "block_id": "pct",
    "label": {"type": "plain_text", "text": "Percent complete"},
    "element": {"type": "plain_text_input", "action_id": "value"},
}
CREW = {
    "type": "input",
    "block_id": "crew",
    "optional": True,
    "label": {"type": "plain_text", "text": "Crew"},
    "element": {
        "type": "static_select",
        "action_id": "pick",
        "options": [
            {"text": {"type": "plain_text", "text": "Formwork"}, "value": "formwork"},
            {"text": {"type": "plain_text", "text": "Rebar"}, "value": "rebar"},
        ],
    },
}
MODAL = {
    "type": "modal",
    "callback_id": "update",
    "title": {"type": "plain_text", "text": "Update TWR-42"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "TWR-42",
    "blocks": [PERCENT, CREW],
}


def trigger_for(emu, bot, user: str = "U_ANN") -> str:
    """Run a command as `user` and return the trigger_id Slack sent with it."""
    emu.driver.command("/update", "", user=user, channel="C_TWR")
    return bot.latest().form()["trigger_id"]


def error_of(call, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response["error"]


def test_a_trigger_opens_a_modal_for_the_person_who_acted(emu, bot, client):
    view = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]

    [shown] = emu.views("U_ANN")
    assert shown.id == view["id"] == view["root_view_id"]
    assert shown.title == "Update TWR-42" and view["private_metadata"] == "TWR-42"
    assert view["state"] == {"values": {}} and view["hash"]


def test_a_trigger_expires_after_three_seconds(emu, bot, client, monotonic):
    trigger_id = trigger_for(emu, bot)
    monotonic.advance(3.1)

    assert error_of(client.views_open, trigger_id=trigger_id, view=MODAL) == "expired_trigger_id"


def test_a_trigger_works_once(emu, bot, client):
    trigger_id = trigger_for(emu, bot)
    client.views_open(trigger_id=trigger_id, view=MODAL)

    assert error_of(client.views_open, trigger_id=trigger_id, view=MODAL) == (
        "exchanged_trigger_id"
    )


def test_an_unknown_trigger_is_invalid(client):
    assert error_of(client.views_open, trigger_id="123.456.789", view=MODAL) == (
        "invalid_trigger_id"
    )


def test_views_update_replaces_the_content_and_checks_the_hash(emu, bot, client):
    view = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Saved"}}

    updated = client.views_update(view_id=view["id"], view=changed, hash=view["hash"])["view"]

    assert updated["id"] == view["id"] and emu.views("U_ANN")[0].title == "Saved"
    assert error_of(client.views_update, view_id=view["id"], view=changed, hash=view["hash"]) == (
        "hash_conflict"
    )


def test_a_submission_carries_the_values_with_slacks_state_shapes(emu, bot, client):
    view_id = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]["id"]

    emu.driver.submit_view("U_ANN", view_id, {"pct": {"value": "60"}, "crew": {"pick": "rebar"}})

    values = bot.latest().json()["view"]["state"]["values"]
    assert values["pct"] == {"value": {"type": "plain_text_input", "value": "60"}}
    assert values["crew"]["pick"]["selected_option"]["value"] == "rebar"
    assert emu.views("U_ANN") == []  # an empty ack closes the modal


def test_errors_keep_the_modal_open_with_the_messages(emu, bot, client):
    view_id = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]["id"]
    errors = {"response_action": "errors", "errors": {"pct": "Give a number from 0 to 100"}}
    bot.answer = lambda index, request: (200, json.dumps(errors), "application/json")

    answer = emu.driver.submit_view("U_ANN", view_id, {"pct": {"value": "lots"}})

    assert answer.json()["response_action"] == "errors"
    [shown] = emu.views("U_ANN")
    assert shown.errors == {"pct": "Give a number from 0 to 100"}


def test_update_push_and_clear_answers_change_the_screen(emu, bot, client):
    view_id = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]["id"]
    done = {"type": "modal", "title": {"type": "plain_text", "text": "Done"}, "blocks": []}

    def answer_with(action: str) -> None:
        body = json.dumps({"response_action": action, "view": done})
        bot.answer = lambda index, request: (200, body, "application/json")

    answer_with("update")
    emu.driver.submit_view("U_ANN", view_id, {"pct": {"value": "60"}})
    assert [v.title for v in emu.views("U_ANN")] == ["Done"]

    answer_with("push")
    emu.driver.submit_view("U_ANN", view_id, {})
    assert [v.title for v in emu.views("U_ANN")] == ["Done", "Done"]
    assert emu.views("U_ANN")[1].payload["previous_view_id"] == view_id

    answer_with("clear")
    emu.driver.submit_view("U_ANN", view_id, {})
    assert emu.views("U_ANN") == []


def test_submitting_an_empty_required_input_is_a_test_error(emu, bot, client):
    view_id = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]["id"]

    with pytest.raises(ValueError, match="required input pct/value is empty"):
        emu.driver.submit_view("U_ANN", view_id, {})
    with pytest.raises(ValueError, match="no input"):
        emu.driver.submit_view("U_ANN", view_id, {"pct": {"value": "1"}, "nope": {"x": "1"}})


def test_publish_sets_the_home_tab_and_home_opened_carries_it(emu, bot, client):
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "3 late"}}],
    }

    first = client.views_publish(user_id="U_ANN", view=home)["view"]
    again = client.views_publish(user_id="U_ANN", view=home)["view"]
    emu.driver.home_opened("U_ANN")

    assert first["id"] == again["id"] and [v.rendered for v in emu.views("U_ANN")] == ["3 late"]
    assert bot.events()[-1]["view"]["id"] == first["id"]


def test_clicks_in_a_modal_carry_the_view(emu, bot, client):
    actions = {"type": "actions", "elements": [
        {"type": "button", "action_id": "more", "text": {"type": "plain_text", "text": "More"}}
    ]}  # fmt: skip
    view = {**MODAL, "blocks": [PERCENT, actions]}
    view_id = client.views_open(trigger_id=trigger_for(emu, bot), view=view)["view"]["id"]

    emu.driver.click_in_view("U_ANN", view_id, "more")

    payload = bot.latest().json()
    assert payload["container"] == {"type": "view", "view_id": view_id}
    assert payload["view"]["id"] == view_id and payload["actions"][0]["action_id"] == "more"
    assert "response_url" not in payload and "message" not in payload


def test_closing_a_modal_tells_the_bot_only_when_asked_to(emu, bot, client):
    quiet = client.views_open(trigger_id=trigger_for(emu, bot), view=MODAL)["view"]["id"]
    noisy_view = {**MODAL, "notify_on_close": True}
    noisy = client.views_open(trigger_id=trigger_for(emu, bot), view=noisy_view)["view"]["id"]
    sent_before = len(bot.requests)

    assert emu.driver.close_view("U_ANN", quiet) is None
    emu.driver.close_view("U_ANN", noisy)

    assert len(bot.requests) == sent_before + 1
    assert bot.latest().json()["type"] == "view_closed"
    assert emu.views("U_ANN") == []
