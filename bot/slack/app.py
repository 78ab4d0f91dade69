"""The Bolt app: Slack's requests in, listeners out, one log line per request."""

import logging
import time

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.logs import describe_request, fields, request_ids
from bot.runtime import Runtime
from bot.slack import listeners
from bot.slack.inbox import INBOX_STAGE, LISTENER_ERROR, Inbox

log = logging.getLogger("request")


def build_app(
    *,
    runtime: Runtime,
    client: WebClient,
    identity: AuthorizeResult,
    signing_secret: str | None,
    inbox: Inbox | None = None,
) -> App:
    """Return the Bolt app with every listener registered.

    Args:
        runtime: settings, database and clock shared by the listeners.
        client: the Web API client (pointed at Slack or at the local emulator).
        identity: the bot's identity, verified once at start (see `slack_identity`).
        signing_secret: HTTP mode's request-signing secret; None in Socket Mode, where the
            socket itself is authenticated and there is no signature to check.
        inbox: where events and commands are stored and answered before their listeners run
            (see `bot.slack.inbox`); without one, they are processed before Slack is answered.
    """
    app = LoggedApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
        authorize=lambda **_: identity,
        token_verification_enabled=False,
        # Answer Slack only once what it told us is stored: a crash before that means no 2xx, so
        # Slack retries (events) or the person sees the failure (commands), and retries are
        # de-duplicated by idempotency keys. Events and commands are stored as they come, in the
        # inbox, and their listeners run from there; button clicks and forms run here, since a
        # form's answer must be in the acknowledgement. Listeners never call Slack in this path
        # except to answer; what the bot says goes through the outbox.
        process_before_response=True,
        logger=logging.getLogger("bolt"),
    )
    # Bolt runs middleware in the order given: a request for another workspace is refused
    # before the inbox stores it.
    app.middleware(_only_for(identity.team_id))
    if inbox is not None:
        app.middleware(inbox.accept)
    app.middleware(_drop_nul_characters)
    app.error(_listener_failed)
    listeners.register(app, runtime)
    return app


class LoggedApp(App):
    """Bolt's app, logging one line per request: what it was, whose, and how long it took."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            describe_request(req.body),
            extra=fields(
                **request_ids(req.body),
                status=response.status,
                inbox=req.context.get(INBOX_STAGE),
                ms=elapsed_ms,
            ),
        )
        return response


def _listener_failed(error: Exception, request, logger) -> None:
    # Bolt answers 500 (Slack retries events); the inbox's worker reads the error to keep it.
    logger.exception(f"listener failed: {type(error).__name__}: {error}", exc_info=error)
    request.context[LISTENER_ERROR] = error


def _only_for(team_id: str | None):
    """Return a middleware refusing requests that say they are another workspace's.

    Slack signs every workspace's requests to an app with the app's one secret, so a valid
    signature doesn't say the request is this workspace's; its team does. Refused requests get
    a 200 (a retry would be refused again) and one warning, and nothing is stored.
    """

    def only_for_this_team(req: BoltRequest, next) -> BoltResponse | None:
        theirs = req.context.team_id
        if team_id is None or theirs in (None, team_id):
            return next()
        log.warning(
            "request for another workspace refused",
            extra=fields(**request_ids(req.body), installed=team_id),
        )
        return BoltResponse(status=200, body="")

    return only_for_this_team


def _drop_nul_characters(body: dict, next) -> None:
    # No Slack client types a NUL character, PostgreSQL can't store one, and SQLite would: so
    # they are dropped at the door, and both databases see the same text.
    _scrub_nul(body)
    next()


def _scrub_nul(value):
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _scrub_nul(item)
    elif isinstance(value, list):
        value[:] = [_scrub_nul(item) for item in value]
    elif isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value
