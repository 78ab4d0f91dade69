"""Switchable trouble: errors, timeouts, latency and answers lost after the call took effect."""

import time
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, FixedValueRetryIntervalCalculator

from bot.emulator.web_api.faults import FaultKind, Faults


def test_fail_next_answers_a_5xx_and_changes_nothing(emu, client):
    emu.faults.fail_next("chat.postMessage", status=503)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C_TWR", text="TWR-42")

    assert raised.value.response.status_code == 503
    assert raised.value.response["error"] == "service_unavailable"
    assert emu.messages("C_TWR") == []
    assert client.chat_postMessage(channel="C_TWR", text="TWR-42")["ok"] is True


def test_fail_next_can_rate_limit_with_retry_after(emu, client):
    emu.faults.fail_next("chat.postMessage", error="ratelimited", retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C_TWR", text="TWR-42")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


def test_fail_next_can_answer_any_slack_error(emu, client):
    emu.faults.fail_next("chat.postMessage", error="channel_not_found", times=2)

    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(client.chat_postMessage(channel="C_TWR", text="x")["ok"])
        except SlackApiError as error:
            outcomes.append((error.response.status_code, error.response["error"]))

    assert outcomes == [(200, "channel_not_found"), (200, "channel_not_found"), True]


def test_random_errors_hit_about_the_requested_share_and_repeat_with_a_seed():
    def draw_kinds(seed: int) -> list:
        faults = Faults()
        faults.set(error_rate=0.2, seed=seed)
        return [faults.draw("chat.postMessage")[0] for _ in range(1000)]

    first, again = draw_kinds(1), draw_kinds(1)

    errors = [f for f in first if f is not None]
    assert first == again
    assert 150 <= len(errors) <= 250
    assert {(f.status, f.error) for f in errors} == {
        (500, "internal_error"),
        (503, "service_unavailable"),
        (200, "internal_error"),
    }


def test_faults_can_be_limited_to_some_methods():
    faults = Faults()
    faults.set(error_rate=1.0, methods=["chat.update"])

    assert faults.draw("chat.postMessage") == (None, 0.0)
    assert faults.draw("chat.update")[0].kind is FaultKind.ERROR


def bare_client(emu, timeout: float = 5) -> WebClient:
    """Return a client without slack_sdk's default retry of dropped connections."""
    return WebClient(base_url=emu.api_url, token=emu.bot_token, timeout=timeout, retry_handlers=[])


def test_a_timeout_holds_the_call_then_closes_it_and_nothing_happens(emu):
    emu.faults.timeout_seconds = 0.2
    emu.faults.fail_next_timeout("chat.postMessage")

    started = time.monotonic()
    with pytest.raises(RemoteDisconnected):
        bare_client(emu).chat_postMessage(channel="C_TWR", text="TWR-42")

    assert time.monotonic() - started >= 0.2
    assert emu.messages("C_TWR") == []
    assert emu.calls("chat.postMessage")[-1].error == "timeout"


def test_a_client_timeout_shorter_than_the_hold_sees_a_timeout(emu):
    emu.faults.timeout_seconds = 2.0
    emu.faults.set(timeout_rate=1.0)

    with pytest.raises(TimeoutError):
        bare_client(emu, timeout=0.2).chat_postMessage(channel="C_TWR", text="TWR-42")

    emu.faults.clear()
    assert emu.messages("C_TWR") == []


def test_accept_then_drop_posts_the_message_but_loses_the_answer(emu):
    emu.faults.accept_then_drop("chat.postMessage")

    with pytest.raises(RemoteDisconnected):
        bare_client(emu).chat_postMessage(channel="C_TWR", text="TWR-42 assigned")

    assert [m.text for m in emu.messages("C_TWR")] == ["TWR-42 assigned"]


def test_slack_sdks_default_retry_after_a_drop_posts_twice(emu):
    # slack_sdk's default handler, minus its pause before retrying, to keep the test fast.
    retry = ConnectionErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0))
    client = WebClient(base_url=emu.api_url, token=emu.bot_token, retry_handlers=[retry])
    emu.faults.accept_then_drop("chat.postMessage")

    answer = client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned")

    # The retry re-sends a call that worked: the outbox must reconcile, not trust it.
    assert answer["ok"] is True
    assert [m.text for m in emu.messages("C_TWR")] == ["TWR-42 assigned", "TWR-42 assigned"]


def test_latency_delays_each_answer(emu, client):
    emu.faults.set(latency=0.15)

    started = time.monotonic()
    client.auth_test()

    assert time.monotonic() - started >= 0.15


def test_clear_makes_slack_healthy_again(emu, client):
    emu.faults.set(error_rate=1.0, seed=3)
    emu.faults.fail_next("auth.test", status=500)

    emu.faults.clear()

    assert client.auth_test()["ok"] is True
