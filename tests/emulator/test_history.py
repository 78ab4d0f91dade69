"""conversations.history and .replies: newest first, bounds, cursors, metadata."""

import pytest
from slack_sdk.errors import SlackApiError


@pytest.fixture
def five(client) -> list[str]:
    """Post five messages; return their ts, oldest first."""
    return [client.chat_postMessage(channel="C_TWR", text=f"m{i}")["ts"] for i in range(5)]


def texts(answer) -> list[str]:
    return [m["text"] for m in answer["messages"]]


@pytest.fixture(autouse=True)
def no_pacing(emu):
    emu.rate_limiter.enabled = False


def test_history_is_newest_first(client, five):
    assert texts(client.conversations_history(channel="C_TWR")) == ["m4", "m3", "m2", "m1", "m0"]


def test_history_pages_with_a_cursor(client, five):
    first = client.conversations_history(channel="C_TWR", limit=2)
    second = client.conversations_history(
        channel="C_TWR", limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    last = client.conversations_history(
        channel="C_TWR", limit=2, cursor=second["response_metadata"]["next_cursor"]
    )

    assert (texts(first), texts(second), texts(last)) == (["m4", "m3"], ["m2", "m1"], ["m0"])
    assert first["has_more"] and second["has_more"] and not last["has_more"]
    assert "response_metadata" not in last


def test_history_bounds_are_exclusive_unless_inclusive(client, five):
    between = client.conversations_history(channel="C_TWR", oldest=five[1], latest=five[3])
    inclusive = client.conversations_history(
        channel="C_TWR", oldest=five[1], latest=five[3], inclusive=True
    )

    assert texts(between) == ["m2"]
    assert texts(inclusive) == ["m3", "m2", "m1"]


def test_a_bad_cursor_or_bound_is_refused(client, five):
    with pytest.raises(SlackApiError) as cursor:
        client.conversations_history(channel="C_TWR", cursor="not-a-cursor")
    with pytest.raises(SlackApiError) as oldest:
        client.conversations_history(channel="C_TWR", oldest="yesterday")

    assert cursor.value.response["error"] == "invalid_cursor"
    assert oldest.value.response["error"] == "invalid_ts_oldest"


def test_replies_page_after_the_parent(client):
    parent = client.chat_postMessage(channel="C_TWR", text="parent")["ts"]
    for i in range(3):
        client.chat_postMessage(channel="C_TWR", text=f"r{i}", thread_ts=parent)

    first = client.conversations_replies(channel="C_TWR", ts=parent, limit=2)
    rest = client.conversations_replies(
        channel="C_TWR", ts=parent, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )

    assert texts(first) == ["parent", "r0", "r1"] and first["has_more"]
    assert texts(rest) == ["parent", "r2"] and not rest["has_more"]


def test_metadata_is_kept_and_returned_on_request(emu, client):
    metadata = {"event_type": "task_assigned", "event_payload": {"task": "TWR-42"}}
    ts = client.chat_postMessage(channel="C_TWR", text="TWR-42", metadata=metadata)["ts"]

    plain = client.conversations_history(channel="C_TWR")["messages"][0]
    full = client.conversations_history(channel="C_TWR", include_all_metadata=True)["messages"][0]
    replies = client.conversations_replies(channel="C_TWR", ts=ts, include_all_metadata=True)

    assert "metadata" not in plain
    assert full["metadata"] == metadata
    assert replies["messages"][0]["metadata"] == metadata
    assert emu.messages("C_TWR")[0].metadata == metadata


def test_malformed_metadata_is_refused(client):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C_TWR", text="x", metadata={"event_payload": {}})

    assert raised.value.response["error"] == "invalid_metadata_format"


def test_private_channel_history_needs_groups_history(emu, clock):
    from slack_sdk import WebClient

    from bot.emulator import SlackEmulator

    with SlackEmulator(clock=clock, scopes=("chat:write", "channels:history")) as narrow:
        narrow.add_channel("G_OFFICE", name="site-office", private=True)
        client = WebClient(base_url=narrow.api_url, token=narrow.bot_token)

        with pytest.raises(SlackApiError) as raised:
            client.conversations_history(channel="G_OFFICE")

    assert raised.value.response["needed"] == "groups:history"
