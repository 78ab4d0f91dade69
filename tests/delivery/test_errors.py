"""Classifying failed Slack calls: permanent, rate-limited, unknown outcome, or transient (pure)."""

import http.client
import urllib.error

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.slack_response import SlackResponse

from bot.delivery.errors import (
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TransientError,
    classify,
    failed_method,
    is_already_done,
)
from storage.outbox import InvalidPayload


def api_error(error: str | None, status: int = 200, method="chat.postMessage", **headers):
    data = {"ok": False, "error": error} if error else {"ok": False}
    response = SlackResponse(
        client=WebClient(),
        http_verb="POST",
        api_url=f"https://slack.com/api/{method}",
        req_args={},
        data=data,
        headers=headers,
        status_code=status,
    )
    return SlackApiError(f"The request to the Slack API failed: {error}", response)


PERMANENT = [
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "account_inactive",
    "user_not_found",
    "invalid_blocks",
    "msg_too_long",
    "msg_blocks_too_long",
    "missing_scope",
    "invalid_auth",
    "token_revoked",
    "no_text",
    "message_not_found",
    "cant_update_message",
]
TRANSIENT = ["internal_error", "fatal_error", "service_unavailable", "request_timeout"]


@pytest.mark.parametrize("code", PERMANENT)
def test_errors_about_the_target_content_or_token_are_permanent(code):
    error = classify(api_error(code))

    assert isinstance(error, PermanentError) and error.permanent
    assert error.reason == code


@pytest.mark.parametrize("code", TRANSIENT)
def test_slack_being_in_trouble_is_transient(code):
    error = classify(api_error(code))

    assert type(error) is TransientError and not error.permanent


def test_a_missing_scope_says_which_scope_is_needed():
    response_error = api_error("missing_scope")
    response_error.response.data["needed"] = "chat:write"

    assert classify(response_error).reason == "missing_scope (needs chat:write)"


@pytest.mark.parametrize(("status", "code"), [(500, "internal_error"), (503, None), (502, None)])
def test_server_errors_are_transient_and_keep_a_retry_after(status, code):
    error = classify(api_error(code, status, **{"Retry-After": "7"}))

    assert type(error) is TransientError
    assert error.reason.startswith(f"HTTP {status}")
    assert error.retry_after == 7


def test_a_429_is_rate_limited_for_retry_after_seconds():
    error = classify(api_error("ratelimited", 429, **{"retry-after": "30"}))

    assert isinstance(error, RateLimited) and error.retry_after == 30


def test_a_429_without_retry_after_waits_a_second():
    assert classify(api_error("ratelimited", 429)).retry_after == 1


@pytest.mark.parametrize(
    "raised",
    [
        TimeoutError("timed out"),
        OSError("timed out"),
        http.client.RemoteDisconnected("Remote end closed connection without response"),
        ConnectionResetError(104, "Connection reset by peer"),
        urllib.error.URLError(TimeoutError("timed out")),
        http.client.IncompleteRead(b""),
    ],
)
def test_a_call_without_an_answer_has_an_unknown_outcome(raised):
    assert isinstance(classify(raised), OutcomeUnknown)


def test_a_refused_connection_never_reached_slack():
    error = classify(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))

    assert type(error) is TransientError


def test_an_unknown_error_code_is_transient_and_an_unknown_4xx_permanent():
    assert type(classify(api_error("something_new"))) is TransientError
    assert isinstance(classify(api_error(None, 404)), PermanentError)


def test_a_request_that_cannot_be_built_is_permanent():
    assert isinstance(classify(SlackRequestError("bad file")), PermanentError)
    assert isinstance(classify(InvalidPayload("no text")), PermanentError)


def test_already_reacted_means_the_reaction_is_there():
    assert is_already_done("reactions.add", api_error("already_reacted", method="reactions.add"))
    assert not is_already_done("chat.postMessage", api_error("already_reacted"))
    assert not is_already_done("reactions.add", TimeoutError())


def test_it_names_the_method_that_failed():
    assert failed_method(api_error("ratelimited", 429, method="conversations.history")) == (
        "conversations.history"
    )
    assert failed_method(TimeoutError()) is None
