"""The Web API answers with Slack's errors, through the real slack_sdk client."""

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def error_of(call, **kwargs) -> dict:
    """Return the body of the SlackApiError a client call raises."""
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response.data


def raw_post(emu, method: str, body: bytes, headers: dict) -> tuple[int, dict, dict]:
    """POST to the emulator without slack_sdk; return status, headers and JSON body."""
    request = urllib.request.Request(emu.api_url + method, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.status, dict(answer.headers), json.loads(answer.read())


def test_it_answers_auth_test_with_the_bot_and_its_scopes_header(emu, client):
    answer = client.auth_test()

    assert answer["user_id"] == "U0BOT" and answer["bot_id"] == "B0BOT"
    assert answer["team_id"] == "T0SITE" and answer["url"] == "https://siteloop-demo.slack.com/"
    assert answer.headers["x-oauth-scopes"].split(",") == list(emu.team.scopes)


def test_it_refuses_a_wrong_token_with_invalid_auth(emu):
    client = WebClient(base_url=emu.api_url, token="xoxb-wrong")

    assert error_of(client.auth_test)["error"] == "invalid_auth"


def test_it_refuses_no_token_with_not_authed(emu):
    status, _, body = raw_post(emu, "auth.test", b"", {})

    assert (status, body) == (200, {"ok": False, "error": "not_authed"})


def test_it_accepts_the_token_as_a_form_field(emu):
    body = f"token={emu.bot_token}&channel=C_TWR&text=hi".encode()

    status, _, answer = raw_post(emu, "chat.postMessage", body, {})

    assert status == 200 and answer["ok"] is True
    assert [m.text for m in emu.messages("C_TWR")] == ["hi"]


def test_it_accepts_json_bodies_for_form_methods(emu):
    headers = {"Authorization": f"Bearer {emu.bot_token}", "Content-Type": "application/json"}

    _, _, answer = raw_post(emu, "users.info", b'{"user": "U_ANN"}', headers)

    assert answer["user"]["id"] == "U_ANN"


def test_it_answers_unknown_methods_with_unknown_method(client):
    assert error_of(client.api_call, api_method="chat.teleport")["error"] == "unknown_method"


def test_it_refuses_a_method_outside_the_granted_scopes(emu, clock):
    from bot.emulator import SlackEmulator

    with SlackEmulator(clock=clock, scopes=("chat:write",)) as narrow:
        client = WebClient(base_url=narrow.api_url, token=narrow.bot_token)

        body = error_of(client.reactions_add, channel="C1", name="eyes", timestamp="1.2")

    assert body == {
        "ok": False,
        "error": "missing_scope",
        "needed": "reactions:write",
        "provided": "chat:write",
    }


def test_it_answers_channel_not_found_for_unknown_and_hidden_private_channels(emu, client):
    emu.add_channel("G_OFFICE", name="site-office", private=True, bot_is_member=False)

    assert error_of(client.chat_postMessage, channel="C_NOPE", text="x")["error"] == (
        "channel_not_found"
    )
    assert error_of(client.chat_postMessage, channel="G_OFFICE", text="x")["error"] == (
        "channel_not_found"
    )


def test_it_answers_not_in_channel_for_a_public_channel_without_the_bot(emu, client):
    emu.remove_bot_from("C_TWR")

    assert error_of(client.chat_postMessage, channel="C_TWR", text="x")["error"] == "not_in_channel"
    assert error_of(client.conversations_history, channel="C_TWR")["error"] == "not_in_channel"


def test_it_answers_is_archived_for_an_archived_channel(emu, client):
    emu.archive_channel("C_TWR")

    assert error_of(client.chat_postMessage, channel="C_TWR", text="x")["error"] == "is_archived"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_it_answers_no_text_when_there_is_nothing_to_show(client):
    assert error_of(client.chat_postMessage, channel="C_TWR")["error"] == "no_text"


def test_it_truncates_posts_beyond_40000_characters(emu, client):
    client.chat_postMessage(channel="C_TWR", text="x" * 40_500)

    assert len(emu.messages("C_TWR")[0].text) == 40_000


def test_it_refuses_updates_longer_than_4000_characters(client):
    ts = client.chat_postMessage(channel="C_TWR", text="short")["ts"]

    body = error_of(client.chat_update, channel="C_TWR", ts=ts, text="x" * 4001)

    assert body["error"] == "msg_too_long"


def test_it_answers_message_not_found_for_unknown_timestamps(client):
    missing = "1700000000.000001"

    assert error_of(client.chat_update, channel="C_TWR", ts=missing, text="x")["error"] == (
        "message_not_found"
    )
    assert error_of(client.reactions_add, channel="C_TWR", name="eyes", timestamp=missing)[
        "error"
    ] == ("message_not_found")
    assert error_of(client.chat_getPermalink, channel="C_TWR", message_ts=missing)["error"] == (
        "message_not_found"
    )
    assert error_of(client.conversations_replies, channel="C_TWR", ts=missing)["error"] == (
        "thread_not_found"
    )


def test_it_refuses_to_update_someone_elses_message(emu, client):
    posted = emu.driver.post("U_ANN", "C_TWR", "mine")

    body = error_of(client.chat_update, channel="C_TWR", ts=posted.ts, text="edited")

    assert body["error"] == "cant_update_message"


def test_it_answers_already_reacted_for_a_second_identical_reaction(client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42")["ts"]
    client.reactions_add(channel="C_TWR", name="eyes", timestamp=ts)

    body = error_of(client.reactions_add, channel="C_TWR", name="eyes", timestamp=ts)

    assert body["error"] == "already_reacted"


def test_it_answers_user_not_found_for_unknown_people(client):
    assert error_of(client.users_info, user="U_NOBODY")["error"] == "user_not_found"
    assert error_of(client.conversations_open, users="U_NOBODY")["error"] == "user_not_found"
    assert error_of(client.chat_postEphemeral, channel="C_TWR", user="U_NOBODY", text="x")[
        "error"
    ] == ("user_not_found")


def test_it_answers_user_not_in_channel_for_ephemerals_to_outsiders(emu, client):
    emu.add_user("U_CARL", name="carl")

    body = error_of(client.chat_postEphemeral, channel="C_TWR", user="U_CARL", text="x")

    assert body["error"] == "user_not_in_channel"


def test_it_records_every_call_with_its_outcome(emu, client):
    client.chat_postMessage(channel="C_TWR", text="ok")
    error_of(client.chat_postMessage, channel="C_NOPE", text="no")

    calls = emu.calls("chat.postMessage")

    assert [(c.status, c.error, c.args["channel"]) for c in calls] == [
        (200, None, "C_TWR"),
        (200, "channel_not_found", "C_NOPE"),
    ]
    assert "token" not in calls[0].args
