"""Who the bot is in Slack, asked once at start so a bad token fails loudly and early.

Bolt would otherwise call `auth.test` lazily and, with Slack unreachable, retry it on every
request, turning each 10 ms ack into seconds of waiting.
"""

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError


class SlackUnavailable(Exception):
    """Slack could not confirm the bot token; the message says what to check.

    `exit_code` is 2 when Slack rejected the token (a configuration error), 1 when it could not
    be reached at all (worth retrying).
    """

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def verify_identity(client: WebClient) -> AuthorizeResult:
    """Return the bot's identity from `auth.test`; raise `SlackUnavailable` with the reason."""
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        hint = {
            "invalid_auth": "the token is not valid: copy the bot token (xoxb-…) again",
            "not_authed": "no token was sent: set SLACK_BOT_TOKEN",
            "token_revoked": "the token was revoked: reinstall the app to the workspace",
            "account_inactive": "the app was uninstalled or its user deactivated: reinstall it",
        }.get(code, "check SLACK_BOT_TOKEN and the app's installation")
        raise SlackUnavailable(
            f"Slack rejected SLACK_BOT_TOKEN ({code}): {hint}", exit_code=2
        ) from None
    except (SlackClientError, OSError) as error:
        raise SlackUnavailable(
            f"cannot reach the Slack Web API at {client.base_url} ({type(error).__name__}: "
            f"{error}); check SLACK_API_URL and the network",
            exit_code=1,
        ) from None
    scopes = response.headers.get("x-oauth-scopes") or response.headers.get("X-OAuth-Scopes")
    return AuthorizeResult.from_auth_test_response(
        auth_test_response=response, bot_token=client.token, bot_scopes=scopes
    )
