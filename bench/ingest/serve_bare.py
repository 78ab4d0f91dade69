"""The baseline of the ingest benchmark: a Bolt app that only acks, behind Bolt's WSGI
adapter on waitress with 8 threads, like siteloop's server.

    python -m bench.ingest.serve_bare [--process-before-response]

Without the flag, Bolt's default configuration; with it, as siteloop's app is configured. It
prints its port as one JSON line and serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from waitress import create_server

from bench.ingest.load import BOT_TOKEN, EVENTS_PATH, SIGNING_SECRET, TEAM

THREADS = 8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest.serve_bare")
    parser.add_argument("--process-before-response", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    identity = AuthorizeResult(
        enterprise_id=None,
        team_id=TEAM.team_id,
        bot_user_id=TEAM.bot_user_id,
        bot_id=TEAM.bot_id,
        bot_token=BOT_TOKEN,
    )
    app = App(
        signing_secret=SIGNING_SECRET,
        authorize=lambda **_: identity,
        token_verification_enabled=False,
        request_verification_enabled=True,
        process_before_response=args.process_before_response,
    )

    @app.command("/update")
    def update(ack: Ack) -> None:
        ack()

    @app.event("message")
    def message() -> None:
        pass

    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    server = create_server(handler, host="127.0.0.1", port=0, threads=THREADS, ident="bare")
    print(json.dumps({"bare": True, "port": int(server.effective_port)}), flush=True)
    server.run()  # until SIGTERM ends the process
    return 0


if __name__ == "__main__":
    sys.exit(main())
