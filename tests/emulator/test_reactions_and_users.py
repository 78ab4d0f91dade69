"""Reactions both ways, and what users.info tells about people."""

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import SlackEmulator


def test_the_bots_reaction_is_stored_and_sent_back_as_an_event(emu, bot, client):
    posted = emu.driver.post("U_ANN", "C_TWR", "TWR-42 60%")

    client.reactions_add(channel="C_TWR", name=":white_check_mark:", timestamp=posted.ts)
    emu.wait_idle()

    assert emu.reactions("C_TWR", posted.ts) == {"white_check_mark": ["U0BOT"]}
    event = bot.events()[-1]
    assert event["type"] == "reaction_added" and event["user"] == "U0BOT"
    assert event["item_user"] == "U_ANN"


def test_peoples_reactions_reach_the_bot_and_show_in_history(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned")["ts"]

    emu.driver.react("U_BOB", "C_TWR", ts, "thumbsup")
    emu.driver.react("U_ANN", "C_TWR", ts, "thumbsup")
    emu.driver.unreact("U_ANN", "C_TWR", ts, "thumbsup")

    history = client.conversations_history(channel="C_TWR")["messages"][0]
    assert history["reactions"] == [{"name": "thumbsup", "users": ["U_BOB"], "count": 1}]
    kinds = [e["type"] for e in bot.events() if e["type"].startswith("reaction")]
    assert kinds == ["reaction_added", "reaction_added", "reaction_removed"]


def test_a_reaction_where_the_bot_is_absent_is_not_delivered(emu, bot):
    emu.add_channel("C_YARD", name="yard", members=["U_ANN"], bot_is_member=False)
    posted = emu.driver.post("U_ANN", "C_YARD", "gate open")

    delivered = emu.driver.react("U_ANN", "C_YARD", posted.ts, "eyes")

    assert posted.delivery is None and delivered is None
    assert bot.requests == []


def test_users_info_gives_the_time_zone_as_slack_does(client):
    user = client.users_info(user="U_ANN")["user"]
    bob = client.users_info(user="U_BOB")["user"]

    assert user["tz"] == "Asia/Ho_Chi_Minh" and user["tz_offset"] == 7 * 3600
    assert user["tz_label"] == "Indochina Time"
    assert bob["tz_offset"] == -8 * 3600 and bob["tz_label"] == "Pacific Standard Time"
    assert user["profile"]["real_name"] == "Ann Lee" and user["is_bot"] is False
    assert user["profile"]["email"] == "ann@example.com"  # the manifest has users:read.email


def test_users_info_omits_the_email_without_users_read_email(clock):
    with SlackEmulator(clock=clock, scopes=("users:read",)) as emu:
        emu.add_user("U_ANN", name="ann", email="ann@example.com")
        client = WebClient(base_url=emu.api_url, token=emu.bot_token)

        profile = client.users_info(user="U_ANN")["user"]["profile"]

    assert "email" not in profile and profile["real_name"] == "ann"


def test_a_deactivated_user_cannot_get_a_dm(emu, client):
    emu.add_user("U_GONE", name="gone", deleted=True)

    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users="U_GONE")

    assert raised.value.response["error"] == "user_disabled"
