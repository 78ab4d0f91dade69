"""Ingest benchmark: how fast siteloop acknowledges field reports, next to a bare Bolt app.

    .venv/bin/python -m bench.ingest [--requests N] [--rate R] [--concurrency C] [--tasks T]
                                     [--profile DIR]

In one run, against three servers started one after the other as subprocesses (so none shares
the GIL with the load generator):

1. `siteloop serve` on a fresh SQLite file, its Slack Web API pointed at the local emulator
   (itself a subprocess, rate limits off). A project TWR is set up with `/siteloop setup` and T
   tasks are put on its plan directly in the database; every person of the load says something
   once (warm-up, not measured), so profiles come from the cache as in steady state.
2. A bare Bolt app that only acks (`/update` command listener, `message` event listener), behind
   Bolt's WSGI adapter on waitress with 8 threads, like siteloop's server: the baseline of the
   1.5× target, in Bolt's default configuration (`bare`).
3. The same bare app with `process_before_response=True`, as siteloop's app is configured
   (`bare pbr`): for information. Bolt's default runs a command listener on a thread pool and
   polls for its `ack()` every 10 ms (`ThreadListenerRunner`), so `bare` answers commands in
   about 11 ms whatever the listener does; `bare pbr` shows what HTTP + signature check + Bolt
   dispatch cost alone, and so how much of siteloop's time is its own work.

Each gets the same load: N `/update TWR-k P% note` slash commands and N channel-post `message`
events (`event_callback` envelopes with unique event ids and ts, naming a task), interleaved,
sent over HTTP keep-alive connections by C worker threads, every request signed as Slack signs
it with a fresh timestamp. Pacing is open loop: request i is due at start + i/R whatever
happened to the ones before, and its latency is measured from that due time to the last byte
of the answer, so a slow server is charged for the requests that had to wait for a free
connection (coordinated omission). The time from the actual send (`svc`) is printed too, and
each server's CPU time per request (from /proc), the figure least moved by other processes.

siteloop answers an event once its envelope is stored and records the report right after (its
inbox), so after the run the bench waits for the inbox to drain and prints how long after the
last answer that was; the CPU figure includes that work. The database must then hold exactly 2N
updates, N from commands and N from channel posts, with 2N distinct idempotency keys. The exit
status is 0 when every target and that check pass, 1 otherwise.

`--profile DIR` samples the siteloop process with py-spy (when installed) during the load and
prints where its CPU goes (samples holding the GIL, by thread, package and siteloop function)
and how long its threads waited for SQLite's write lock.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import math
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret-5b1e0c7d9a42"
BOT_TOKEN = "xoxb-0000000000-siteloop-bench-token"
TEAM_ID, TEAM_DOMAIN, APP_ID = "T0SITE", "siteloop-demo", "A0SITE"
BOT_USER, BOT_ID, VERIFICATION_TOKEN = "U0BOT", "B0BOT", "verification_token"
CHANNEL, CHANNEL_NAME = "C0TOWER", "tower-a"
MANAGER = "U0ANN"
CREW = [f"U0CREW{n:02d}" for n in range(20)]
PROJECT = "TWR"
EVENTS_PATH = "/slack/events"
BARE_THREADS = 8

# Targets (the design's performance and reliability targets).
P99_LIMIT_MS = 100.0
RATIO_LIMIT = 1.5

# Notes without digits or status words: a bare number in a project channel is a task reference.
NOTES = (
    "formwork checked",
    "rebar tied on the east side",
    "waiting on nothing, going well",
    "inspection booked with the engineer",
    "pump truck on site",
    "scaffold moved up a level",
    "north face cleaned down",
    "drawings updated by the office",
)


# The load -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str  # "command" or "event"
    body: bytes
    content_type: str


@dataclass
class Result:
    kind: str
    status: int | None
    due: float
    sent: float
    done: float
    problem: str | None = None
    deferred: bool = False  # a command acked "Recording…", its answer to follow by response_url


def command_body(user: str, command: str, text: str, trigger: str, response_url: str = "") -> bytes:
    """Return a slash command's form, field for field as Slack sends it (slash_command.json)."""
    form = [
        ("token", VERIFICATION_TOKEN),
        ("team_id", TEAM_ID),
        ("team_domain", TEAM_DOMAIN),
        ("channel_id", CHANNEL),
        ("channel_name", CHANNEL_NAME),
        ("user_id", user),
        ("user_name", user.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", APP_ID),
        ("is_enterprise_install", "false"),
        (
            "response_url",
            response_url or f"https://hooks.slack.invalid/commands/{TEAM_ID}/{trigger}",
        ),
        ("trigger_id", trigger),
    ]
    return urllib.parse.urlencode(form).encode()


def message_body(user: str, text: str, ts: str, event_id: str) -> bytes:
    """Return an `event_callback` envelope of a channel post (event_message.json's fields)."""
    event = {
        "client_msg_id": f"bench-{event_id}",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": event_id[-5:],
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "channel": CHANNEL,
        "event_ts": ts,
        "channel_type": "channel",
    }
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"1-message-{TEAM_ID}-{CHANNEL}",
    }
    return json.dumps(envelope).encode()


@dataclass(frozen=True)
class Post:
    user: str
    text: str
    ts: str


def planned_posts(n: int, tasks: int, start: float, rate: float) -> list[Post]:
    """Return the n channel posts of a run; each `ts` is when its request is due (wall clock).

    The emulator stores them too, so the bot's 📝 reactions on them land as they would in Slack.
    """
    return [
        Post(
            CREW[(k + 7) % len(CREW)],
            f"{PROJECT}-{(k * 104729 + 3) % tasks + 1} at {(k * 53 + 11) % 101}%, "
            f"{NOTES[(k + 3) % len(NOTES)]}",
            f"{start + (2 * k + 1) / rate:.6f}",
        )
        for k in range(n)
    ]


def build_load(
    n: int, tasks: int, start: float, rate: float, run_tag: str, answer_urls: list[str] = ()
) -> list[Request]:
    """Return 2n requests, commands and channel posts alternating, naming varied tasks.

    `start` (wall clock) is when the first is due; request i is due at start + i/rate. Commands
    carry `answer_urls` (the emulator's response_urls) as their response_url, when given.
    """
    base = int(start)
    plan = []
    for k, post in enumerate(planned_posts(n, tasks, start, rate)):
        user = CREW[k % len(CREW)]
        number = (k * 7919) % tasks + 1
        percent = (k * 37) % 101
        note = NOTES[k % len(NOTES)]
        text = f"{PROJECT}-{number} {percent}% {note}"
        trigger = f"{base}.{run_tag}.{k}.bench"  # Slack's trigger_id: the command's key
        plan.append(
            Request(
                "command",
                command_body(
                    user, "/update", text, trigger, answer_urls[k] if answer_urls else None
                ),
                "application/x-www-form-urlencoded",
            )
        )
        body = message_body(post.user, post.text, post.ts, f"Ev{run_tag}{k:08d}")
        plan.append(Request("event", body, "application/json"))
    return plan


def signed_headers(body: bytes, content_type: str) -> dict[str, str]:
    from bot.emulator.to_bot.sender import signature_headers

    return {
        "Content-Type": content_type,
        **signature_headers(SIGNING_SECRET, body, int(time.time())),
    }


def drive(
    port: int, plan: list[Request], rate: float, concurrency: int, start: float
) -> list[Result]:
    """Send `plan` open loop at `rate` requests/s from `concurrency` keep-alive connections,
    request i when `time.perf_counter()` reaches start + i/rate."""
    results: list[Result | None] = [None] * len(plan)
    lock = threading.Lock()
    position = [0]

    def take() -> int:
        with lock:
            i = position[0]
            position[0] += 1
            return i

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        while (i := take()) < len(plan):
            request = plan[i]
            due = start + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            headers = signed_headers(request.body, request.content_type)
            sent = time.perf_counter()
            status, problem, deferred = None, None, False
            try:
                connection.request("POST", EVENTS_PATH, request.body, headers)
                response = connection.getresponse()
                text = response.read()
                status = response.status
                if status != 200:
                    problem = f"HTTP {status}: {text[:200]!r}"
                elif request.kind == "command" and text:
                    answer = json.loads(text).get("text", "")
                    if "Nothing recorded" in answer or "went wrong" in answer:
                        problem = f"refused: {answer[:200]}"
                    deferred = answer.startswith("⏳")
            except (OSError, http.client.HTTPException, ValueError) as error:
                problem = f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            done = time.perf_counter()
            results[i] = Result(request.kind, status, due, sent, done, problem, deferred)
        connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def schedule(lead: float = 1.0) -> tuple[float, float]:
    """Return when the load starts, `lead` seconds from now: (perf_counter, wall clock)."""
    return time.perf_counter() + lead, time.time() + lead


def warm_up(port: int, users: list[str], build) -> None:
    """Send one unmeasured request per person, then a few more, to warm connections and caches."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    for i, user in enumerate(users * 2):
        request = build(user, i)
        connection.request(
            "POST", EVENTS_PATH, request.body, signed_headers(request.body, request.content_type)
        )
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"bench: warm-up request answered {response.status}")
    connection.close()


def chatter(user: str, i: int) -> Request:
    """A post that is not a report (it is read, the author enrolled, and nothing is stored)."""
    ts = f"{int(time.time()) - 3600}.{900000 + i:06d}"
    return Request(
        "event",
        message_body(user, "lunch at noon, who is in?", ts, f"EvWARM{i:06d}"),
        "application/json",
    )


# Statistics -----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(round(fraction * len(sorted_values), 9))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


@dataclass
class Summary:
    count: int
    errors: int
    throughput: float
    p50: float
    p95: float
    p99: float
    max: float
    svc_p99: float
    problems: list[str]


def summarise(results: list[Result], start: float) -> Summary:
    latencies = sorted((r.done - r.due) * 1000 for r in results)
    service = sorted((r.done - r.sent) * 1000 for r in results)
    ok = [r for r in results if r.problem is None]
    end = max((r.done for r in results), default=start)
    return Summary(
        count=len(results),
        errors=len(results) - len(ok),
        throughput=len(ok) / (end - start) if end > start else 0.0,
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
        max=latencies[-1] if latencies else float("nan"),
        svc_p99=percentile(service, 0.99),
        problems=[r.problem for r in results if r.problem][:3],
    )


def by_kind(results: list[Result], start: float) -> dict[str, Summary]:
    return {
        "command": summarise([r for r in results if r.kind == "command"], start),
        "event": summarise([r for r in results if r.kind == "event"], start),
        "all": summarise(results, start),
    }


# Subprocesses ---------------------------------------------------------------------------------


def child_env(**values: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "LANG": "C.UTF-8"}
    return env | values


class Child:
    """A subprocess whose output goes to a log file, stopped with SIGTERM."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path, logs: Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_for(self, predicate, timeout: float = 30) -> dict:
        """Return the first JSON line of the log for which `predicate(line)` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and predicate(entry):
                    return entry
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"bench: {self.name} did not start; its log:\n{self.log_path.read_text()}")

    def cpu_seconds(self, children: bool = True) -> float:
        """Return the CPU time (user + system) the process and, unless told not to, its
        children (siteloop's worker process) have used so far."""
        pids = [self.popen.pid, *(_children(self.popen.pid) if children else [])]
        return sum(_cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # it has ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_emulator(workdir: Path, args) -> tuple[Child, str, list[str]]:
    child = Child(
        "emulator",
        [
            sys.executable,
            "-m",
            "bench.ingest",
            "--role",
            "emulator",
            "--requests",
            str(args.requests),
            "--tasks",
            str(args.tasks),
            "--rate",
            str(args.rate),
        ],
        child_env(HOME=str(workdir)),
        REPO,
        workdir,
    )
    started = child.wait_for(lambda e: "api_url" in e)
    return child, started["api_url"], started["answer_urls"]


def start_siteloop(workdir: Path, api_url: str, database_url: str) -> tuple[Child, int]:
    env = child_env(
        HOME=str(workdir),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        SITELOOP_LOG_FORMAT="json",
    )
    # The working directory is the scratch folder, so no developer's .env is read.
    child = Child(
        "siteloop", [sys.executable, "-m", "bot", "serve", "--port", "0"], env, workdir, workdir
    )
    return child, int(child.wait_for(lambda e: e.get("message") == "listening")["port"])


def start_bare(workdir: Path, before_response: bool) -> tuple[Child, int]:
    role = "bare-pbr" if before_response else "bare"
    child = Child(
        role,
        [sys.executable, "-m", "bench.ingest", "--role", role],
        child_env(HOME=str(workdir)),
        REPO,
        workdir,
    )
    return child, int(child.wait_for(lambda e: "port" in e and "bare" in e)["port"])


def run_emulator(args) -> None:
    """(Subprocess) Serve the Slack emulator, holding the run's posts, until SIGTERM."""
    from bot.emulator import Message, SlackEmulator

    os.nice(10)  # EXPERIMENT

    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits=False)
    emulator.add_user(MANAGER, name="ann", real_name="Ann Tran", tz="Asia/Ho_Chi_Minh")
    for n, user in enumerate(CREW):
        emulator.add_user(
            user, name=f"crew{n:02d}", real_name=f"Crew Member {n}", tz="Asia/Ho_Chi_Minh"
        )
    emulator.add_channel(CHANNEL, name=CHANNEL_NAME, members=[MANAGER, *CREW], bot_is_member=True)
    emulator.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Where siteloop answers the setup and each /update of the load.
    urls = [emulator.response_urls.issue(CHANNEL, MANAGER) for _ in range(args.requests + 1)]
    answer_urls = [f"{emulator.server_root()}response/{url.id}" for url in urls]
    print(json.dumps({"api_url": emulator.api_url, "answer_urls": answer_urls}), flush=True)
    # The bench writes when the load starts (wall clock); the run's posts are then in Slack.
    start = float(sys.stdin.readline())
    for post in planned_posts(args.requests, args.tasks, start, args.rate):
        emulator.workspace.add_message(
            Message(ts=post.ts, channel=CHANNEL, user=post.user, text=post.text, team=TEAM_ID)
        )
    print(json.dumps({"posts": args.requests}), flush=True)
    # Then, asked, how many of the load's commands were answered at their response_url.
    if sys.stdin.readline():
        answered = {post.url_id for post in emulator.workspace.response_posts if post.status == 200}
        print(json.dumps({"answered": len(answered & {url.id for url in urls[1:]})}), flush=True)
    stop.wait()
    emulator.stop()


def run_bare(before_response: bool) -> None:
    """(Subprocess) A Bolt app that only acks, on waitress with 8 threads, until SIGTERM."""
    import logging

    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_bolt.authorization import AuthorizeResult
    from waitress import create_server

    logging.basicConfig(level=logging.WARNING)
    identity = AuthorizeResult(
        enterprise_id=None,
        team_id=TEAM_ID,
        bot_user_id=BOT_USER,
        bot_id=BOT_ID,
        bot_token=BOT_TOKEN,
    )
    app = App(
        signing_secret=SIGNING_SECRET,
        authorize=lambda **_: identity,
        token_verification_enabled=False,
        request_verification_enabled=True,
        # False is Bolt's default; True is how siteloop's app is configured.
        process_before_response=before_response,
    )

    @app.command("/update")
    def update(ack) -> None:
        ack()

    @app.event("message")
    def message() -> None:
        pass

    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    server = create_server(handler, host="127.0.0.1", port=0, threads=BARE_THREADS, ident="bare")
    print(json.dumps({"bare": True, "port": int(server.effective_port)}), flush=True)
    server.run()  # until SIGTERM ends the process


# Setting siteloop's site up -------------------------------------------------------------------


def post_command(port: int, user: str, command: str, text: str, answer_url: str) -> None:
    body = command_body(user, command, text, f"setup.{time.time_ns()}", answer_url)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request(
        "POST", EVENTS_PATH, body, signed_headers(body, "application/x-www-form-urlencoded")
    )
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"bench: {command} {text!r} answered HTTP {response.status}")


def wait_for_project(database: Path, timeout: float = 30.0) -> None:
    """Wait until `/siteloop setup` has been processed (it is answered as soon as it is stored)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        query = "SELECT count(*) FROM projects WHERE key = ?"
        with (
            contextlib.suppress(sqlite3.OperationalError),  # no database or tables yet
            contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db,
        ):
            if db.execute(query, (PROJECT,)).fetchone()[0]:
                return
        time.sleep(0.05)
    raise SystemExit(f"bench: /siteloop setup {PROJECT} was not recorded within {timeout:g} s")


def plan_tasks(database_url: str, count: int) -> None:
    """Put `count` tasks on TWR's plan, as a schedule import would."""
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.projects import find_project
    from storage.tasks import create_task

    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with session_scope(make_session_factory(engine)) as session:
        project = find_project(session, PROJECT)
        for n in range(count):
            create_task(session, project.id, f"Work package {n + 1}", now=now)
    engine.dispose()


def wait_for_inbox(database: Path, since: float, timeout: float = 120.0) -> float:
    """Wait until every accepted request is processed; return how long after `since` that was."""
    deadline = time.perf_counter() + timeout
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        while time.perf_counter() < deadline:
            (left,) = connection.execute(
                "SELECT count(*) FROM inbox WHERE done_at IS NULL"
            ).fetchone()
            if left == 0:
                return max(time.perf_counter() - since, 0.0)
            time.sleep(0.01)
    raise SystemExit(f"bench: {left} events still unprocessed {timeout:g} s after the load")


def count_updates(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT source, count(*), count(DISTINCT idempotency_key) FROM updates GROUP BY source"
        ).fetchall()
        total = connection.execute(
            "SELECT count(*), count(DISTINCT idempotency_key) FROM updates"
        ).fetchone()
    counts = {source: n for source, n, _ in rows}
    counts["total"], counts["distinct_keys"] = total
    return counts


# Profiling ------------------------------------------------------------------------------------


def start_profilers(pid: int, folder: Path) -> list[subprocess.Popen]:
    """Sample `pid` with py-spy twice over: every thread's stack (wall time) and only the
    thread holding the GIL (CPU time, the resource one Python process has one of)."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("bench: --profile needs py-spy (pip install py-spy); not profiling", file=sys.stderr)
        return []
    common = [exe, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--threads"]
    return [
        subprocess.Popen(
            [*common, *extra, "--nonblocking", "--output", str(folder / f"siteloop-{name}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, extra in (("wall", ["--idle"]), ("gil", ["--gil"]))
    ]


def _samples(path: Path):
    """Yield (thread group, frames, count) from a py-spy raw file."""
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        thread = frames[0].rsplit(": ", 1)[-1]
        yield thread.rstrip("0123456789").rstrip("-_") or thread, frames[1:], int(count)


def _where(frame: str) -> str:
    """Return a frame's file relative to its package root: `sqlalchemy/orm/session.py`."""
    where = frame.partition(" (")[2].rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/main/", "lib/python3.11/"):
        if marker in where:
            return where.split(marker, 1)[1]
    return where


def _package(frame: str) -> str:
    top = _where(frame).split("/", 1)[0]
    return top.removesuffix(".py")


def _function(frame: str) -> str:
    return f"{frame.partition(' (')[0]} ({_where(frame)})"


OURS = ("bot", "storage", "rules")


def report_profile(folder: Path, requests: int, top: int = 18) -> None:
    """Print where siteloop's CPU went (GIL samples) and how long requests waited on SQLite."""
    gil, wall = folder / "siteloop-gil.txt", folder / "siteloop-wall.txt"
    if not gil.exists() or not wall.exists():
        print(f"(no profile written to {folder})")
        return
    by_thread: collections.Counter[str] = collections.Counter()
    by_package: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for group, frames, n in _samples(gil):
        if not frames:
            continue
        total += n
        by_thread[group] += n
        by_package[_package(frames[-1])] += n
        for name in {_function(f) for f in frames if _package(f) in OURS}:
            inclusive[name] += n
    print(f"\nprofile of siteloop serve during the load (py-spy, 100 Hz, {folder}):")
    print(f"CPU (samples holding the GIL: {total}) by thread: " + _shares(by_thread, total))
    print("CPU by package of the running function: " + _shares(by_package, total, 10))
    print("CPU inclusive, siteloop functions:")
    for name, n in inclusive.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {name}")
    waits: collections.Counter[str] = collections.Counter()
    for group, frames, n in _samples(wall):
        if group not in ("waitress", "command", "outbox") or not frames:
            continue
        leaf = frames[-1].partition(" (")[0]
        if any("_on_begin" in f for f in frames) and "do_execute" in leaf:
            waits[f"{group}: waiting for SQLite's write lock (BEGIN IMMEDIATE)"] += n
        elif "do_commit" in leaf:
            waits[f"{group}: SQLite commit"] += n
    # Waitress threads run the event listeners (a command's waitress thread only waits for the
    # command pool); the outbox thread works for every post.
    per = {"command": ("/update", requests // 2), "waitress": ("post", requests // 2)}
    print("wall time in SQLite waits (thread-seconds):")
    for label, n in waits.most_common():
        kind, count = per.get(label.split(":")[0], ("request", requests))
        print(f"  {n / 100:6.1f} s  {label}  ({1000 * n / 100 / count:.1f} ms per {kind})")


def _shares(counter: collections.Counter[str], total: int, top: int = 6) -> str:
    return ", ".join(
        f"{name} {100 * n / max(total, 1):.0f}%" for name, n in counter.most_common(top)
    )


# The run --------------------------------------------------------------------------------------


def timed_drive(
    child: Child, port: int, plan: list[Request], args, start: float
) -> tuple[list[Result], float, float]:
    """Drive the load; return the results, the start and the server's CPU ms per request."""
    cpu = child.cpu_seconds()
    results = drive(port, plan, args.rate, args.concurrency, start)
    return results, start, (child.cpu_seconds() - cpu) * 1000 / len(plan)


def run_siteloop_target(args, workdir: Path) -> tuple[list[Result], float, float, dict[str, int]]:
    database = workdir / "siteloop.db"
    database_url = f"sqlite:///{database}"
    emulator, api_url, answer_urls = start_emulator(workdir, args)
    siteloop = None
    profilers: list[subprocess.Popen] = []
    try:
        siteloop, port = start_siteloop(workdir, api_url, database_url)
        post_command(port, MANAGER, "/siteloop", f"setup {PROJECT} Tower A", answer_urls[0])
        wait_for_project(database)
        plan_tasks(database_url, args.tasks)
        warm_up(port, [*CREW, MANAGER], chatter)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            profilers = start_profilers(siteloop.popen.pid, args.profile)
        start, start_wall = schedule()
        emulator.popen.stdin.write(f"{start_wall!r}\n".encode())
        emulator.popen.stdin.flush()
        emulator.wait_for(lambda e: "posts" in e)
        plan = build_load(args.requests, args.tasks, start_wall, args.rate, "S", answer_urls[1:])
        cpu, front_cpu = siteloop.cpu_seconds(), siteloop.cpu_seconds(children=False)
        results = drive(port, plan, args.rate, args.concurrency, start)
        # Events are answered once stored; their reports are recorded right after, by the inbox's
        # worker. The check below waits for it, and the CPU figure includes its work.
        lag = wait_for_inbox(Path(f"{database}-inbox"), since=max(r.done for r in results))
        cpu_ms = (siteloop.cpu_seconds() - cpu) * 1000 / len(plan)
        front_ms = (siteloop.cpu_seconds(children=False) - front_cpu) * 1000 / len(plan)
        for profiler in profilers:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
        emulator.popen.stdin.write(b"answers\n")
        emulator.popen.stdin.flush()
        answered = emulator.wait_for(lambda e: "answered" in e)["answered"]
        counts = count_updates(database) | {
            "lag_ms": round(lag * 1000),
            "answered": answered,
            "front_cpu_ms": front_ms,
        }
    finally:
        if siteloop is not None:
            siteloop.stop()
        emulator.stop()
    if profilers:
        report_profile(args.profile, 2 * args.requests)
        print("(latencies of a profiled run are perturbed by the sampling; judge them without it)")
    return results, start, cpu_ms, counts


def run_bare_target(
    args, workdir: Path, before_response: bool
) -> tuple[list[Result], float, float]:
    bare, port = start_bare(workdir, before_response)
    try:
        warm_up(port, [*CREW, MANAGER], chatter)
        start, start_wall = schedule()
        tag = "P" if before_response else "B"
        plan = build_load(args.requests, args.tasks, start_wall, args.rate, tag)
        run = timed_drive(bare, port, plan, args, start)
    finally:
        bare.stop()
    return run


def machine_facts() -> str:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("slack_bolt", "waitress", "SQLAlchemy")
    )
    return (
        f"machine: {usable} usable cores ({cores} online), "
        f"{platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {versions}; "
        f"{load_average()}"
    )


def load_average(before: bool = True) -> str:
    """Say how busy the machine is: other processes on 2 cores move every figure."""
    one, five, _ = os.getloadavg()
    busy = before and one >= 0.5
    note = " (busy: other processes compete with the benchmark)" if busy else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){note}"


def print_table(rows: list[tuple[str, str, Summary]]) -> None:
    header = (
        f"{'target':<10} {'kind':<8} {'count':>6} {'errors':>6} {'req/s':>7} "
        f"{'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'svc p99':>8}"
    )
    print(header)
    print("-" * len(header))
    for target, kind, s in rows:
        print(
            f"{target:<10} {kind:<8} {s.count:>6} {s.errors:>6} {s.throughput:>7.1f} "
            f"{s.p50:>7.1f} {s.p95:>7.1f} {s.p99:>7.1f} {s.max:>7.1f} {s.svc_p99:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--requests", type=int, default=2000, help="N per kind (default 2000)")
    parser.add_argument("--rate", type=float, default=100.0, help="total requests/s (default 100)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections (default 16)")
    parser.add_argument("--tasks", type=int, default=300, help="tasks on the plan (default 300)")
    parser.add_argument("--profile", type=Path, help="py-spy siteloop during the load, into DIR")
    parser.add_argument("--role", choices=("emulator", "bare", "bare-pbr"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "emulator":
        run_emulator(args)
        return 0
    if args.role in ("bare", "bare-pbr"):
        run_bare(before_response=args.role == "bare-pbr")
        return 0

    print(machine_facts())
    print(
        f"load: {args.requests} /update commands + {args.requests} channel posts, interleaved, "
        f"open loop at {args.rate:g} requests/s over {args.concurrency} keep-alive connections; "
        f"{args.tasks} tasks, {len(CREW)} people"
    )
    print(
        "latency (ms): scheduled send → answer read, so queueing behind a slow server counts; "
        "svc p99: actual send → answer read"
    )
    with tempfile.TemporaryDirectory(prefix="siteloop-bench-") as scratch:
        workdir = Path(scratch)
        print("running siteloop serve (SQLite) …", file=sys.stderr, flush=True)
        site_results, site_start, site_cpu, counts = run_siteloop_target(args, workdir)
        print("running bare Bolt (default) …", file=sys.stderr, flush=True)
        bare_results, bare_start, bare_cpu = run_bare_target(args, workdir, False)
        print("running bare Bolt (process_before_response) …", file=sys.stderr, flush=True)
        pbr_results, pbr_start, pbr_cpu = run_bare_target(args, workdir, True)
    site = by_kind(site_results, site_start)
    bare = by_kind(bare_results, bare_start)
    pbr = by_kind(pbr_results, pbr_start)

    print()
    print_table(
        [("siteloop", kind, s) for kind, s in site.items()]
        + [("bare", kind, s) for kind, s in bare.items()]
        + [("bare pbr", kind, s) for kind, s in pbr.items()]
    )
    for name, summary in (
        ("siteloop", site["all"]),
        ("bare", bare["all"]),
        ("bare pbr", pbr["all"]),
    ):
        for problem in summary.problems:
            print(f"  {name} error: {problem}")
    print(
        "server CPU per request: "
        + ", ".join(
            f"{name} {ms:.1f} ms ({ms * args.rate / 10:.0f}% of a core at {args.rate:g}/s)"
            for name, ms in (("siteloop", site_cpu), ("bare", bare_cpu), ("bare pbr", pbr_cpu))
        )
    )
    front_ms = counts["front_cpu_ms"]
    print(
        f"siteloop's CPU per request by process: front (answers Slack) {front_ms:.1f} ms, "
        f"worker (does the work) {site_cpu - front_ms:.1f} ms"
    )
    if deferred := sum(r.deferred for r in site_results):
        print(
            f"  siteloop: {deferred} /update acks were the 'Recording…' answer siteloop gives "
            "when its work is not done in time (the real answer follows by response_url)"
        )
    ratios = {kind: site[kind].p99 / bare[kind].p99 for kind in site}
    print(
        "ratio siteloop p99 / bare p99 (the target's baseline): "
        + ", ".join(f"{kind} {ratio:.2f}×" for kind, ratio in ratios.items())
    )
    print(
        "ratio siteloop p99 / bare pbr p99 (same Bolt configuration as siteloop): "
        + ", ".join(f"{kind} {site[kind].p99 / pbr[kind].p99:.2f}×" for kind in site)
    )

    n = args.requests
    count_ok = (
        counts.get("command") == n
        and counts.get("message") == n
        and counts["total"] == counts["distinct_keys"] == 2 * n
    )
    print(
        f"database: {counts['total']} updates ({counts.get('command', 0)} from /update, "
        f"{counts.get('message', 0)} from channel posts), {counts['distinct_keys']} distinct keys; "
        f"expected {2 * n}, {n} of each: {'OK' if count_ok else 'MISMATCH'}"
    )
    print(
        f"processed: the last report was recorded {counts['lag_ms']} ms after the last answer; "
        f"{counts['answered']} of {n} /update commands answered at their response_url"
    )
    worst = max(site.values(), key=lambda s: s.p99)
    checks = [
        (
            f"siteloop p99 < {P99_LIMIT_MS:g} ms at {args.rate:g} requests/s",
            all(s.p99 < P99_LIMIT_MS for s in site.values()),
            f"worst p99 {worst.p99:.1f} ms",
        ),
        (
            f"siteloop p99 ≤ {RATIO_LIMIT:g}× bare Bolt's",
            all(ratio <= RATIO_LIMIT for ratio in ratios.values()),
            f"worst ratio {max(ratios.values()):.2f}×",
        ),
        (
            "no errors",
            all(s.errors == 0 for s in (*site.values(), *bare.values(), *pbr.values())),
            f"{site['all'].errors} siteloop, {bare['all'].errors} bare, "
            f"{pbr['all'].errors} bare pbr",
        ),
        ("every report stored once", count_ok, f"{counts['total']} of {2 * n}"),
        ("every command answered", counts["answered"] == n, f"{counts['answered']} of {n}"),
    ]
    print(f"after the run (the benchmark's own load included): {load_average(before=False)}")
    for label, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {label} ({detail})")
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
