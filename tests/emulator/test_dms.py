"""Direct messages between the bot and one person."""

import pytest
from slack_sdk.errors import SlackApiError


def test_conversations_open_gives_the_same_dm_every_time(emu, client):
    first = client.conversations_open(users="U_ANN")
    again = client.conversations_open(users=["U_ANN"])

    assert first["channel"]["id"].startswith("D")
    assert again["channel"]["id"] == first["channel"]["id"] == emu.dm_channel("U_ANN")
    assert again["already_open"] is True and "already_open" not in first


def test_posting_to_a_user_id_goes_to_their_dm(emu, client):
    answer = client.chat_postMessage(channel="U_BOB", text="TWR-42 is late")

    assert answer["channel"] == emu.dm_channel("U_BOB")
    assert [m.text for m in emu.dms("U_BOB")] == ["TWR-42 is late"]
    assert emu.dms("U_ANN") == []


def test_a_person_writing_to_the_bot_arrives_as_an_im_message(emu, bot):
    emu.driver.post("U_ANN", emu.team.bot_user_id, "ack TWR-42")

    [event] = bot.events()
    assert event["channel_type"] == "im" and event["channel"] == emu.dm_channel("U_ANN")
    assert [m.text for m in emu.dms("U_ANN")] == ["ack TWR-42"]


def test_dm_history_needs_im_history(emu, client):
    client.chat_postMessage(channel="U_ANN", text="hello")

    history = client.conversations_history(channel=emu.dm_channel("U_ANN"))

    assert [m["text"] for m in history["messages"]] == ["hello"]


def test_a_group_dm_needs_a_scope_the_app_lacks(client):
    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users=["U_ANN", "U_BOB"])

    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "mpim:write"
