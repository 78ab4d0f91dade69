"""The driver signs every request exactly as Slack does (and can forge one for negative tests)."""

import time

from slack_sdk.signature import SignatureVerifier

from bot.emulator.to_bot.sender import signature_headers
from tests.emulator.helpers import slack_fixture


def test_it_reproduces_slacks_documented_signature():
    vector = slack_fixture("signature_test_vector")

    headers = signature_headers(
        vector["signing_secret"],
        vector["raw_body"].encode(),
        int(vector["x_slack_request_timestamp"]),
    )

    assert headers["X-Slack-Signature"] == vector["x_slack_signature"]
    assert headers["X-Slack-Request-Timestamp"] == vector["x_slack_request_timestamp"]


def test_it_signs_requests_with_the_secret_and_real_time(emu, bot, clock):
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR")

    [request] = bot.wait_for_requests(1)
    verifier = SignatureVerifier(emu.signing_secret)
    assert verifier.is_valid_request(request.body, request.headers)
    assert abs(int(request.headers["X-Slack-Request-Timestamp"]) - time.time()) < 5


def test_it_sends_a_stale_timestamp_when_asked(emu, bot):
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR", timestamp_offset=-400)

    [request] = bot.wait_for_requests(1)
    assert int(request.headers["X-Slack-Request-Timestamp"]) < time.time() - 390
    assert not SignatureVerifier(emu.signing_secret).is_valid_request(request.body, request.headers)


def test_it_signs_with_another_secret_or_a_forged_signature_when_asked(emu, bot):
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR", signing_secret="wrong")
    emu.driver.command("/tasks", "", user="U_ANN", channel="C_TWR", signature="v0=" + "0" * 64)

    wrong_secret, forged = bot.wait_for_requests(2)
    verifier = SignatureVerifier(emu.signing_secret)
    assert not verifier.is_valid_request(wrong_secret.body, wrong_secret.headers)
    assert forged.headers["X-Slack-Signature"] == "v0=" + "0" * 64
