"""The Slack emulator for the ingest benchmark, as a program of its own (so it shares no GIL
with siteloop or the load).

    python -m bench.ingest.serve_emulator --requests N --tasks T --rate R

It prints its Web API URL and the response_urls of the run's commands as one JSON line, then
reads from standard input when the load starts (wall clock), adds the run's channel posts to
the channel, and says so; given one more line, it prints how many of the load's commands were
answered at their response_url. It serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from bench.ingest.load import BOT_TOKEN, CHANNEL, CREW, MANAGER, SIGNING_SECRET, TEAM, planned_posts
from bot.emulator import Message, SlackEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest.serve_emulator")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    args = parser.parse_args(argv)
    # The emulator plays Slack, which costs siteloop nothing: it yields the cores to the server
    # measured.
    os.nice(10)
    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits=False)
    emulator.add_user(MANAGER, name="ann", real_name="Ann Tran", tz="Asia/Ho_Chi_Minh")
    for n, user in enumerate(CREW):
        emulator.add_user(
            user, name=f"crew{n:02d}", real_name=f"Crew Member {n}", tz="Asia/Ho_Chi_Minh"
        )
    emulator.add_channel(CHANNEL.id, name=CHANNEL.name, members=[MANAGER, *CREW])
    emulator.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Where siteloop answers the setup and each /update of the load.
    urls = [emulator.response_urls.issue(CHANNEL.id, MANAGER) for _ in range(args.requests + 1)]
    answer_urls = [f"{emulator.server_root()}response/{url.id}" for url in urls]
    print(json.dumps({"api_url": emulator.api_url, "answer_urls": answer_urls}), flush=True)
    # The bench writes when the load starts (wall clock); the run's posts are then in Slack.
    start = float(sys.stdin.readline())
    for post in planned_posts(args.requests, args.tasks, start, args.rate):
        emulator.workspace.add_message(
            Message(
                ts=post.ts, channel=CHANNEL.id, user=post.user, text=post.text, team=TEAM.team_id
            )
        )
    print(json.dumps({"posts": args.requests}), flush=True)
    if sys.stdin.readline():
        answered = {post.url_id for post in emulator.workspace.response_posts if post.status == 200}
        print(json.dumps({"answered": len(answered & {url.id for url in urls[1:]})}), flush=True)
    stop.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
