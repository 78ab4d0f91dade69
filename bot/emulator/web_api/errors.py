"""The error answers the emulated Web API gives, as an exception handlers raise."""

from typing import Any


class ApiError(Exception):
    """A Web API error: answered as `{"ok": false, "error": …}` plus any extra fields.

    Slack answers API errors with HTTP 200; only rate limits (429) and server trouble (5xx)
    use other statuses, so `status` stays 200 unless a handler says otherwise.
    """

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """Return the JSON body Slack sends for this error."""
        return {"ok": False, "error": self.error, **self.extra}


def invalid_blocks(errors: list[str]) -> ApiError:
    """Return Slack's `invalid_blocks` answer listing each problem with its json-pointer."""
    return ApiError(
        "invalid_blocks",
        errors=errors,
        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
    )


def invalid_arguments(messages: list[str]) -> ApiError:
    """Return Slack's `invalid_arguments` answer (views.*), problems in `response_metadata`."""
    return ApiError(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )
