"""What went wrong with a Slack call, and whether trying again can help (pure).

`classify` turns whatever a Web API call raised into a `DeliveryError` whose type says what to
do: `PermanentError` (give up, tell an admin), `RateLimited` (wait `Retry-After`),
`OutcomeUnknown` (the call may have worked: check before posting again) or another
`TransientError` (retry with backoff). The lists follow Slack's documented error codes: errors about
the target, the request or the token are permanent; Slack being in trouble is transient.
"""

from __future__ import annotations

import http.client
import urllib.error
from collections.abc import Mapping
from typing import Any, ClassVar

from slack_sdk.errors import SlackApiError, SlackRequestError

from storage.outbox import InvalidPayload

# Permanent for this message: retrying sends the same request to the same place, and fails again.
PERMANENT_ERRORS = frozenset(
    {
        # The target (README: "permanent for a target").
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "user_not_in_channel",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "restricted_action_thread_locked",
        "cannot_reply_to_message",
        "thread_locked",
        "is_inactive",
        # The content.
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "markdown_text_conflict",
        "too_many_attachments",
        "invalid_attachments",
        "attachment_payload_limit_exceeded",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        # The message to edit or react to.
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "block_mismatch",
        "bad_timestamp",
        "invalid_name",
        "no_item_specified",
        "not_reactable",
        "too_many_emoji",
        "too_many_reactions",
        # The app's token and permissions.
        "missing_scope",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "no_permission",
        "not_allowed_token_type",
        "ekm_access_denied",
        # The request itself.
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
        "invalid_json",
        "json_not_object",
        "unknown_method",
        "deprecated_endpoint",
        "method_deprecated",
    }
)
RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited", "message_limit_exceeded"})
TRANSIENT_ERRORS = frozenset(
    {
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "accesslimited",
        "team_added_to_org",
        *RATE_LIMIT_ERRORS,
    }
)
# Answers that mean the wanted state already holds.
ALREADY_DONE = {"reactions.add": "already_reacted"}
DEFAULT_RETRY_AFTER_SECONDS = 1.0


class DeliveryError(Exception):
    """A failed Slack call; the subclass says whether and how to try again."""

    permanent: ClassVar[bool] = False

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after  # seconds Slack asked us to wait, if it did


class PermanentError(DeliveryError):
    """Trying again cannot help (`channel_not_found`, `invalid_blocks`, `token_revoked`, …)."""

    permanent = True


class TransientError(DeliveryError):
    """Slack could not take the call now (5xx, `internal_error`, …); nothing happened."""


class RateLimited(TransientError):
    """HTTP 429: wait `retry_after` seconds before calling this method (or channel) again."""


class OutcomeUnknown(TransientError):
    """No answer (timeout, dropped connection): the call may or may not have taken effect."""


def classify(error: BaseException) -> DeliveryError:
    """Return `error` (anything a WebClient call raised) as a `DeliveryError`."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, SlackApiError):
        return _api_error(error)
    if isinstance(error, InvalidPayload):  # the row breaks the outbox contract
        return PermanentError(f"invalid payload: {error}")
    if isinstance(error, SlackRequestError):  # slack_sdk refused to build the request
        return PermanentError(f"invalid request: {error}")
    if isinstance(error, urllib.error.URLError) and isinstance(
        error.reason, ConnectionRefusedError
    ):
        return TransientError("connection refused")  # nothing reached Slack
    if isinstance(error, OSError | http.client.HTTPException):
        return OutcomeUnknown(_describe(error))
    # Anything else is unexpected: assume the worst (it may have been sent) and retry.
    return OutcomeUnknown(f"unexpected {_describe(error)}")


def _api_error(error: SlackApiError) -> DeliveryError:
    """Classify an answer from Slack: HTTP status, `error` code and `Retry-After`."""
    response = error.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(getattr(response, "data", None), Mapping) else {}
    code = str(data.get("error") or "")
    retry_after = _retry_after(getattr(response, "headers", None) or {})
    if status == 429 or code in RATE_LIMIT_ERRORS:
        wait = retry_after if retry_after is not None else DEFAULT_RETRY_AFTER_SECONDS
        return RateLimited(code or "ratelimited", retry_after=wait)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return TransientError(_with_status(code, status), retry_after=retry_after)
    if code in PERMANENT_ERRORS:
        needed = data.get("needed")
        return PermanentError(f"{code} (needs {needed})" if needed else code)
    if status >= 400:
        return PermanentError(_with_status(code, status))
    # An error code we do not know: Slack's docs say to treat the rest as transient.
    return TransientError(code or "unknown error")


def failed_method(error: BaseException) -> str | None:
    """Return the Web API method a SlackApiError answered (from its URL), or None."""
    if not isinstance(error, SlackApiError):
        return None
    url = str(getattr(error.response, "api_url", "") or "")
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or None


def is_already_done(method: str, error: BaseException) -> bool:
    """Return whether `error` from `method` means the wanted state already holds."""
    if not isinstance(error, SlackApiError):
        return False
    data = error.response.data if isinstance(error.response.data, Mapping) else {}
    return method in ALREADY_DONE and data.get("error") == ALREADY_DONE[method]


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    """Return the `Retry-After` header in seconds, or None when absent or unreadable."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


def _with_status(code: str, status: int) -> str:
    return f"HTTP {status} {code}".strip() if status != 200 else code


def _describe(error: BaseException) -> str:
    text = str(error) or repr(error)
    return f"{type(error).__name__}: {text}"
