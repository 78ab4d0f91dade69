"""Slack's retries: an event the bot does not acknowledge in time comes again, same event_id."""

import threading

from slack_sdk.signature import SignatureVerifier


def test_a_late_answer_brings_a_retry_with_slacks_headers(emu, bot):
    emu.driver.ack_timeout = 0.3
    retried = threading.Event()

    def answer(index, request):
        if index == 0:
            retried.wait(5)  # answer the first delivery only after Slack has given up on it
        else:
            retried.set()
        return 200, "", "text/plain"

    bot.answer = answer

    delivery = emu.driver.post("U_ANN", "C_TWR", "TWR-42 60%").delivery

    first, second = bot.wait_for_requests(2)
    assert "X-Slack-Retry-Num" not in first.headers
    assert second.headers["X-Slack-Retry-Num"] == "1"
    assert second.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert second.json()["event_id"] == first.json()["event_id"]
    assert second.body == first.body
    assert SignatureVerifier(emu.signing_secret).is_valid_request(second.body, second.headers)
    assert [(r.status, r.retry_num) for r in delivery.replies] == [(None, 0), (200, 1)]


def test_server_errors_are_retried_up_to_three_times(emu, bot):
    bot.answer = lambda index, request: (500 if index < 2 else 200, "", "text/plain")

    delivery = emu.driver.event({"type": "app_mention", "user": "U_ANN", "text": "hi"})

    requests = bot.wait_for_requests(3)
    assert [r.headers.get("X-Slack-Retry-Num") for r in requests] == [None, "1", "2"]
    assert requests[1].headers["X-Slack-Retry-Reason"] == "http_error"
    assert delivery.ok and delivery.status == 200


def test_slack_gives_up_after_three_retries(emu, bot):
    bot.answer = lambda index, request: (503, "", "text/plain")

    delivery = emu.driver.event({"type": "app_mention", "user": "U_ANN", "text": "hi"})

    assert len(bot.requests) == 4
    assert not delivery.ok and delivery.reply.retry_num == 3


def test_commands_are_not_retried_and_the_person_sees_the_timeout(emu, bot):
    emu.driver.ack_timeout = 0.3
    release = threading.Event()

    def answer_late(index, request):
        release.wait(5)
        return 200, "late", "text/plain"

    bot.answer = answer_late

    delivery = emu.driver.command("/update", "TWR-42 60%", user="U_ANN", channel="C_TWR")
    release.set()

    assert delivery.status is None and len(bot.requests) == 1
    [shown] = emu.ephemerals(user="U_ANN")
    assert shown.text == '/update failed with the error "operation_timeout"'


def test_a_test_can_resend_an_event_as_a_duplicate(emu, bot):
    delivery = emu.driver.post("U_ANN", "C_TWR", "TWR-42 done").delivery

    emu.driver.redeliver(delivery, retry_num=1, reason="http_timeout")

    first, again = bot.wait_for_requests(2)
    assert again.json() == first.json()
    assert again.headers["X-Slack-Retry-Num"] == "1"


def test_every_attempt_is_recorded(emu, bot):
    bot.answer = lambda index, request: (500 if index == 0 else 200, "", "text/plain")

    emu.driver.post("U_ANN", "C_TWR", "TWR-42 done")

    [delivery] = emu.deliveries
    assert delivery.kind == "event"
    assert [(r.status, r.retry_reason) for r in delivery.replies] == [
        (500, None),
        (200, "http_error"),
    ]
