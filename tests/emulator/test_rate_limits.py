"""Slack's rate limits: method tiers per minute and ~1 post a second per channel, with 429s."""

import pytest
from slack_sdk.errors import SlackApiError

from bot.emulator.web_api.ratelimits import RateLimiter
from tests.emulator.helpers import FakeMonotonic


def test_it_answers_429_with_retry_after_once_a_tier_is_used_up(emu, client, monotonic):
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42")["ts"]
    for _ in range(50):  # chat.update is tier 3: 50 a minute
        client.chat_update(channel="C_TWR", ts=ts, text="TWR-42 again")
        monotonic.advance(0.5)

    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C_TWR", ts=ts, text="one too many")

    answer = raised.value.response
    assert answer.status_code == 429
    assert answer.data == {"ok": False, "error": "ratelimited"}
    assert answer.headers["Retry-After"] == "35"  # when the first of the 50 leaves the minute
    assert emu.calls("chat.update")[-1].status == 429


def test_the_window_reopens_after_retry_after(client, monotonic):
    for _ in range(100):  # users.info is tier 4
        client.users_info(user="U_ANN")
    with pytest.raises(SlackApiError):
        client.users_info(user="U_ANN")

    monotonic.advance(60)

    assert client.users_info(user="U_ANN")["ok"] is True


def test_it_paces_posts_per_channel_after_a_small_burst(emu, client, monotonic):
    for text in ("one", "two", "three"):
        client.chat_postMessage(channel="C_TWR", text=text)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C_TWR", text="four")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="U_ANN", text="another channel")["ok"] is True
    monotonic.advance(1.0)
    assert client.chat_postMessage(channel="C_TWR", text="four")["ok"] is True
    assert [m.text for m in emu.messages("C_TWR")] == ["one", "two", "three", "four"]


def test_a_channel_name_and_its_id_share_one_pace(client):
    for ref in ("C_TWR", "#tower-a", "tower-a"):
        client.chat_postMessage(channel=ref, text="x")

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C_TWR", text="x")


def test_it_can_be_switched_off(clock, monotonic):
    from bot.emulator import SlackEmulator

    with SlackEmulator(clock=clock, monotonic=monotonic, rate_limits=False) as emu:
        emu.add_channel("C1", name="one")
        from slack_sdk import WebClient

        client = WebClient(base_url=emu.api_url, token=emu.bot_token)
        for _ in range(10):
            client.chat_postMessage(channel="C1", text="x")

    assert len(emu.messages("C1")) == 10


def test_tiers_follow_slacks_documented_rates():
    limiter = RateLimiter(FakeMonotonic())

    assert limiter.per_minute("chat.update") == 50
    assert limiter.per_minute("chat.postEphemeral") == 100
    assert limiter.per_minute("conversations.replies") == 50
    assert limiter.per_minute("auth.test") == 600
    assert limiter.per_minute("chat.postMessage") is None  # paced per channel instead
