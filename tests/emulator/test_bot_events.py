"""The bot hears about its own actions, as in Slack, through a queue that never blocks the API."""

import threading

import pytest


def test_the_bots_post_comes_back_as_a_message_event(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned")["ts"]

    emu.wait_idle()

    [event] = bot.events()
    assert event["ts"] == ts and event["bot_id"] == "B0BOT" and "subtype" not in event


def test_an_update_comes_back_as_message_changed(emu, bot, client):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned")["ts"]

    client.chat_update(channel="C_TWR", ts=ts, text="TWR-42 acknowledged")
    emu.wait_idle()

    changed = bot.events()[-1]
    assert changed["subtype"] == "message_changed"
    assert changed["message"]["text"] == "TWR-42 acknowledged"
    assert changed["previous_message"]["text"] == "TWR-42 assigned"


def test_an_update_with_text_only_drops_the_old_blocks(emu, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "card"}}]
    ts = client.chat_postMessage(channel="C_TWR", text="card", blocks=blocks)["ts"]

    client.chat_update(channel="C_TWR", ts=ts, text="plain now")

    [message] = emu.messages("C_TWR")
    assert message.blocks == [] and message.rendered == "plain now" and message.edited


def test_api_calls_never_wait_for_the_bot(emu, bot, client):
    release = threading.Event()

    def answer_when_released(index, request):
        release.wait(5)
        return 200, "", "text/plain"

    bot.answer = answer_when_released

    client.chat_postMessage(channel="C_TWR", text="one")
    client.chat_postMessage(channel="C_TWR", text="two")

    bot.wait_for_requests(1)
    with pytest.raises(TimeoutError):
        emu.wait_idle(timeout=0.05)
    release.set()
    emu.wait_idle()
    assert [e["text"] for e in bot.events()] == ["one", "two"]


def test_without_a_bot_connected_events_are_dropped(emu, client):
    client.chat_postMessage(channel="C_TWR", text="nobody listens")

    emu.wait_idle()

    assert emu.deliveries == []
    assert emu.driver.post("U_ANN", "C_TWR", "hello?").delivery is None


def test_messages_from_channels_without_the_bot_are_not_delivered(emu, bot):
    emu.add_channel("G_OFFICE", name="site-office", members=["U_ANN"], private=True,
                    bot_is_member=False)  # fmt: skip

    posted = emu.driver.post("U_ANN", "G_OFFICE", "private chatter")

    assert posted.delivery is None and posted.responses == []
    assert bot.requests == []
    assert [m.text for m in emu.messages("G_OFFICE")] == ["private chatter"]
